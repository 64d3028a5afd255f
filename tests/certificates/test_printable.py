import unicodedata

import pytest

from nwrc_desktop.domain.printable import describe_character, unprintable_characters

NAMES = [
    "Nguyễn Thị Ánh",
    "Łukasz Wiśniewski",
    "Gülşen Işık",
    "Øystein Ærø Åse",
    "Αλέξανδρος Παπαδόπουλος",
    "Анна Сергеевна Кузнецова",
    "Shaun O’Neal",
    "Zoë d’Artagnan-Ñúñez",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_of_every_script_printable(name):
    assert unprintable_characters(name) == []


@pytest.mark.parametrize("name", NAMES)
def test_decomposed_names_printable(name):
    assert unprintable_characters(unicodedata.normalize("NFD", name)) == []


def test_emoji_rejected():
    assert unprintable_characters("Ann 😀 Lee 😀 🌟") == ["😀", "🌟"]


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u200d", "\u00ad", "\t", "\n", "\ue000", "\u2028"],
    ids=[
        "bidi-override",
        "zero-width-joiner",
        "soft-hyphen",
        "tab",
        "newline",
        "private-use",
        "line-separator",
    ],
)
def test_invisible_characters_rejected(char):
    assert unprintable_characters(f"Ann{char}Lee") == [char]


def test_describe_character():
    assert describe_character("😀") == "U+1F600 GRINNING FACE"


def test_uncomposable_combining_mark_rejected():
    # O and E with dot below have no precomposed form with a grave or acute, so NFC leaves both marks separate.
    assert unprintable_characters("Ọ̀ṣẹ́") == ["\u0300", "\u0301"]


def test_composable_combining_marks_accepted():
    assert unprintable_characters(unicodedata.normalize("NFD", "Adéwálé Nguyễn Åse")) == []
