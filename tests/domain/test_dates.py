import datetime

import pytest

from nwrc_desktop.domain.dates import (
    DateOrder,
    DateOrderSource,
    DateOrderUnknown,
    DateValueError,
    decide_date_order,
    order_evidence,
    parse_date,
    years_between,
)

D = datetime.date


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("5/19/1958", DateOrder.MDY, D(1958, 5, 19)),
        ("05/04/1990", DateOrder.MDY, D(1990, 5, 4)),
        ("05/04/1990", DateOrder.DMY, D(1990, 4, 5)),
        ("17.11.1966", DateOrder.DMY, D(1966, 11, 17)),
        ("17-11-1966", DateOrder.DMY, D(1966, 11, 17)),
        ("1966-11-17", DateOrder.MDY, D(1966, 11, 17)),
        ("1966-11-17", DateOrder.DMY, D(1966, 11, 17)),
        ("1966/11/17", None, D(1966, 11, 17)),
        (" 2/29/2000 ", DateOrder.MDY, D(2000, 2, 29)),
        ("5/19/1958 0:00", DateOrder.MDY, D(1958, 5, 19)),
        ("1958-05-19T00:00:00", DateOrder.MDY, D(1958, 5, 19)),
        ("19 May 1958", DateOrder.MDY, D(1958, 5, 19)),
        ("19-May-1958", DateOrder.MDY, D(1958, 5, 19)),
        ("May 19, 1958", DateOrder.DMY, D(1958, 5, 19)),
        ("3 Sept 1990", None, D(1990, 9, 3)),
    ],
)
def test_parse_date_accepts(text, order, expected):
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "order", "fragment"),
    [
        ("13/25/2001", DateOrder.MDY, "there is no month 13"),
        ("2/30/1999", DateOrder.MDY, "February 1999 has no day 30"),
        ("2/29/2001", DateOrder.MDY, "February 2001 has no day 29"),
        ("25.12.1983", DateOrder.MDY, "there is no month 25"),
        ("5/19/58", DateOrder.MDY, "two-digit year"),
        ("19.05.58", DateOrder.DMY, "two-digit year"),
        ("5/19/195", DateOrder.MDY, "four digits"),
        ("32874", DateOrder.MDY, "internal date number"),
        ("yesterday", DateOrder.MDY, "is not a date"),
        ("19 Mai 1958", DateOrder.MDY, "not a month name"),
        ("5/19/1958 14:30", DateOrder.MDY, "is not a date"),
        ("1958-13-01", DateOrder.MDY, "there is no month 13"),
        ("0/0/0000", DateOrder.MDY, "no year 0"),
        ("", DateOrder.MDY, "empty"),
    ],
)
def test_parse_date_rejects(text, order, fragment):
    with pytest.raises(DateValueError) as caught:
        parse_date(text, order)
    assert fragment in str(caught.value)


def test_parse_date_without_order_rejects_day_month_values():
    with pytest.raises(DateOrderUnknown, match="choose the date order"):
        parse_date("5/4/1990", None)


def test_parse_date_ymd_order_rejects_others():
    with pytest.raises(DateValueError, match="year-month-day"):
        parse_date("5/4/1990", DateOrder.YMD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/12/1990", DateOrder.DMY),
        ("12/25/1990", DateOrder.MDY),
        ("5/4/1990", None),
        ("13/25/2001", None),
        ("1990-12-25", None),
        ("not a date", None),
    ],
)
def test_order_evidence(text, expected):
    assert order_evidence(text) is expected


def test_decide_detects_month_first():
    decision = decide_date_order([(2, "5/4/1990"), (3, "5/19/1958"), (4, "13/25/2001")])
    assert decision.order is DateOrder.MDY
    assert decision.source is DateOrderSource.DETECTED
    assert "5/19/1958 (row 3)" in decision.reason
    assert decision.month_first_rows == [3]
    assert decision.day_first_rows == []


def test_decide_detects_day_first():
    decision = decide_date_order([(2, "01.12.1974"), (3, "17.11.1966")])
    assert decision.order is DateOrder.DMY
    assert decision.source is DateOrderSource.DETECTED
    assert decision.day_first_rows == [3]


def test_decide_default_without_evidence():
    decision = decide_date_order([(2, "5/4/1990"), (3, "1/2/2000")])
    assert decision.order is DateOrder.MDY
    assert decision.source is DateOrderSource.DEFAULT


def test_decide_default_can_be_day_first():
    decision = decide_date_order([(2, "5/4/1990")], default=DateOrder.DMY)
    assert decision.order is DateOrder.DMY
    assert decision.source is DateOrderSource.DEFAULT


def test_decide_all_year_first():
    decision = decide_date_order([(2, "1990-04-05"), (3, ""), (4, "2001-12-31")])
    assert decision.order is DateOrder.YMD
    assert decision.source is DateOrderSource.DETECTED


def test_decide_conflict_is_ambiguous():
    decision = decide_date_order([(2, "25/12/1990"), (3, "12/25/1990"), (4, "5/4/1990")])
    assert decision.order is None
    assert decision.source is DateOrderSource.AMBIGUOUS
    assert "25/12/1990 (row 2)" in decision.reason
    assert "12/25/1990 (row 3)" in decision.reason
    assert decision.day_first_rows == [2]
    assert decision.month_first_rows == [3]


def test_decide_given_order_wins():
    decision = decide_date_order([(2, "25/12/1990"), (3, "12/25/1990")], given=DateOrder.DMY)
    assert decision.order is DateOrder.DMY
    assert decision.source is DateOrderSource.GIVEN
    assert "row 3 cannot be read in that order" in decision.reason


def test_decide_empty_file_uses_default():
    decision = decide_date_order([])
    assert decision.order is DateOrder.MDY
    assert decision.source is DateOrderSource.DEFAULT


def test_years_between_counts_birthdays():
    assert years_between(D(2000, 12, 5), D(2026, 12, 4)) == 25
    assert years_between(D(2000, 12, 4), D(2026, 12, 4)) == 26
