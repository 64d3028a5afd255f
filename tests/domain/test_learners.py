import datetime
import unicodedata

import pytest

from nwrc_desktop.domain.dates import DateOrder
from nwrc_desktop.domain.learners import (
    MIN_AGE_YEARS,
    NAME_MAX_LENGTH,
    LearnerInput,
    duplicate_key,
    is_email_address,
    validate_learner,
)
from nwrc_desktop.domain.tabular import ProblemCode, Severity

D = datetime.date


def learner_values(**changes):
    values = {
        "external_id": "WF1",
        "first_name": "Rosa",
        "middle_name": "J.",
        "last_name": "Okafor",
        "preferred_name": "",
        "date_of_birth": "5/19/1958",
        "email": "rosa@example.org",
        "phone": " (555) 980-4300 ",
    }
    values.update(changes)
    return values


def only_problem(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_learner(today):
    learner, problems = validate_learner(learner_values(), today=today)
    assert problems == []
    assert learner == LearnerInput(
        external_id="WF1",
        first_name="Rosa",
        middle_name="J.",
        last_name="Okafor",
        preferred_name=None,
        date_of_birth=D(1958, 5, 19),
        email="rosa@example.org",
        phone="(555) 980-4300",
    )
    assert learner.full_name == "Rosa J. Okafor"
    assert learner.certificate_name == "Rosa J. Okafor"


def test_preferred_name_is_certificate_name(today):
    learner, _ = validate_learner(learner_values(preferred_name=" Rosie  Okafor "), today=today)
    assert learner.preferred_name == "Rosie Okafor"
    assert learner.certificate_name == "Rosie Okafor"


def test_names_normalised(today):
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    learner, problems = validate_learner(
        learner_values(first_name="  Anh ", middle_name="Thị", last_name=f"{decomposed}  Văn"), today=today
    )
    assert problems == []
    assert learner.first_name == "Anh"
    assert learner.last_name == "Nguyễn Văn"


@pytest.mark.parametrize(
    "last_name", ["O'Neal", "O’Neal", "van der Berg", "De la Cruz", "Smith-Jones", "Đặng"]
)
def test_name_forms_accepted(today, last_name):
    learner, problems = validate_learner(learner_values(last_name=last_name), today=today)
    assert problems == []
    assert learner.last_name == last_name


def test_empty_optional_fields_become_none(today):
    learner, _ = validate_learner(
        learner_values(external_id=" ", middle_name="", email=None, phone=""), today=today
    )
    assert learner.external_id is None
    assert learner.middle_name is None
    assert learner.email is None
    assert learner.phone is None


def test_date_object_accepted(today):
    learner, problems = validate_learner(learner_values(date_of_birth=D(1990, 1, 2)), today=today)
    assert problems == []
    assert learner.date_of_birth == D(1990, 1, 2)


def test_datetime_object_becomes_date(today):
    learner, _ = validate_learner(
        learner_values(date_of_birth=datetime.datetime(1990, 1, 2, 0, 0)), today=today
    )
    assert learner.date_of_birth == D(1990, 1, 2)
    assert type(learner.date_of_birth) is D


def test_date_order_applies(today):
    learner, _ = validate_learner(learner_values(date_of_birth="05.04.1990"), today=today, date_order="DMY")
    assert learner.date_of_birth == D(1990, 4, 5)


def test_ambiguous_date_order_rejects_row(today):
    learner, problems = validate_learner(
        learner_values(date_of_birth="5/4/1990"), today=today, date_order=None
    )
    assert learner is None
    problem = only_problem(problems)
    assert problem.code is ProblemCode.AMBIGUOUS_DATE_ORDER
    assert problem.field == "date_of_birth"


def test_ambiguous_date_order_allows_iso(today):
    learner, problems = validate_learner(
        learner_values(date_of_birth="1990-04-05"), today=today, date_order=None
    )
    assert problems == []
    assert learner.date_of_birth == D(1990, 4, 5)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"last_name": ""}, "last_name", ProblemCode.MISSING),
        ({"last_name": None}, "last_name", ProblemCode.MISSING),
        ({"first_name": "   "}, "first_name", ProblemCode.MISSING),
        ({"date_of_birth": ""}, "date_of_birth", ProblemCode.MISSING),
        ({"date_of_birth": "7/9/2031"}, "date_of_birth", ProblemCode.FUTURE_DATE),
        ({"date_of_birth": "12/31/1899"}, "date_of_birth", ProblemCode.DATE_TOO_EARLY),
        ({"date_of_birth": "1/1/2020"}, "date_of_birth", ProblemCode.TOO_YOUNG),
        ({"date_of_birth": "2/30/1999"}, "date_of_birth", ProblemCode.INVALID_DATE),
        ({"date_of_birth": "5/19/58"}, "date_of_birth", ProblemCode.INVALID_DATE),
        ({"external_id": "2.54712E+11"}, "external_id", ProblemCode.NUMBER_FORMATTED_ID),
        ({"external_id": "1,5e10"}, "external_id", ProblemCode.NUMBER_FORMATTED_ID),
        ({"external_id": "X" * 65}, "external_id", ProblemCode.TOO_LONG),
        ({"first_name": "Skye 🌟"}, "first_name", ProblemCode.UNPRINTABLE),
        ({"last_name": "Ok\x07afor"}, "last_name", ProblemCode.CONTROL_CHARACTER),
        ({"middle_name": "Ann\u200b"}, "middle_name", ProblemCode.CONTROL_CHARACTER),
        ({"first_name": "A" * (NAME_MAX_LENGTH + 1)}, "first_name", ProblemCode.TOO_LONG),
        ({"preferred_name": "R" * 201}, "preferred_name", ProblemCode.TOO_LONG),
        ({"middle_name": "-"}, "middle_name", ProblemCode.NO_LETTER),
        ({"first_name": "123"}, "first_name", ProblemCode.NO_LETTER),
        ({"email": "omar.haddad@"}, "email", ProblemCode.INVALID_EMAIL),
        ({"phone": "555\x00"}, "phone", ProblemCode.CONTROL_CHARACTER),
        ({"phone": "5" * 41}, "phone", ProblemCode.TOO_LONG),
    ],
)
def test_rejected_values(today, changes, field, code):
    learner, problems = validate_learner(learner_values(**changes), today=today, row_number=7)
    assert learner is None
    problem = only_problem(problems)
    assert problem.field == field
    assert problem.code is code
    assert problem.severity is Severity.ERROR
    assert problem.row_number == 7


