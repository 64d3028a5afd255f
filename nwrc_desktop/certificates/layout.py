"""Fitting a learner's name into the name area of a certificate: shrink first, then wrap.

The font size steps down from the largest size for one line. When even the smallest one-line size is
too wide, the name wraps onto two lines (three as a last resort) at a smaller size range. Lines break
after a space or a hyphen where they can, and between characters only where one part of a name is
wider than the whole area. A name is never cut.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence

# (line count, largest size, smallest size) in points, tried in this order.
SIZE_STEPS: tuple[tuple[int, float, float], ...] = ((1, 40, 24), (2, 28, 18), (3, 18, 14))
SIZE_STEP = 1.0
# Line advance as a multiple of the font size.
LINE_SPACING = 1.2
POINTS_PER_MM = 72 / 25.4

# Measures the width in mm of a string at a font size in points.
Measure = Callable[[str, float], float]


class NameTooLong(ValueError):
    """The name does not fit the name area even on three lines at the smallest size."""


@dataclasses.dataclass(frozen=True)
class NameLayout:
    """The lines of a fitted name and the font size in points they are printed at."""

    lines: tuple[str, ...]
    font_size: float

    @property
    def line_height(self) -> float:
        """The distance between baselines in mm."""
        return self.font_size * LINE_SPACING / POINTS_PER_MM


def _break_units(words: list[str]) -> list[str]:
    """Split words into the pieces a line may end after: each word with its following space, and the
    parts of a hyphenated word, each keeping its hyphen."""
    units = []
    for index, word in enumerate(words):
        parts = re.findall(r"[^-]+-*|-+", word)
        if index < len(words) - 1:
            parts[-1] += " "
        units.extend(parts)
    return units


def _balanced_split(units: Sequence[str], line_count: int, size: float, measure: Measure):
    """Return the split of `units` into `line_count` lines whose widest line is narrowest."""
    best: tuple[float, tuple[str, ...]] | None = None
    for breaks in itertools.combinations(range(1, len(units)), line_count - 1):
        bounds = (0, *breaks, len(units))
        lines = tuple("".join(units[a:b]).strip() for a, b in itertools.pairwise(bounds))
        widest = max(measure(line, size) for line in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    return best


def fit_name(name: str, measure: Measure, max_width: float, max_height: float) -> NameLayout:
    """Return the largest layout of `name` that fits `max_width` x `max_height` mm.

    Raise NameTooLong when no size and line count in SIZE_STEPS fits.
    """
    words = name.split()
    for line_count, largest, smallest in SIZE_STEPS:
        size = largest
        while size >= smallest:
            if line_count * size * LINE_SPACING / POINTS_PER_MM <= max_height:
                layout = _fit_at(words, line_count, size, measure, max_width)
                if layout is not None:
                    return layout
            size -= SIZE_STEP
    raise NameTooLong(f"the name of {len(name)} characters does not fit on the certificate")


def _fit_at(words: list[str], line_count: int, size: float, measure: Measure, max_width: float):
    joined = " ".join(words)
    if line_count == 1:
        return NameLayout((joined,), size) if measure(joined, size) <= max_width else None
    # The lines together are at least as wide as the whole name less the spaces at the breaks, so a
    # name wider than that cannot fit and the search over break positions is skipped.
    if measure(joined, size) - (line_count - 1) * measure(" ", size) > line_count * max_width:
        return None
    # Break after spaces and hyphens first; only a word wider than the area is broken between characters.
    units = _break_units(words)
    candidates = []
    if len(units) >= line_count:
        candidates.append(units)
    if len(units) < line_count or any(measure(unit.strip(), size) > max_width for unit in units):
        candidates.append(list(joined))
    for candidate in candidates:
        split = _balanced_split(candidate, line_count, size, measure)
        if split is not None and split[0] <= max_width:
            return NameLayout(split[1], size)
    return None
