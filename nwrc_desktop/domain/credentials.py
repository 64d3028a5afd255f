"""The credential rules: what a learner has earned from the scores in force.

- Academic Skills needs a result in each of Work Ready Math, Reading and Data. For each assessment the
  highest valid level counts, so a retake can only raise it. The credential level is the lowest of the
  three, and levels 2-5 earn the credential.
- Soft Skills and Digital Skills are earned by any valid pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nwrc_desktop.domain.assessments import (
    ACADEMIC_ASSESSMENTS,
    MIN_CREDENTIAL_LEVEL,
    Assessment,
    CredentialType,
)


@dataclass(frozen=True)
class ScoreFact:
    """A score in force (not voided, not superseded by a correction), as the rules need it."""

    score_id: str
    assessment: Assessment
    level: int | None
    passed: bool | None
    tested_on: dt.date


@dataclass(frozen=True)
class Earned:
    """A credential the scores support, with the scores it rests on."""

    credential_type: CredentialType
    level: int | None
    # The test date of the last score the credential needs: when it was earned, not when issued.
    earned_on: dt.date
    basis_score_ids: tuple[str, ...]


def _best(scores: Sequence[ScoreFact]) -> ScoreFact:
    """Return the highest level; among equals the earliest, so a later equal retake changes nothing."""
    return max(scores, key=lambda score: (score.level or 0, -score.tested_on.toordinal(), score.score_id))


def _first_pass(scores: Sequence[ScoreFact]) -> ScoreFact | None:
    passes = [score for score in scores if score.passed]
    return min(passes, key=lambda score: (score.tested_on, score.score_id)) if passes else None


def earned_credentials(scores: Iterable[ScoreFact]) -> dict[CredentialType, Earned]:
    """Return the credentials earned by `scores`, which must all be in force and of one learner."""
    by_assessment: dict[Assessment, list[ScoreFact]] = {}
    for score in scores:
        by_assessment.setdefault(score.assessment, []).append(score)

    earned: dict[CredentialType, Earned] = {}
    if all(by_assessment.get(assessment) for assessment in ACADEMIC_ASSESSMENTS):
        best = [_best(by_assessment[assessment]) for assessment in ACADEMIC_ASSESSMENTS]
        level = min(score.level or 0 for score in best)
        if level >= MIN_CREDENTIAL_LEVEL:
            earned[CredentialType.ACADEMIC] = Earned(
                CredentialType.ACADEMIC,
                level,
                max(score.tested_on for score in best),
                tuple(score.score_id for score in best),
            )

    for assessment, credential_type in (
        (Assessment.SOFT_SKILLS, CredentialType.SOFT),
        (Assessment.DIGITAL_SKILLS, CredentialType.DIGITAL),
    ):
        passed = _first_pass(by_assessment.get(assessment, []))
        if passed is not None:
            earned[credential_type] = Earned(credential_type, None, passed.tested_on, (passed.score_id,))
    return earned


@dataclass(frozen=True)
class HeldCredential:
    """A credential the learner holds now (issued and not superseded, invalidated or revoked)."""

    credential_id: str
    credential_type: CredentialType
    level: int | None


@dataclass(frozen=True)
class CredentialPlan:
    """The changes that make the held credentials match the earned ones.

    issue: credentials to issue, each with the held credential it supersedes (or None).
    invalidate: held credentials the scores no longer support, with nothing to replace them.
    """

    issue: tuple[tuple[Earned, str | None], ...]
    invalidate: tuple[str, ...]


def plan_credentials(
    held: Iterable[HeldCredential],
    earned: dict[CredentialType, Earned],
    revoked: Iterable[tuple[CredentialType, int | None]] = (),
) -> CredentialPlan:
    """Compare held and earned credentials and return the changes that reconcile them.

    A higher earned level supersedes the held credential. A lower one (after a void or correction)
    also replaces it, because the held level no longer holds. `revoked` lists the (type, level) pairs
    of revoked credentials: the same scores never issue those again, only a different result does.
    """
    blocked = set(revoked)
    held_by_type = {credential.credential_type: credential for credential in held}
    issue: list[tuple[Earned, str | None]] = []
    invalidate: list[str] = []
    for credential_type in CredentialType:
        current = held_by_type.get(credential_type)
        target = earned.get(credential_type)
        if target is None:
            if current is not None:
                invalidate.append(current.credential_id)
        elif current is None:
            if (credential_type, target.level) not in blocked:
                issue.append((target, None))
        elif current.level != target.level:
            issue.append((target, current.credential_id))
    return CredentialPlan(tuple(issue), tuple(invalidate))
