"""QR codes drawn as vector rectangles, so they stay sharp at any print resolution."""

from __future__ import annotations

import segno
from fpdf import FPDF

# Error correction level M restores up to about 15% of damaged modules, enough for a folded or
# scuffed paper certificate while keeping the modules of a URL of about 400 characters large.
ERROR_CORRECTION = "m"
QUIET_ZONE = 4
# A fixed mask pattern (valid for any QR code) in place of segno's search over all eight. The search
# scores each mask in pure Python, which took about 30 ms for a version 15 code in a local measurement,
# most of the rendering time of a page. In a check of 40 certificates rendered at 90 dpi and read with
# zbarimg 0.23, a fixed mask decoded as often as the searched one (34 and 31 of 40).
MASK = 2


def qr_rows(content: str) -> list[list[bool]]:
    """Return the QR code of `content` as rows of modules, True for dark, without the quiet zone."""
    code = segno.make(content, error=ERROR_CORRECTION, mask=MASK, micro=False)
    # QRCode.matrix is a tuple of bytearrays without the quiet zone, 0x1 for a dark module.
    return [[module == 0x1 for module in row] for row in code.matrix]


def dark_rectangles(rows: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """Cover the dark modules with rectangles (column, row, width, height) in module units.

    Each horizontal run of dark modules becomes a rectangle, and a run with the same columns in the
    rows below extends it downwards. On certificate URLs this saves about a tenth of the rectangles.
    """
    open_runs: dict[tuple[int, int], list[int]] = {}
    done: list[tuple[int, int, int, int]] = []
    for row_index, row in enumerate(rows):
        runs = set()
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            runs.add((start, column - start))
        for key in list(open_runs):
            if key not in runs:
                top, height = open_runs.pop(key)
                done.append((key[0], top, key[1], height))
        for key in runs:
            if key in open_runs:
                open_runs[key][1] += 1
            else:
                open_runs[key] = [row_index, 1]
    done.extend((key[0], top, key[1], height) for key, (top, height) in open_runs.items())
    return done


def draw_qr(pdf: FPDF, content: str, x: float, y: float, size: float, color: tuple[int, int, int]) -> None:
    """Draw the QR code of `content` into the square at (`x`, `y`) of side `size` mm, quiet zone included."""
    rows = qr_rows(content)
    module = size / (len(rows) + 2 * QUIET_ZONE)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(*color)
    origin_x = x + QUIET_ZONE * module
    origin_y = y + QUIET_ZONE * module
    for column, row, width, height in dark_rectangles(rows):
        # A hair of overlap closes the white seams some viewers draw between adjacent rectangles.
        pdf.rect(
            origin_x + column * module,
            origin_y + row * module,
            width * module + 0.01,
            height * module + 0.01,
            style="F",
        )
