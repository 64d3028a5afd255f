"""Every service call writes its domain rows, outbox rows and one audit row together, or nothing."""

import datetime as dt
import json

import keyring
import pytest
import sqlalchemy.exc
from sqlalchemy import text

from nwrc_desktop.domain.assessments import Assessment, CredentialType
from nwrc_desktop.domain.learners import LearnerInput
from nwrc_desktop.secrets import MemoryKeyring
from nwrc_desktop.store import journal
from nwrc_desktop.store.credentials import list_credentials, revoke_credential
from nwrc_desktop.store.learners import (
    LearnerError,
    PossibleDuplicate,
    find_learners,
    register_learner,
    update_learner,
)
from nwrc_desktop.store.permissions import PermissionDenied
from nwrc_desktop.store.printing import NotPrintable, prepare, print_to_pdf
from nwrc_desktop.store.scores import (
    ScoreEntry,
    ScoreError,
    correct_score,
    learner_scores,
    record_score,
    record_scores,
    void_score,
)

from .conftest import ADMIN, PROCTOR, STAFF
from .helpers import counts, last_audit, last_outbox

DAY = dt.date(2026, 11, 14)


def person(first="Rosa", last="Okafor", born=dt.date(1958, 5, 19), external_id="WF40301752", **extra):
    values = dict(external_id=external_id, first_name=first, middle_name=None, last_name=last,
                  preferred_name=None, date_of_birth=born, email=None, phone=None)
    values.update(extra)
    return LearnerInput(**values)


def academic_entries(learner_id, math, reading, data, day=DAY):
    return [
        ScoreEntry(learner_id, Assessment.MATH, day, level=math, scale_score=70, form="MATH-A"),
        ScoreEntry(learner_id, Assessment.READING, day, level=reading, scale_score=71, form="READ-A"),
        ScoreEntry(learner_id, Assessment.DATA, day, level=data, scale_score=72, form="DATA-A"),
    ]


def test_register_writes_learner_outbox_audit(db):
    before = counts(db)
    learner = register_learner(db, STAFF, person())
    after = counts(db)
    assert after["learner"] == before["learner"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert after["audit_log"] == before["audit_log"] + 1
    change = last_outbox(db)[0]
    assert change.kind == "learner.registered"
    assert json.loads(change.payload)["learner_number"] == learner.learner_number
    assert last_audit(db).actor == "staff1"


def test_register_failure_leaves_nothing(db, monkeypatch):
    before = counts(db)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("nwrc_desktop.store.learners.audit", broken_audit)
    with pytest.raises(RuntimeError):
        register_learner(db, STAFF, person())
    assert counts(db) == before


def test_learner_numbers_carry_site_code(db):
    first = register_learner(db, STAFF, person())
    second = register_learner(db, STAFF, person("Ethan", "Łukaszewicz", external_id=None))
    assert first.learner_number == "TX014-000001"
    assert second.learner_number == "TX014-000002"


def test_possible_duplicate_asks_first(db):
    register_learner(db, STAFF, person())
    with pytest.raises(PossibleDuplicate) as raised:
        register_learner(db, STAFF, person("ROSA", "OKAFOR", external_id=None))
    assert raised.value.existing[0].last_name == "Okafor"
    confirmed = register_learner(db, STAFF, person("ROSA", "OKAFOR", external_id=None), allow_duplicate=True)
    assert confirmed.learner_number == "TX014-000002"


def test_duplicate_ignores_accents(db):
    register_learner(db, STAFF, person("Renée", "Benally", external_id=None))
    with pytest.raises(PossibleDuplicate):
        register_learner(db, STAFF, person("Renee", "BENALLY", external_id=None))


def test_update_keeps_previous_values_in_audit(db):
    learner = register_learner(db, STAFF, person())
    update_learner(db, STAFF, learner.id, person(preferred_name="Rosa J. Okafor-Smith", email="rosa@example.org"))
    entry = last_audit(db)
    details = json.loads(entry.details)
    assert entry.action == "learner.update"
    assert details["previous"]["preferred_name"] is None
    assert details["new"]["preferred_name"] == "Rosa J. Okafor-Smith"
    assert last_outbox(db)[0].kind == "learner.updated"


def test_staff_cannot_record_scores(db):
    learner = register_learner(db, STAFF, person())
    with pytest.raises(PermissionDenied):
        record_scores(db, STAFF, academic_entries(learner.id, 3, 3, 3))


def test_proctor_cannot_register(db):
    with pytest.raises(PermissionDenied):
        register_learner(db, PROCTOR, person())


def test_scores_issue_signed_credential(db):
    learner = register_learner(db, STAFF, person())
    scores, changes = record_scores(db, PROCTOR, academic_entries(learner.id, 4, 3, 5))
    assert len(scores) == 3
    credentials = list_credentials(db, learner_id=learner.id)
    assert [(item.credential_type, item.level) for item in credentials] == [(CredentialType.ACADEMIC, 3)]
    assert credentials[0].certificate_number.startswith("TX014-")
    kinds = [row.kind for row in last_outbox(db, 4)]
    assert kinds == ["score.recorded"] * 3 + ["credential.issued"]
    assert any("issued" in change for change in changes)


def test_failed_signing_rolls_back_scores(db):
    learner = register_learner(db, STAFF, person())
    before = counts(db)
    keyring.set_keyring(MemoryKeyring())  # the site's signing key is gone
    with pytest.raises(Exception, match="signing key"):
        record_scores(db, PROCTOR, academic_entries(learner.id, 4, 4, 4))
    assert counts(db) == before


def test_retake_supersedes_credential(db):
    learner = register_learner(db, STAFF, person())
    record_scores(db, PROCTOR, academic_entries(learner.id, 4, 2, 3))
    record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.READING, dt.date(2026, 11, 21), level=4))
    everything = list_credentials(db, learner_id=learner.id, include_inactive=True)
    assert [(item.level, item.status) for item in everything] == [(2, "superseded"), (3, "active")]


