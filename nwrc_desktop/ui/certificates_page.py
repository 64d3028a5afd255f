"""The Certificates page: the queue of earned, unprinted certificates, a preview, printing and reprints."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.certificates.render import render_pdf
from nwrc_desktop.store.credentials import ACTIVE, CredentialSummary, list_credentials, revoke_credential
from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.store.printing import prepare, print_to_pdf, record_prints
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import ask_reason, show_error
from nwrc_desktop.ui.learner_view import make_table
from nwrc_desktop.ui.models import Column, RecordTableModel
from nwrc_desktop.ui.printing import load_pdf, match_page_layout, paint_document, printer_destination

log = logging.getLogger(__name__)

# prepare() requires a reason before a printed certificate is drawn again, so previews pass this one.
# Nothing is recorded for a preview.
PREVIEW_REASON = "preview only"

CERTIFICATE_COLUMNS: list[Column[CredentialSummary]] = [
    Column("Learner", lambda c: c.learner_name),
    Column("Learner number", lambda c: c.learner_number),
    Column("Credential", lambda c: c.title),
    Column("Issued", lambda c: f"{c.issued_on:%m/%d/%Y}"),
    Column("Certificate number", lambda c: c.certificate_number),
    Column("Status", lambda c: c.status, tooltip=lambda c: c.status_reason),
    Column("Prints", lambda c: c.print_count),
]


@dataclass(frozen=True)
class PrintJob:
    pdf: bytes
    summaries: list
    reprint_reason: str | None


class CertificatesPage(QWidget):
    # Emitted with the number of certificates recorded as printed.
    printed = Signal(int)
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model: RecordTableModel[CredentialSummary] = RecordTableModel(CERTIFICATE_COLUMNS, self)
        self.table = make_table(self.model, "Certificates")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.show_all = QCheckBox("Show &printed, superseded and revoked certificates too")
        self.show_all.setAccessibleName("Show all certificates, not only the print queue")
        self.show_all.toggled.connect(self.refresh)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Preview and print the selected certificates")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.pdf_button.setAccessibleName("Save the selected certificates as a PDF file")
        self.select_all_button = QPushButton("Select &all")
        self.select_all_button.setAccessibleName("Select every certificate in the list")
        self.revoke_button = QPushButton("&Revoke…")
        self.revoke_button.setAccessibleName("Revoke the selected certificate")
        self.print_button.clicked.connect(lambda: self.print_selected())
        self.pdf_button.clicked.connect(lambda: self.save_selected_as_pdf())
        self.select_all_button.clicked.connect(self.table.selectAll)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Certificates message")
        self.preview = QPdfView()
        self.preview.setAccessibleName("Certificate preview")
        self.preview.setPageMode(QPdfView.PageMode.SinglePage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.preview_note = QLabel("Select a certificate to see it here.")
        self.preview_note.setWordWrap(True)
        self._preview_document = None
        self._preview_generation = 0

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Certificates to print")
        title.setObjectName("page-title")
        left_layout.addWidget(title)
        left_layout.addWidget(self.show_all)
        left_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for button in (self.select_all_button, self.print_button, self.pdf_button, self.revoke_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Preview"))
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.preview_note)
        splitter = QSplitter()
        splitter.setObjectName("certificates-splitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.apply_role()
        self._selection_changed()

    def apply_role(self) -> None:
        may_print = self.context.can(Permission.PRINT_CERTIFICATES)
        for button in (self.print_button, self.pdf_button, self.select_all_button):
            button.setVisible(may_print)
        self.revoke_button.setVisible(self.context.can(Permission.REVOKE_CREDENTIALS))

    def refresh(self) -> None:
        db, show_all = self.context.db, self.show_all.isChecked()

        def load() -> list[CredentialSummary]:
            if show_all:
                return list_credentials(db, include_inactive=True)
            return list_credentials(db, unprinted_only=True)

        self.context.runner.run("list certificates", load, latest_key=f"list certificates {id(self)}",
                                owner=self, on_done=self._show)

    def _show(self, credentials: list[CredentialSummary]) -> None:
        self.model.set_records(credentials)
        count = len(credentials)
        if not self.show_all.isChecked():
            self.message.setText(f"{count} certificate{'s' if count != 1 else ''} earned and not printed yet."
                                 if count else "No certificate is waiting to be printed.")
        self._selection_changed()
        self.loaded.emit()

    def selected(self) -> list[CredentialSummary]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.record(row) for row in rows]

    def _selection_changed(self, *_args) -> None:
        chosen = self.selected()
        printable = bool(chosen) and all(item.status == ACTIVE for item in chosen)
        self.print_button.setEnabled(printable)
        self.pdf_button.setEnabled(printable)
        self.revoke_button.setEnabled(len(chosen) == 1 and chosen[0].status != "revoked")
        if chosen and not printable:
            blocked = next(item for item in chosen if item.status != ACTIVE)
            self.message.setText(f"{blocked.certificate_number} is {blocked.status} and cannot be printed"
                                 + (f": {blocked.status_reason}" if blocked.status_reason else "."))
        self._load_preview(chosen[0] if chosen else None)

    def _load_preview(self, credential: CredentialSummary | None) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        if credential is None or credential.status != ACTIVE:
            self.preview.setDocument(None)
            self.preview_note.setText("Select a certificate to see it here." if credential is None else
                                      f"No preview: the certificate is {credential.status}.")
            return
        db = self.context.db

        def render() -> bytes:
            items, _ = prepare(db, [credential.id], reprint_reason=PREVIEW_REASON)
            return render_pdf(items)

        self.preview_note.setText(f"{credential.certificate_name}: {credential.title}")
        self.context.runner.run("certificate preview", render, owner=self,
                                on_done=lambda pdf: self._show_preview(generation, pdf),
                                on_failed=lambda error: self.preview_note.setText(str(error)))

    def _show_preview(self, generation: int, pdf: bytes) -> None:
        if generation != self._preview_generation:
            return
        previous = self._preview_document
        self._preview_document = load_pdf(pdf, self)
        self.preview.setDocument(self._preview_document)
        if previous is not None:
            previous.deleteLater()

    def _reprint_reason(self, chosen: list[CredentialSummary]) -> tuple[bool, str | None]:
        """Return (go on, reason): a reason is asked for when any chosen certificate was printed before."""
        printed_before = [item for item in chosen if item.print_count]
        if not printed_before:
            return True, None
        numbers = ", ".join(item.certificate_number for item in printed_before[:5])
        reason = ask_reason(self, "Reprint certificates",
                            f"{numbers} {'was' if len(printed_before) == 1 else 'were'} printed before. "
                            "Why are they printed again (for example 'damaged in printer')?")
        return reason is not None, reason

    def print_selected(self, printer: QPrinter | None = None) -> None:
        """Print the selection: through the preview dialog, or straight to `printer` when one is given."""
        chosen = self.selected()
        if not chosen or not self.context.can(Permission.PRINT_CERTIFICATES):
            return
        go_on, reason = self._reprint_reason(chosen)
        if not go_on:
            return
        db, ids = self.context.db, [item.id for item in chosen]

        def render() -> PrintJob:
            items, summaries = prepare(db, ids, reprint_reason=reason)
            return PrintJob(render_pdf(items), summaries, reason)

        self.message.setText(f"Preparing {len(ids)} certificate{'s' if len(ids) != 1 else ''}…")
        self.context.runner.run("prepare certificates", render, owner=self,
                                on_done=lambda job: self._print_job(job, printer),
                                on_failed=lambda error: self._failed("Nothing printed", error))

    def _print_job(self, job: PrintJob, printer: QPrinter | None) -> None:
        document = load_pdf(job.pdf, self)
        try:
            if printer is None:
                printer = QPrinter(QPrinter.PrinterMode.HighResolution)
                match_page_layout(printer, document)
                dialog = QPrintPreviewDialog(printer, self)
                dialog.setObjectName("print-preview")
                dialog.setWindowTitle("Print certificates")
                dialog.paintRequested.connect(lambda target: paint_document(document, target))
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    self.message.setText("Nothing printed.")
                    return
            else:
                match_page_layout(printer, document)
                paint_document(document, printer)
        finally:
            document.deleteLater()
        self._record(job, printer_destination(printer))

    def _record(self, job: PrintJob, destination: str) -> None:
        db, actor = self.context.db, self.context.require_actor()
        self.context.runner.run(
            "record prints", lambda: record_prints(db, actor, job.summaries, destination, job.reprint_reason),
            write=True, owner=self, on_done=lambda ids: self._recorded(len(ids), destination),
            on_failed=lambda error: self._failed("Printed, but not recorded", error))

    def _recorded(self, count: int, destination: str) -> None:
        self.message.setText(f"Recorded {count} certificate{'s' if count != 1 else ''} as printed ({destination}).")
        self.printed.emit(count)
        self.refresh()

    def save_selected_as_pdf(self, path: Path | None = None) -> None:
        chosen = self.selected()
        if not chosen or not self.context.can(Permission.PRINT_CERTIFICATES):
            return
        go_on, reason = self._reprint_reason(chosen)
        if not go_on:
            return
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Save certificates as PDF", "certificates.pdf",
                                                  "PDF files (*.pdf)")
            if not name:
                return
            path = Path(name)
        db, actor, ids = self.context.db, self.context.require_actor(), [item.id for item in chosen]
        self.message.setText("Saving…")
        self.context.runner.run("save certificates as PDF",
                                lambda: print_to_pdf(db, actor, ids, path, reprint_reason=reason), write=True,
                                owner=self,
                                on_done=lambda summaries: self._recorded(len(summaries), f"pdf:{path.name}"),
                                on_failed=lambda error: self._failed("PDF not saved", error))

    def revoke_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1 or not self.context.can(Permission.REVOKE_CREDENTIALS):
            return
        credential = chosen[0]
        reason = ask_reason(self, "Revoke credential",
                            f"Why is {credential.certificate_number} ({credential.learner_name}, {credential.title}) "
                            "revoked? A revoked certificate can no longer be printed.")
        if reason is None:
            return
        db, actor = self.context.db, self.context.require_actor()
        self.context.runner.run("revoke credential",
                                lambda: revoke_credential(db, actor, credential.certificate_number, reason),
                                write=True, owner=self, on_done=lambda _summary: self.refresh(),
                                on_failed=lambda error: self._failed("Not revoked", error))

    def _failed(self, title: str, error: BaseException) -> None:
        self.message.setText(f"{title}.")
        show_error(self, title, error)
