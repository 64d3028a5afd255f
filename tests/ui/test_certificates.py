"""The certificates queue: preview, printing through a QPrinter writing PDF, save as PDF, reprint, revoked ones.

The native print dialog cannot be driven offscreen, so printing is tested by handing the page a QPrinter in
PDF mode, which goes through the same painting and recording code as the preview dialog's Print button.
"""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QInputDialog

from nwrc_desktop.store.credentials import list_credentials, revoke_credential

from .conftest import ADMIN, add_learner, sign_in, when_modal
from .test_sessions import record_academic


def queue_with(qtbot, window, db, names):
    for first, last in names:
        learner = add_learner(db, first, last, "05/19/1980")
        record_academic(db, learner.id)
    window.go_to(window.certificates)
    page = window.certificates
    qtbot.waitUntil(lambda: page.model.rowCount() == len(names), timeout=5_000)
    return page


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_queue_preview_and_batch_print(qtbot, window, db, tmp_path):
    sign_in(qtbot, window, "staff1")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor"), ("Kiana", "Jackson")])
    assert "2 certificates earned and not printed" in page.message.text()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.preview.document() is not None and page.preview.document().pageCount() == 1,
                    timeout=10_000)
    page.table.selectAll()
    assert page.print_button.isEnabled()
    output = tmp_path / "printed.pdf"
    with qtbot.waitSignal(page.printed, timeout=20_000) as signal:
        page.print_selected(pdf_printer(output))
    assert signal.args == [2]
    assert len(PdfReader(output).pages) == 2
    credentials = list_credentials(db)
    assert [credential.print_count for credential in credentials] == [1, 1]
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5_000)
    assert "No certificate is waiting to be printed" in page.message.text()


def test_reprint_asks_reason(qtbot, window, db, tmp_path):
    sign_in(qtbot, window, "staff1")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor")])
    page.table.selectRow(0)
    with qtbot.waitSignal(page.printed, timeout=20_000):
        page.save_selected_as_pdf(tmp_path / "first.pdf")
    page.show_all.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.record(0).print_count == 1, timeout=5_000)
    page.table.selectRow(0)

    def answer(dialog):
        dialog.setTextValue("damaged in the printer")
        dialog.accept()

    timer = when_modal(QInputDialog, answer)
    with qtbot.waitSignal(page.printed, timeout=20_000):
        page.print_selected(pdf_printer(tmp_path / "again.pdf"))
    timer.stop()
    assert list_credentials(db)[0].print_count == 2
    assert (tmp_path / "again.pdf").stat().st_size > 1000


def test_reprint_cancelled_prints_nothing(qtbot, window, db, tmp_path):
    sign_in(qtbot, window, "staff1")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor")])
    page.table.selectRow(0)
    with qtbot.waitSignal(page.printed, timeout=20_000):
        page.save_selected_as_pdf(tmp_path / "first.pdf")
    page.show_all.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.record(0).print_count == 1, timeout=5_000)
    page.table.selectRow(0)
    timer = when_modal(QInputDialog, lambda dialog: dialog.reject())
    page.print_selected(pdf_printer(tmp_path / "again.pdf"))
    timer.stop()
    assert not (tmp_path / "again.pdf").exists()
    assert list_credentials(db)[0].print_count == 1


def test_revoked_cannot_print(qtbot, window, db):
    sign_in(qtbot, window, "staff1")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor")])
    revoke_credential(db, ADMIN, list_credentials(db)[0].certificate_number, "scores entered for the wrong person")
    page.show_all.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.record(0).status == "revoked", timeout=5_000)
    page.table.selectRow(0)
    assert not page.print_button.isEnabled()
    assert not page.pdf_button.isEnabled()
    assert "revoked" in page.message.text()
    assert "revoked" in page.preview_note.text()


def test_admin_revokes_with_reason(qtbot, window, db):
    sign_in(qtbot, window, "admin")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor")])
    page.table.selectRow(0)
    assert page.revoke_button.isVisibleTo(window)

    def answer(dialog):
        dialog.setTextValue("identity could not be confirmed")
        dialog.accept()

    timer = when_modal(QInputDialog, answer)
    page.revoke_selected()
    timer.stop()
    qtbot.waitUntil(lambda: list_credentials(db) == [], timeout=10_000)
    assert list_credentials(db, include_inactive=True)[0].status == "revoked"


def test_staff_cannot_revoke(qtbot, window, db):
    sign_in(qtbot, window, "staff1")
    assert not window.certificates.revoke_button.isVisibleTo(window)


def test_preview_dialog_shows_pages(qtbot, window, db, tmp_path):
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    sign_in(qtbot, window, "staff1")
    page = queue_with(qtbot, window, db, [("Rosa", "Okafor"), ("Kiana", "Jackson")])
    page.table.selectAll()
    pages = []

    def look(dialog):
        preview = dialog.findChild(QPrintPreviewWidget)
        preview.updatePreview()
        pages.append(preview.pageCount())
        dialog.reject()

    timer = when_modal(QPrintPreviewDialog, look)
    page.print_selected()
    qtbot.waitUntil(lambda: bool(pages), timeout=20_000)
    timer.stop()
    assert pages == [2]
    qtbot.waitUntil(lambda: page.message.text() == "Nothing printed.", timeout=5_000)
    assert [credential.print_count for credential in list_credentials(db)] == [0, 0]
