"""The Learners page: search as you type over the whole site, and the buttons to register, edit and open."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.store.learners import LearnerSummary, find_learners
from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.models import Column, RecordTableModel

log = logging.getLogger(__name__)

# Wait this long after the last keystroke before searching, so typing a name runs one query, not five.
SEARCH_DEBOUNCE_MS = 200
SEARCH_LIMIT = 200

LEARNER_COLUMNS: list[Column[LearnerSummary]] = [
    Column("Learner number", lambda item: item.learner_number),
    Column("Last name", lambda item: item.last_name),
    Column("First name", lambda item: item.first_name),
    Column("Middle name", lambda item: item.middle_name),
    Column("Date of birth", lambda item: f"{item.date_of_birth:%m/%d/%Y}"),
    Column("Learner ID", lambda item: item.external_id),
]


class LearnerSearch(QWidget):
    """A search box over a results table; each search runs in a worker and only the newest result is shown."""

    # Emitted after the table shows the results of the newest search.
    results_shown = Signal(int)
    learner_activated = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._generation = 0
        self.query = QLineEdit()
        self.query.setPlaceholderText("Name, learner number, learner ID or date of birth (MM/DD/YYYY)")
        self.query.setAccessibleName("Search learners")
        self.query.setClearButtonEnabled(True)
        self.model: RecordTableModel[LearnerSummary] = RecordTableModel(LEARNER_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Learners found")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.status = QLabel()
        self.status.setAccessibleName("Search status")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._focus_results)
        self.table.activated.connect(self._activate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def search_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text = self.query.text()
        db = self.context.db
        self.status.setText("Searching…")
        self.context.runner.run(
            "learner search", lambda: find_learners(db, text, limit=SEARCH_LIMIT),
            on_done=lambda found: self._show(generation, found), owner=self,
        )

    def _show(self, generation: int, found: list[LearnerSummary]) -> None:
        if generation != self._generation:
            return
        self.model.set_records(found)
        if len(found) >= SEARCH_LIMIT:
            self.status.setText(f"Showing the first {SEARCH_LIMIT} learners; type more to narrow the search.")
        elif not found and not self.query.text().strip():
            self.status.setText("No learners registered yet. Register one, or import a roster.")
        elif not found:
            self.status.setText("No learner matches. Check the spelling, or register a new learner.")
        else:
            self.status.setText(f"{len(found)} learner{'s' if len(found) != 1 else ''} found.")
        if found and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.results_shown.emit(len(found))

    def selected(self) -> LearnerSummary | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _focus_results(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _activate(self, index) -> None:
        self.learner_activated.emit(self.model.record(index.row()))


class LearnersPage(QWidget):
    """Search, register, edit and open learners."""

    import_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.search = LearnerSearch(context)
        self.new_button = QPushButton("&New learner…")
        self.new_button.setAccessibleName("Register a new learner")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setAccessibleName("Edit the selected learner")
        self.open_button = QPushButton("&Open")
        self.open_button.setAccessibleName("Open the selected learner's scores, credentials and prints")
        self.import_button = QPushButton("&Import roster…")
        self.import_button.setAccessibleName("Import learners from a roster file")
        self.import_button.clicked.connect(self.import_requested)
        self.new_button.clicked.connect(self.register_learner)
        self.edit_button.clicked.connect(self.edit_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.search.learner_activated.connect(self.open_learner)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        title = QLabel("Learners")
        title.setObjectName("page-title")
        layout.addWidget(title)
        layout.addWidget(self.search, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.search.query, self.search.table)
        self.apply_role()

    def apply_role(self) -> None:
        may_write = self.context.can(Permission.WRITE_LEARNERS)
        self.new_button.setVisible(may_write)
        self.edit_button.setVisible(may_write)
        self.import_button.setVisible(may_write)

    def focus_search(self) -> None:
        self.search.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.query.selectAll()

    def refresh(self) -> None:
        self.search.search_now()

    def register_learner(self) -> None:
        if not self.context.can(Permission.WRITE_LEARNERS):
            return
        from nwrc_desktop.ui.learner_form import LearnerForm

        form = LearnerForm(self.context, None, self)
        form.saved.connect(lambda learner: self._after_save(learner))
        form.open_existing.connect(self.open_learner)
        form.open()

    def edit_selected(self) -> None:
        learner = self.search.selected()
        if learner is None or not self.context.can(Permission.WRITE_LEARNERS):
            return
        from nwrc_desktop.ui.learner_form import LearnerForm

        form = LearnerForm(self.context, learner, self)
        form.saved.connect(lambda saved: self._after_save(saved))
        form.open()

    def open_selected(self) -> None:
        learner = self.search.selected()
        if learner is not None:
            self.open_learner(learner)

    def open_learner(self, learner: LearnerSummary) -> None:
        from nwrc_desktop.ui.learner_view import LearnerView

        view = LearnerView(self.context, learner, self)
        view.open()

    def _after_save(self, learner: LearnerSummary) -> None:
        self.search.query.setText(learner.learner_number)
        self.search.search_now()
