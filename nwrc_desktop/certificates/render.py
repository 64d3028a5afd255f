"""Render certificates to PDF with fpdf2: US Letter landscape, one page per certificate, fonts embedded.

:func:`render_pdf` returns the bytes for a print preview, :func:`write_pdf` writes a file for the
command line. Both render a whole batch into one document, so fonts are parsed once per batch and
embedded once, subset to the characters used.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import tempfile
import threading
import unicodedata
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from nwrc_desktop.certificates import designs
from nwrc_desktop.certificates.data import CertificateData
from nwrc_desktop.certificates.designs import DESIGNS, Design
from nwrc_desktop.certificates.layout import NameLayout, fit_name
from nwrc_desktop.certificates.onet import SHORT_CREDIT
from nwrc_desktop.certificates.qr import draw_qr
from nwrc_desktop.domain.assessments import CredentialType
from nwrc_desktop.domain.printable import (
    LEARNER_NAME_FONT,
    SITE_NAME_FONT,
    describe_character,
    unprintable_characters,
)
from nwrc_desktop.resources import resource_path

log = logging.getLogger(__name__)

PAGE_WIDTH = 279.4
PAGE_HEIGHT = 215.9
CENTER_X = PAGE_WIDTH / 2
NAME_AREA_WIDTH = 215.0
NAME_AREA_HEIGHT = 27.0
NAME_AREA_TOP = 63.0
INK: designs.RGB = (33, 33, 33)
MUTED: designs.RGB = (96, 96, 96)

# Font family names registered in every document, with their files.
FONTS = (
    ("serif", "", "fonts/DejaVuSerif.ttf"),
    ("serif", "B", LEARNER_NAME_FONT),
    ("sans", "", SITE_NAME_FONT),
    ("sans", "B", "fonts/DejaVuSans-Bold.ttf"),
)


class UnprintableName(ValueError):
    """A name contains characters the certificate fonts cannot print."""


def _new_document() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for family, style, file in FONTS:
        pdf.add_font(family, style, resource_path(file))
    pdf.set_creator("NWRC Desktop")
    pdf.set_title("NWRC certificates")
    pdf.set_lang("en-US")
    return pdf


def _check_printable(item: CertificateData) -> None:
    for label, text in (("learner name", item.learner_name), ("site name", item.site_name)):
        bad = unprintable_characters(text)
        if bad:
            listed = ", ".join(describe_character(char) for char in bad)
            raise UnprintableName(f"certificate {item.certificate_number}: the {label} contains {listed}")


def render_pdf(items: Sequence[CertificateData]) -> bytes:
    """Render one page per certificate into one PDF and return its bytes.

    Raise ValueError for an empty batch, UnprintableName for a name the fonts cannot print, and
    layout.NameTooLong for a name that does not fit.
    """
    if not items:
        raise ValueError("no certificates to render")
    # Check every name before drawing, so a bad name late in a large batch fails at once.
    for item in items:
        _check_printable(item)
    pdf = _new_document()
    for item in items:
        _draw_page(pdf, item)
    data = bytes(pdf.output())
    log.info("rendered %d certificate pages, %d bytes", len(items), len(data))
    return data


def write_pdf(items: Sequence[CertificateData], path: str | os.PathLike[str]) -> None:
    """Render `items` and write the PDF to `path` atomically.

    The document is rendered in memory, written to a temporary file in the same folder and renamed over
    `path`, so a failure at any step leaves any earlier file at `path` as it was and no partial file.
    """
    target = Path(path)
    data = render_pdf(items)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _draw_page(pdf: FPDF, item: CertificateData) -> None:
    design = DESIGNS[item.credential_type]
    pdf.add_page()
    _draw_frame(pdf, design)
    _draw_heading(pdf, item, design)
    _draw_name(pdf, item.learner_name)
    _draw_achievement(pdf, item, design)
    _draw_details(pdf, item, design)
    _draw_seal(pdf, item, design, CENTER_X, 166.0)
    _draw_verification(pdf, item, design)
    # Only the Academic Skills page shows O*NET information, and CC BY 4.0 requires the credit there.
    if item.credential_type is CredentialType.ACADEMIC:
        _draw_credit(pdf)


def _draw_frame(pdf: FPDF, design: Design) -> None:
    # A faint rosette behind the text: circles whose centres lie on a ring, as on printed securities.
    pdf.set_draw_color(*design.tint)
    pdf.set_line_width(0.2)
    ring_x, ring_y, ring_radius = CENTER_X, 104.0, 30.0
    for step in range(36):
        angle = 2 * math.pi * step / 36
        pdf.circle(ring_x + ring_radius * math.cos(angle), ring_y + ring_radius * math.sin(angle), 52.0)

    pdf.set_draw_color(*design.primary)
    pdf.set_line_width(2.2)
    pdf.rect(9, 9, PAGE_WIDTH - 18, PAGE_HEIGHT - 18)
    pdf.set_line_width(0.5)
    pdf.rect(13, 13, PAGE_WIDTH - 26, PAGE_HEIGHT - 26)
    pdf.set_draw_color(*design.accent)
    pdf.set_line_width(0.3)
    pdf.rect(14.8, 14.8, PAGE_WIDTH - 29.6, PAGE_HEIGHT - 29.6)

    pdf.set_fill_color(*design.accent)
    for x, y in (
        (13, 13),
        (PAGE_WIDTH - 13, 13),
        (13, PAGE_HEIGHT - 13),
        (PAGE_WIDTH - 13, PAGE_HEIGHT - 13),
    ):
        pdf.polygon([(x, y - 4), (x + 4, y), (x, y + 4), (x - 4, y)], style="F")


def _centered(pdf: FPDF, y: float, text: str, family: str, style: str, size: float, color) -> None:
    pdf.set_font(family, style, size)
    pdf.set_text_color(*color)
    pdf.text(CENTER_X - pdf.get_string_width(text) / 2, y, text)


def _draw_heading(pdf: FPDF, item: CertificateData, design: Design) -> None:
    pdf.set_char_spacing(2.5)
    _centered(pdf, 29, "NATIONAL WORK READINESS CREDENTIAL", "sans", "B", 10.5, design.accent)
    pdf.set_char_spacing(0)
    _centered(pdf, 44, f"{item.credential_type.title} Certificate", "serif", "B", 30, design.primary)
    pdf.set_draw_color(*design.accent)
    pdf.set_line_width(0.4)
    pdf.line(CENTER_X - 40, 50, CENTER_X - 4, 50)
    pdf.line(CENTER_X + 4, 50, CENTER_X + 40, 50)
    pdf.set_fill_color(*design.accent)
    pdf.polygon([(CENTER_X, 48.2), (CENTER_X + 1.8, 50), (CENTER_X, 51.8), (CENTER_X - 1.8, 50)], style="F")
    _centered(pdf, 59, "This certifies that", "serif", "", 13, MUTED)


def _measure_name(pdf: FPDF):
    def measure(text: str, size: float) -> float:
        pdf.set_font("serif", "B", size)
        return pdf.get_string_width(text)

    return measure


# One document with the fonts loaded serves every learner_name_layout() call. FPDF is not thread-safe
# and measuring first sets the font, so the lock keeps a GUI worker and the main thread from interleaving.
_measuring_lock = threading.Lock()


@functools.cache
def _measuring_document() -> FPDF:
    return _new_document()


def learner_name_layout(name: str) -> NameLayout:
    """Return the lines and font size a learner's name gets on the certificate, for checks and previews.

    Raise layout.NameTooLong if the name does not fit.
    """
    with _measuring_lock:
        return fit_name(
            unicodedata.normalize("NFC", name).strip(),
            _measure_name(_measuring_document()),
            NAME_AREA_WIDTH,
            NAME_AREA_HEIGHT,
        )


def _draw_name(pdf: FPDF, name: str) -> NameLayout:
    layout = fit_name(name, _measure_name(pdf), NAME_AREA_WIDTH, NAME_AREA_HEIGHT)
    block_height = layout.line_height * len(layout.lines)
    # Centre the block of lines vertically; a baseline sits about 0.78 of a line below the line's top.
    top = NAME_AREA_TOP + (NAME_AREA_HEIGHT - block_height) / 2
    for index, line in enumerate(layout.lines):
        baseline = top + layout.line_height * (index + 0.78)
        _centered(pdf, baseline, line, "serif", "B", layout.font_size, INK)
    return layout


def _draw_achievement(pdf: FPDF, item: CertificateData, design: Design) -> None:
    pdf.set_draw_color(*design.accent)
    pdf.set_line_width(0.5)
    pdf.line(CENTER_X - 85, 93, CENTER_X + 85, 93)
    _centered(pdf, 102, designs.achievement_line(item.credential_type, item.level), "serif", "", 15, INK)
    if item.credential_type is CredentialType.ACADEMIC and item.level is not None:
        heading = designs.level_heading(item.level)
    else:
        heading = designs.pass_heading(item.credential_type)
    _centered(pdf, 112, heading, "sans", "B", 12, design.primary)
    text_top = 116.0
    meaning = designs.meaning_text(item.credential_type, item.level)
    _centered_paragraph(pdf, text_top + 3.4, meaning, ("sans", "", 9.5), 184, 4.6, MUTED)


# Wrapped lines by (text, family, style, size, width). A batch repeats the same few paragraphs on
# every page, and fpdf2's multi_cell measures them again character by character each time.
_wrapped_lines_cache: dict[tuple[str, str, str, float, float], tuple[str, ...]] = {}


def _greedy_lines(pdf: FPDF, words: list[str], width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _wrapped_lines(pdf: FPDF, text: str, font: tuple[str, str, float], width: float) -> tuple[str, ...]:
    """Break `text` between words into centred lines no wider than `width` mm, balanced in length.

    The narrowest width that gives as few lines as `width` does is used, which evens out the line
    lengths and usually keeps a last word from standing alone. A word longer than `width` gets its own line.
    """
    key = (text, *font, width)
    cached = _wrapped_lines_cache.get(key)
    if cached is not None:
        return cached
    pdf.set_font(*font)
    words = text.split()
    lines = _greedy_lines(pdf, words, width)
    trial_width = width - 2
    while len(lines) > 1 and trial_width > width / 2:
        narrower = _greedy_lines(pdf, words, trial_width)
        if len(narrower) > len(lines):
            break
        lines = narrower
        trial_width -= 2
    _wrapped_lines_cache[key] = tuple(lines)
    return tuple(lines)


def _centered_paragraph(pdf, first_baseline: float, text: str, font, width: float, line_height: float, color):
    """Print `text` wrapped to `width` mm and centred on the page, from the baseline `first_baseline`."""
    for index, line in enumerate(_wrapped_lines(pdf, text, font, width)):
        _centered(pdf, first_baseline + index * line_height, line, *font, color)


def _label(pdf: FPDF, x: float, y: float, text: str, design: Design) -> None:
    pdf.set_char_spacing(1.2)
    pdf.set_font("sans", "B", 7.5)
    pdf.set_text_color(*design.accent)
    pdf.text(x, y, text)
    pdf.set_char_spacing(0)


def _fitted_size(pdf: FPDF, text: str, family: str, style: str, width: float, largest: float, smallest: float):
    size = largest
    pdf.set_font(family, style, size)
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(family, style, size)
    return size


def _draw_details(pdf: FPDF, item: CertificateData, design: Design) -> None:
    x, width = 28.0, 76.0
    _label(pdf, x, 148, "DATE ISSUED", design)
    pdf.set_font("serif", "B", 13)
    pdf.set_text_color(*INK)
    pdf.text(x, 154.5, designs.format_date(item.issued_on))
    pdf.set_draw_color(*design.primary)
    pdf.set_line_width(0.25)
    pdf.line(x, 157, x + width, 157)

    _label(pdf, x, 165, "TESTING SITE", design)
    size = _fitted_size(pdf, item.site_name, "sans", "", width, 12, 8)
    pdf.set_text_color(*INK)
    if pdf.get_string_width(item.site_name) <= width:
        pdf.text(x, 171.5, item.site_name)
        bottom = 174.0
    else:
        # A site name too wide even at 8 pt wraps inside its column instead of running into the seal.
        pdf.set_xy(x, 167.5)
        pdf.multi_cell(width, size * 0.42, item.site_name, align="L")
        bottom = pdf.get_y() + 1.5
    pdf.line(x, bottom, x + width, bottom)
    pdf.set_font("sans", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.text(x, bottom + 4.5, f"Site code {item.site_code}")


def _draw_seal(pdf: FPDF, item: CertificateData, design: Design, x: float, y: float) -> None:
    pdf.set_fill_color(*design.accent)
    pdf.set_draw_color(*design.accent)
    pdf.set_line_width(0.2)
    pdf.star(x, y, 19.0, 21.5, 36, style="F")
    pdf.set_fill_color(*design.primary)
    pdf.circle(x, y, 18.0, style="F")
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.35)
    pdf.circle(x, y, 16.3)
    pdf.set_line_width(0.15)
    pdf.circle(x, y, 15.4)

    pdf.set_text_color(255, 255, 255)
    pdf.set_char_spacing(1.5)
    pdf.set_font("sans", "B", 7)
    pdf.text(x - pdf.get_string_width("NWRC") / 2 + 0.75, y - 8.0, "NWRC")
    pdf.set_char_spacing(0)
    if item.credential_type is CredentialType.ACADEMIC:
        pdf.set_font("serif", "B", 30)
        numeral = str(item.level)
        pdf.text(x - pdf.get_string_width(numeral) / 2, y + 5.2, numeral)
    else:
        pdf.set_line_width(1.6)
        pdf.polyline([(x - 6.5, y + 0.2), (x - 2.0, y + 4.6), (x + 7.0, y - 5.0)])
    pdf.set_font("sans", "B", 5.5 if len(design.seal_caption) > 6 else 6.5)
    pdf.text(x - pdf.get_string_width(design.seal_caption) / 2, y + 11.0, design.seal_caption)


def _verify_site(url: str) -> str:
    """Return the host and path of the verification page without scheme or query, for people to type."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rpartition("/verify/")[0]
    return f"{parts.netloc}{path}/verify"


