import pytest

from nwrc_desktop.certificates.layout import POINTS_PER_MM, NameTooLong, fit_name
from nwrc_desktop.certificates.render import NAME_AREA_HEIGHT, learner_name_layout

LONG_NAME = "Maximiliana Alexandra Konstantinopoulou-Wiśniewska de la Torres Nguyễn"
LONG_WORD = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschafersw"


def monospace(text: str, size: float) -> float:
    """Measure each character as 0.5 em wide, so expected widths are easy to compute."""
    return len(text) * 0.5 * size / POINTS_PER_MM


def test_long_name_is_70_characters():
    assert len(LONG_NAME) == 70
    assert len(LONG_WORD) == 70


def test_one_part_name_largest_size():
    layout = learner_name_layout("Madonna")

    assert layout.lines == ("Madonna",)
    assert layout.font_size == 40


def test_long_name_wraps_within_area():
    layout = learner_name_layout(LONG_NAME)

    assert len(layout.lines) == 2
    assert 18 <= layout.font_size <= 28
    assert "".join(layout.lines).replace(" ", "") == LONG_NAME.replace(" ", "")
    assert layout.lines == ("Maximiliana Alexandra Konstantinopoulou-", "Wiśniewska de la Torres Nguyễn")
    assert layout.line_height * len(layout.lines) <= NAME_AREA_HEIGHT


def test_long_word_breaks_between_characters():
    layout = learner_name_layout(LONG_WORD)

    assert len(layout.lines) == 2
    assert "".join(layout.lines) == LONG_WORD


def test_medium_name_shrinks_on_one_line():
    layout = learner_name_layout("Maximiliana Alexandra Konstantinopoulou")

    assert len(layout.lines) == 1
    assert 24 <= layout.font_size < 40


def test_fit_respects_width_and_height():
    for length in range(1, 200, 7):
        name = " ".join(["abcdefg"] * length)
        try:
            layout = fit_name(name, monospace, 200, 27)
        except NameTooLong:
            assert length > 10
            continue
        assert " ".join(layout.lines) == name
        assert all(monospace(line, layout.font_size) <= 200 for line in layout.lines)
        assert layout.line_height * len(layout.lines) <= 27


def test_shrinks_before_wrapping():
    # 40 characters at 0.5 em: 40 pt is 282 mm wide, 28 pt is 198 mm, so one line at 28 pt fits 200 mm.
    layout = fit_name("a" * 19 + " " + "b" * 20, monospace, 200, 27)

    assert len(layout.lines) == 1
    assert layout.font_size == 28


def test_wrap_is_balanced():
    layout = fit_name("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj", monospace, 120, 27)

    assert layout.lines == ("aaaa bbbb cccc dddd eeee", "ffff gggg hhhh iiii jjjj")


def test_hyphenated_name_breaks_after_hyphen():
    layout = fit_name("aaaaaaaaaa-bbbbbbbbbb", monospace, 80, 27)

    assert layout.lines == ("aaaaaaaaaa-", "bbbbbbbbbb")


def test_name_too_long_raises():
    with pytest.raises(NameTooLong):
        learner_name_layout("Nguyễn " * 60)
