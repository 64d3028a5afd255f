"""The set-up assistant shown when the data folder has no site: site, first admin, optional enrolment."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizard, QWizardPage

from nwrc_desktop.store.accounts import (
    MIN_PASSWORD_LENGTH,
    USERNAME_PATTERN,
    AccountError,
    init_site,
    normalize_site_code,
)
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error
from nwrc_desktop.ui.learner_form import ERROR_STYLE

log = logging.getLogger(__name__)


def _line(name: str, accessible: str, password: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _CheckedPage(QWizardPage):
    """A page whose Next button is enabled only when `problems()` is empty; problems show as the user types."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem on this page")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def add(self, label: str, edit: QLineEdit) -> QLineEdit:
        caption = QLabel(label)
        caption.setBuddy(edit)
        self.form.addRow(caption, edit)
        edit.textChanged.connect(self._changed)
        return edit

    def problems(self) -> list[str]:
        return []

    def _changed(self) -> None:
        problems = self.problems()
        self.problem.setText(problems[0] if problems else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problems()


class SitePage(_CheckedPage):
    def __init__(self) -> None:
        super().__init__("Your testing site", "Enter the site code headquarters gave you and the center's name.")
        self.code = self.add("Site &code", _line("site_code", "Site code, for example TX014"))
        self.code.setPlaceholderText("for example TX014")
        self.name = self.add("Site &name", _line("site_name", "Testing center's name"))

    def problems(self) -> list[str]:
        found = []
        if self.code.text().strip():
            try:
                normalize_site_code(self.code.text())
            except AccountError:
                found.append("The site code has 2 to 12 letters A-Z and digits, for example TX014.")
        else:
            found.append("Enter the site code.")
        if not self.name.text().strip():
            found.append("Enter the testing center's name.")
        return found


class AdminPage(_CheckedPage):
    def __init__(self) -> None:
        super().__init__("The first admin account", "This account sets up users, enrols the site and restores backups.")
        self.username = self.add("&Username", _line("admin_username", "Admin username"))
        self.display_name = self.add("&Full name", _line("admin_display_name", "Admin's full name"))
        self.password = self.add("&Password", _line("admin_password", "Admin password", password=True))
        self.confirm = self.add("&Repeat password", _line("admin_confirm", "Repeat the admin password", password=True))

    def problems(self) -> list[str]:
        found = []
        if not USERNAME_PATTERN.match(self.username.text()):
            found.append("The username has 2 to 64 lower-case letters, digits, '.', '_' or '-'.")
        if len(self.password.text()) < MIN_PASSWORD_LENGTH:
            found.append(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
        elif self.password.text() != self.confirm.text():
            found.append("The two passwords differ; type the same password twice.")
        return found


class EnrolmentPage(_CheckedPage):
    def __init__(self) -> None:
        super().__init__("Registry enrolment (optional)",
                         "To send records to headquarters, enter the registry's address and the one-time enrolment "
                         "code. Leave both empty to enrol later under Administration.")
        self.registry_url = self.add("Registry &address", _line("registry_url", "Registry address"))
        self.registry_url.setPlaceholderText("https://registry.example.org")
        self.enrolment_code = self.add("Enrolment c&ode", _line("enrolment_code", "One-time enrolment code"))

    def problems(self) -> list[str]:
        url, code = self.registry_url.text().strip(), self.enrolment_code.text().strip()
        if bool(url) != bool(code):
            return ["Enter both the registry address and the enrolment code, or leave both empty."]
        if url and not (url.startswith("https://") or url.startswith("http://")):
            return ["The registry address starts with https://"]
        return []


class SetupWizard(QWizard):
    """Collects the site's details and creates the site when the user clicks Finish."""

    # Emitted with a sentence about enrolment (empty when skipped) once the site exists.
    completed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("setup-wizard")
        self.setWindowTitle("Set up NWRC Desktop")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.site_page = SitePage()
        self.admin_page = AdminPage()
        self.enrolment_page = EnrolmentPage()
        for page in (self.site_page, self.admin_page, self.enrolment_page):
            self.addPage(page)
        self._busy = False

    def accept(self) -> None:
        if self._busy:
            return
        db = self.context.db
        code, name = self.site_page.code.text(), self.site_page.name.text()
        username = self.admin_page.username.text()
        password = self.admin_page.password.text()
        display_name = self.admin_page.display_name.text().strip() or None
        self._set_busy(True)
        self.context.runner.run("set up site",
                                lambda: init_site(db, code, name, username, password, display_name),
                                write=True, owner=self, on_done=lambda _site: self._site_created(),
                                on_failed=self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        show_error(self, "Site not set up", error)

    def _site_created(self) -> None:
        url = self.enrolment_page.registry_url.text().strip()
        code = self.enrolment_page.enrolment_code.text().strip()
        if not url:
            self._done("")
            return
        from nwrc_desktop.domain.assessments import Role
        from nwrc_desktop.store.journal import Actor
        from nwrc_desktop.sync.commands import enroll

        db, site_code = self.context.db, normalize_site_code(self.site_page.code.text())
        actor = Actor(self.admin_page.username.text(), Role.ADMIN)
        self.context.runner.run("enrol site", lambda: enroll(db, url, site_code, code, actor=actor), network=True,
                                owner=self, on_done=lambda result: self._done(f"Enrolled with {result.registry_url}."),
                                on_failed=lambda error: self._done(
                                    f"The site is set up, but enrolment failed: {error} "
                                    "An admin can enrol it later under Administration > Registry."))

    def _done(self, enrolment_message: str) -> None:
        self._set_busy(False)
        log.info("site set up with the assistant")
        self.completed.emit(enrolment_message)
        super().accept()
