import unicodedata

import pytest

from nwrc_desktop.domain.names import (
    control_characters,
    has_letter,
    name_key,
    normalize_name,
    search_key,
)


def test_normalize_name_tidies_spaces():
    assert normalize_name("  Mary   Ann \t ") == "Mary Ann"
    assert normalize_name("van\u00a0der  Berg") == "van der Berg"


def test_normalize_name_composes_accents():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị")
    assert decomposed != "Nguyễn Thị"
    assert normalize_name(decomposed) == "Nguyễn Thị"


def test_normalize_name_keeps_case_and_apostrophes():
    assert normalize_name("O’Neal") == "O’Neal"
    assert normalize_name("DE LA CRUZ") == "DE LA CRUZ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Łukaszewicz", "lukaszewicz"),
        ("Bjørn", "bjorn"),
        ("Đặng", "dang"),
        ("Straße", "strasse"),
        ("Ærø", "aero"),
        ("Œuvre", "oeuvre"),
        ("Çelik", "celik"),
        ("Núñez", "nunez"),
        ("Siobhán", "siobhan"),
        ("  De   la  Cruz ", "de la cruz"),
    ],
)
def test_search_key_folds(text, expected):
    assert search_key(text) == expected


def test_search_key_apostrophes_equal():
    assert search_key("O’Neal") == search_key("O'Neal") == search_key("o‘neal") == "o'neal"


def test_search_key_hyphens_equal():
    assert search_key("Smith‐Jones") == search_key("Smith-Jones") == search_key("Smith–Jones")


def test_search_key_decomposed_equals_composed():
    composed = "Renée Nguyễn"
    decomposed = unicodedata.normalize("NFD", composed)
    assert search_key(decomposed) == search_key(composed) == "renee nguyen"


def test_name_key_ignores_case_and_accents():
    assert name_key("ROSA", "OKAFOR", "J.") == name_key("Rosa", "Okafor", "J.")
    assert name_key("Jürgen", "Lopez") == name_key("jurgen", "LOPEZ")


def test_name_key_keeps_part_boundaries():
    assert name_key("Ann Marie", "Smith") != name_key("Ann", "Marie Smith")
    assert name_key("Ann", "Smith", "Marie") != name_key("Ann", "Smith")


def test_name_key_empty_middle_same_as_none():
    assert name_key("Ann", "Smith", "") == name_key("Ann", "Smith", None) == name_key("Ann", "Smith")


def test_control_characters_listed_once():
    assert control_characters("A\x07B\x07\u200bC") == ["\x07", "\u200b"]


def test_control_characters_ignore_tab_and_newline():
    assert control_characters("A\tB\r\nC") == []


def test_has_letter():
    assert has_letter("J.")
    assert has_letter("Đặng")
    assert not has_letter("123")
    assert not has_letter("-")
