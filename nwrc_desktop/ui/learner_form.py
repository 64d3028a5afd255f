"""Register or edit a learner, with each field's problems shown beside it as the user types."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.domain.dates import DateOrder
from nwrc_desktop.domain.learners import LearnerInput, validate_learner
from nwrc_desktop.domain.tabular import Severity
from nwrc_desktop.store.learners import (
    LearnerError,
    LearnerSummary,
    PossibleDuplicate,
    register_learner,
    update_learner,
)
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error

# (field name, label, accessible description); the order is the form's tab order.
FORM_FIELDS = (
    ("first_name", "&First name", "First name"),
    ("middle_name", "&Middle name", "Middle name (optional)"),
    ("last_name", "&Last name", "Last name"),
    ("preferred_name", "&Certificate name", "Name printed on certificates, if different (optional)"),
    ("date_of_birth", "&Date of birth", "Date of birth, month/day/year"),
    ("external_id", "Learner &ID", "Learner ID from another system (optional)"),
    ("email", "E&mail", "Email address (optional)"),
    ("phone", "P&hone", "Phone number (optional)"),
)
ERROR_STYLE = "color: #b00020;"


class LearnerForm(QDialog):
    """A dialog that validates as the user types and saves in the store-writer worker."""

    saved = Signal(object)
    open_existing = Signal(object)

    def __init__(self, context: AppContext, learner: LearnerSummary | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.learner = learner
        self.setObjectName("learner-form")
        self.setWindowTitle("Edit learner" if learner else "New learner")
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._saving = False

        form = QFormLayout()
        for name, label, description in FORM_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(description)
            error = QLabel()
            error.setObjectName(f"{name}-error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setAccessibleName(f"{description}: problem")
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, column)
            self.inputs[name] = edit
            self.errors[name] = error
            edit.textEdited.connect(lambda _text, field=name: self._edited(field))
        self.inputs["date_of_birth"].setPlaceholderText("MM/DD/YYYY")
        self.one_part = QCheckBox("The learner has only one name (enter it as the last name)")
        self.one_part.setAccessibleName("One-part name")
        self.one_part.toggled.connect(lambda _checked: self._edited("first_name"))
        form.addRow("", self.one_part)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save the learner")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Form status")

        layout = QVBoxLayout(self)
        # The dialog grows when a field's error message appears, instead of squeezing the rows.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        previous = None
        for name, _, _ in FORM_FIELDS:
            if previous is not None:
                self.setTabOrder(previous, self.inputs[name])
            previous = self.inputs[name]
        self.setTabOrder(previous, self.one_part)
        if learner is not None:
            self._fill(learner)

    def _fill(self, learner: LearnerSummary) -> None:
        values = {
            "first_name": learner.first_name, "middle_name": learner.middle_name, "last_name": learner.last_name,
            "preferred_name": learner.preferred_name, "date_of_birth": f"{learner.date_of_birth:%m/%d/%Y}",
            "external_id": learner.external_id, "email": learner.email, "phone": learner.phone,
        }
        for name, value in values.items():
            self.inputs[name].setText(value or "")
        self.one_part.setChecked(not learner.first_name)

    def raw_values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.inputs.items()}

    def validate(self, show_all: bool = False) -> LearnerInput | None:
        """Validate the whole form and show the problems of the fields the user has touched (or all)."""
        learner, problems = validate_learner(self.raw_values(), today=dt.date.today(), date_order=DateOrder.MDY,
                                             one_part_name=self.one_part.isChecked())
        if show_all:
            self._touched.update(self.inputs)
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            if problem.severity is Severity.ERROR or problem.severity is Severity.WARNING:
                by_field.setdefault(problem.field or "last_name", []).append(problem.message)
        for name in self.errors:
            messages = by_field.get(name, []) if name in self._touched else []
            self._show_error(name, "; ".join(_sentence(message) for message in messages))
        return learner

    def _show_error(self, field: str, text: str) -> None:
        """Show or hide a field's message, reserving the height its wrapped lines need.

        A word-wrapped label nested in a form row gets only one line's height otherwise.
        """
        label = self.errors[field]
        label.setText(text)
        label.setVisible(bool(text))
        if text:
            label.setMinimumHeight(label.heightForWidth(max(label.width(), self.inputs[field].width())))

    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self.status.clear()
        self.validate()

    def save(self) -> None:
        if self._saving:
            return
        learner = self.validate(show_all=True)
        if learner is None:
            self.status.setText("Fix the fields marked in red, then save again.")
            return
        self._submit(learner, allow_duplicate=False)

    def _submit(self, learner: LearnerInput, allow_duplicate: bool) -> None:
        db, actor = self.context.db, self.context.require_actor()
        existing = self.learner
        if existing is None:
            def work():
                return register_learner(db, actor, learner, allow_duplicate=allow_duplicate)
        else:
            def work():
                return update_learner(db, actor, existing.id, learner)
        self._set_saving(True)
        self.context.runner.run("save learner", work, write=True, owner=self,
                                on_done=self._saved, on_failed=lambda error: self._failed(error, learner))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)
        self.status.setText("Saving…" if saving else "")

    def _saved(self, summary: LearnerSummary) -> None:
        self._set_saving(False)
        self.saved.emit(summary)
        self.accept()

    def _failed(self, error: BaseException, learner: LearnerInput) -> None:
        self._set_saving(False)
        if isinstance(error, PossibleDuplicate):
            choice = DuplicateDialog(error.existing, self)
            result = choice.exec()
            if result == DuplicateDialog.REGISTER_ANYWAY:
                self._submit(learner, allow_duplicate=True)
            elif result == DuplicateDialog.OPEN_EXISTING and choice.chosen() is not None:
                self.open_existing.emit(choice.chosen())
                self.reject()
            return
        if isinstance(error, LearnerError) and error.field in self.errors:
            self._show_error(error.field, _sentence(str(error).split(": ", 1)[-1]))
            self.inputs[error.field].setFocus()
            self.status.setText("Fix the field marked in red, then save again.")
            return
        show_error(self, "Learner not saved", error)


class DuplicateDialog(QDialog):
    """Shows the learners who may be the same person and asks whether to open one or register anyway."""

    OPEN_EXISTING = 2
    REGISTER_ANYWAY = 3

    def __init__(self, existing: list[LearnerSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicate-dialog")
        self.setWindowTitle("Possibly registered already")
        self.existing = existing
        text = QLabel("A learner with the same name and date of birth is already registered. Open that learner "
                      "instead, or register this one only if you are sure it is a different person.")
        text.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Learners already registered")
        for item in existing:
            self.list.addItem(f"{item.learner_number}  {item.full_name}  born {item.date_of_birth:%m/%d/%Y}"
                              + (f"  ID {item.external_id}" if item.external_id else ""))
        self.list.setCurrentRow(0)
        self.open_button = QPushButton("&Open existing learner")
        self.register_button = QPushButton("&Register as a different person")
        cancel = QPushButton("Cancel")
        buttons = QDialogButtonBox()
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.register_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.clicked.connect(lambda: self.done(self.OPEN_EXISTING))
        self.register_button.clicked.connect(lambda: self.done(self.REGISTER_ANYWAY))
        cancel.clicked.connect(self.reject)
        self.open_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> LearnerSummary | None:
        row = self.list.currentRow()
        return self.existing[row] if 0 <= row < len(self.existing) else None


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
