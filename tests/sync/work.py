"""Queued work for the sync tests, made through the store's own services."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select

from nwrc_desktop.domain.assessments import Assessment
from nwrc_desktop.domain.learners import LearnerInput
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.learners import register_learner
from nwrc_desktop.store.models import Outbox
from nwrc_desktop.store.scores import ScoreEntry, record_score

TEST_DAY = dt.date(2026, 11, 14)
_serial = itertools.count(1)


def add_learners(db: Database, actor, count: int) -> list[str]:  # noqa: ANN001
    """Register `count` distinct learners and return their ids."""
    ids = []
    for _ in range(count):
        number = next(_serial)
        learner = LearnerInput(
            external_id=f"EXT{number:07d}",
            first_name=f"Learner{number}",
            middle_name=None,
            last_name="Testcase",
            preferred_name=None,
            date_of_birth=dt.date(1990, 1, 1) + dt.timedelta(days=number),
            email=None,
            phone=None,
        )
        ids.append(register_learner(db, actor, learner).id)
    return ids


def pass_soft_skills(db: Database, actor, learner_id: str) -> None:  # noqa: ANN001
    """Record a passed Essential Soft Skills score, which issues a signed Soft Skills credential."""
    entry = ScoreEntry(learner_id, Assessment.SOFT_SKILLS, TEST_DAY, passed=True, scale_score=80)
    record_score(db, actor, entry)


def outbox_states(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all()
    return {state: count for state, count in rows}


def outbox_change_ids(db: Database, state: str | None = None) -> set[str]:
    with db.session() as session:
        statement = select(Outbox.change_id)
        if state is not None:
            statement = statement.where(Outbox.state == state)
        return set(session.scalars(statement))


def registry_change_ids(registry) -> set[str]:  # noqa: ANN001
    from nwrc_registry.models import AppliedChange

    with registry.database.session() as session:
        return set(session.scalars(select(AppliedChange.change_id)))
