"""Proctored sessions, check-in, and scores: recorded, corrected and voided, never changed in place."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nwrc_desktop.domain.assessments import MAX_LEVEL, MIN_LEVEL, Assessment, parse_assessment
from nwrc_desktop.store.credentials import SigningKeySource, reconcile_credentials, scores_in_force
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor, audit, queue_change
from nwrc_desktop.store.models import CheckIn, Learner, ProctoredSession, Score, Site
from nwrc_desktop.store.permissions import Permission, require

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500


class ScoreError(ValueError):
    """A score or session cannot be saved as given; the message names the field and the fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ScoreEntry:
    """One result as the official score report gives it."""

    learner_id: str
    assessment: Assessment
    tested_on: dt.date
    level: int | None = None
    passed: bool | None = None
    scale_score: int | None = None
    form: str | None = None
    session_id: str | None = None
    proctor: str | None = None


@dataclass(frozen=True)
class ScoreSummary:
    id: str
    learner_id: str
    kind: str
    assessment: Assessment
    level: int | None
    passed: bool | None
    scale_score: int | None
    form: str | None
    tested_on: dt.date
    session_id: str | None
    proctor: str | None
    supersedes_id: str | None
    reason: str | None
    recorded_at: dt.datetime
    recorded_by: str
    in_force: bool

    @property
    def result_text(self) -> str:
        if self.kind == "void":
            return "void"
        if self.level is not None:
            return f"level {self.level}"
        return "pass" if self.passed else "not pass"


@dataclass(frozen=True)
class SessionSummary:
    id: str
    held_on: dt.date
    room: str
    proctor: str
    assessments: tuple[Assessment, ...]
    checked_in: int


