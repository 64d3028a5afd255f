"""A learner's page: details, scores (with void and correct), credentials and certificate prints."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.store.credentials import CredentialSummary, list_credentials
from nwrc_desktop.store.learners import LearnerSummary
from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.store.queries import PrintRow, learner_prints
from nwrc_desktop.store.scores import ScoreSummary, learner_scores, void_score
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import ask_reason, show_error
from nwrc_desktop.ui.models import Column, RecordTableModel


@dataclass(frozen=True)
class LearnerRecord:
    scores: list[ScoreSummary]
    credentials: list[CredentialSummary]
    prints: list[PrintRow]


SCORE_COLUMNS: list[Column[ScoreSummary]] = [
    Column("Test date", lambda s: f"{s.tested_on:%m/%d/%Y}"),
    Column("Assessment", lambda s: s.assessment.value),
    Column("Result", lambda s: s.result_text),
    Column("Scale score", lambda s: s.scale_score),
    Column("Form", lambda s: s.form),
    Column("Row", lambda s: s.kind),
    Column("In force", lambda s: "yes" if s.in_force else "no"),
    Column("Reason", lambda s: s.reason, tooltip=lambda s: s.reason),
    Column("Recorded by", lambda s: s.recorded_by),
]
CREDENTIAL_COLUMNS: list[Column[CredentialSummary]] = [
    Column("Credential", lambda c: c.title),
    Column("Issued", lambda c: f"{c.issued_on:%m/%d/%Y}"),
    Column("Certificate number", lambda c: c.certificate_number),
    Column("Status", lambda c: c.status, tooltip=lambda c: c.status_reason),
    Column("Prints", lambda c: c.print_count),
]
PRINT_COLUMNS: list[Column[PrintRow]] = [
    Column("Printed", lambda p: f"{p.printed_at.astimezone():%m/%d/%Y %H:%M}"),
    Column("Certificate number", lambda p: p.certificate_number),
    Column("By", lambda p: p.printed_by),
    Column("Reprint", lambda p: "yes" if p.reprint else "no"),
    Column("Reason", lambda p: p.reason),
    Column("Destination", lambda p: p.destination),
]


def make_table(model, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    return table


class LearnerView(QDialog):
    def __init__(self, context: AppContext, learner: LearnerSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.learner = learner
        self.setObjectName("learner-view")
        self.setWindowTitle(f"{learner.full_name} ({learner.learner_number})")
        self.resize(900, 520)
        details = QLabel(
            f"<b>{learner.full_name}</b> &nbsp; {learner.learner_number} &nbsp; born {learner.date_of_birth:%m/%d/%Y}"
            + (f" &nbsp; learner ID {learner.external_id}" if learner.external_id else "")
            + (f"<br>Certificate name: {learner.certificate_name}" if learner.preferred_name else "")
        )
        details.setAccessibleName("Learner details")
        self.scores: RecordTableModel[ScoreSummary] = RecordTableModel(SCORE_COLUMNS, self)
        self.credentials: RecordTableModel[CredentialSummary] = RecordTableModel(CREDENTIAL_COLUMNS, self)
        self.prints: RecordTableModel[PrintRow] = RecordTableModel(PRINT_COLUMNS, self)
        self.score_table = make_table(self.scores, "Scores")
        tabs = QTabWidget()
        tabs.setAccessibleName("Learner record")
        score_tab = QWidget()
        score_layout = QVBoxLayout(score_tab)
        score_layout.addWidget(self.score_table)
        score_buttons = QHBoxLayout()
        self.void_button = QPushButton("&Void score…")
        self.void_button.setAccessibleName("Void the selected score")
        self.correct_button = QPushButton("&Correct score…")
        self.correct_button.setAccessibleName("Correct the selected score")
        self.void_button.clicked.connect(self.void_selected)
        self.correct_button.clicked.connect(self.correct_selected)
        score_buttons.addWidget(self.void_button)
        score_buttons.addWidget(self.correct_button)
        score_buttons.addStretch(1)
        score_layout.addLayout(score_buttons)
        may_record = context.can(Permission.RECORD_SCORES)
        self.void_button.setVisible(may_record)
        self.correct_button.setVisible(may_record)
        tabs.addTab(score_tab, "&Scores")
        tabs.addTab(make_table(self.credentials, "Credentials"), "C&redentials")
        tabs.addTab(make_table(self.prints, "Certificate prints"), "&Prints")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(details)
        layout.addWidget(tabs, 1)
        layout.addWidget(close)
        self.loaded = False
        self.reload()

    def reload(self) -> None:
        db, learner_id = self.context.db, self.learner.id

        def load() -> LearnerRecord:
            return LearnerRecord(learner_scores(db, learner_id),
                                 list_credentials(db, learner_id=learner_id, include_inactive=True),
                                 learner_prints(db, learner_id))

        self.context.runner.run("load learner", load, latest_key=f"load learner {id(self)}",
                                on_done=self._show, owner=self)

    def _show(self, record: LearnerRecord) -> None:
        self.scores.set_records(record.scores)
        self.credentials.set_records(record.credentials)
        self.prints.set_records(record.prints)
        self.loaded = True

    def void_selected(self) -> None:
        score = self._pick_in_force()
        if score is None:
            return
        reason = ask_reason(self, "Void score", f"Why is the {score.assessment.value} score of "
                                                f"{score.tested_on:%m/%d/%Y} voided?")
        if reason is None:
            return
        db, actor = self.context.db, self.context.require_actor()
        self.context.runner.run("void score", lambda: void_score(db, actor, score.id, reason), write=True,
                                owner=self, on_done=lambda _changes: self.reload(),
                                on_failed=lambda error: show_error(self, "Score not voided", error))

    def correct_selected(self) -> None:
        score = self._pick_in_force()
        if score is None:
            return
        from nwrc_desktop.ui.score_correction import ScoreCorrection

        dialog = ScoreCorrection(self.context, score, self)
        dialog.corrected.connect(self.reload)
        dialog.open()

    def _pick_in_force(self) -> ScoreSummary | None:
        index = self.score_table.currentIndex()
        if not index.isValid():
            return None
        score = self.scores.record(index.row())
        if not score.in_force:
            QMessageBox.information(self, "Score not in force",
                                    "This row was already voided or corrected. Select the newest row of the score.")
            return None
        return score
