"""Which characters the shipped certificate fonts can print.

Registration and import reject a name with a character outside this set, so a certificate never fails
to print later. The set is read from the character map of every font a name is printed in, less the
invisible characters that a font maps but that print nothing or reorder text.
"""

from __future__ import annotations

import functools
import unicodedata

from fontTools.ttLib import TTFont

from nwrc_desktop.resources import resource_path

# The certificate prints the learner's name in DejaVu Serif Bold and the site's name in DejaVu Sans;
# nwrc_desktop.certificates registers these same files. A character must be in all of them.
LEARNER_NAME_FONT = "fonts/DejaVuSerif-Bold.ttf"
SITE_NAME_FONT = "fonts/DejaVuSans.ttf"
NAME_FONTS = (LEARNER_NAME_FONT, SITE_NAME_FONT)

# Unicode general categories rejected even where a font maps them: control (Cc), format (Cf: soft
# hyphen, zero-width joiners, bidirectional overrides), private use (Co), surrogate (Cs), unassigned
# (Cn), and line and paragraph separators (Zl, Zp). They print nothing, or reorder the text around them.
REJECTED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Combining marks (Mn, Mc, Me) that are still separate after NFC, such as the grave on Yoruba "Ọ̀", are
# rejected too. fpdf2 prints them without text shaping, so the mark lands at a fixed offset and can hide
# inside a capital letter. Marks with a precomposed form, as in every Vietnamese letter, compose in NFC.
# NOTE: fpdf2's set_text_shaping() with the uharfbuzz package would position these marks correctly.
COMBINING_CATEGORIES = frozenset({"Mn", "Mc", "Me"})


@functools.cache
def printable_codepoints() -> frozenset[int]:
    """Return the code points that every name font maps to a glyph and that print visibly."""
    sets = []
    for name in NAME_FONTS:
        with TTFont(resource_path(name), lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    mapped = frozenset.intersection(*sets)
    rejected = REJECTED_CATEGORIES | COMBINING_CATEGORIES
    return frozenset(cp for cp in mapped if unicodedata.category(chr(cp)) not in rejected)


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
