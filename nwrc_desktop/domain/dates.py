"""Dates as spreadsheets and other systems write them, read with one day/month order per file.

A value such as 3/4/1990 means 3 April in one country and 4 March in another, and no single value shows
which. The order is therefore decided once per file from all its values (:func:`decide_date_order`) and
then every value is read in that order (:func:`parse_date`). Values never decide their own order.

Accepted forms:
- day, month and year separated by "/", "." or "-", in the file's order;
- year-first values (ISO 2001-12-31, also 2001/12/31 and 2001.12.31), always read as year-month-day;
- either of these followed by the midnight time ("0:00", "00:00:00") that spreadsheets append;
- dates with an English month name (19 May 1958, 19-May-1958, May 19, 1958), which need no order.
Two-digit years are rejected rather than guessed, because a date of birth in '58 may be 1958 or 2058.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


class DateOrder(enum.StrEnum):
    """The order of day, month and year in a file's dates."""

    MDY = "MDY"
    DMY = "DMY"
    YMD = "YMD"

    @property
    def pattern(self) -> str:
        """The order written out for messages, such as 'month/day/year'."""
        return _ORDER_PATTERNS[self]


_ORDER_PATTERNS = {
    DateOrder.MDY: "month/day/year",
    DateOrder.DMY: "day/month/year",
    DateOrder.YMD: "year-month-day",
}


class DateOrderSource(enum.StrEnum):
    """Origin of a file's date order."""

    DETECTED = "detected"  # some value can be read in only one order
    DEFAULT = "default"  # no value decides, so the default order applies
    GIVEN = "given"  # the caller chose the order
    AMBIGUOUS = "ambiguous"  # values contradict each other and no order was given, so none is used


class DateValueError(ValueError):
    """Invalid date value. The message explains the reason in words for the user."""


class DateOrderUnknown(DateValueError):
    """A day-first or month-first value in a file whose date order is ambiguous."""


_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_MIDNIGHT = r"(?:[ T]0?0:00(?::00(?:\.0+)?)?(?: ?[AaPp][Mm])?)?"
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})" + _MIDNIGHT)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[ \-.]([A-Za-z]{3,9})\.?[ \-.,]+(\d{1,4})" + _MIDNIGHT)
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{1,4})" + _MIDNIGHT)
_SERIAL_NUMBER = re.compile(r"\d{4,6}(?:\.\d+)?")


@dataclass(frozen=True)
class DateOrderDecision:
    """The date order chosen for one file, how it was chosen, and the rows that show an order.

    `order` is None only when the source is AMBIGUOUS. `reason` is a sentence for the user.
    """

    order: DateOrder | None
    source: DateOrderSource
    reason: str
    day_first_rows: list[int] = field(default_factory=list)
    month_first_rows: list[int] = field(default_factory=list)


