"""Validation of one learner's details, shared by roster import and single registration.

:func:`validate_learner` takes the values as typed or read from a file and returns a clean
:class:`LearnerInput` or the problems that reject it, each naming its field so a form can show it beside
the input.

Rules, beyond the field formats:
- The last name is required. The first name is required too, unless registration marks the learner as
  having a one-part name (``one_part_name=True``). That name then goes in the last name, and the first
  and middle names stay empty. Roster rows never carry the mark.
- Every name must contain a letter, have no control characters and be printable in the certificate fonts.
- The date of birth must lie between 1900-01-01 and `today`, and the learner must be at least
  MIN_AGE_YEARS old on `today`, which catches a birth year typed as the current year.
- A learner ID is kept as text, so leading zeros stay. A value in scientific notation (2.54712E+11)
  is rejected, because a spreadsheet turned the ID into a number and its digits are lost.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from nwrc_desktop.domain.dates import DateOrder, DateOrderUnknown, DateValueError, parse_date, years_between
from nwrc_desktop.domain.names import (
    collapse_spaces,
    control_characters,
    has_letter,
    name_key,
    normalize_name,
)
from nwrc_desktop.domain.printable import describe_character, unprintable_characters
from nwrc_desktop.domain.tabular import FIELD_LABELS, Problem, ProblemCode, Severity

NAME_MAX_LENGTH = 100
PREFERRED_NAME_MAX_LENGTH = 200
EXTERNAL_ID_MAX_LENGTH = 64
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
MIN_AGE_YEARS = 14

LEARNER_FIELDS = (
    "external_id",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
)

# A number as a spreadsheet displays it in scientific notation, such as 2.54712E+11.
_SCIENTIFIC_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")

# A pragmatic email check: a dot-atom or quoted local part, "@", and a domain of at least two labels
# whose last label has two or more letters (or is an "xn--" IDNA label). Letters outside ASCII are allowed
# for international addresses.
_LOCAL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_LOCAL_QUOTED = r'"(?:[^"\\\r\n]|\\.)*"'
_DOMAIN_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_TOP_LEVEL_DOMAIN = r"(?:[^\W\d_]{2,}|xn--[^\W_](?:[\w-]*[^\W_])?)"
_EMAIL = re.compile(rf"(?:{_LOCAL_ATOM}|{_LOCAL_QUOTED})@(?:{_DOMAIN_LABEL}\.)+{_TOP_LEVEL_DOMAIN}")


@dataclass(frozen=True)
class LearnerInput:
    """A learner's validated details, ready to store.

    Names are in NFC with tidy spacing. `first_name` is empty only for a one-part name. Optional fields
    are None rather than empty.
    """

    external_id: str | None
    first_name: str
    middle_name: str | None
    last_name: str
    preferred_name: str | None
    date_of_birth: datetime.date
    email: str | None
    phone: str | None

    @property
    def name_key(self) -> str:
        """Folded first, middle and last name, as :func:`names.name_key` makes it."""
        return name_key(self.first_name, self.last_name, self.middle_name)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)

    @property
    def certificate_name(self) -> str:
        """The name a certificate prints: the preferred name when given, else the full name."""
        return self.preferred_name or self.full_name


def duplicate_key(first_name: str, last_name: str, date_of_birth: datetime.date) -> tuple[str, datetime.date]:
    """Return the key under which two learner records are possibly the same person.

    First and last name folded with :func:`names.name_key`, plus the date of birth. The middle name is
    left out because one system records it and another does not.
    """
    return name_key(first_name, last_name), date_of_birth


class FieldChecker:
    """Collects the problems of one record, each tagged with the record's row number."""

    def __init__(self, row_number: int | None = None) -> None:
        self.row_number = row_number
        self.problems: list[Problem] = []

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)

    def error(self, field: str | None, code: ProblemCode, message: str, value: str | None = None) -> None:
        self.problems.append(Problem(self.row_number, field, Severity.ERROR, code, message, value))

    def warning(self, field: str | None, code: ProblemCode, message: str, value: str | None = None) -> None:
        self.problems.append(Problem(self.row_number, field, Severity.WARNING, code, message, value))

    def text(self, field: str, value: object, max_length: int) -> str | None:
        """Return a trimmed single-line text value, or None when empty or rejected."""
        if value is None:
            return None
        raw = str(value)
        if self._has_controls(field, raw):
            return None
        cleaned = collapse_spaces(raw)
        if not cleaned:
            return None
        if len(cleaned) > max_length:
            self._too_long(field, cleaned, max_length)
            return None
        return cleaned

    def name(self, field: str, value: object, max_length: int) -> str | None:
        """Return a name in NFC with tidy spacing, or None when empty or rejected."""
        if value is None:
            return None
        raw = str(value)
        if self._has_controls(field, raw):
            return None
        name = normalize_name(raw)
        if not name:
            return None
        if len(name) > max_length:
            self._too_long(field, name, max_length)
            return None
        unprintable = unprintable_characters(name)
        if unprintable:
            described = ", ".join(describe_character(char) for char in unprintable)
            self.error(
                field,
                ProblemCode.UNPRINTABLE,
                f"{name!r} contains {described}, which cannot be printed on a certificate; "
                "remove or replace it",
                name,
            )
            return None
        if not has_letter(name):
            self.error(field, ProblemCode.NO_LETTER, f"{name!r} contains no letter", name)
            return None
        return name

    def date(
        self,
        field: str,
        value: object,
        date_order: DateOrder | str | None,
    ) -> datetime.date | None:
        """Return a date from a date object or from text in `date_order`, or None when missing or invalid."""
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            self.error(field, ProblemCode.MISSING, f"{FIELD_LABELS[field]} is missing")
            return None
        try:
            return parse_date(text, date_order)
        except DateOrderUnknown as error:
            self.error(field, ProblemCode.AMBIGUOUS_DATE_ORDER, str(error), text)
        except DateValueError as error:
            self.error(field, ProblemCode.INVALID_DATE, str(error), text)
        return None

    def _has_controls(self, field: str, raw: str) -> bool:
        controls = control_characters(raw)
        if controls:
            described = ", ".join(describe_character(char) for char in controls)
            self.error(
                field,
                ProblemCode.CONTROL_CHARACTER,
                f"contains the control character {described}; remove it",
                raw,
            )
        return bool(controls)

    def _too_long(self, field: str, value: str, max_length: int) -> None:
        self.error(
            field,
            ProblemCode.TOO_LONG,
            f"is {len(value)} characters long; the maximum is {max_length}",
            value,
        )


