"""The assessments, credentials and roles of the National Work Readiness Credentials."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """The role of a local account: admin sets up the site, proctor records scores, staff registers and prints."""

    ADMIN = "admin"
    PROCTOR = "proctor"
    STAFF = "staff"


class CredentialType(enum.StrEnum):
    ACADEMIC = "academic"
    SOFT = "soft"
    DIGITAL = "digital"

    @property
    def title(self) -> str:
        return CREDENTIAL_TITLES[self]


CREDENTIAL_TITLES = {
    CredentialType.ACADEMIC: "Academic Skills",
    CredentialType.SOFT: "Soft Skills",
    CredentialType.DIGITAL: "Digital Skills",
}


class Assessment(enum.StrEnum):
    MATH = "Work Ready Math"
    READING = "Work Ready Reading"
    DATA = "Work Ready Data"
    SOFT_SKILLS = "Essential Soft Skills"
    DIGITAL_SKILLS = "Digital Skills"

    @property
    def credential(self) -> CredentialType:
        return ASSESSMENT_CREDENTIAL[self]

    @property
    def is_leveled(self) -> bool:
        """True for assessments reported as an achievement level 1-5, False for pass or not pass."""
        return self.credential is CredentialType.ACADEMIC


ASSESSMENT_CREDENTIAL = {
    Assessment.MATH: CredentialType.ACADEMIC,
    Assessment.READING: CredentialType.ACADEMIC,
    Assessment.DATA: CredentialType.ACADEMIC,
    Assessment.SOFT_SKILLS: CredentialType.SOFT,
    Assessment.DIGITAL_SKILLS: CredentialType.DIGITAL,
}

ACADEMIC_ASSESSMENTS = (Assessment.MATH, Assessment.READING, Assessment.DATA)

MIN_LEVEL = 1
MAX_LEVEL = 5
# Levels 2-5 earn the Academic Skills credential; level 1 does not.
MIN_CREDENTIAL_LEVEL = 2


def parse_assessment(text: str) -> Assessment:
    """Return the assessment named by `text`, ignoring case and spacing; raise ValueError if unknown."""
    wanted = " ".join(text.split()).casefold()
    for assessment in Assessment:
        if assessment.value.casefold() == wanted or assessment.name.casefold() == wanted.replace(" ", "_"):
            return assessment
    names = ", ".join(a.value for a in Assessment)
    raise ValueError(f"unknown assessment {text!r}; expected one of: {names}")
