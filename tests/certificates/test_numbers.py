import pytest

from nwrc_desktop.certificates import numbers
from nwrc_desktop.certificates.numbers import (
    CHECK_ALPHABET,
    check_character,
    is_valid_certificate_number,
    new_certificate_number,
    normalize_certificate_number,
    site_code_of,
)


def test_new_number_format():
    number = new_certificate_number("NYC01")
    site, *groups = number.split("-")

    assert site == "NYC01"
    assert [len(group) for group in groups] == [4, 4, 4]
    assert is_valid_certificate_number(number)
    assert all(char in numbers.RANDOM_ALPHABET for char in "".join(groups)[:-1])


def test_new_numbers_differ():
    generated = {new_certificate_number("AB") for _ in range(2000)}

    assert len(generated) == 2000


@pytest.mark.parametrize("site_code", ["A", "ABCDEFGHIJKLM", "nyc01", "NY-01", "NYC 1", "ÄB", ""])
def test_new_number_rejects_invalid_site_code(site_code):
    with pytest.raises(ValueError, match="invalid site code"):
        new_certificate_number(site_code)


@pytest.mark.parametrize("site_code", ["AB", "Z9", "ABCDEFGHIJKL", "IOLU01"])
def test_site_code_parsed_back(site_code):
    number = new_certificate_number(site_code)

    assert site_code_of(number) == site_code


def test_check_catches_every_substitution():
    # Every position, site code included, and every other character of 0-9 and A-Z.
    for site_code in ("NYC01", "IOLU", "Z9Z9Z9Z9Z9Z9"):
        for _ in range(20):
            number = new_certificate_number(site_code)
            for index, original in enumerate(number):
                if original == "-":
                    continue
                for replacement in CHECK_ALPHABET:
                    if replacement == original:
                        continue
                    typo = number[:index] + replacement + number[index + 1 :]
                    assert not is_valid_certificate_number(typo), typo


def test_check_character_known_values():
    # Luhn mod 36 worked by hand: for "1" the doubled 1 gives 2, so the check is 36 - 2 = 34 = "Y".
    assert check_character("1") == "Y"
    # For "AB": B (11) doubled is 22, A (10) is 10, sum 32, check 36 - 32 = 4.
    assert check_character("AB") == "4"


def test_check_character_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        check_character("")
    with pytest.raises(ValueError, match="invalid character"):
        check_character("AB-C")


def test_normalize_accepts_typing_variants():
    number = new_certificate_number("NYC01")
    site_code, tail = number.split("-", 1)

    assert normalize_certificate_number(f"  {number.lower()} ") == number
    assert normalize_certificate_number(f"{site_code}-{tail.replace('-', '')}") == number
    assert normalize_certificate_number(f"{site_code}-{tail.replace('-', ' ')}") == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "NYC01",
        "NYC01-",
        "NYC01-AAAA-AAAA-AAA",
        "NYC01-AAAA-AAAA-AAAAA",
        "-AAAA-AAAA-AAAA",
        "N-AAAA-AAAA-AAAA",
    ],
)
def test_malformed_numbers_invalid(text):
    assert not is_valid_certificate_number(text)


def test_ambiguous_letter_in_random_part_invalid():
    number = new_certificate_number("NYC01")
    random_index = number.index("-") + 1
    # O is not in the random alphabet, even where it would make the check character match.
    for letter in "ILOU":
        typo = number[:random_index] + letter + number[random_index + 1 :]
        assert not is_valid_certificate_number(typo)


def test_site_code_of_invalid_number_raises():
    number = new_certificate_number("NYC01")
    wrong_check = "0" if number[-1] != "0" else "1"

    with pytest.raises(ValueError, match="check character"):
        site_code_of(number[:-1] + wrong_check)