def _draw_verification(pdf: FPDF, item: CertificateData, design: Design) -> None:
    qr_size = 36.0
    qr_x, qr_y = PAGE_WIDTH - 22 - qr_size, 141.0
    draw_qr(pdf, item.verification_url, qr_x, qr_y, qr_size, design.primary)

    # Text is right-aligned beside the QR code and kept clear of the seal, which ends near x = 161 mm.
    right, width = qr_x - 4.5, 54.0
    values = (
        ("CERTIFICATE NUMBER", item.certificate_number, 10.5),
        ("VERIFICATION CODE", item.verification_code, 13),
    )
    y = 148.0
    for label, value, largest in values:
        pdf.set_char_spacing(1.2)
        pdf.set_font("sans", "B", 7.5)
        pdf.set_text_color(*design.accent)
        pdf.text(right - pdf.get_string_width(label), y, label)
        pdf.set_char_spacing(0)
        _fitted_size(pdf, value, "sans", "B", width, largest, 6)
        pdf.set_text_color(*INK)
        pdf.text(right - pdf.get_string_width(value), y + 6, value)
        y += 15
    pdf.set_text_color(*MUTED)
    for offset, hint in (
        (0.0, "Scan the QR code, or enter the code at"),
        (3.2, _verify_site(item.verification_url)),
    ):
        _fitted_size(pdf, hint, "sans", "", width, 7, 5)
        pdf.text(right - pdf.get_string_width(hint), y - 1 + offset, hint)


def _draw_credit(pdf: FPDF) -> None:
    _centered_paragraph(pdf, 190.6, SHORT_CREDIT, ("sans", "", 6.3), 240, 2.9, MUTED)
