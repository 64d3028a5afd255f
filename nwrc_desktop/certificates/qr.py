"""QR codes drawn as vector rectangles, so they stay sharp at any print resolution."""

from __future__ import annotations

import segno
from fpdf import FPDF

# Error correction level M restores up to about 15% of damaged modules, enough for a folded or
# scuffed paper certificate while keeping the modules of a URL of about 400 characters large.
ERROR_CORRECTION = "m"
QUIET_ZONE = 4


def qr_rows(content: str) -> list[list[bool]]:
    """Return the QR code of `content` as rows of modules, True for dark, without the quiet zone."""
    code = segno.make(content, error=ERROR_CORRECTION, micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=0)]


def draw_qr(pdf: FPDF, content: str, x: float, y: float, size: float, color: tuple[int, int, int]) -> None:
    """Draw the QR code of `content` into the square at (`x`, `y`) of side `size` mm, quiet zone included.

    Each horizontal run of dark modules is one filled rectangle, which keeps the page content small.
    """
    rows = qr_rows(content)
    modules = len(rows) + 2 * QUIET_ZONE
    module = size / modules
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(*color)
    origin_x = x + QUIET_ZONE * module
    origin_y = y + QUIET_ZONE * module
    for row_index, row in enumerate(rows):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            # A hair of overlap closes the white seams some viewers draw between adjacent rectangles.
            pdf.rect(
                origin_x + start * module,
                origin_y + row_index * module,
                (column - start) * module + 0.01,
                module + 0.01,
                style="F",
            )
