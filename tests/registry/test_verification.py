"""The public verification page: from the signature before sync, from the record after, and revocations."""

from __future__ import annotations

import base64

from nwrc_registry import admin

from .registry_helpers import credential_payload, enrol_site, learner_payload, post_batch


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def qr_params(site, number: str) -> tuple[dict, dict]:
    """Return the credential payload and the d/s query of its certificate's QR code."""
    payload = credential_payload(site, "00000000-0000-4000-8000-000000000000", number)
    signature = base64.b64decode(payload["signature"])
    return payload, {"d": b64url(payload["payload"].encode()), "s": b64url(signature)}


def test_signature_verifies_before_sync(client, app):
    site = enrol_site(client, app, "CA01")
    _, params = qr_params(site, "CA01-000001-K")
    response = client.get("/verify/CA01-000001-K", params={**params, "format": "json"})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "valid"
    assert body["signature_checked"] is True
    assert body["synced"] is False
    assert body["site_code"] == "CA01"
    assert body["certificate"]["learner_name"] == "Ana Reyes"


def test_signature_found_without_site_hint(client, app):
    enrol_site(client, app, "CA02")
    site = enrol_site(client, app, "CA03")
    _, params = qr_params(site, "ZZ-77")
    response = client.get("/verify/ZZ-77", params=params, headers={"Accept": "application/json"})
    assert response.json()["verdict"] == "valid"
    assert response.json()["site_code"] == "CA03"


def test_tampered_payload_is_invalid(client, app):
    site = enrol_site(client, app, "CB01")
    payload, params = qr_params(site, "CB01-1")
    tampered = payload["payload"].replace('"level":4', '"level":5')
    response = client.get("/verify/CB01-1", params={**params, "d": b64url(tampered.encode()), "format": "json"})
    assert response.json()["verdict"] == "invalid"
    assert response.json()["signature_checked"] is False


def test_payload_for_another_number_is_invalid(client, app):
    site = enrol_site(client, app, "CB02")
    _, params = qr_params(site, "CB02-1")
    response = client.get("/verify/CB02-2", params={**params, "format": "json"})
    assert response.json()["verdict"] == "invalid"


def test_malformed_query_is_400(client, app):
    response = client.get("/verify/CB03-1", params={"d": "***", "s": "abc", "format": "json"})
    assert response.status_code == 400
    assert response.json()["verdict"] == "invalid"


def test_revocation_shows_before_and_after_sync(client, app):
    site = enrol_site(client, app, "CC01")
    _, params = qr_params(site, "CC01-1")
    with app.state.database.session() as session:
        admin.revoke_certificate(session, "CC01-1", "scores were voided", site_code="CC01")

    signed = client.get("/verify/CC01-1", params={**params, "format": "json"}).json()
    assert signed["verdict"] == "revoked"
    assert signed["reason"] == "scores were voided"
    record = client.get("/verify/CC01-1", params={"format": "json"}).json()
    assert record["verdict"] == "revoked"

    learner = learner_payload()
    credential = credential_payload(site, learner["learner_id"], "CC01-1")
    changes = [site.change("learner.registered", learner), site.change("credential.issued", credential)]
    assert [item["result"] for item in post_batch(client, site, changes).json()["results"]] == ["accepted"] * 2
    synced = client.get("/verify/CC01-1", params={"format": "json"}).json()
    assert synced["verdict"] == "revoked"
    assert synced["synced"] is True
    pulled = client.get("/api/v1/pull", headers=site.headers).json()
    assert pulled["revocations"][0]["credential_id"] == credential["credential_id"]


def test_synced_certificate_without_signature(client, app):
    site = enrol_site(client, app, "CD01")
    learner = learner_payload(preferred_name="Annie")
    changes = [
        site.change("learner.registered", learner),
        site.change("credential.issued", credential_payload(site, learner["learner_id"], "CD01-9")),
    ]
    post_batch(client, site, changes)

    by_number = client.get("/verify/CD01-9", headers={"Accept": "application/json"}).json()
    assert by_number["verdict"] == "valid"
    assert by_number["synced"] is True
    assert "learner_name" not in by_number["certificate"]

    with_code = client.get("/verify/CD01-9", params={"code": "abcd 1234", "format": "json"}).json()
    assert with_code["verdict"] == "valid"
    assert with_code["certificate"]["learner_name"] == "Annie Reyes"

    wrong_code = client.get("/verify/CD01-9", params={"code": "ZZZZ-9999", "format": "json"}).json()
    assert wrong_code["verdict"] == "invalid"
    assert wrong_code["certificate"] is None


def test_unknown_certificate_is_404(client):
    response = client.get("/verify/NOPE-1", params={"format": "json"})
    assert response.status_code == 404
    assert response.json()["verdict"] == "unknown"


def test_browser_gets_escaped_html(client, app):
    site = enrol_site(client, app, "CE01")
    _, params = qr_params(site, "CE01-1")
    response = client.get("/verify/CE01-1", params=params, headers={"Accept": "text/html,*/*"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Valid</h1>" in response.text
    assert "Ana Reyes" in response.text

    hostile = client.get("/verify/<script>alert(1)</script>")
    assert "<script>alert" not in hostile.text