def check_entry(entry: ScoreEntry, today: dt.date | None = None) -> ScoreEntry:
    """Return the entry if it is a valid result for its assessment; raise ScoreError naming the field."""
    today = today or dt.date.today()
    assessment = entry.assessment if isinstance(entry.assessment, Assessment) else parse_assessment(entry.assessment)
    if assessment.is_leveled:
        if entry.level is None or not MIN_LEVEL <= entry.level <= MAX_LEVEL:
            raise ScoreError(f"result: {assessment} needs an achievement level from {MIN_LEVEL} to {MAX_LEVEL}",
                             "level")
        if entry.passed is not None:
            raise ScoreError(f"result: {assessment} is reported as a level, not pass or not pass", "passed")
    else:
        if entry.passed is None:
            raise ScoreError(f"result: {assessment} needs pass or not pass", "passed")
        if entry.level is not None:
            raise ScoreError(f"result: {assessment} is reported as pass or not pass, not a level", "level")
    if entry.scale_score is not None and not 0 <= entry.scale_score <= 999:
        raise ScoreError(f"scale score: {entry.scale_score} is out of range; expected 0 to 999", "scale_score")
    if entry.tested_on > today:
        raise ScoreError(f"test date: {entry.tested_on:%m/%d/%Y} is in the future", "tested_on")
    form = " ".join(entry.form.split()) if entry.form else None
    return ScoreEntry(entry.learner_id, assessment, entry.tested_on, entry.level, entry.passed,
                      entry.scale_score, form or None, entry.session_id, entry.proctor)


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ScoreError("reason: missing; say why the score is corrected or voided", "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ScoreError(f"reason: too long; keep it under {MAX_REASON_LENGTH} characters", "reason")
    return reason


def score_payload(score: Score) -> dict:
    return {
        "score_id": score.id, "learner_id": score.learner_id, "assessment": score.assessment,
        "level": score.level, "passed": score.passed, "scale_score": score.scale_score, "form": score.form,
        "tested_on": score.tested_on, "session_id": score.session_id, "proctor": score.proctor,
        "supersedes_id": score.supersedes_id, "reason": score.reason,
    }


def add_score(session: Session, actor: Actor, entry: ScoreEntry, *, supersedes_id: str | None = None,
              reason: str | None = None) -> Score:
    """Insert a checked score and queue it, in the caller's transaction (credentials are the caller's job)."""
    if session.get(Learner, entry.learner_id) is None:
        raise ScoreError(f"learner: no learner with id {entry.learner_id}", "learner_id")
    if entry.session_id is not None and session.get(ProctoredSession, entry.session_id) is None:
        raise ScoreError(f"session: no proctored session with id {entry.session_id}", "session_id")
    score = Score(
        learner_id=entry.learner_id, kind="correction" if supersedes_id else "recorded",
        assessment=entry.assessment.value, level=entry.level, passed=entry.passed,
        scale_score=entry.scale_score, form=entry.form, tested_on=entry.tested_on,
        session_id=entry.session_id, proctor=entry.proctor or actor.username,
        supersedes_id=supersedes_id, reason=reason, recorded_by=actor.username,
    )
    session.add(score)
    session.flush()
    queue_change(session, actor, "score.recorded", score.id, score_payload(score))
    return score


def record_scores(db: Database, actor: Actor, entries: Sequence[ScoreEntry]) -> tuple[list[ScoreSummary], list[str]]:
    """Record several results in one transaction (a session's grid); return them and the credential changes."""
    require(actor, Permission.RECORD_SCORES)
    checked = [check_entry(entry) for entry in entries]
    with db.session() as session:
        rows = [add_score(session, actor, entry) for entry in checked]
        changes: list[str] = []
        signing_key = SigningKeySource(session.scalar(select(Site.id)))
        for learner_id in dict.fromkeys(entry.learner_id for entry in checked):
            changes += reconcile_credentials(session, actor, learner_id, "new score recorded", signing_key)
        audit(session, actor, "score.record", "score", rows[0].id if len(rows) == 1 else None,
              {"score_ids": [row.id for row in rows], "credential_changes": changes})
        in_force = {row.id for learner_id in {row.learner_id for row in rows}
                    for row in scores_in_force(session, learner_id)}
        return [_summary(row, in_force) for row in rows], changes


def record_score(db: Database, actor: Actor, entry: ScoreEntry) -> tuple[ScoreSummary, list[str]]:
    summaries, changes = record_scores(db, actor, [entry])
    return summaries[0], changes


def _in_force_target(session: Session, score_id: str) -> Score:
    score = session.get(Score, score_id)
    if score is None:
        raise ScoreError(f"score: no score with id {score_id}", "score_id")
    if score.kind == "void":
        raise ScoreError("score: this row is itself a void and cannot be changed", "score_id")
    if session.scalar(select(Score.id).where(Score.supersedes_id == score_id)) is not None:
        raise ScoreError("score: this score was already corrected or voided; change the newest row instead",
                         "score_id")
    return score


def void_score(db: Database, actor: Actor, score_id: str, reason: str) -> list[str]:
    """Void a score with a reason (a new row superseding it) and recompute the learner's credentials."""
    require(actor, Permission.RECORD_SCORES)
    reason = _clean_reason(reason)
    with db.session() as session:
        target = _in_force_target(session, score_id)
        void = Score(
            learner_id=target.learner_id, kind="void", assessment=target.assessment, tested_on=target.tested_on,
            session_id=target.session_id, proctor=target.proctor, supersedes_id=target.id, reason=reason,
            recorded_by=actor.username,
        )
        session.add(void)
        session.flush()
        queue_change(session, actor, "score.voided", void.id, {
            "score_id": void.id, "voids_score_id": target.id, "learner_id": target.learner_id, "reason": reason,
        })
        changes = reconcile_credentials(session, actor, target.learner_id, f"score voided: {reason}")
        audit(session, actor, "score.void", "score", target.id, {"void_id": void.id, "reason": reason,
                                                                  "credential_changes": changes})
        return changes


def correct_score(db: Database, actor: Actor, score_id: str, entry: ScoreEntry, reason: str
                  ) -> tuple[ScoreSummary, list[str]]:
    """Replace a score's values with a correction row and recompute the learner's credentials."""
    require(actor, Permission.RECORD_SCORES)
    reason = _clean_reason(reason)
    entry = check_entry(entry)
    with db.session() as session:
        target = _in_force_target(session, score_id)
        if entry.learner_id != target.learner_id:
            raise ScoreError("learner: a correction cannot move a score to another learner; void it instead",
                             "learner_id")
        correction = add_score(session, actor, entry, supersedes_id=target.id, reason=reason)
        changes = reconcile_credentials(session, actor, target.learner_id, f"score corrected: {reason}")
        audit(session, actor, "score.correct", "score", target.id, {"correction_id": correction.id,
                                                                     "reason": reason, "credential_changes": changes})
        return _summary(correction, {correction.id}), changes


def _summary(score: Score, in_force: set[str]) -> ScoreSummary:
    return ScoreSummary(score.id, score.learner_id, score.kind, Assessment(score.assessment), score.level,
                        score.passed, score.scale_score, score.form, score.tested_on, score.session_id,
                        score.proctor, score.supersedes_id, score.reason, score.recorded_at, score.recorded_by,
                        score.id in in_force)


def learner_scores(db: Database, learner_id: str) -> list[ScoreSummary]:
    """Return every score row of a learner, oldest first, each marked in force or not."""
    with db.session() as session:
        in_force = {row.id for row in scores_in_force(session, learner_id)}
        rows = session.scalars(select(Score).where(Score.learner_id == learner_id)
                               .order_by(Score.tested_on, Score.recorded_at))
        return [_summary(row, in_force) for row in rows]


def create_session(db: Database, actor: Actor, held_on: dt.date, room: str, proctor: str,
                   assessments: Sequence[Assessment]) -> SessionSummary:
    require(actor, Permission.RUN_SESSIONS)
    room = " ".join(room.split())
    if not room:
        raise ScoreError("room: missing; give the room where the session is held", "room")
    if not assessments:
        raise ScoreError("assessments: choose at least one assessment for the session", "assessments")
    names = [Assessment(item).value for item in assessments]
    with db.session() as session:
        row = ProctoredSession(held_on=held_on, room=room, proctor=proctor, assessments=json.dumps(names),
                               created_by=actor.username)
        session.add(row)
        session.flush()
        queue_change(session, actor, "session.created", row.id, {
            "session_id": row.id, "held_on": held_on, "room": room, "proctor": proctor, "assessments": names,
        })
        audit(session, actor, "session.create", "session", row.id, {"held_on": held_on, "room": room})
        return SessionSummary(row.id, held_on, room, proctor, tuple(Assessment(n) for n in names), 0)


def list_sessions(db: Database) -> list[SessionSummary]:
    with db.session() as session:
        rows = list(session.scalars(select(ProctoredSession).order_by(ProctoredSession.held_on.desc(),
                                                                       ProctoredSession.created_at.desc())))
        counts: dict[str, int] = {}
        for check_in in session.scalars(select(CheckIn)):
            counts[check_in.session_id] = counts.get(check_in.session_id, 0) + 1
        return [SessionSummary(row.id, row.held_on, row.room, row.proctor,
                               tuple(Assessment(n) for n in json.loads(row.assessments)), counts.get(row.id, 0))
                for row in rows]


def check_in(db: Database, actor: Actor, session_id: str, learner_id: str, id_seen: bool) -> str:
    """Check a learner in to a session; checking in twice returns the first check-in's id."""
    require(actor, Permission.RUN_SESSIONS)
    if not id_seen:
        raise ScoreError("ID seen: check the learner's photo ID before checking them in", "id_seen")
    with db.session() as session:
        if session.get(ProctoredSession, session_id) is None:
            raise ScoreError(f"session: no proctored session with id {session_id}", "session_id")
        if session.get(Learner, learner_id) is None:
            raise ScoreError(f"learner: no learner with id {learner_id}", "learner_id")
        existing = session.scalar(select(CheckIn).where(CheckIn.session_id == session_id,
                                                        CheckIn.learner_id == learner_id))
        if existing is not None:
            return existing.id
        row = CheckIn(session_id=session_id, learner_id=learner_id, id_seen=id_seen, checked_in_by=actor.username)
        session.add(row)
        session.flush()
        queue_change(session, actor, "checkin.recorded", row.id, {
            "checkin_id": row.id, "session_id": session_id, "learner_id": learner_id, "id_seen": id_seen,
        })
        audit(session, actor, "session.check_in", "check_in", row.id, {"session_id": session_id,
                                                                       "learner_id": learner_id})
        return row.id


def checked_in_learners(db: Database, session_id: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(CheckIn.learner_id).where(CheckIn.session_id == session_id)
                                    .order_by(CheckIn.checked_in_at)))
