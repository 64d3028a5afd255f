"""Roster import: how the file was read (and changing it), a preview with every problem, import, rejected rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.domain.roster import RosterResult, read_roster
from nwrc_desktop.domain.tabular import FIELD_LABELS, ROSTER_SCHEMA, Problem, Severity
from nwrc_desktop.errors import user_message
from nwrc_desktop.store.importing import ImportReport, Outcome, import_learners, write_rejected_rows
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error

AUTO = "detect"
ENCODINGS = [(AUTO, None), ("UTF-8", "utf-8"), ("UTF-8 with byte-order mark", "utf-8-sig"),
             ("Windows-1252 (Western)", "cp1252"), ("UTF-16", "utf-16")]
DELIMITERS = [(AUTO, None), ("comma  ,", ","), ("semicolon  ;", ";"), ("tab", "\t")]
DATE_ORDERS = [(AUTO, None), ("month/day/year", "MDY"), ("day/month/year", "DMY"), ("year-month-day", "YMD")]
NOT_IN_FILE = "(not in the file)"
SEVERITY_BRUSHES = {
    Severity.ERROR: QBrush(QColor("#f8d7da")),
    Severity.DUPLICATE: QBrush(QColor("#fff3cd")),
    Severity.WARNING: QBrush(QColor("#fff9e6")),
}


def _row_status(problems: list[Problem]) -> Severity | None:
    for severity in (Severity.ERROR, Severity.DUPLICATE, Severity.WARNING):
        if any(problem.severity is severity for problem in problems):
            return severity
    return None


class PreviewModel(QAbstractTableModel):
    """Every data row of the file with its mapped values, its status and its problems."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: RosterResult | None = None
        self.fields = ROSTER_SCHEMA.field_names()
        self._rows: list[tuple[int, dict[str, str], list[Problem], list[str]]] = []

    def set_result(self, result: RosterResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self._rows = []
        if result is not None:
            for raw in result.table.rows:
                problems = result.problems_for_row(raw.row_number)
                self._rows.append((raw.row_number, raw.values, problems, raw.extra_cells))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Row"
        if section == 1:
            return "Status"
        if section == len(self.fields) + 2:
            return "Problems"
        return _first_upper(FIELD_LABELS[self.fields[section - 2]])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row_number, values, problems, _extra = self._rows[index.row()]
        column = index.column()
        field = self.fields[column - 2] if 2 <= column < len(self.fields) + 2 else None
        field_problems = [problem for problem in problems if field and problem.field == field]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row_number)
            if column == 1:
                status = _row_status(problems)
                return {None: "ok", Severity.ERROR: "rejected", Severity.DUPLICATE: "possible duplicate",
                        Severity.WARNING: "ok, with a change"}[status]
            if field is not None:
                return values.get(field, "")
            return "; ".join(_problem_text(problem) for problem in problems)
        if role == Qt.ItemDataRole.BackgroundRole:
            status = _row_status(field_problems if field else problems)
            return SEVERITY_BRUSHES.get(status) if status else None
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = field_problems if field else problems
            return "\n".join(problem.message for problem in shown) or None
        return None


