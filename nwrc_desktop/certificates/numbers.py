"""Certificate numbers: site code, random part and a check character.

A number reads ``NYC01-7K3M-9QX2-PH4Z``: the site code, then 11 random characters and one check character
in groups of four. The site code makes numbers unique across sites. The 11 random characters (55 bits
from :mod:`secrets`) make a collision within one site unlikely, and the store's unique constraint
catches the rest.

The random characters come from Crockford's base32 alphabet, which leaves out I, L, O and U so that
they cannot be misread as 1, 0 or V. Site codes may use any of A-Z and 0-9, so the check character is
computed with the Luhn mod N algorithm over all 36 of them (N = 36). With an even N the doubling step is
a permutation, so any single substituted character, including one in the site code or the check
character itself, changes the sum and is detected.
"""

from __future__ import annotations

import re
import secrets

SITE_CODE_PATTERN = re.compile(r"[A-Z0-9]{2,12}")
RANDOM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RANDOM_LENGTH = 11
GROUP_LENGTH = 4

_CHECK_BASE = len(CHECK_ALPHABET)
_CHECK_VALUES = {char: value for value, char in enumerate(CHECK_ALPHABET)}


def is_valid_site_code(site_code: str) -> bool:
    """Return whether `site_code` is 2-12 characters of A-Z and 0-9."""
    return SITE_CODE_PATTERN.fullmatch(site_code) is not None


def check_character(body: str) -> str:
    """Return the Luhn mod 36 check character of `body` (characters 0-9 and A-Z, no separators).

    Raise ValueError if `body` is empty or contains another character.
    """
    if not body:
        raise ValueError("cannot compute a check character of an empty string")
    total = 0
    # The rightmost character of the body is doubled, because the check character will follow it.
    factor = 2
    for char in reversed(body):
        try:
            value = _CHECK_VALUES[char]
        except KeyError:
            raise ValueError(f"invalid character {char!r} in {body!r}; expected 0-9 and A-Z") from None
        addend = factor * value
        total += addend // _CHECK_BASE + addend % _CHECK_BASE
        factor = 1 if factor == 2 else 2
    return CHECK_ALPHABET[(_CHECK_BASE - total % _CHECK_BASE) % _CHECK_BASE]


def new_certificate_number(site_code: str) -> str:
    """Make a new certificate number for the site `site_code`; raise ValueError on an invalid code."""
    if not is_valid_site_code(site_code):
        raise ValueError(f"invalid site code {site_code!r}; expected 2-12 characters of A-Z and 0-9")
    random_part = "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))
    tail = random_part + check_character(site_code + random_part)
    groups = [tail[i : i + GROUP_LENGTH] for i in range(0, len(tail), GROUP_LENGTH)]
    return "-".join([site_code, *groups])


def normalize_certificate_number(text: str) -> str:
    """Return `text` as a certificate number in its printed form, or raise ValueError.

    Accepts lower case, spaces and any grouping of the part after the site code, as people type it.
    """
    compact = "".join(text.split()).upper()
    site_code, separator, rest = compact.partition("-")
    tail = rest.replace("-", "")
    if not separator or not is_valid_site_code(site_code):
        raise ValueError(f"invalid certificate number {text!r}; expected SITECODE-XXXX-XXXX-XXXX")
    if len(tail) != RANDOM_LENGTH + 1:
        raise ValueError(
            f"invalid certificate number {text!r}; expected {RANDOM_LENGTH + 1} characters after the site code"
        )
    random_part, check = tail[:-1], tail[-1]
    invalid = [char for char in random_part if char not in RANDOM_ALPHABET]
    if invalid:
        raise ValueError(f"invalid certificate number {text!r}; it cannot contain {invalid[0]!r}")
    if check not in _CHECK_VALUES or check_character(site_code + random_part) != check:
        raise ValueError(f"invalid certificate number {text!r}: the check character does not match")
    groups = [tail[i : i + GROUP_LENGTH] for i in range(0, len(tail), GROUP_LENGTH)]
    return "-".join([site_code, *groups])


def is_valid_certificate_number(text: str) -> bool:
    """Return whether `text` is a well-formed certificate number whose check character matches."""
    try:
        normalize_certificate_number(text)
    except ValueError:
        return False
    return True


def site_code_of(certificate_number: str) -> str:
    """Return the site code of a valid certificate number; raise ValueError on an invalid one."""
    return normalize_certificate_number(certificate_number).partition("-")[0]
