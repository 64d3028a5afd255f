"""The look and wording of each credential's certificate."""

from __future__ import annotations

import dataclasses
import datetime

from nwrc_desktop.certificates.onet import cumulative_share, job_zone_names
from nwrc_desktop.domain.assessments import ACADEMIC_ASSESSMENTS, Assessment, CredentialType

RGB = tuple[int, int, int]

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Design:
    """Colours and fixed wording of one credential's certificate."""

    primary: RGB
    accent: RGB
    tint: RGB
    seal_caption: str


DESIGNS = {
    CredentialType.ACADEMIC: Design(primary=(22, 50, 92), accent=(176, 137, 52), tint=(226, 232, 242),
                                    seal_caption="LEVEL"),
    CredentialType.SOFT: Design(primary=(18, 88, 80), accent=(181, 110, 48), tint=(222, 238, 234),
                                seal_caption="SOFT SKILLS"),
    CredentialType.DIGITAL: Design(primary=(60, 42, 118), accent=(0, 132, 164), tint=(232, 228, 244),
                                   seal_caption="DIGITAL SKILLS"),
}  # fmt: skip

# Kept general on purpose: the page names the assessment and what kind of skills it measures, and
# claims nothing about its content that the credential rules do not state.
SOFT_DESCRIPTION = (
    "Awarded for passing the proctored Essential Soft Skills assessment, which measures the soft skills "
    "expected in the workplace."
)
DIGITAL_DESCRIPTION = (
    "Awarded for passing the proctored Digital Skills assessment, which measures the digital skills used "
    "in the workplace."
)


def format_date(day: datetime.date) -> str:
    """Format a date in US English independent of the locale: 'December 4, 2026'."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def achievement_line(credential_type: CredentialType, level: int | None) -> str:
    """Return the line under the name, such as 'has earned the Academic Skills credential at Level 3'."""
    if credential_type is CredentialType.ACADEMIC:
        return f"has earned the {credential_type.title} credential at Level {level}"
    return f"has earned the {credential_type.title} credential"


def level_heading(level: int) -> str:
    """Return the heading of an Academic Skills level: 'O*NET Job Zone 3: Medium Preparation Needed'."""
    return f"O*NET Job Zone {level}: {job_zone_names()[level]}"


def pass_heading(credential_type: CredentialType) -> str:
    """Return the heading of a pass or not pass credential: 'Essential Soft Skills assessment passed'."""
    assessment = next(a for a in Assessment if a.credential is credential_type)
    return f"{assessment.value} assessment passed"


def meaning_text(credential_type: CredentialType, level: int | None) -> str:
    """Explain what the credential or its level means, with the O*NET share computed from the extract."""
    if credential_type is CredentialType.SOFT:
        return SOFT_DESCRIPTION
    if credential_type is CredentialType.DIGITAL:
        return DIGITAL_DESCRIPTION
    assert level is not None
    share = cumulative_share(level)
    assessments = ", ".join(a.value for a in ACADEMIC_ASSESSMENTS[:-1]) + f" and {ACADEMIC_ASSESSMENTS[-1].value}"
    if share.occupations == share.occupations_with_zone:
        counted = f"All {share.occupations_with_zone} O*NET occupations that have a Job Zone ({share.percent_text})"
    else:
        counted = (
            f"{share.occupations} of the {share.occupations_with_zone} O*NET occupations "
            f"that have a Job Zone ({share.percent_text})"
        )
    return (
        f"Achievement level {level} corresponds to O*NET Job Zone {level}. "
        f"{counted} are in Job Zones 1 to {level}. "
        f"The level is the lowest of the learner's levels in {assessments}."
    )
