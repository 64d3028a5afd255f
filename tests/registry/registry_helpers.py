"""Sites, signed credentials and change payloads for the registry tests."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from itertools import count

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nwrc_registry import admin

_seq = count(1)


@dataclass
class EnrolledSite:
    code: str
    token: str
    private_key: Ed25519PrivateKey
    site_id: str
    headers: dict[str, str] = field(default_factory=dict)

    def change(self, kind: str, payload: dict, *, entity_id: str | None = None) -> dict:
        """Return one change envelope as the desktop would send it."""
        return {
            "change_id": str(uuid.uuid4()),
            "seq": next(_seq),
            "kind": kind,
            "entity_id": entity_id or str(next(iter(payload.values()))),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "actor": "tester",
            "payload": payload,
        }

    def sign(self, text: str) -> str:
        return base64.b64encode(self.private_key.sign(text.encode())).decode()


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def enrol_site(client, app, code: str, name: str = "Test site") -> EnrolledSite:
    """Add the site in the registry database, enrol it over HTTP and return its token and key."""
    with app.state.database.session() as session:
        new_site = admin.add_site(session, code, name)
    private_key = Ed25519PrivateKey.generate()
    response = client.post(
        "/api/v1/enrol",
        json={
            "site_code": code,
            "enrolment_code": new_site.enrolment_code,
            "public_key": public_key_text(private_key),
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    return EnrolledSite(code, token, private_key, new_site.site_id, {"Authorization": f"Bearer {token}"})


def learner_payload(**overrides) -> dict:
    payload = {
        "learner_id": str(uuid.uuid4()),
        "learner_number": "L-000001",
        "external_id": None,
        "first_name": "Ana",
        "middle_name": "",
        "last_name": "Reyes",
        "preferred_name": None,
        "date_of_birth": "1990-04-01",
        "email": "ana@example.org",
        "phone": None,
    }
    payload.update(overrides)
    return payload


def score_payload(learner_id: str, **overrides) -> dict:
    payload = {
        "score_id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "assessment": "Work Ready Math",
        "level": 4,
        "passed": None,
        "scale_score": 78,
        "form": "A",
        "tested_on": "2026-11-30",
        "session_id": None,
        "proctor": "proctor1",
        "supersedes_id": None,
        "reason": None,
    }
    payload.update(overrides)
    return payload


def credential_payload(site: EnrolledSite, learner_id: str, number: str, **overrides) -> dict:
    """Return a credential.issued payload whose certificate payload is signed with the site's key."""
    signed = json.dumps(
        {
            "certificate_number": number,
            "site_code": site.code,
            "learner_name": "Ana Reyes",
            "credential": "Academic Skills",
            "level": 4,
            "issued_on": "2026-12-01",
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    payload = {
        "credential_id": str(uuid.uuid4()),
        "learner_id": learner_id,
        "credential_type": "academic",
        "level": 4,
        "issued_on": "2026-12-01",
        "certificate_number": number,
        "verification_code": "ABCD-1234",
        "payload": signed,
        "signature": site.sign(signed),
        "supersedes_id": None,
    }
    payload.update(overrides)
    return payload


def post_batch(client, site: EnrolledSite, changes: list[dict]):
    return client.post("/api/v1/changes", json={"changes": changes}, headers=site.headers)


def results_by_id(response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    return {item["change_id"]: item for item in response.json()["results"]}
