"""Roster import through the dialog: detection shown, re-reading with other settings, preview, import, rejected rows."""

from __future__ import annotations

import csv
import shutil

from PySide6.QtCore import Qt

from nwrc_desktop.store.learners import find_learners
from nwrc_desktop.ui.import_dialog import ImportDialog

from .conftest import sign_in


def open_import(qtbot, window, path) -> ImportDialog:
    dialog = ImportDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.read_finished, timeout=10_000):
        dialog.load(path)
    return dialog


def cell(dialog: ImportDialog, row_number: int, header: str) -> str:
    model = dialog.model
    columns = {model.headerData(column, Qt.Orientation.Horizontal): column for column in range(model.columnCount())}
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0)) == str(row_number):
            return model.data(model.index(row, columns[header]))
    raise AssertionError(f"row {row_number} not in the preview")


def test_problem_rows_marked_and_saved(qtbot, window, db, rosters, tmp_path):
    sign_in(qtbot, window, "staff1")
    dialog = open_import(qtbot, window, rosters / "problems.csv")
    assert "can be imported" in dialog.summary.text()
    assert cell(dialog, 2, "Status") == "ok"
    assert cell(dialog, 14, "Status") == "rejected"
    assert "last name" in cell(dialog, 14, "Problems")
    assert cell(dialog, 15, "Status") == "rejected"
    assert cell(dialog, 17, "Status") == "rejected"
    assert "scientific notation" in cell(dialog, 17, "Problems")
    assert cell(dialog, 19, "Status") == "possible duplicate"
    assert cell(dialog, 23, "Status") == "rejected"
    error_brush = dialog.model.data(dialog.model.index(12, 1), Qt.ItemDataRole.BackgroundRole)
    assert error_brush is not None
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.report.imported == 12
    assert len(find_learners(db, "", limit=100)) == 12
    assert dialog.save_rejected_button.isEnabled()
    rejected = tmp_path / "rejected.csv"
    dialog.save_rejected(rejected)
    qtbot.waitUntil(lambda: "Saved" in dialog.summary.text(), timeout=5_000)
    with rejected.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-2:] == ["row", "problem"]
    assert {row[-2] for row in rows[1:]} >= {"14", "15", "16", "17", "18", "19", "20", "23"}


def test_detection_shown_and_changed(qtbot, window, db, rosters):
    sign_in(qtbot, window, "staff1")
    dialog = open_import(qtbot, window, rosters / "semicolon-day-first.csv")
    assert "semicolon" in dialog.delimiter.itemText(0)
    assert dialog.result.table.date_order.value == "DMY"
    assert "detected" in dialog.date_reason.text()
    assert dialog.mapping["external_id"].currentText() == "Participant ID"
    assert not dialog.result.rejected_rows
    comma = dialog.delimiter.findData(",")
    dialog.delimiter.setCurrentIndex(comma)
    dialog.delimiter.activated.emit(comma)
    qtbot.waitUntil(lambda: "could not be read" in dialog.summary.text(), timeout=10_000)
    assert dialog.result is None
    assert not dialog.import_button.isEnabled()
    semicolon = dialog.delimiter.findData(";")
    dialog.delimiter.setCurrentIndex(semicolon)
    with qtbot.waitSignal(dialog.read_finished, timeout=10_000):
        dialog.delimiter.activated.emit(semicolon)
    assert not dialog.result.rejected_rows


def test_mapping_changed_rereads(qtbot, window, db, rosters, tmp_path):
    sign_in(qtbot, window, "staff1")
    dialog = open_import(qtbot, window, rosters / "site-roster-clean.csv")
    combo = dialog.mapping["preferred_name"]
    middle = combo.findText(dialog.mapping["middle_name"].currentText())
    # Read the middle-name column as the certificate name too: the file reader refuses one column for two fields.
    combo.setCurrentIndex(middle)
    dialog.mapping["middle_name"].setCurrentIndex(0)
    with qtbot.waitSignal(dialog.read_finished, timeout=10_000):
        combo.activated.emit(middle)
    assert dialog.result.table.mapping.get("preferred_name") == combo.currentText()


def test_windows_1252_detected(qtbot, window, db, rosters, tmp_path):
    sign_in(qtbot, window, "staff1")
    copy = tmp_path / "roster.csv"
    shutil.copy(rosters / "windows-1252.csv", copy)
    dialog = open_import(qtbot, window, copy)
    assert "1252" in dialog.encoding.itemText(0)


def test_import_action_from_menu(qtbot, window, rosters):
    sign_in(qtbot, window, "staff1")
    dialog = window.import_roster(rosters / "problems.csv")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    assert dialog.isVisible()
