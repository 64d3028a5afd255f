"""Administration (admin role): accounts and roles, registry enrolment, backup and restore, the audit log."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.accounts import create_account, get_site, list_accounts, set_account_active, set_password
from nwrc_desktop.store.backups import make_backup, restore_conflicts, verify_backup_file
from nwrc_desktop.store.health import check_store
from nwrc_desktop.store.models import Account
from nwrc_desktop.store.queries import AuditRow, audit_rows
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import ask_reason, confirm, show_error
from nwrc_desktop.ui.learner_form import ERROR_STYLE
from nwrc_desktop.ui.learner_view import make_table
from nwrc_desktop.ui.models import Column, RecordTableModel

ACCOUNT_COLUMNS: list[Column[Account]] = [
    Column("Username", lambda a: a.username),
    Column("Name", lambda a: a.display_name),
    Column("Role", lambda a: a.role),
    Column("Active", lambda a: "yes" if a.active else "no"),
]
AUDIT_COLUMNS: list[Column[AuditRow]] = [
    Column("#", lambda r: r.seq),
    Column("When", lambda r: f"{r.at.astimezone():%m/%d/%Y %H:%M:%S}"),
    Column("Who", lambda r: r.actor),
    Column("Action", lambda r: r.action),
    Column("Record", lambda r: r.entity),
    Column("Details", lambda r: r.details, tooltip=lambda r: r.details),
]


class NewAccountDialog(QDialog):
    created = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("New account")
        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Full name")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role, text in ((Role.PROCTOR, "proctor: sessions, check-in and scores"),
                           (Role.STAFF, "staff: learners and printing"), (Role.ADMIN, "admin: everything")):
            self.role.addItem(text, role.value)
        self.password = QLineEdit()
        self.password.setAccessibleName("First password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Full name", self.display_name)
        form.addRow("&Role", self.role)
        form.addRow("&Password", self.password)
        for row in range(form.rowCount()):
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setBuddy(
                form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        db, actor = self.context.db, self.context.require_actor()
        username, role = self.username.text().strip(), self.role.currentData()
        password, display_name = self.password.text(), self.display_name.text().strip() or None
        self.buttons.setEnabled(False)
        self.context.runner.run("create account",
                                lambda: create_account(db, actor, username, role, password, display_name),
                                write=True, owner=self, on_done=lambda _account: self._done(),
                                on_failed=self._failed)

    def _done(self) -> None:
        self.created.emit()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        from nwrc_desktop.errors import user_message

        self.buttons.setEnabled(True)
        message = user_message(error)
        if message is None:
            show_error(self, "Account not created", error)
        else:
            self.problem.setText(message)


class AccountsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model: RecordTableModel[Account] = RecordTableModel(ACCOUNT_COLUMNS, self)
        self.table = make_table(self.model, "Accounts")
        add = QPushButton("&New account…")
        add.clicked.connect(self.new_account)
        self.toggle = QPushButton("&Disable or enable")
        self.toggle.setAccessibleName("Disable or enable the selected account")
        self.toggle.clicked.connect(self.toggle_selected)
        reset = QPushButton("&Set password…")
        reset.setAccessibleName("Set a new password for the selected account")
        reset.clicked.connect(self.reset_password)
        buttons = QHBoxLayout()
        for button in (add, self.toggle, reset):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        db = self.context.db
        self.context.runner.run("list accounts", lambda: list_accounts(db),
                                latest_key=f"list accounts {id(self)}", owner=self,
                                on_done=self.model.set_records)

    def new_account(self) -> None:
        dialog = NewAccountDialog(self.context, self)
        dialog.created.connect(self.refresh)
        dialog.open()

    def _selected(self) -> Account | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def toggle_selected(self) -> None:
        account = self._selected()
        if account is None:
            return
        db, actor, active = self.context.db, self.context.require_actor(), not account.active
        self.context.runner.run("change account", lambda: set_account_active(db, actor, account.username, active),
                                write=True, owner=self, on_done=lambda _none: self.refresh(),
                                on_failed=lambda error: show_error(self, "Account not changed", error))

    def reset_password(self) -> None:
        account = self._selected()
        if account is None:
            return
        password = ask_reason(self, "Set password", f"New password for {account.username} (at least 8 characters):")
        if password is None:
            return
        db, actor = self.context.db, self.context.require_actor()
        self.context.runner.run("set password", lambda: set_password(db, actor, account.username, password),
                                write=True, owner=self, on_done=lambda _none: self.refresh(),
                                on_failed=lambda error: show_error(self, "Password not set", error))


class RegistryTab(QWidget):
    enrolled = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setAccessibleName("Registry address")
        self.url.setPlaceholderText("https://registry.example.org")
        self.code = QLineEdit()
        self.code.setAccessibleName("One-time enrolment code")
        self.button = QPushButton("&Enrol")
        self.button.setAccessibleName("Enrol the site with the registry")
        self.button.clicked.connect(self.enrol)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Registry &address", self.url)
        form.addRow("Enrolment &code", self.code)
        for row in range(form.rowCount()):
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setBuddy(
                form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def refresh(self) -> None:
        db = self.context.db
        self.context.runner.run("read site", lambda: get_site(db), owner=self, on_done=self._show)

    def _show(self, site) -> None:
        self.current.setText(f"Site {site.code}, {site.name}. " + (
            f"Enrolled with {site.registry_url}." if site.registry_url else "Not enrolled with a registry yet."))
        if site.registry_url and not self.url.text():
            self.url.setText(site.registry_url)

    def enrol(self) -> None:
        from nwrc_desktop.sync.commands import enroll

        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.message.setText("Enter the registry address and the one-time code from headquarters.")
            return
        db, actor = self.context.db, self.context.require_actor()
        self.button.setEnabled(False)
        self.message.setText("Enrolling…")
        self.context.runner.run("enrol site", lambda: enroll(db, url, get_site(db).code, code, actor=actor),
                                network=True,
                                owner=self, on_done=self._enrolled, on_failed=self._failed)

    def _enrolled(self, result) -> None:
        self.button.setEnabled(True)
        self.code.clear()
        text = f"Enrolled with {result.registry_url} as {result.site_name}."
        if result.warnings:
            text += " Note: " + "; ".join(result.warnings) + "."
        self.message.setText(text)
        self.refresh()
        self.enrolled.emit()

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.message.setText(f"Not enrolled: {error}")


class BackupTab(QWidget):
    restore_requested = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.backup_button = QPushButton("&Back up now…")
        self.backup_button.setAccessibleName("Back up the store to a folder")
        self.backup_button.clicked.connect(lambda: self.back_up())
        self.restore_button = QPushButton("&Restore from a backup…")
        self.restore_button.setAccessibleName("Restore the store from a backup file")
        self.restore_button.clicked.connect(lambda: self.choose_restore())
        self.check_button = QPushButton("&Check the store")
        self.check_button.clicked.connect(self.check)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName("Backup and check results")
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.check_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Automatic daily copies are kept in {context.db.backup_dir}."))
        layout.addLayout(buttons)
        layout.addWidget(self.output, 1)

    def back_up(self, folder: Path | None = None) -> None:
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Back up to folder", str(self.context.db.backup_dir))
            if not chosen:
                return
            folder = Path(chosen)
        db = self.context.db
        self.output.appendPlainText("Backing up…")
        self.context.runner.run("back up", lambda: make_backup(db.path, folder, label="manual"), write=True,
                                owner=self, on_done=lambda path: self.output.appendPlainText(f"Backup written: {path}"),
                                on_failed=lambda error: show_error(self, "Backup failed", error))

    def choose_restore(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Restore from backup", str(self.context.db.backup_dir),
                                                  "NWRC backups (*.sqlite3);;All files (*)")
            if not name:
                return
            path = Path(name)
        try:
            verify_backup_file(path)
        except Exception as error:  # noqa: BLE001 -- shown to the user with its own message
            show_error(self, "Backup not usable", error)
            return
        conflicts = restore_conflicts(path, self.context.db.path)
        warning = ("\n\nWarning: " + "; ".join(conflicts) + ".") if conflicts else ""
        if confirm(self, "Restore backup",
                   f"Replace the current data with the backup {path.name}? The current data is copied to the "
                   f"backups folder first, and everyone is signed out.{warning}", "Restore"):
            self.restore_requested.emit(path)

    def check(self) -> None:
        db = self.context.db
        self.context.runner.run("check store", lambda: check_store(db), owner=self, on_done=self._checked)

    def _checked(self, report) -> None:
        self.output.appendPlainText("\n".join([*report.ok_lines, *(f"PROBLEM: {p}" for p in report.problems)]))


class AuditTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.filter = QLineEdit()
        self.filter.setAccessibleName("Filter the audit log by who, action or record")
        self.filter.setPlaceholderText("Filter by who, action or record")
        self.filter.returnPressed.connect(self.refresh)
        self.model: RecordTableModel[AuditRow] = RecordTableModel(AUDIT_COLUMNS, self)
        self.table = make_table(self.model, "Audit log")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        db, text = self.context.db, self.filter.text()
        self.context.runner.run("read audit log", lambda: audit_rows(db, text),
                                latest_key=f"read audit log {id(self)}", owner=self,
                                on_done=self.model.set_records)


class AdminPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.accounts = AccountsTab(context)
        self.registry = RegistryTab(context)
        self.backups = BackupTab(context)
        self.audit = AuditTab(context)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration")
        self.tabs.addTab(self.accounts, "&Accounts")
        self.tabs.addTab(self.registry, "Re&gistry")
        self.tabs.addTab(self.backups, "&Backup and restore")
        self.tabs.addTab(self.audit, "Au&dit log")
        title = QLabel("Administration")
        title.setObjectName("page-title")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.accounts.refresh()
        self.registry.refresh()
        self.audit.refresh()
