"""The Sessions page: create a proctored session, check learners in, and enter their results in the grid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.domain.assessments import Assessment
from nwrc_desktop.store.learners import LearnerSummary, get_learner
from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.store.scores import (
    SessionSummary,
    check_in,
    checked_in_learners,
    create_session,
    list_sessions,
    record_scores,
)
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error
from nwrc_desktop.ui.learner_form import ERROR_STYLE
from nwrc_desktop.ui.learner_view import make_table
from nwrc_desktop.ui.learners_page import LearnerSearch
from nwrc_desktop.ui.models import Column, RecordTableModel
from nwrc_desktop.ui.score_grid import ScoreGridModel, ScoreGridView

SESSION_COLUMNS: list[Column[SessionSummary]] = [
    Column("Date", lambda s: f"{s.held_on:%m/%d/%Y}"),
    Column("Room", lambda s: s.room),
    Column("Proctor", lambda s: s.proctor),
    Column("Assessments", lambda s: ", ".join(a.value for a in s.assessments)),
    Column("Checked in", lambda s: s.checked_in),
]


class NewSessionDialog(QDialog):
    created = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("new-session")
        self.setWindowTitle("New proctored session")
        self.held_on = QDateEdit(QDate.currentDate())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("MM/dd/yyyy")
        self.held_on.setAccessibleName("Session date")
        self.room = QLineEdit()
        self.room.setAccessibleName("Room")
        self.proctor = QLineEdit(context.actor.username if context.actor else "")
        self.proctor.setAccessibleName("Proctor's username")
        self.assessment_boxes: dict[Assessment, QCheckBox] = {}
        box = QGroupBox("Assessments given")
        box_layout = QVBoxLayout(box)
        for assessment in Assessment:
            check = QCheckBox(assessment.value)
            check.setAccessibleName(f"Give {assessment.value}")
            self.assessment_boxes[assessment] = check
            box_layout.addWidget(check)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Date", self.held_on)
        form.addRow("&Room", self.room)
        form.addRow("&Proctor", self.proctor)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create session")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        chosen = [assessment for assessment, check in self.assessment_boxes.items() if check.isChecked()]
        held_on = self.held_on.date().toPython()
        room, proctor = self.room.text(), self.proctor.text().strip()
        if not room.strip():
            self.problem.setText("Enter the room where the session is held.")
            self.room.setFocus()
            return
        if not chosen:
            self.problem.setText("Choose at least one assessment.")
            return
        if held_on > dt.date.today():
            self.problem.setText("The session date is in the future; sessions are created on the day they are held.")
            return
        db, actor = self.context.db, self.context.require_actor()
        self.buttons.setEnabled(False)
        self.context.runner.run("create session",
                                lambda: create_session(db, actor, held_on, room, proctor or actor.username, chosen),
                                write=True, owner=self, on_done=self._done, on_failed=self._failed)

    def _done(self, session: SessionSummary) -> None:
        self.created.emit(session)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, "Session not created", error)


@dataclass(frozen=True)
class SessionRoster:
    session: SessionSummary
    learners: list[LearnerSummary]


class SessionPanel(QWidget):
    """Check-in and results of one session."""

    submitted = Signal(int)
    roster_loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session: SessionSummary | None = None
        self.title = QLabel("Choose a session on the left, or create one.")
        self.title.setObjectName("section-title")
        self.search = LearnerSearch(context)
        self.search.table.setMinimumHeight(90)
        self.id_seen = QCheckBox("Photo &ID seen")
        self.id_seen.setAccessibleName("The learner's photo ID was seen")
        self.check_in_button = QPushButton("Check &in")
        self.check_in_button.setAccessibleName("Check the selected learner in")
        self.check_in_button.clicked.connect(self.check_in_selected)
        self.search.learner_activated.connect(lambda _learner: self.check_in_selected())
        self.checked_in = QListWidget()
        self.checked_in.setAccessibleName("Learners checked in")
        self.checked_in.setMaximumHeight(70)
        self.grid_model = ScoreGridModel(self)
        self.grid = ScoreGridView()
        self.grid.setModel(self.grid_model)
        self.submit_button = QPushButton("&Submit results")
        self.submit_button.setAccessibleName("Submit the results in the grid")
        self.submit_button.clicked.connect(self.submit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Session message")

        check_in_box = QGroupBox("Check in")
        check_layout = QVBoxLayout(check_in_box)
        check_layout.addWidget(self.search)
        row = QHBoxLayout()
        row.addWidget(self.id_seen)
        row.addWidget(self.check_in_button)
        row.addStretch(1)
        check_layout.addLayout(row)
        check_layout.addWidget(QLabel("Checked in:"))
        check_layout.addWidget(self.checked_in)
        results_box = QGroupBox("Results")
        results_layout = QVBoxLayout(results_box)
        results_layout.addWidget(QLabel("Type a level 1-5 or P / N, Tab to the scale score and form; "
                                        "Enter moves down."))
        results_layout.addWidget(self.grid, 1)
        submit_row = QHBoxLayout()
        submit_row.addWidget(self.message, 1)
        submit_row.addWidget(self.submit_button)
        results_layout.addLayout(submit_row)
        # The results grid gets most of the height; the user can drag the divider.
        parts = QSplitter(Qt.Orientation.Vertical)
        parts.setObjectName("session-parts-splitter")
        parts.addWidget(check_in_box)
        parts.addWidget(results_box)
        parts.setStretchFactor(0, 2)
        parts.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(parts, 1)
        self.check_in_box, self.results_box = check_in_box, results_box
        self.setTabOrder(self.search.query, self.search.table)
        self.setTabOrder(self.search.table, self.id_seen)
        self.setTabOrder(self.id_seen, self.check_in_button)
        self.setTabOrder(self.check_in_button, self.grid)
        self.setTabOrder(self.grid, self.submit_button)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.check_in_box.setEnabled(enabled and self.context.can(Permission.RUN_SESSIONS))
        self.results_box.setEnabled(enabled and self.context.can(Permission.RECORD_SCORES))

    def show_session(self, session: SessionSummary | None) -> None:
        self.session = session
        self.message.clear()
        if session is None:
            self.title.setText("Choose a session on the left, or create one.")
            self.grid_model.set_rows([], ())
            self.checked_in.clear()
            self._set_enabled(False)
            return
        self.title.setText(f"Session of {session.held_on:%m/%d/%Y} in {session.room}, proctor {session.proctor}")
        self._set_enabled(True)
        self.load_roster()

    def load_roster(self) -> None:
        if self.session is None:
            return
        db, session = self.context.db, self.session

        def load() -> SessionRoster:
            learner_ids = checked_in_learners(db, session.id)
            return SessionRoster(session, [get_learner(db, learner_id) for learner_id in learner_ids])

        self.context.runner.run("load session", load, latest_key=f"load session {id(self)}",
                                owner=self, on_done=self._show_roster)

    def _show_roster(self, roster: SessionRoster) -> None:
        if self.session is None or roster.session.id != self.session.id:
            return
        entered = {(row.learner.id, row.assessment): row for row in self.grid_model.rows()}
        self.checked_in.clear()
        for learner in roster.learners:
            self.checked_in.addItem(f"{learner.learner_number}  {learner.full_name}")
        self.grid_model.set_rows(roster.learners, roster.session.assessments)
        for number, row in enumerate(self.grid_model.rows()):
            kept = entered.get((row.learner.id, row.assessment))
            if kept is not None:
                for column, value in ((2, kept.result), (3, kept.scale), (4, kept.form)):
                    if value:
                        self.grid_model.setData(self.grid_model.index(number, column), value)
        self.roster_loaded.emit()

    def check_in_selected(self) -> None:
        learner = self.search.selected()
        if self.session is None or learner is None:
            self.message.setText("Find the learner first, then check them in.")
            return
        if not self.id_seen.isChecked():
            self.message.setText("Check the learner's photo ID, then tick 'Photo ID seen'.")
            self.id_seen.setFocus()
            return
        db, actor, session_id = self.context.db, self.context.require_actor(), self.session.id
        self.context.runner.run("check in", lambda: check_in(db, actor, session_id, learner.id, True), write=True,
                                owner=self, on_done=lambda _id: self._checked_in(learner),
                                on_failed=lambda error: show_error(self, "Not checked in", error))

    def _checked_in(self, learner: LearnerSummary) -> None:
        self.message.setText(f"{learner.full_name} is checked in.")
        self.id_seen.setChecked(False)
        self.search.query.clear()
        self.search.query.setFocus()
        self.load_roster()

    def submit(self) -> None:
        if self.session is None:
            return
        problems = self.grid_model.problems()
        if problems:
            row, column, message = problems[0]
            self.grid.setCurrentIndex(self.grid_model.index(row, column))
            self.grid.setFocus()
            self.message.setText(f"{len(problems)} cell{'s' if len(problems) > 1 else ''} marked in red: {message}")
            return
        actor = self.context.require_actor()
        entries = self.grid_model.entries(self.session.id, self.session.held_on, self.session.proctor)
        if not entries:
            self.message.setText("No results entered yet.")
            return
        db = self.context.db
        self.submit_button.setEnabled(False)
        self.message.setText("Saving…")
        self.context.runner.run("submit results", lambda: record_scores(db, actor, entries), write=True, owner=self,
                                on_done=lambda result: self._submitted(len(entries), result[1]),
                                on_failed=self._submit_failed)

    def _submitted(self, count: int, changes: list[str]) -> None:
        self.submit_button.setEnabled(True)
        self.grid_model.clear_entered()
        text = f"Recorded {count} result{'s' if count != 1 else ''}."
        if changes:
            text += " Credentials: " + "; ".join(changes)
        self.message.setText(text)
        self.submitted.emit(count)

    def _submit_failed(self, error: BaseException) -> None:
        self.submit_button.setEnabled(True)
        self.message.setText("Nothing was saved.")
        show_error(self, "Results not saved", error)


class SessionsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.sessions: RecordTableModel[SessionSummary] = RecordTableModel(SESSION_COLUMNS, self)
        self.table = make_table(self.sessions, "Proctored sessions")
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.new_button = QPushButton("New &session…")
        self.new_button.setAccessibleName("Create a proctored session")
        self.new_button.clicked.connect(self.new_session)
        self.panel = SessionPanel(context)
        self.panel.submitted.connect(lambda _count: self.refresh())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Proctored sessions")
        title.setObjectName("page-title")
        left_layout.addWidget(title)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("sessions-splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.apply_role()

    def apply_role(self) -> None:
        self.new_button.setVisible(self.context.can(Permission.RUN_SESSIONS))
        self.panel.show_session(self.panel.session)

    def refresh(self) -> None:
        db = self.context.db
        self.context.runner.run("list sessions", lambda: list_sessions(db),
                                latest_key=f"list sessions {id(self)}", owner=self, on_done=self._show)

    def _show(self, sessions: list[SessionSummary]) -> None:
        current = self.panel.session.id if self.panel.session else None
        self.sessions.set_records(sessions)
        for row, session in enumerate(sessions):
            if session.id == current:
                self.table.selectRow(row)

    def _current_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        session = self.sessions.record(current.row())
        if self.panel.session is None or self.panel.session.id != session.id:
            self.panel.show_session(session)

    def new_session(self) -> None:
        if not self.context.can(Permission.RUN_SESSIONS):
            QMessageBox.information(self, "Not allowed", "Only proctors and admins create sessions.")
            return
        dialog = NewSessionDialog(self.context, self)
        dialog.created.connect(self._created)
        dialog.open()

    def _created(self, session: SessionSummary) -> None:
        self.panel.show_session(session)
        self.refresh()