def test_void_invalidates_credential(db):
    learner = register_learner(db, STAFF, person())
    record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.DIGITAL_SKILLS, DAY, passed=True))
    digital = list_credentials(db, learner_id=learner.id)[0]
    score = learner_scores(db, learner.id)[0]
    changes = void_score(db, PROCTOR, score.id, "recorded for the wrong learner")
    assert changes == [f"invalidated {digital.certificate_number}"]
    after = list_credentials(db, learner_id=learner.id, include_inactive=True)[0]
    assert after.status == "invalidated"
    assert "wrong learner" in after.status_reason
    rows = learner_scores(db, learner.id)
    assert [(row.kind, row.in_force) for row in rows] == [("recorded", False), ("void", False)]
    assert [row.kind for row in last_outbox(db, 2)] == ["score.voided", "credential.status"]
    with pytest.raises(NotPrintable, match="invalidated"):
        prepare(db, [digital.id])


def test_correction_lowers_level(db):
    learner = register_learner(db, STAFF, person())
    scores, _ = record_scores(db, PROCTOR, academic_entries(learner.id, 4, 4, 4))
    entry = ScoreEntry(learner.id, Assessment.MATH, DAY, level=2, scale_score=60, form="MATH-A")
    correction, changes = correct_score(db, PROCTOR, scores[0].id, entry, "typed 4 for 2")
    assert correction.supersedes_id == scores[0].id
    active = list_credentials(db, learner_id=learner.id)
    assert [item.level for item in active] == [2]


def test_void_needs_reason(db):
    learner = register_learner(db, STAFF, person())
    score, _ = record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.MATH, DAY, level=3))
    with pytest.raises(ScoreError, match="reason"):
        void_score(db, PROCTOR, score.id, "   ")


def test_void_twice_rejected(db):
    learner = register_learner(db, STAFF, person())
    score, _ = record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.MATH, DAY, level=3))
    void_score(db, PROCTOR, score.id, "wrong form")
    with pytest.raises(ScoreError, match="already corrected or voided"):
        void_score(db, PROCTOR, score.id, "again")