def is_email_address(text: str) -> bool:
    """Return True if `text` looks like an email address: local part, "@", and a domain with a dot."""
    return len(text) <= EMAIL_MAX_LENGTH and _EMAIL.fullmatch(text) is not None


def validate_learner(
    raw: Mapping[str, str | datetime.date | None],
    *,
    today: datetime.date,
    date_order: DateOrder | str | None = DateOrder.MDY,
    one_part_name: bool = False,
    drop_invalid_email: bool = False,
    row_number: int | None = None,
) -> tuple[LearnerInput | None, list[Problem]]:
    """Validate one learner's values, keyed by the field names of LEARNER_FIELDS.

    Text dates are read in `date_order`; date objects are taken as they are. Returns the learner and its
    warnings, or None and the problems when any of them is an error. With `drop_invalid_email` an invalid
    email address is left out with a warning instead of rejecting the learner. Every problem carries
    `row_number`, which is None for a single registration.
    """
    check = FieldChecker(row_number)

    external_id = check_external_id(check, raw.get("external_id"))
    first_name = check.name("first_name", raw.get("first_name"), NAME_MAX_LENGTH)
    middle_name = check.name("middle_name", raw.get("middle_name"), NAME_MAX_LENGTH)
    last_name = check.name("last_name", raw.get("last_name"), NAME_MAX_LENGTH)
    preferred_name = check.name("preferred_name", raw.get("preferred_name"), PREFERRED_NAME_MAX_LENGTH)
    _check_name_parts(check, raw, first_name, middle_name, last_name, one_part_name)

    raw_birth_date = raw.get("date_of_birth")
    date_of_birth = check.date("date_of_birth", raw_birth_date, date_order)
    if date_of_birth is not None:
        birth_date_text = (
            raw_birth_date.strip() if isinstance(raw_birth_date, str) else date_of_birth.isoformat()
        )
        _check_birth_date(check, date_of_birth, birth_date_text, today)

    email = _check_email(check, raw.get("email"), drop_invalid_email)
    phone = check.text("phone", raw.get("phone"), PHONE_MAX_LENGTH)

    problems = sorted(check.problems, key=_field_position)
    if check.has_errors or last_name is None or date_of_birth is None:
        return None, problems
    learner = LearnerInput(
        external_id=external_id,
        first_name=first_name or "",
        middle_name=middle_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
    )
    return learner, problems


