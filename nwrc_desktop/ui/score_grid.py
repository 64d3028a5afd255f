"""The results grid of a proctored session: one row per learner and assessment, typed in from the keyboard.

Type a level (1-5) or P / N (pass, not pass) in Result, then Tab to the scale score and form; Enter
commits a cell and moves down the same column. A row with an empty result is not submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from nwrc_desktop.domain.assessments import MAX_LEVEL, MIN_LEVEL, Assessment
from nwrc_desktop.store.learners import LearnerSummary
from nwrc_desktop.store.scores import ScoreEntry

PASS_WORDS = {"p", "pass", "passed", "y", "yes"}
NOT_PASS_WORDS = {"n", "np", "not pass", "fail", "failed", "no"}
INVALID_BRUSH = QBrush(QColor("#f8d7da"))
READ_ONLY_BRUSH = QBrush(QColor("#f0f0f0"))

LEARNER, ASSESSMENT, RESULT, SCALE, FORM = range(5)
HEADERS = ("Learner", "Assessment", "Result", "Scale score", "Form")


@dataclass(frozen=True)
class GridRow:
    learner: LearnerSummary
    assessment: Assessment
    result: str = ""
    scale: str = ""
    form: str = ""


def parse_row(row: GridRow) -> tuple[dict[str, Any] | None, dict[int, str]]:
    """Return the row's result values and a problem message per column; values are None for an empty row."""
    problems: dict[int, str] = {}
    result = " ".join(row.result.split()).casefold()
    scale_text = row.scale.strip()
    if not result:
        if scale_text or row.form.strip():
            problems[RESULT] = "Enter the result, or clear the scale score and form."
        return None, problems
    level = passed = None
    if row.assessment.is_leveled:
        if result.isdigit() and MIN_LEVEL <= int(result) <= MAX_LEVEL:
            level = int(result)
        else:
            problems[RESULT] = f"Enter an achievement level from {MIN_LEVEL} to {MAX_LEVEL}."
    elif result in PASS_WORDS:
        passed = True
    elif result in NOT_PASS_WORDS:
        passed = False
    else:
        problems[RESULT] = "Enter P for pass or N for not pass."
    scale_score = None
    if scale_text:
        if scale_text.isdigit() and 0 <= int(scale_text) <= 999:
            scale_score = int(scale_text)
        else:
            problems[SCALE] = "Enter the scale score as a whole number from 0 to 999, or leave it empty."
    if problems:
        return None, problems
    return {"level": level, "passed": passed, "scale_score": scale_score, "form": row.form.strip() or None}, problems


def result_display(row: GridRow) -> str:
    values, problems = parse_row(row)
    if values is None or problems:
        return row.result
    if values["level"] is not None:
        return str(values["level"])
    return "pass" if values["passed"] else "not pass"


class ScoreGridModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[GridRow] = []

    def set_rows(self, learners: list[LearnerSummary], assessments: tuple[Assessment, ...]) -> None:
        self.beginResetModel()
        self._rows = [GridRow(learner, assessment) for learner in learners for assessment in assessments]
        self.endResetModel()

    def rows(self) -> list[GridRow]:
        return list(self._rows)

    def clear_entered(self) -> None:
        self.beginResetModel()
        self._rows = [GridRow(row.learner, row.assessment) for row in self._rows]
        self.endResetModel()

    def problems(self) -> list[tuple[int, int, str]]:
        """Return (row, column, message) for every cell with a problem."""
        found = []
        for number, row in enumerate(self._rows):
            for column, message in parse_row(row)[1].items():
                found.append((number, column, message))
        return found

    def entries(self, session_id: str, held_on: dt.date, proctor: str) -> list[ScoreEntry]:
        """Return a ScoreEntry for every filled, valid row."""
        entries = []
        for row in self._rows:
            values, problems = parse_row(row)
            if values is None or problems:
                continue
            entries.append(ScoreEntry(row.learner.id, row.assessment, held_on, session_id=session_id,
                                      proctor=proctor, **values))
        return entries

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (RESULT, SCALE, FORM):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                LEARNER: f"{row.learner.learner_number}  {row.learner.full_name}",
                ASSESSMENT: row.assessment.value,
                RESULT: result_display(row),
                SCALE: row.scale,
                FORM: row.form,
            }[column]
        if role == Qt.ItemDataRole.EditRole:
            return {RESULT: row.result, SCALE: row.scale, FORM: row.form}.get(column, "")
        problems = parse_row(row)[1]
        if role == Qt.ItemDataRole.BackgroundRole:
            if column in problems:
                return INVALID_BRUSH
            if column in (LEARNER, ASSESSMENT):
                return READ_ONLY_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in problems:
                return problems[column]
            if column == RESULT:
                return ("Achievement level 1-5" if row.assessment.is_leveled else "P for pass, N for not pass")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[column]}: {self.data(index)}" + (f", {problems[column]}" if column in problems else "")
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in (RESULT, SCALE, FORM):
            return False
        field = {RESULT: "result", SCALE: "scale", FORM: "form"}[index.column()]
        self._rows[index.row()] = replace(self._rows[index.row()], **{field: str(value or "")})
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class GridDelegate(QStyledItemDelegate):
    """Closes the cell editor on Enter with the SubmitModelCache hint, which the view reads as 'move down'."""

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return True
        return super().eventFilter(editor, event)


class ScoreGridView(QTableView):
    """A table where typing starts editing, Tab walks the editable cells and Enter moves down."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Results grid")
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setItemDelegate(GridDelegate(self))
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def start(self) -> None:
        """Put the cursor on the first result cell."""
        if self.model() is not None and self.model().rowCount():
            self.setCurrentIndex(self.model().index(0, RESULT))
        self.setFocus()

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._move_down()
            return
        super().closeEditor(editor, hint)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Let Tab and Backtab skip the read-only Learner and Assessment columns."""
        index = super().moveCursor(action, modifiers)
        forward = action == QAbstractItemView.CursorAction.MoveNext
        backward = action == QAbstractItemView.CursorAction.MovePrevious
        if (forward or backward) and index.isValid() and index.column() < RESULT:
            model = self.model()
            if forward:
                return model.index(index.row(), RESULT)
            previous_row = max(0, index.row() - 1) if index.row() != self.currentIndex().row() else index.row()
            return model.index(previous_row, FORM)
        return index

    def keyPressEvent(self, event) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            self._move_down()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid() and not editing:
            self.model().setData(self.currentIndex(), "")
            return
        super().keyPressEvent(event)

    def _move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.model().rowCount():
            self.setCurrentIndex(self.model().index(current.row() + 1, current.column()))
