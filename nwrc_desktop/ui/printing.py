"""Printing certificate PDFs through Qt: paint each PDF page into a QPrinter, with a print preview.

The store renders the certificates as PDF (fpdf2); QtPdf turns each page into an image at the printer's
resolution (capped at RENDER_MAX_DPI), and the image is drawn scaled to the printable area.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

log = logging.getLogger(__name__)

# Certificates are text and a QR code; 300 dpi prints them sharply and keeps a batch's memory bounded.
RENDER_MAX_DPI = 300


class PdfPrintError(RuntimeError):
    """The certificate PDF could not be read for printing."""


def load_pdf(pdf: bytes, parent=None) -> QPdfDocument:
    """Return a QtPdf document of the PDF bytes; loading from a buffer completes before this returns."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PdfPrintError(f"The certificate file could not be read for printing ({document.error().name}).")
    return document


def match_page_layout(printer: QPrinter, document: QPdfDocument) -> None:
    """Set the printer's paper size and orientation to the PDF's first page."""
    if document.pageCount() == 0:
        return
    size = document.pagePointSize(0)
    landscape = size.width() > size.height()
    portrait_size = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    page_size = QPageSize(portrait_size, QPageSize.Unit.Point, "Certificate", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageSize(page_size)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)


def paint_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of `document` on `printer` (a real printer, a PDF file or a preview); return the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PdfPrintError("The printer could not be opened. Check that it is switched on and connected.")
    try:
        dpi = min(printer.resolution(), RENDER_MAX_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            left = target.left() + (target.width() - width) / 2
            top = target.top() + (target.height() - height) / 2
            painter.drawImage(QRectF(left, top, width, height), image)
    finally:
        painter.end()
    log.info("painted %d certificate pages", document.pageCount())
    return document.pageCount()


def printer_destination(printer: QPrinter) -> str:
    """Return the print record's destination text: 'pdf:<file name>' or 'printer:<printer name>'."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        from pathlib import Path

        return f"pdf:{Path(printer.outputFileName()).name}"
    return f"printer:{printer.printerName() or 'default printer'}"
