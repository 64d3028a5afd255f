"""Batches of changes: results per change, idempotency, ownership between sites, validation."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from nwrc_registry import admin
from nwrc_registry.models import AppliedChange, Credential, Learner, RejectedChange, Score

from .registry_helpers import (
    credential_payload,
    enrol_site,
    learner_payload,
    post_batch,
    results_by_id,
    score_payload,
)


def count_rows(app, model) -> int:
    with app.state.database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_batch_accepts_and_then_answers_duplicate(client, app):
    site = enrol_site(client, app, "AA01")
    learner = learner_payload()
    changes = [
        site.change("learner.registered", learner),
        site.change("score.recorded", score_payload(learner["learner_id"])),
    ]

    first = post_batch(client, site, changes)
    assert [item["result"] for item in first.json()["results"]] == ["accepted", "accepted"]
    assert "registry_time" in first.json()
    assert first.headers["x-registry-time"]

    again = post_batch(client, site, changes)
    assert [item["result"] for item in again.json()["results"]] == ["duplicate", "duplicate"]
    assert count_rows(app, Learner) == 1
    assert count_rows(app, Score) == 1
    assert count_rows(app, AppliedChange) == 2


def test_batch_rejects_one_change_and_keeps_the_rest(client, app):
    site = enrol_site(client, app, "AA02")
    learner = learner_payload()
    good = site.change("learner.registered", learner)
    unknown_kind = site.change("learner.teleported", {"learner_id": learner["learner_id"]})
    bad_level = site.change("score.recorded", score_payload(learner["learner_id"], level=9))
    missing_level = site.change("score.recorded", score_payload(learner["learner_id"], level=None))
    unknown_learner = site.change("score.recorded", score_payload(str(uuid.uuid4())))
    after = site.change("score.recorded", score_payload(learner["learner_id"]))

    response = post_batch(client, site, [good, unknown_kind, bad_level, missing_level, unknown_learner, after])
    results = results_by_id(response)

    assert results[good["change_id"]]["result"] == "accepted"
    assert results[after["change_id"]]["result"] == "accepted"
    assert results[unknown_kind["change_id"]]["result"] == "rejected"
    assert "unknown change kind" in results[unknown_kind["change_id"]]["reason"]
    assert "level" in results[bad_level["change_id"]]["reason"]
    assert "level is missing" in results[missing_level["change_id"]]["reason"]
    assert "not known to the registry" in results[unknown_learner["change_id"]]["reason"]
    assert count_rows(app, Score) == 1
    assert count_rows(app, RejectedChange) == 4


def test_rejected_change_can_be_sent_again(client, app):
    site = enrol_site(client, app, "AA03")
    learner = learner_payload()
    score = site.change("score.recorded", score_payload(learner["learner_id"]))
    first = results_by_id(post_batch(client, site, [score]))
    assert first[score["change_id"]]["result"] == "rejected"

    post_batch(client, site, [site.change("learner.registered", learner)])
    second = results_by_id(post_batch(client, site, [score]))
    assert second[score["change_id"]]["result"] == "accepted"


def test_second_site_cannot_write_first_sites_learner(client, app):
    first = enrol_site(client, app, "AB01")
    second = enrol_site(client, app, "AB02")
    learner = learner_payload()
    post_batch(client, first, [first.change("learner.registered", learner)])

    update = second.change("learner.updated", {**learner, "last_name": "Hijacked"})
    register = second.change("learner.registered", learner)
    results = results_by_id(post_batch(client, second, [update, register]))

    assert results[update["change_id"]]["result"] == "rejected"
    assert "belongs to another site" in results[update["change_id"]]["reason"]
    assert results[register["change_id"]]["result"] == "rejected"
    with app.state.database.session() as session:
        assert session.get(Learner, learner["learner_id"]).last_name == "Reyes"


def test_other_site_scores_but_cannot_correct(client, app):
    first = enrol_site(client, app, "AC01")
    second = enrol_site(client, app, "AC02")
    learner = learner_payload()
    score = score_payload(learner["learner_id"])
    post_batch(client, first, [first.change("learner.registered", learner), first.change("score.recorded", score)])

    retake = second.change("score.recorded", score_payload(learner["learner_id"], level=5))
    correction = second.change(
        "score.recorded", score_payload(learner["learner_id"], supersedes_id=score["score_id"], reason="typo")
    )
    void = second.change(
        "score.voided",
        {
            "score_id": str(uuid.uuid4()),
            "voids_score_id": score["score_id"],
            "learner_id": learner["learner_id"],
            "reason": "x",
        },
    )
    results = results_by_id(post_batch(client, second, [retake, correction, void]))

    assert results[retake["change_id"]]["result"] == "accepted"
    assert results[correction["change_id"]]["result"] == "rejected"
    assert "belongs to another site" in results[correction["change_id"]]["reason"]
    assert results[void["change_id"]]["result"] == "rejected"


def test_change_id_of_another_site_is_rejected(client, app):
    first = enrol_site(client, app, "AD01")
    second = enrol_site(client, app, "AD02")
    change = first.change("learner.registered", learner_payload())
    post_batch(client, first, [change])

    copied = {**change, "payload": learner_payload()}
    results = results_by_id(post_batch(client, second, [copied]))
    assert results[change["change_id"]]["result"] == "rejected"
    assert "another site" in results[change["change_id"]]["reason"]


def test_correction_and_void_chain(client, app):
    site = enrol_site(client, app, "AE01")
    learner = learner_payload()
    score = score_payload(learner["learner_id"])
    correction = score_payload(learner["learner_id"], level=3, supersedes_id=score["score_id"], reason="misread")
    second_correction = score_payload(learner["learner_id"], supersedes_id=score["score_id"], reason="again")
    void = {
        "score_id": str(uuid.uuid4()),
        "voids_score_id": correction["score_id"],
        "learner_id": learner["learner_id"],
        "reason": "wrong learner",
    }
    changes = [
        site.change("learner.registered", learner),
        site.change("score.recorded", score),
        site.change("score.recorded", correction),
        site.change("score.recorded", second_correction),
        site.change("score.voided", void),
        site.change("score.voided", {**void, "score_id": str(uuid.uuid4())}),
    ]
    results = [item["result"] for item in post_batch(client, site, changes).json()["results"]]
    assert results == ["accepted", "accepted", "accepted", "rejected", "accepted", "rejected"]


def test_sessions_checkins_credentials_and_prints(client, app):
    site = enrol_site(client, app, "AF01")
    learner = learner_payload()
    session_id = str(uuid.uuid4())
    credential = credential_payload(site, learner["learner_id"], "AF01-000001-K")
    changes = [
        site.change("learner.registered", learner),
        site.change(
            "session.created",
            {
                "session_id": session_id,
                "held_on": "2026-11-30",
                "room": "Lab 2",
                "proctor": "proctor1",
                "assessments": ["Work Ready Math", "work ready reading"],
            },
        ),
        site.change(
            "checkin.recorded",
            {
                "checkin_id": str(uuid.uuid4()),
                "session_id": session_id,
                "learner_id": learner["learner_id"],
                "id_seen": True,
            },
        ),
        site.change("score.recorded", score_payload(learner["learner_id"], session_id=session_id)),
        site.change("credential.issued", credential),
        site.change(
            "certificate.printed",
            {
                "print_id": str(uuid.uuid4()),
                "credential_id": credential["credential_id"],
                "certificate_number": "AF01-000001-K",
                "printed_at": "2026-12-01T10:00:00+00:00",
                "printed_by": "staff1",
                "reprint": False,
                "reason": None,
            },
        ),
        site.change(
            "credential.status",
            {
                "credential_id": credential["credential_id"],
                "certificate_number": "AF01-000001-K",
                "status": "superseded",
                "reason": "retake raised the level",
            },
        ),
    ]
    response = post_batch(client, site, changes)
    assert [item["result"] for item in response.json()["results"]] == ["accepted"] * 7, response.text
    with app.state.database.session() as session:
        stored = session.get(Credential, credential["credential_id"])
        assert stored.status == "superseded"
        stats = admin.stats(session)
    entry = stats["sites"]["AF01"]
    assert entry["learners"] == 1
    assert entry["sessions"] == 1
    assert entry["checkins"] == 1
    assert entry["scores"] == 1
    assert entry["credentials"] == 1
    assert entry["prints"] == 1
    assert entry["credential_statuses"] == 1
    assert entry["changes_by_kind"]["credential.issued"] == 1


def test_credential_with_forged_signature_is_rejected(client, app):
    site = enrol_site(client, app, "AG01")
    other = enrol_site(client, app, "AG02")
    learner = learner_payload()
    forged = credential_payload(site, learner["learner_id"], "AG01-000002-X", signature=other.sign("{}"))
    changes = [site.change("learner.registered", learner), site.change("credential.issued", forged)]
    results = [item for item in post_batch(client, site, changes).json()["results"]]
    assert results[1]["result"] == "rejected"
    assert "signature" in results[1]["reason"]


def test_certificate_number_used_twice_is_rejected(client, app):
    site = enrol_site(client, app, "AH01")
    learner = learner_payload()
    changes = [
        site.change("learner.registered", learner),
        site.change("credential.issued", credential_payload(site, learner["learner_id"], "AH01-1")),
        site.change("credential.issued", credential_payload(site, learner["learner_id"], "AH01-1")),
    ]
    results = post_batch(client, site, changes).json()["results"]
    assert results[2]["result"] == "rejected"
    assert "already used" in results[2]["reason"]


def test_learner_update_by_owner(client, app):
    site = enrol_site(client, app, "AI01")
    learner = learner_payload()
    post_batch(client, site, [site.change("learner.registered", learner)])
    response = post_batch(client, site, [site.change("learner.updated", {**learner, "last_name": "Reyes Cruz"})])
    assert response.json()["results"][0]["result"] == "accepted"
    with app.state.database.session() as session:
        assert session.get(Learner, learner["learner_id"]).last_name == "Reyes Cruz"


def test_sqlite_registry_rolls_back_rejected_change(tmp_path):
    from fastapi.testclient import TestClient

    from nwrc_registry.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    try:
        with TestClient(app) as client:
            site = enrol_site(client, app, "SQ01")
            learner = learner_payload()
            changes = [
                site.change("learner.registered", learner),
                # Valid payload, but the same certificate number twice: the second insert is rolled back.
                site.change("credential.issued", credential_payload(site, learner["learner_id"], "SQ01-1")),
                site.change("credential.issued", credential_payload(site, learner["learner_id"], "SQ01-1")),
                site.change("score.recorded", score_payload(learner["learner_id"])),
            ]
            results = [item["result"] for item in post_batch(client, site, changes).json()["results"]]
            assert results == ["accepted", "accepted", "rejected", "accepted"]
            assert count_rows(app, Credential) == 1
            assert count_rows(app, AppliedChange) == 3
            again = [item["result"] for item in post_batch(client, site, changes).json()["results"]]
            assert again == ["duplicate", "duplicate", "rejected", "duplicate"]
    finally:
        app.state.database.dispose()
