"""Correct a recorded score: new values and a reason, saved as a row that supersedes the old one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from nwrc_desktop.store.scores import ScoreEntry, ScoreSummary, correct_score
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error
from nwrc_desktop.ui.learner_form import ERROR_STYLE
from nwrc_desktop.ui.score_grid import RESULT, SCALE, GridRow, parse_row


class ScoreCorrection(QDialog):
    corrected = Signal()

    def __init__(self, context: AppContext, score: ScoreSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.score = score
        self.setObjectName("score-correction")
        self.setWindowTitle(f"Correct {score.assessment.value} score")
        self.result = QLineEdit(str(score.level) if score.level is not None else
                                ("P" if score.passed else "N"))
        self.result.setAccessibleName("Result: level 1-5, or P for pass and N for not pass")
        self.scale = QLineEdit("" if score.scale_score is None else str(score.scale_score))
        self.scale.setAccessibleName("Scale score")
        self.form_code = QLineEdit(score.form or "")
        self.form_code.setAccessibleName("Form")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the correction")
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Result" + (" (level 1-5)" if score.assessment.is_leveled else " (P or N)"), self.result)
        form.addRow("&Scale score", self.scale)
        form.addRow("&Form", self.form_code)
        form.addRow("Rea&son", self.reason)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Tested {score.tested_on:%m/%d/%Y}; currently {score.result_text}."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        # parse_row reads only the assessment and the typed values, so no learner is needed here.
        row = GridRow(learner=None, assessment=self.score.assessment, result=self.result.text(),  # type: ignore[arg-type]
                      scale=self.scale.text(), form=self.form_code.text())
        values, problems = parse_row(row)
        reason = " ".join(self.reason.text().split())
        if values is None or problems:
            self.problem.setText(problems.get(RESULT) or problems.get(SCALE) or "Enter the corrected result.")
            return
        if not reason:
            self.problem.setText("Say why the score is corrected, for example 'level typed wrong'.")
            self.reason.setFocus()
            return
        entry = ScoreEntry(self.score.learner_id, self.score.assessment, self.score.tested_on,
                           session_id=self.score.session_id, proctor=self.score.proctor, **values)
        db, actor, score_id = self.context.db, self.context.require_actor(), self.score.id
        self.buttons.setEnabled(False)
        self.context.runner.run("correct score", lambda: correct_score(db, actor, score_id, entry, reason),
                                write=True, owner=self, on_done=self._done, on_failed=self._failed)

    def _done(self, _result) -> None:
        self.corrected.emit()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, "Score not corrected", error)