class ImportDialog(QDialog):
    """Choose a roster file, check how it was read, preview the rows and import the good ones."""

    # Emitted with the read result after every (re-)read, and with the report after an import.
    read_finished = Signal(object)
    imported = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("import-dialog")
        self.setWindowTitle("Import a roster")
        self.resize(1200, 680)
        self.path: Path | None = None
        self.result: RosterResult | None = None
        self.report: ImportReport | None = None
        self._filling = False

        self.file_label = QLabel("No file chosen.")
        self.file_label.setAccessibleName("Chosen file")
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.setAccessibleName("Choose the roster file")
        self.choose_button.clicked.connect(self.choose_file)
        self.encoding = self._combo(ENCODINGS, "Encoding")
        self.delimiter = self._combo(DELIMITERS, "Column separator")
        self.date_order = self._combo(DATE_ORDERS, "Date order")
        self.date_reason = QLabel()
        self.date_reason.setWordWrap(True)
        self.date_reason.setAccessibleName("How the date order was chosen")
        reading = QGroupBox("How the file is read")
        reading_form = QFormLayout(reading)
        reading_form.addRow("&Encoding", self.encoding)
        reading_form.addRow("Column &separator", self.delimiter)
        reading_form.addRow("&Date order", self.date_order)
        reading_form.addRow("", self.date_reason)
        for row in range(3):
            label = reading_form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            label.setBuddy(reading_form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        self.mapping: dict[str, QComboBox] = {}
        columns = QGroupBox("Columns")
        columns_layout = QGridLayout(columns)
        for position, spec in enumerate(ROSTER_SCHEMA.fields):
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {FIELD_LABELS[spec.name]}")
            combo.activated.connect(lambda _index: self.reread())
            label = QLabel(_first_upper(FIELD_LABELS[spec.name]) + (" *" if spec.required else ""))
            label.setBuddy(combo)
            columns_layout.addWidget(label, position // 2, (position % 2) * 2)
            columns_layout.addWidget(combo, position // 2, (position % 2) * 2 + 1)
            self.mapping[spec.name] = combo
        for combo in (self.encoding, self.delimiter, self.date_order):
            combo.activated.connect(lambda _index: self.reread())

        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Preview of the file's rows")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.import_button = QPushButton("&Import")
        self.import_button.setAccessibleName("Import the rows without errors")
        self.import_button.clicked.connect(self.import_rows)
        self.save_rejected_button = QPushButton("Save &rejected rows…")
        self.save_rejected_button.setAccessibleName("Save the rows that were not imported to a CSV file")
        self.save_rejected_button.clicked.connect(lambda: self.save_rejected())
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        settings = QHBoxLayout()
        settings.addWidget(reading, 1)
        settings.addWidget(columns, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.save_rejected_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(settings)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._update_buttons()

    def _combo(self, choices: list[tuple[str, str | None]], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for text, value in choices:
            combo.addItem(text, value)
        return combo

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a roster file", "",
                                              "Roster files (*.csv *.txt);;All files (*)")
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read `path` with everything detected."""
        self.path = path
        self.report = None
        self.file_label.setText(str(path))
        for combo in (self.encoding, self.delimiter, self.date_order):
            combo.setCurrentIndex(0)
        self._read(mapping=None)

    def reread(self) -> None:
        """Read the file again with the encoding, separator, date order and columns chosen in the dialog."""
        if self._filling or self.path is None:
            return
        mapping = {name: (combo.currentData() or None) for name, combo in self.mapping.items()}
        self._read(mapping=mapping)

    def _read(self, mapping: dict[str, str | None] | None) -> None:
        path = self.path
        encoding, delimiter = self.encoding.currentData(), self.delimiter.currentData()
        date_order = self.date_order.currentData()
        self.report = None
        self.summary.setText("Reading the file…")
        self.context.runner.run(
            "read roster",
            lambda: read_roster(path, today=dt.date.today(), encoding=encoding, delimiter=delimiter,
                                date_order=date_order, mapping=mapping),
            owner=self, on_done=self._show_result, on_failed=self._read_failed)

    def _read_failed(self, error: BaseException) -> None:
        self.result = None
        self.model.set_result(None)
        message = user_message(error)
        if message is None:
            show_error(self, "File not read", error)
            message = "see the log file for details"
        # The reason stays beside the settings, so the user can change them and read the file again.
        self.summary.setText(f"The file could not be read with these settings: {message}")
        self._update_buttons()

    def _show_result(self, result: RosterResult) -> None:
        self.result = result
        table = result.table
        self._filling = True
        try:
            self._select(self.encoding, table.encoding, f"{table.encoding} (detected)")
            self._select(self.delimiter, table.delimiter, repr(table.delimiter))
            self._select(self.date_order, table.date_order.value if table.date_order else None, None)
            self.date_reason.setText(f"Date order {table.date_order_source.value}: {table.date_order_reason}")
            for name, combo in self.mapping.items():
                combo.clear()
                combo.addItem(NOT_IN_FILE, None)
                for header in table.header:
                    combo.addItem(header, header)
                mapped = table.mapping.get(name)
                combo.setCurrentIndex(max(0, combo.findData(mapped)) if mapped else 0)
        finally:
            self._filling = False
        self.model.set_result(result)
        self.summary.setText(self._preview_summary(result))
        self._update_buttons()
        self.read_finished.emit(result)

    def _select(self, combo: QComboBox, value: str | None, extra_text: str | None) -> None:
        if combo.currentIndex() != 0:
            return
        # Keep "detect" selected, and show what detection chose in its text.
        label = next((text for text, data in _choices(combo) if data == value), extra_text or value or "none")
        combo.setItemText(0, f"{AUTO}: {label}")

    def _preview_summary(self, result: RosterResult) -> str:
        rows = len(result.table.rows)
        rejected = len(result.rejected_rows)
        duplicates = len(result.duplicate_of)
        file_problems = [problem.message for problem in result.problems if problem.row_number is None]
        text = (f"{rows} rows read: {len(result.valid) - duplicates} can be imported, {rejected} rejected, "
                f"{duplicates} possible duplicate{'' if duplicates == 1 else 's'} within the file.")
        if file_problems:
            text += " File: " + "; ".join(file_problems)
        return text

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self.result is not None and bool(self.result.valid) and self.report is None)
        has_rejected = self.report is not None and (self.report.rejected_rows_csv().count("\n") > 1)
        self.save_rejected_button.setEnabled(has_rejected)

    def import_rows(self) -> None:
        if self.result is None or self.report is not None:
            return
        db, actor, result = self.context.db, self.context.require_actor(), self.result
        source = self.path.name if self.path else "roster"
        self.import_button.setEnabled(False)
        self.summary.setText("Importing…")
        self.context.runner.run("import roster", lambda: import_learners(db, actor, result, source_name=source),
                                write=True, owner=self, on_done=self._imported, on_failed=self._import_failed)

    def _imported(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(
            f"Imported {report.imported} learners. {report.count(Outcome.ALREADY_PRESENT)} already registered, "
            f"{report.count(Outcome.DUPLICATE)} possible duplicates and {report.count(Outcome.REJECTED)} rejected rows "
            "were not imported; save them with 'Save rejected rows' to fix and import them later.")
        self._update_buttons()
        self.imported.emit(report)

    def _import_failed(self, error: BaseException) -> None:
        self.summary.setText("Nothing was imported.")
        self._update_buttons()
        show_error(self, "Roster not imported", error)

    def save_rejected(self, path: Path | None = None) -> None:
        if self.report is None:
            return
        if path is None:
            suggested = (self.path.stem if self.path else "roster") + "-rejected.csv"
            name, _ = QFileDialog.getSaveFileName(self, "Save rejected rows", suggested, "CSV files (*.csv)")
            if not name:
                return
            path = Path(name)
        report = self.report
        self.context.runner.run("save rejected rows", lambda: write_rejected_rows(report, path), owner=self,
                                on_done=lambda count: self.summary.setText(f"Saved {count} rejected rows to {path}."),
                                on_failed=lambda error: show_error(self, "Rejected rows not saved", error))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _problem_text(problem: Problem) -> str:
    """Return the problem's message, led by its field unless the message already names it."""
    label = FIELD_LABELS.get(problem.field, "") if problem.field else ""
    if not label or problem.message.startswith(label):
        return problem.message
    return f"{label}: {problem.message}"


def _choices(combo: QComboBox) -> list[tuple[str, Any]]:
    return [(combo.itemText(index), combo.itemData(index)) for index in range(1, combo.count())]