def _numeric_parts(text: str) -> tuple[int, int, int, int] | None:
    """Return (first, second, third, width of first) for a numeric date, or None if it is not one."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return None
    first, _, second, third = match.groups()
    return int(first), int(second), int(third), len(first)


def order_evidence(text: str) -> DateOrder | None:
    """Return the only order in which `text` can be a date, or None if it does not settle the order.

    Only day-first or month-first values with one part above 12 and the other at most 12 settle it.
    Year-first values, month names and values invalid in every order return None.
    """
    parts = _numeric_parts(text)
    if parts is None:
        return None
    first, second, _, first_width = parts
    if first_width == 4:
        return None
    if first > 12 and 1 <= second <= 12:
        return DateOrder.DMY
    if second > 12 and 1 <= first <= 12:
        return DateOrder.MDY
    return None


def _rows_text(rows: list[int]) -> str:
    listed_rows = ", ".join(str(row) for row in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"row{'s' if len(rows) > 1 else ''} {listed_rows}{more}"


def decide_date_order(
    values: Iterable[tuple[int, str]],
    *,
    given: DateOrder | None = None,
    default: DateOrder = DateOrder.MDY,
) -> DateOrderDecision:
    """Decide the date order of one file from its (row number, date text) pairs.

    A given order always wins. Otherwise values that can only be day-first or only month-first decide;
    if both kinds occur the file is ambiguous. With no such value the file is year-month-day when every
    non-empty value is year-first, and `default` otherwise.
    """
    day_first: list[int] = []
    month_first: list[int] = []
    examples: dict[DateOrder, str] = {}
    non_empty = 0
    year_first = 0
    for row_number, text in values:
        text = text.strip()
        if not text:
            continue
        non_empty += 1
        parts = _numeric_parts(text)
        if parts is not None and parts[3] == 4:
            year_first += 1
        evidence = order_evidence(text)
        if evidence is DateOrder.DMY:
            day_first.append(row_number)
        elif evidence is DateOrder.MDY:
            month_first.append(row_number)
        if evidence is not None:
            examples.setdefault(evidence, f"{text} (row {row_number})")

    if given is not None:
        reason = f"{given.pattern}, as chosen"
        contradicting = {DateOrder.MDY: day_first, DateOrder.DMY: month_first}.get(given, [])
        if contradicting:
            reason += f"; {_rows_text(contradicting)} cannot be read in that order"
        return DateOrderDecision(given, DateOrderSource.GIVEN, reason, day_first, month_first)

    if day_first and month_first:
        reason = (
            f"the dates contradict each other: {examples[DateOrder.DMY]} can only be day/month/year "
            f"but {examples[DateOrder.MDY]} can only be month/day/year; choose the order of this file"
        )
        return DateOrderDecision(None, DateOrderSource.AMBIGUOUS, reason, day_first, month_first)
    if day_first:
        reason = f"day/month/year, because {examples[DateOrder.DMY]} can only be read that way"
        return DateOrderDecision(DateOrder.DMY, DateOrderSource.DETECTED, reason, day_first, month_first)
    if month_first:
        reason = f"month/day/year, because {examples[DateOrder.MDY]} can only be read that way"
        return DateOrderDecision(DateOrder.MDY, DateOrderSource.DETECTED, reason, day_first, month_first)
    if non_empty and year_first == non_empty:
        reason = "year-month-day, because every date starts with a four-digit year"
        return DateOrderDecision(DateOrder.YMD, DateOrderSource.DETECTED, reason)
    reason = f"{default.pattern}, because no date in the file settles the order"
    return DateOrderDecision(default, DateOrderSource.DEFAULT, reason)


def _build_date(text: str, year: int, month: int, day: int, order_text: str) -> datetime.date:
    if year < 1:
        raise DateValueError(f"{text!r} is not a valid date: there is no year {year}")
    if not 1 <= month <= 12:
        raise DateValueError(f"{text!r} is not a valid date in {order_text} order: there is no month {month}")
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        month_name = calendar.month_name[month]
        raise DateValueError(
            f"{text!r} is not a valid date in {order_text} order: {month_name} {year} has no day {day}"
        )
    return datetime.date(year, month, day)


def _check_year(text: str, year_text: str) -> int:
    if len(year_text) <= 2:
        raise DateValueError(
            f"{text!r} has a two-digit year; write the year with four digits (for example 19{year_text:0>2} "
            f"or 20{year_text:0>2})"
        )
    if len(year_text) != 4:
        raise DateValueError(f"{text!r} is not a valid date: the year must have four digits")
    return int(year_text)


def _parse_month_name(text: str, day_text: str, month_text: str, year_text: str) -> datetime.date:
    month = _MONTHS.get(month_text.casefold())
    if month is None:
        raise DateValueError(f"{text!r} is not a valid date: {month_text!r} is not a month name")
    year = _check_year(text, year_text)
    return _build_date(text, year, month, int(day_text), "day-month-year")


def parse_date(text: str, order: DateOrder | str | None) -> datetime.date:
    """Read a date written in the file's `order`, raising DateValueError with a message for the user.

    Year-first values and values with a month name are read without `order`. An order of None (an
    ambiguous file) rejects every other value with a message asking for the order.
    """
    text = text.strip()
    if not text:
        raise DateValueError("the date is empty")
    if order is not None:
        order = DateOrder(order)

    match = _DAY_MONTH_NAME.fullmatch(text)
    if match is not None:
        day_text, month_text, year_text = match.groups()
        return _parse_month_name(text, day_text, month_text, year_text)
    match = _MONTH_NAME_DAY.fullmatch(text)
    if match is not None:
        month_text, day_text, year_text = match.groups()
        return _parse_month_name(text, day_text, month_text, year_text)

    match = _NUMERIC.fullmatch(text)
    if match is None:
        if _SERIAL_NUMBER.fullmatch(text):
            raise DateValueError(
                f"{text!r} is a spreadsheet's internal date number, not a date; format the column as a "
                "date in the spreadsheet and save the file again"
            )
        raise DateValueError(f"{text!r} is not a date; write it as {_order_example(order)}")

    first, _, second, third = match.groups()
    if len(first) == 4:
        year = int(first)
        return _build_date(text, year, int(second), int(third), DateOrder.YMD.pattern)
    if len(first) == 3:
        raise DateValueError(f"{text!r} is not a valid date: the year must have four digits")

    if order is None:
        raise DateOrderUnknown(
            f"{text!r} can be read as month/day/year or day/month/year, and the dates of this file "
            "contradict each other; choose the date order of the file"
        )
    if order is DateOrder.YMD:
        raise DateValueError(f"{text!r} is not a valid date in year-month-day order")
    year = _check_year(text, third)
    if order is DateOrder.MDY:
        month, day = int(first), int(second)
    else:
        day, month = int(first), int(second)
    return _build_date(text, year, month, day, order.pattern)


def _order_example(order: DateOrder | None) -> str:
    if order is DateOrder.DMY:
        return "day/month/year, such as 31/12/1990"
    if order is DateOrder.YMD:
        return "year-month-day, such as 1990-12-31"
    return "month/day/year, such as 12/31/1990"


def years_between(earlier: datetime.date, later: datetime.date) -> int:
    """Return the number of whole years from `earlier` to `later` (a person's age on `later`)."""
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return years