def _field_position(problem: Problem) -> int:
    """Sort key that lists a learner's problems in form order, whole-row problems last."""
    if problem.field in LEARNER_FIELDS:
        return LEARNER_FIELDS.index(problem.field)
    return len(LEARNER_FIELDS)


def check_external_id(check: FieldChecker, value: object, field: str = "external_id") -> str | None:
    """Return a learner ID as trimmed text, or None when empty or rejected (recorded in `check`)."""
    external_id = check.text(field, value, EXTERNAL_ID_MAX_LENGTH)
    if external_id is not None and _SCIENTIFIC_NUMBER.fullmatch(external_id):
        check.error(
            field,
            ProblemCode.NUMBER_FORMATTED_ID,
            f"{external_id!r} is a number in scientific notation: a spreadsheet turned the ID into a number "
            "and its real digits are lost. Format the column as text in the spreadsheet, enter the IDs "
            "again and export the file again",
            external_id,
        )
        return None
    return external_id


def _check_name_parts(
    check: FieldChecker,
    raw: Mapping[str, object],
    first_name: str | None,
    middle_name: str | None,
    last_name: str | None,
    one_part_name: bool,
) -> None:
    """Report missing name parts, unless a present but rejected part has already been reported."""

    def given(field: str) -> bool:
        value = raw.get(field)
        return value is not None and bool(str(value).strip())

    if last_name is None and not given("last_name"):
        if one_part_name:
            message = "last name is missing; a one-part name is entered as the last name"
        else:
            message = "last name is missing"
        check.error("last_name", ProblemCode.MISSING, message)

    if one_part_name:
        if first_name is not None or middle_name is not None:
            check.error(
                "first_name",
                ProblemCode.ONE_PART_NAME,
                "a learner with a one-part name has no first or middle name; enter the name as the last "
                "name only, or register the learner without the one-part name option",
            )
    elif first_name is None and not given("first_name"):
        check.error(
            "first_name",
            ProblemCode.MISSING,
            "first name is missing; a learner with only one name is registered with the one-part name option",
        )


def _check_birth_date(
    check: FieldChecker, date_of_birth: datetime.date, birth_date_text: str, today: datetime.date
) -> None:
    if date_of_birth > today:
        check.error(
            "date_of_birth", ProblemCode.FUTURE_DATE, f"{birth_date_text} is in the future", birth_date_text
        )
    elif date_of_birth < EARLIEST_BIRTH_DATE:
        check.error(
            "date_of_birth",
            ProblemCode.DATE_TOO_EARLY,
            f"{birth_date_text} is before {EARLIEST_BIRTH_DATE.isoformat()}; check the year",
            birth_date_text,
        )
    elif years_between(date_of_birth, today) < MIN_AGE_YEARS:
        age = years_between(date_of_birth, today)
        check.error(
            "date_of_birth",
            ProblemCode.TOO_YOUNG,
            f"{birth_date_text} makes the learner {age} years old, and learners must be at least "
            f"{MIN_AGE_YEARS}; check the year",
            birth_date_text,
        )


def _check_email(check: FieldChecker, value: object, drop_invalid_email: bool) -> str | None:
    # The length limit is part of is_email_address, so a long address can be dropped like any invalid one.
    email = check.text("email", value, max_length=len(str(value or "")) + 1)
    if email is None or is_email_address(email):
        return email
    if drop_invalid_email:
        check.warning(
            "email",
            ProblemCode.EMAIL_DROPPED,
            f"{email!r} is not an email address, so the learner is imported without one",
            email,
        )
    else:
        check.error(
            "email",
            ProblemCode.INVALID_EMAIL,
            f"{email!r} is not an email address such as name@example.org",
            email,
        )
    return None