def test_unprintable_message_names_character(today):
    _, problems = validate_learner(learner_values(first_name="Skye 🌟"), today=today)
    assert "U+1F31F GLOWING STAR" in problems[0].message


def test_control_character_message_names_character(today):
    _, problems = validate_learner(learner_values(last_name="Ok\x07afor"), today=today)
    assert "U+0007" in problems[0].message


def test_too_long_message_gives_limit(today):
    _, problems = validate_learner(learner_values(first_name="A" * 101), today=today)
    assert problems[0].message == "is 101 characters long; the maximum is 100"


def test_future_message_shows_value(today):
    _, problems = validate_learner(learner_values(date_of_birth="7/9/2031"), today=today)
    assert problems[0].message == "7/9/2031 is in the future"


def test_minimum_age_boundary(today):
    birthday = today.replace(year=today.year - MIN_AGE_YEARS)
    learner, problems = validate_learner(learner_values(date_of_birth=birthday), today=today)
    assert problems == []
    day_later = birthday + datetime.timedelta(days=1)
    learner, problems = validate_learner(learner_values(date_of_birth=day_later), today=today)
    assert learner is None
    assert problems[0].code is ProblemCode.TOO_YOUNG


def test_born_today_is_not_future(today):
    _, problems = validate_learner(learner_values(date_of_birth=today), today=today)
    assert only_problem(problems).code is ProblemCode.TOO_YOUNG


