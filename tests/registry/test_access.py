"""Enrolment, tokens, request limits and the pull direction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, update

from nwrc_registry import admin
from nwrc_registry.auth import MAX_FAILED_ENROLMENTS
from nwrc_registry.models import AppliedChange, Learner, SiteToken
from nwrc_registry.schemas import MAX_BATCH_BYTES, MAX_BATCH_CHANGES

from .registry_helpers import enrol_site, learner_payload, post_batch, public_key_text


def add_site(app, code: str):
    with app.state.database.session() as session:
        return admin.add_site(session, code, "Site " + code)


def enrol_body(code: str, enrolment_code: str) -> dict:
    return {
        "site_code": code,
        "enrolment_code": enrolment_code,
        "public_key": public_key_text(Ed25519PrivateKey.generate()),
    }


def test_enrolment_code_works_once(client, app):
    site = add_site(app, "BA01")
    first = client.post("/api/v1/enrol", json=enrol_body("ba01", site.enrolment_code.lower()))
    assert first.status_code == 200
    assert first.json()["site_code"] == "BA01"
    again = client.post("/api/v1/enrol", json=enrol_body("BA01", site.enrolment_code))
    assert again.status_code == 401


def test_enrolment_failures_look_alike(client, app):
    site = add_site(app, "BA02")
    wrong_code = client.post("/api/v1/enrol", json=enrol_body("BA02", "AAAA-BBBB-CCCC-DDDD"))
    unknown_site = client.post("/api/v1/enrol", json=enrol_body("NOPE", site.enrolment_code))
    assert wrong_code.status_code == 401
    assert unknown_site.status_code == 401
    assert wrong_code.json() == unknown_site.json()


def test_enrolment_code_dies_after_failed_attempts(client, app):
    site = add_site(app, "BA03")
    for _ in range(MAX_FAILED_ENROLMENTS):
        client.post("/api/v1/enrol", json=enrol_body("BA03", "AAAA-BBBB-CCCC-DDDD"))
    response = client.post("/api/v1/enrol", json=enrol_body("BA03", site.enrolment_code))
    assert response.status_code == 401


def test_enrolment_rejects_invalid_public_key(client, app):
    site = add_site(app, "BA04")
    body = {**enrol_body("BA04", site.enrolment_code), "public_key": "c2hvcnQ="}
    response = client.post("/api/v1/enrol", json=body)
    assert response.status_code == 422
    assert "32 bytes" in response.text


def test_re_enrolment_revokes_earlier_token(client, app):
    site = enrol_site(client, app, "BA05")
    with app.state.database.session() as session:
        code = admin.new_enrolment_code(session, "BA05")
    response = client.post("/api/v1/enrol", json=enrol_body("BA05", code))
    assert response.status_code == 200
    assert client.get("/api/v1/pull", headers=site.headers).status_code == 401
    new_headers = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.get("/api/v1/pull", headers=new_headers).status_code == 200


@pytest.mark.parametrize("problem", ["missing", "wrong", "revoked", "expired", "not bearer"])
def test_bad_tokens_are_refused_alike(client, app, problem):
    site = enrol_site(client, app, "BB01")
    headers = {"Authorization": f"Bearer {site.token}"}
    if problem == "missing":
        headers = {}
    elif problem == "wrong":
        headers = {"Authorization": "Bearer " + "x" * 43}
    elif problem == "not bearer":
        headers = {"Authorization": f"Basic {site.token}"}
    elif problem == "revoked":
        with app.state.database.session() as session:
            admin.revoke_site_tokens(session, "BB01")
    elif problem == "expired":
        with app.state.database.session() as session:
            past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            session.execute(update(SiteToken).values(expires_at=past))

    change = site.change("learner.registered", learner_payload())
    responses = [
        client.post("/api/v1/changes", json={"changes": [change]}, headers=headers),
        client.get("/api/v1/pull", headers=headers),
        client.get("/api/v1/learners", params={"external_id": "X"}, headers=headers),
    ]
    for response in responses:
        assert response.status_code == 401
        assert response.json() == {"detail": "missing, invalid, revoked or expired token"}
    with app.state.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Learner)) == 0


def test_batch_over_count_limit_is_refused_whole(client, app):
    site = enrol_site(client, app, "BC01")
    changes = [site.change("learner.registered", learner_payload()) for _ in range(MAX_BATCH_CHANGES + 1)]
    response = post_batch(client, site, changes)
    assert response.status_code == 422
    assert "at most 500" in response.text
    with app.state.database.session() as session:
        assert session.scalar(select(func.count()).select_from(AppliedChange)) == 0


def test_batch_over_byte_limit_is_refused_whole(client, app):
    site = enrol_site(client, app, "BC02")
    padding = "x" * (MAX_BATCH_BYTES // 4)
    changes = [site.change("learner.registered", learner_payload(notes=padding)) for _ in range(5)]
    response = post_batch(client, site, changes)
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]


def test_batch_body_larger_than_declared_is_refused(client, app):
    site = enrol_site(client, app, "BC03")

    def chunks():
        yield b'{"changes": ['
        for _ in range(MAX_BATCH_BYTES // 1000 + 10):
            yield b" " * 1000
        yield b"]}"

    response = client.post(
        "/api/v1/changes", content=chunks(), headers={**site.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"changes": []}',
        b'{"changes": [{"change_id": "not-a-uuid", "seq": 1, "kind": "x", "entity_id": "e",'
        b' "created_at": "2026-01-01T00:00:00Z", "payload": {}}]}',
        b'{"changes": [{"change_id": "6f1c1f9c-8a4e-4c1e-9a55-0c5d8f1f7a10", "seq": 1, "kind": "x",'
        b' "entity_id": "e", "created_at": "2026-01-01T00:00:00", "payload": {}}]}',
    ],
)
def test_malformed_batch_gets_422(client, app, body):
    site = enrol_site(client, app, "BD01")
    response = client.post(
        "/api/v1/changes", content=body, headers={**site.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]


def test_pull_returns_settings_and_revocations_after_cursor(client, app):
    site = enrol_site(client, app, "BE01")
    other = enrol_site(client, app, "BE02")
    with app.state.database.session() as session:
        admin.set_site_settings(session, "BE01", {"sync_interval_minutes": 15})
        admin.revoke_certificate(session, "BE01-1", "issued in error", site_code="BE01")
        admin.revoke_certificate(session, "BE01-2", "fraud", site_code="BE01")
        admin.revoke_certificate(session, "BE02-1", "fraud", site_code="BE02")

    first = client.get("/api/v1/pull", params={"limit": 1}, headers=site.headers).json()
    assert first["settings"] == {"sync_interval_minutes": 15}
    assert [item["certificate_number"] for item in first["revocations"]] == ["BE01-1"]
    assert first["more"] is True

    second = client.get("/api/v1/pull", params={"since": first["next_cursor"]}, headers=site.headers).json()
    assert [item["certificate_number"] for item in second["revocations"]] == ["BE01-2"]
    assert second["more"] is False

    third = client.get("/api/v1/pull", params={"since": second["next_cursor"]}, headers=site.headers).json()
    assert third["revocations"] == []
    assert third["next_cursor"] == second["next_cursor"]

    others = client.get("/api/v1/pull", headers=other.headers).json()
    assert [item["certificate_number"] for item in others["revocations"]] == ["BE02-1"]


def test_learner_look_up_from_another_site(client, app):
    home = enrol_site(client, app, "BF01")
    visited = enrol_site(client, app, "BF02")
    learner = learner_payload(external_id="TX-998877", first_name="Ana", last_name="Reyes")
    post_batch(client, home, [home.change("learner.registered", learner)])

    by_id = client.get("/api/v1/learners", params={"external_id": "TX-998877"}, headers=visited.headers)
    assert by_id.status_code == 200
    matches = by_id.json()["learners"]
    assert [match["learner_id"] for match in matches] == [learner["learner_id"]]
    assert matches[0]["site_code"] == "BF01"

    by_name = client.get(
        "/api/v1/learners",
        params={"first_name": " ana ", "last_name": "REYES", "date_of_birth": "1990-04-01"},
        headers=visited.headers,
    )
    assert [match["learner_id"] for match in by_name.json()["learners"]] == [learner["learner_id"]]

    wrong_birthday = client.get(
        "/api/v1/learners",
        params={"last_name": "Reyes", "date_of_birth": "1990-04-02"},
        headers=visited.headers,
    )
    assert wrong_birthday.json()["learners"] == []

    no_criterion = client.get("/api/v1/learners", params={"last_name": "Reyes"}, headers=visited.headers)
    assert no_criterion.status_code == 400


def test_health_needs_no_token(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert json.loads(response.text)["schema_revision"]