@pytest.mark.parametrize("entry_values, field", [
    (dict(assessment=Assessment.MATH, level=6), "level"),
    (dict(assessment=Assessment.MATH, level=None), "level"),
    (dict(assessment=Assessment.SOFT_SKILLS, level=3), "passed"),
    (dict(assessment=Assessment.MATH, level=3, scale_score=-4), "scale_score"),
    (dict(assessment=Assessment.MATH, level=3, tested_on=dt.date(2099, 1, 1)), "tested_on"),
])
def test_invalid_score_rejected(db, entry_values, field):
    learner = register_learner(db, STAFF, person())
    values = dict(learner_id=learner.id, tested_on=DAY)
    values.update(entry_values)
    before = counts(db)
    with pytest.raises(ScoreError) as raised:
        record_score(db, PROCTOR, ScoreEntry(**values))
    assert raised.value.field == field
    assert counts(db) == before


def test_scores_are_append_only(db):
    learner = register_learner(db, STAFF, person())
    record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.MATH, DAY, level=3))
    with db.session() as session:
        with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
            session.execute(text("UPDATE score SET level = 5"))
    with db.session() as session:
        with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
            session.execute(text("DELETE FROM credential_status"))
            session.execute(text("DELETE FROM score"))


def test_audit_chain_detects_edit(db):
    register_learner(db, STAFF, person())
    with db.session() as session:
        assert journal.broken_audit_rows(session) == []
    with db.session() as session:
        session.execute(text("DROP TRIGGER audit_log_no_update"))
        session.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 2"))
    with db.session() as session:
        assert journal.broken_audit_rows(session) == [2]


def test_revoked_cannot_print(db, tmp_path):
    learner = register_learner(db, STAFF, person())
    record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.SOFT_SKILLS, DAY, passed=True))
    soft = list_credentials(db, learner_id=learner.id)[0]
    revoke_credential(db, ADMIN, soft.certificate_number, "score report was forged")
    with pytest.raises(NotPrintable, match="revoked: score report was forged"):
        print_to_pdf(db, STAFF, [soft.id], tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
    assert last_outbox(db)[0].kind == "credential.status"


def test_reprint_needs_reason(db, tmp_path):
    learner = register_learner(db, STAFF, person())
    record_score(db, PROCTOR, ScoreEntry(learner.id, Assessment.SOFT_SKILLS, DAY, passed=True))
    soft = list_credentials(db, learner_id=learner.id)[0]
    print_to_pdf(db, STAFF, [soft.id], tmp_path / "first.pdf")
    assert last_outbox(db)[0].kind == "certificate.printed"
    with pytest.raises(NotPrintable, match="give a reason"):
        print_to_pdf(db, STAFF, [soft.id], tmp_path / "again.pdf")
    print_to_pdf(db, STAFF, [soft.id], tmp_path / "again.pdf", reprint_reason="learner lost the first copy")
    payload = json.loads(last_outbox(db)[0].payload)
    assert payload["reprint"] is True
    assert payload["reason"] == "learner lost the first copy"
    assert list_credentials(db, learner_id=learner.id)[0].print_count == 2


def test_find_learners_by_each_key(db):
    learner = register_learner(db, STAFF, person("Siobhán", "Wiśniewski", dt.date(1989, 8, 22), "WF21118521"))
    register_learner(db, STAFF, person("Olivia", "McAllister", dt.date(1988, 2, 3), "WF12825635"))
    for query in ["siobhan", "WISNIEWSKI", "Wiśniewski", "WF21118521", learner.learner_number, "8/22/1989",
                  "1989-08-22", "sio wis"]:
        found = find_learners(db, query)
        assert [item.id for item in found] == [learner.id], query
    assert len(find_learners(db, "")) == 2
    assert find_learners(db, "100%") == []


def test_name_too_long_for_certificate_rejected(db):
    long_name = " ".join(["Wwwwwwwwwww"] * 16)
    with pytest.raises(LearnerError, match="does not fit on a certificate") as raised:
        register_learner(db, STAFF, person(preferred_name=long_name))
    assert raised.value.field == "preferred_name"


def test_seventy_character_name_registers(db):
    name = "Maria-Guadalupe Esperanza de los Ángeles Fernández-Castillo y Rodríguez"
    assert len(name) >= 70
    learner = register_learner(db, STAFF, person(preferred_name=name))
    assert learner.certificate_name == name