def test_several_problems_reported_together(today):
    learner, problems = validate_learner(
        learner_values(first_name="", last_name="", date_of_birth="13/25/2001", email="x@"), today=today
    )
    assert learner is None
    assert [problem.field for problem in problems] == ["first_name", "last_name", "date_of_birth", "email"]


def test_invalid_email_dropped_on_request(today):
    learner, problems = validate_learner(
        learner_values(email="omar.haddad@"), today=today, drop_invalid_email=True
    )
    assert learner is not None
    assert learner.email is None
    problem = only_problem(problems)
    assert problem.severity is Severity.WARNING
    assert problem.code is ProblemCode.EMAIL_DROPPED
    assert problem.field == "email"


def test_one_part_name_allows_empty_first_name(today):
    learner, problems = validate_learner(
        learner_values(first_name="", middle_name="", last_name="Madonna"), today=today, one_part_name=True
    )
    assert problems == []
    assert learner.first_name == ""
    assert learner.last_name == "Madonna"
    assert learner.full_name == "Madonna"


def test_one_part_name_needs_last_name(today):
    learner, problems = validate_learner(
        learner_values(first_name="", middle_name="", last_name=""), today=today, one_part_name=True
    )
    assert learner is None
    problem = only_problem(problems)
    assert problem.field == "last_name"
    assert "one-part name" in problem.message


def test_one_part_name_rejects_first_name(today):
    learner, problems = validate_learner(
        learner_values(first_name="Ann", middle_name="", last_name="Lee"), today=today, one_part_name=True
    )
    assert learner is None
    assert only_problem(problems).code is ProblemCode.ONE_PART_NAME


def test_missing_first_name_without_flag(today):
    learner, problems = validate_learner(learner_values(first_name="", last_name="Madonna"), today=today)
    assert learner is None
    problem = only_problem(problems)
    assert problem.field == "first_name"
    assert problem.code is ProblemCode.MISSING


def test_str_of_problem_names_row_and_field(today):
    _, problems = validate_learner(learner_values(last_name=""), today=today, row_number=14)
    assert str(problems[0]) == "Row 14, last name: last name is missing"


@pytest.mark.parametrize(
    "address",
    [
        "rosa@example.org",
        "rosa.okafor+site@mail.example.co.uk",
        "o'neal@example.org",
        '"quoted; with semicolon"@example.org',
        "jürgen@exämple.de",
        "a_b@sub-domain.example.com",
        "ivan@example.xn--p1ai",
    ],
)
def test_email_accepted(address):
    assert is_email_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "omar.haddad@",
        "@example.org",
        "rosa",
        "rosa@example",
        "rosa@@example.org",
        "rosa @example.org",
        "rosa@example..org",
        "rosa@.example.org",
        "rosa@example.o",
        "rosa@example.c0m",
        "rosa@-example.org",
        ".rosa@example.org",
        "rosa.@example.org",
        "r" * 250 + "@example.org",
    ],
)
def test_email_rejected(address):
    assert not is_email_address(address)


def test_duplicate_key_ignores_case_accents_and_middle():
    assert duplicate_key("ROSA", "OKAFOR", D(1958, 5, 19)) == duplicate_key("Rosa", "Okafor", D(1958, 5, 19))
    assert duplicate_key("Jurgen", "Lopez", D(2000, 1, 1)) == duplicate_key("Jürgen", "López", D(2000, 1, 1))
    assert duplicate_key("Rosa", "Okafor", D(1958, 5, 19)) != duplicate_key("Rosa", "Okafor", D(1958, 5, 20))


def test_date_order_enum_or_text(today):
    by_enum, _ = validate_learner(
        learner_values(date_of_birth="05.04.1990"), today=today, date_order=DateOrder.DMY
    )
    by_text, _ = validate_learner(learner_values(date_of_birth="05.04.1990"), today=today, date_order="DMY")
    assert by_enum == by_text
