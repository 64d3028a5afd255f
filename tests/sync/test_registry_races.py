"""The same batch sent by several connections at once is applied once; the others get "duplicate"."""

from __future__ import annotations

import base64
import datetime as dt
import threading
import uuid
from collections import Counter

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROUNDS = 5
CONNECTIONS = 4
CHANGES_PER_BATCH = 100


def enrol(registry) -> dict[str, str]:
    code = registry.add_site("RC01", "Race Center")
    public_key = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    body = {"site_code": "RC01", "enrolment_code": code, "public_key": base64.b64encode(public_key).decode()}
    response = httpx.post(f"{registry.url}/api/v1/enrol", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def learner_batch(round_number: int) -> dict:
    changes = []
    for index in range(CHANGES_PER_BATCH):
        learner_id = str(uuid.uuid4())
        changes.append(
            {
                "change_id": str(uuid.uuid4()),
                "seq": round_number * CHANGES_PER_BATCH + index + 1,
                "kind": "learner.registered",
                "entity_id": learner_id,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "payload": {
                    "learner_id": learner_id,
                    "learner_number": f"RC01-{index:06d}",
                    "last_name": "Race",
                    "date_of_birth": "1990-01-01",
                },
            }
        )
    return {"changes": changes}


@pytest.fixture(params=["postgresql", "sqlite"])
def any_registry(request):
    return request.getfixturevalue("registry" if request.param == "postgresql" else "sqlite_registry")


def test_concurrent_copies_of_a_batch(any_registry):
    registry = any_registry
    headers = enrol(registry)
    for round_number in range(ROUNDS):
        batch = learner_batch(round_number)
        responses: list[httpx.Response] = []
        barrier = threading.Barrier(CONNECTIONS)

        def send(batch=batch, barrier=barrier, responses=responses) -> None:
            barrier.wait(timeout=30)
            responses.append(httpx.post(f"{registry.url}/api/v1/changes", json=batch, headers=headers, timeout=60))

        threads = [threading.Thread(target=send) for _ in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert [response.status_code for response in responses] == [200] * CONNECTIONS
        accepted = Counter()
        for response in responses:
            for item in response.json()["results"]:
                assert item["result"] in ("accepted", "duplicate"), item
                accepted[item["change_id"]] += item["result"] == "accepted"
        assert set(accepted.values()) == {1}, "every change is accepted by exactly one of the requests"

    stats = registry.stats()["sites"]["RC01"]
    assert stats["learners"] == ROUNDS * CHANGES_PER_BATCH
    assert stats["applied_changes"] == ROUNDS * CHANGES_PER_BATCH
