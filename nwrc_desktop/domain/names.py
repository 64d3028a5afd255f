"""Normalisation of personal names, and the folded keys used for duplicate detection and search.

A stored name keeps the letters the learner gave (in Unicode NFC, with spacing tidied), because the
certificate prints it. The keys fold away case, accents, apostrophe and hyphen variants and spacing, so that
"ROSA OKAFOR", "Rosa Okafor" and a decomposed "Rosa Okafor" all match.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not decompose into a base letter plus combining marks.
_LETTER_FOLDS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "ŧ": "t",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
}

# Characters people type for the apostrophe in names such as O'Neal.
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u2032"
# Hyphens and dashes people type in double-barrelled names.
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_FOLD_TABLE = str.maketrans(
    {
        **{char: "'" for char in _APOSTROPHES},
        **{char: "-" for char in _HYPHENS},
        **_LETTER_FOLDS,
    }
)

# Tab and line breaks inside a cell count as spaces, but every other control character is rejected.
_SPACE_CONTROLS = frozenset("\t\n\r")


def collapse_spaces(text: str) -> str:
    """Return `text` without outer whitespace and with each inner run of whitespace made one space."""
    return " ".join(text.split())


def normalize_name(text: str) -> str:
    """Return a name in Unicode NFC with outer spaces removed and inner runs of spaces made one space.

    Letters, case, apostrophes and hyphens are kept as given, because the certificate prints them.
    """
    return collapse_spaces(unicodedata.normalize("NFC", text))


def control_characters(text: str) -> list[str]:
    """Return the control and format characters of `text` (Unicode categories Cc and Cf), each once.

    Tab, carriage return and line feed are not listed: :func:`normalize_name` turns them into spaces.
    """
    found: list[str] = []
    for char in text:
        if char in _SPACE_CONTROLS or char in found:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            found.append(char)
    return found


def has_letter(text: str) -> bool:
    """Return True if `text` contains at least one letter (Unicode category L*)."""
    return any(unicodedata.category(char).startswith("L") for char in text)


def search_key(text: str) -> str:
    """Fold `text` for matching: casefolded, accents removed, apostrophe and hyphen variants unified.

    Letters without a decomposition are folded by table (ł to l, ø to o, đ to d, æ to ae, ß to ss).
    Whitespace runs become one space. The same folding serves search-as-you-type, so a query typed
    without accents finds accented names.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(char for char in folded if not unicodedata.combining(char))
    return collapse_spaces(without_marks.translate(_FOLD_TABLE))


def name_key(first_name: str | None, last_name: str | None, middle_name: str | None = None) -> str:
    """Return the folded key of a person's name, for duplicate detection.

    The parts are folded with :func:`search_key` and joined with "|" in the order first, middle, last,
    so "Ann Marie|Smith" and "Ann|Marie Smith" stay different. An empty or missing middle name gives the
    same key as no middle name at all.
    """
    parts = (first_name or "", middle_name or "", last_name or "")
    return "|".join(search_key(part) for part in parts)
