"""Which characters the shipped certificate fonts can print.

Registration and import reject a name with a character outside this set, so a certificate never fails
to print later. The set is read from the character map of every font a name is printed in.
"""

from __future__ import annotations

import functools
import unicodedata

from fontTools.ttLib import TTFont

from nwrc_desktop.resources import resource_path

# The fonts that print learner names; a character must be in all of them.
NAME_FONTS = ("fonts/DejaVuSerif-Bold.ttf", "fonts/DejaVuSans.ttf")


@functools.cache
def printable_codepoints() -> frozenset[int]:
    """Return the code points every name font maps to a glyph."""
    sets = []
    for name in NAME_FONTS:
        with TTFont(resource_path(name), lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


def unprintable_characters(text: str) -> list[str]:
    """Return the characters of `text` (in NFC) that no name font can print, each once, in order."""
    printable = printable_codepoints()
    found: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if ord(char) not in printable and char not in found:
            found.append(char)
    return found


def describe_character(char: str) -> str:
    """Return a character with its Unicode name, for messages: 'U+1F31F GLOWING STAR'."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"
