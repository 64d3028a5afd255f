"""The credential rules on their own: best result per assessment, lowest of three, retakes, voids."""

import datetime as dt

from nwrc_desktop.domain.assessments import Assessment, CredentialType
from nwrc_desktop.domain.credentials import (
    HeldCredential,
    ScoreFact,
    earned_credentials,
    plan_credentials,
)

DAY1 = dt.date(2026, 11, 14)
DAY2 = dt.date(2026, 11, 21)


def level(score_id, assessment, value, day=DAY1):
    return ScoreFact(score_id, assessment, value, None, day)


def outcome(score_id, assessment, passed, day=DAY1):
    return ScoreFact(score_id, assessment, None, passed, day)


def academic(math, reading, data, day=DAY1):
    return [
        level("m", Assessment.MATH, math, day),
        level("r", Assessment.READING, reading, day),
        level("d", Assessment.DATA, data, day),
    ]


def test_academic_level_is_lowest_of_three():
    earned = earned_credentials(academic(4, 2, 3))
    assert earned[CredentialType.ACADEMIC].level == 2
    assert set(earned[CredentialType.ACADEMIC].basis_score_ids) == {"m", "r", "d"}


def test_academic_level_one_earns_nothing():
    assert CredentialType.ACADEMIC not in earned_credentials(academic(5, 1, 5))


def test_academic_needs_all_three_assessments():
    scores = academic(4, 4, 4)[:2]
    assert CredentialType.ACADEMIC not in earned_credentials(scores)


def test_retake_raises_level():
    scores = academic(4, 2, 3) + [level("r2", Assessment.READING, 5, DAY2)]
    earned = earned_credentials(scores)[CredentialType.ACADEMIC]
    assert earned.level == 3
    assert "r2" in earned.basis_score_ids
    assert earned.earned_on == DAY2


def test_lower_retake_keeps_higher_result():
    scores = academic(4, 4, 4) + [level("m2", Assessment.MATH, 2, DAY2)]
    earned = earned_credentials(scores)[CredentialType.ACADEMIC]
    assert earned.level == 4
    assert "m2" not in earned.basis_score_ids


def test_soft_and_digital_need_a_pass():
    earned = earned_credentials([
        outcome("s", Assessment.SOFT_SKILLS, False),
        outcome("g", Assessment.DIGITAL_SKILLS, True),
    ])
    assert CredentialType.SOFT not in earned
    assert earned[CredentialType.DIGITAL].level is None


def test_soft_pass_after_fail_earns():
    earned = earned_credentials([
        outcome("s1", Assessment.SOFT_SKILLS, False),
        outcome("s2", Assessment.SOFT_SKILLS, True, DAY2),
    ])
    assert earned[CredentialType.SOFT].basis_score_ids == ("s2",)


def test_plan_issues_new_credential():
    plan = plan_credentials([], earned_credentials(academic(3, 3, 3)))
    assert [(item.level, supersedes) for item, supersedes in plan.issue] == [(3, None)]
    assert plan.invalidate == ()


def test_plan_keeps_same_level():
    held = [HeldCredential("c1", CredentialType.ACADEMIC, 3)]
    plan = plan_credentials(held, earned_credentials(academic(3, 4, 3)))
    assert plan.issue == ()
    assert plan.invalidate == ()


def test_plan_supersedes_on_higher_level():
    held = [HeldCredential("c1", CredentialType.ACADEMIC, 3)]
    plan = plan_credentials(held, earned_credentials(academic(4, 4, 4)))
    assert [(item.level, supersedes) for item, supersedes in plan.issue] == [(4, "c1")]


def test_plan_invalidates_when_nothing_earned():
    held = [HeldCredential("c1", CredentialType.ACADEMIC, 3), HeldCredential("c2", CredentialType.SOFT, None)]
    plan = plan_credentials(held, earned_credentials(academic(3, 1, 3)))
    assert set(plan.invalidate) == {"c1", "c2"}
    assert plan.issue == ()


def test_plan_does_not_reissue_revoked():
    earned = earned_credentials(academic(3, 3, 3))
    plan = plan_credentials([], earned, revoked=[(CredentialType.ACADEMIC, 3)])
    assert plan.issue == ()


def test_plan_issues_after_revoked_when_result_changes():
    earned = earned_credentials(academic(4, 4, 4))
    plan = plan_credentials([], earned, revoked=[(CredentialType.ACADEMIC, 3)])
    assert [item.level for item, _ in plan.issue] == [4]
