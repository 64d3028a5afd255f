"""Randomly mutated batches never get a 500 and never half-apply: a bounded, seeded fuzz run."""

from __future__ import annotations

import copy
import os
import random
import uuid

from sqlalchemy import func, select

from nwrc_registry.models import AppliedChange

from .registry_helpers import credential_payload, enrol_site, learner_payload, post_batch, score_payload

ROUNDS = 150
# Another seed explores other mutations: NWRC_FUZZ_SEED=N pytest tests/registry/test_fuzz.py
SEED = int(os.environ.get("NWRC_FUZZ_SEED", "20261204"))
ODD_VALUES = [
    None,
    "",
    " ",
    "x" * 5000,
    "\x00",
    "\u202e\ufeff",
    "2026-13-45",
    "9999-12-31",
    -1,
    0,
    2**31,
    2**64,
    1.5,
    1e308,
    True,
    [],
    {},
    [1, "a"],
    {"nested": {"deeper": [None]}},
    str(uuid.uuid4()),
    "Work Ready Math",
]


def mutate(rng: random.Random, value):  # noqa: ANN001, ANN201
    """Replace, drop or add one field somewhere inside `value` (a dict)."""
    target = value
    path = []
    while True:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            break
        key = rng.choice(keys)
        if isinstance(target[key], dict | list) and target[key] and rng.random() < 0.5:
            path.append(key)
            target = target[key]
            continue
        action = rng.random()
        if action < 0.7:
            target[key] = rng.choice(ODD_VALUES)
        elif action < 0.85 and isinstance(target, dict):
            del target[key]
        elif isinstance(target, dict):
            target[f"extra_{rng.randint(0, 9)}"] = rng.choice(ODD_VALUES)
        break
    return value


def test_mutated_batches_never_fail_the_server(client, app):
    site = enrol_site(client, app, "FZ01")
    rng = random.Random(SEED)
    learner = learner_payload()
    post_batch(client, site, [site.change("learner.registered", learner)])
    templates = [
        site.change("learner.registered", learner_payload()),
        site.change("learner.updated", learner),
        site.change("score.recorded", score_payload(learner["learner_id"])),
        site.change("credential.issued", credential_payload(site, learner["learner_id"], "FZ01-1")),
        site.change(
            "score.voided",
            {
                "score_id": str(uuid.uuid4()),
                "voids_score_id": str(uuid.uuid4()),
                "learner_id": learner["learner_id"],
                "reason": "x",
            },
        ),
    ]

    statuses = []
    for _ in range(ROUNDS):
        changes = [copy.deepcopy(rng.choice(templates)) for _ in range(rng.randint(1, 4))]
        for change in changes:
            change["change_id"] = str(uuid.uuid4())
        victim = rng.choice(changes)
        mutate(rng, victim if rng.random() < 0.3 else victim["payload"])
        with app.state.database.session() as session:
            applied_before = session.scalar(select(func.count()).select_from(AppliedChange))

        response = post_batch(client, site, changes)

        statuses.append(response.status_code)
        assert response.status_code < 500, (changes, response.text)
        with app.state.database.session() as session:
            applied_after = session.scalar(select(func.count()).select_from(AppliedChange))
        if response.status_code == 200:
            results = response.json()["results"]
            assert len(results) == len(changes)
            assert applied_after - applied_before == sum(item["result"] == "accepted" for item in results)
        else:
            assert applied_after == applied_before, "a refused batch must apply nothing"
    assert 200 in statuses
    assert 422 in statuses
