"""The main window: sign-in or the workspace (navigation and pages), menus, shortcuts and the status bar."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from nwrc_desktop import __version__
from nwrc_desktop.store import migrate
from nwrc_desktop.store.journal import Actor
from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.store.site_settings import get_settings
from nwrc_desktop.ui.admin_page import AdminPage
from nwrc_desktop.ui.certificates_page import CertificatesPage
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import show_error
from nwrc_desktop.ui.idle_lock import IdleLock
from nwrc_desktop.ui.learners_page import LearnersPage
from nwrc_desktop.ui.sessions_page import SessionsPage
from nwrc_desktop.ui.sign_in import SignInPanel
from nwrc_desktop.ui.sync_controller import SyncController, SyncStatus
from nwrc_desktop.ui.sync_page import SyncPage

log = logging.getLogger(__name__)

# How long closing waits for a running sync, print or save to finish before the window closes anyway.
CLOSE_WAIT_MS = 30_000
# Splitters whose positions are remembered between runs.
SPLITTERS = ("sessions-splitter", "session-parts-splitter", "certificates-splitter")
STYLE_SHEET = """
QLabel#page-title { font-size: 15pt; font-weight: bold; }
QLabel#section-title { font-weight: bold; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 6px 10px; }
"""


class PageStack(QStackedWidget):
    """A stack sized by its current page only, so one wide page does not widen the others at 200% scaling."""

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


class MainWindow(QMainWindow):
    # Emitted after an account signs in and the pages show that account's role.
    workspace_ready = Signal()

    def __init__(self, context: AppContext, site_name: str, settings: QSettings | None = None) -> None:
        super().__init__()
        self.context = context
        self.settings = settings or QSettings(str(context.db.data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.setObjectName("main-window")
        self.setWindowTitle(f"NWRC Desktop: {site_name}")
        self.setStyleSheet(STYLE_SHEET)
        context.runner.default_failure_handler = self._task_failed
        self.sync = SyncController(context, self)
        self.sign_in = SignInPanel(context, site_name)
        self.sign_in.signed_in.connect(self.start_session)
        self.idle_lock = IdleLock(get_settings(context.db).get("idle_lock_minutes") or 15, self)
        self.idle_lock.idle.connect(self.lock)
        self._locked_actor: Actor | None = None

        self.learners = LearnersPage(context)
        self.sessions = SessionsPage(context)
        self.certificates = CertificatesPage(context)
        self.sync_page = SyncPage(context, self.sync)
        self.admin = AdminPage(context)
        self.admin.backups.restore_requested.connect(self.restore_backup)
        self.admin.registry.enrolled.connect(self.sync.check_online)
        self.learners.import_requested.connect(lambda: self.import_roster())
        self.pages = [
            ("Learners", self.learners, None),
            ("Sessions", self.sessions, Permission.RUN_SESSIONS),
            ("Certificates", self.certificates, None),
            ("Sync", self.sync_page, None),
            ("Administration", self.admin, Permission.MANAGE_ACCOUNTS),
        ]
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.setMaximumWidth(170)
        self.page_stack = PageStack()
        for title, page, _permission in self.pages:
            self.navigation.addItem(title)
            self.page_stack.addWidget(page)
        self.navigation.currentRowChanged.connect(self._show_page)
        workspace = QWidget()
        workspace_layout = QHBoxLayout(workspace)
        workspace_layout.addWidget(self.navigation)
        # At 200% scaling on a 1366x768 screen the pages get less room than they ask for; they scroll then.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(self.page_stack)
        workspace_layout.addWidget(scroller, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.sign_in)
        self.stack.addWidget(workspace)
        self.workspace = workspace
        self.setCentralWidget(self.stack)

        self._build_status_bar()
        self._build_menus()
        self.sync.status_changed.connect(self._show_sync_status)
        self.context.runner.busy_changed.connect(self._busy_changed)
        self.context.runner.store_written.connect(self._store_written)
        self._restore_layout()
        self.show_sign_in()

    # --- menus and status bar ------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.import_action = self._action("&Import roster…", self.import_roster, "Ctrl+I")
        self.lock_action = self._action("&Lock", self.lock, "Ctrl+L")
        self.sign_out_action = self._action("Sign &out", self.sign_out)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        learners_menu = menu.addMenu("&Learners")
        self.new_learner_action = self._action("&New learner…", self._new_learner, QKeySequence.StandardKey.New)
        self.find_action = self._action("&Find learner", self._find, QKeySequence.StandardKey.Find)
        learners_menu.addAction(self.new_learner_action)
        learners_menu.addAction(self.find_action)
        certificates_menu = menu.addMenu("&Certificates")
        self.print_action = self._action("&Print selected…", self._print, QKeySequence.StandardKey.Print)
        certificates_menu.addAction(self.print_action)
        sync_menu = menu.addMenu("&Sync")
        self.sync_action = self._action("Sync &now", lambda: self.sync.sync_now(), "F5")
        sync_menu.addAction(self.sync_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("Open &log folder", self.open_log_folder))
        help_menu.addAction(self._action("&About NWRC Desktop", self.about))
        self.session_actions = [self.import_action, self.lock_action, self.sign_out_action, self.new_learner_action,
                                self.find_action, self.print_action, self.sync_action]

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.connection_label = QLabel("Connection: checking…")
        self.connection_label.setAccessibleName("Connection to the registry")
        self.queue_label = QLabel()
        self.queue_label.setAccessibleName("Changes waiting to be sent")
        self.last_sync_label = QLabel()
        self.last_sync_label.setAccessibleName("Last successful sync")
        self.user_label = QLabel()
        self.user_label.setAccessibleName("Signed-in account")
        self.busy_label = QLabel()
        self.busy_label.setAccessibleName("Work in progress")
        for label in (self.connection_label, self.queue_label, self.last_sync_label, self.busy_label):
            bar.addWidget(label)
        bar.addPermanentWidget(self.user_label)

    def _show_sync_status(self, status: SyncStatus) -> None:
        connection = {"online": "● Online", "offline": "○ Offline", "not enrolled": "○ Not enrolled",
                      "checking": "Checking connection…"}.get(status.connection, status.connection)
        self.connection_label.setText(connection + (" · syncing…" if status.running else ""))
        if status.queue is not None:
            waiting = status.queue.pending
            text = f"{waiting} change{'s' if waiting != 1 else ''} waiting"
            if status.queue.rejected:
                text += f", {status.queue.rejected} rejected"
            self.queue_label.setText(text)
            last = status.queue.last_sync_at
            self.last_sync_label.setText(f"Last sync: {last.astimezone():%m/%d/%Y %H:%M}" if last else
                                         "Last sync: never")

    def _busy_changed(self, count: int) -> None:
        running = [name for name in self.context.runner.running() if name not in ("learner search", "check registry")]
        self.busy_label.setText(f"Working: {running[0]}…" if running else "")

    def _store_written(self) -> None:
        if self.context.actor is not None:
            self.sync.refresh_queue()

    # --- signing in, locking ------------------------------------------------------------------

    def show_sign_in(self, locked_for: Actor | None = None) -> None:
        self.stack.setCurrentWidget(self.sign_in)
        self.menuBar().setEnabled(False)
        for action in self.session_actions:
            action.setEnabled(False)
        self.user_label.setText("Not signed in")
        self.sign_in.reset(locked_for)

    def start_session(self, actor: Actor) -> None:
        """Show the workspace for `actor`; after a lock, the same account returns to where it was."""
        same_account = self._locked_actor is not None and self._locked_actor == actor
        self._locked_actor = None
        self.context.actor = actor
        self.user_label.setText(f"{actor.username} ({actor.role})")
        self.menuBar().setEnabled(True)
        for action in self.session_actions:
            action.setEnabled(True)
        self.import_action.setEnabled(self.context.can(Permission.WRITE_LEARNERS))
        self.new_learner_action.setEnabled(self.context.can(Permission.WRITE_LEARNERS))
        self.print_action.setEnabled(self.context.can(Permission.PRINT_CERTIFICATES))
        self.sync_action.setEnabled(self.context.can(Permission.SYNC))
        for row, (_title, page, permission) in enumerate(self.pages):
            self.navigation.item(row).setHidden(permission is not None and not self.context.can(permission))
            if hasattr(page, "apply_role"):
                page.apply_role()
        self.stack.setCurrentWidget(self.workspace)
        if not same_account or self.navigation.item(self.navigation.currentRow()) is None \
                or self.navigation.item(self.navigation.currentRow()).isHidden():
            self.navigation.setCurrentRow(0)
            self._show_page(0)
        else:
            self._show_page(self.navigation.currentRow())
        # Headquarters may have changed the idle time at the last sync.
        self.idle_lock.set_minutes(get_settings(self.context.db).get("idle_lock_minutes") or 15)
        self.idle_lock.start()
        self.sync.start()
        self.sync.refresh_queue()
        log.info("account %s signed in as %s", actor.username, actor.role)
        self.workspace_ready.emit()

    def lock(self) -> None:
        if self.context.actor is None:
            return
        log.info("window locked for %s", self.context.actor.username)
        self._locked_actor = self.context.actor
        self.context.actor = None
        self.idle_lock.stop()
        for dialog in self.findChildren(QWidget):
            if dialog.isWindow() and dialog is not self and dialog.isVisible():
                dialog.close()
        self.show_sign_in(locked_for=self._locked_actor)

    def sign_out(self) -> None:
        self._locked_actor = None
        self.context.actor = None
        self.idle_lock.stop()
        self.show_sign_in()

    # --- pages ---------------------------------------------------------------------------------

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[row][1]
        self.page_stack.setCurrentWidget(page)
        self.page_stack.updateGeometry()
        if self.context.actor is not None and hasattr(page, "refresh"):
            page.refresh()

    def go_to(self, page: QWidget) -> None:
        for row, (_title, candidate, _permission) in enumerate(self.pages):
            if candidate is page:
                self.navigation.setCurrentRow(row)

    def _new_learner(self) -> None:
        self.go_to(self.learners)
        self.learners.register_learner()

    def _find(self) -> None:
        self.go_to(self.learners)
        self.learners.focus_search()

    def _print(self) -> None:
        self.go_to(self.certificates)
        if self.certificates.selected():
            self.certificates.print_selected()

    def import_roster(self, path: Path | None = None):
        if not self.context.can(Permission.WRITE_LEARNERS):
            return None
        from nwrc_desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, self)
        dialog.imported.connect(lambda _report: (self.learners.refresh(), self.sync.refresh_queue()))
        dialog.open()
        if path is not None:
            dialog.load(path)
        else:
            dialog.choose_file()
        return dialog

    # --- help ------------------------------------------------------------------------------

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.log_dir)))

    def about(self) -> None:
        revision = migrate.current_revision(self.context.db.path)
        box = QMessageBox(QMessageBox.Icon.Information, "About NWRC Desktop",
                          f"<b>NWRC Desktop</b> {__version__}<br>Store schema revision: {revision}<br>"
                          f"Data folder: {self.context.db.data_dir}<br>Log folder: {self.context.log_dir}",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("about-box")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return box

    # --- restore, errors, closing -------------------------------------------------------------------

    def restore_backup(self, path: Path) -> None:
        from nwrc_desktop.store.backups import restore

        db = self.context.db
        self.sign_out()
        self.sync.stop()
        self.context.runner.wait_for_all(CLOSE_WAIT_MS)

        def work():
            db.engine.dispose()
            return restore(path, db.path, db.backup_dir)

        def done(safety) -> None:
            QMessageBox.information(self, "Backup restored",
                                    f"The data was restored from {path.name}. The data from before is kept in "
                                    f"{safety}. Sign in again." if safety else
                                    f"The data was restored from {path.name}. Sign in again.")

        self.context.runner.run("restore backup", work, write=True, owner=self, on_done=done,
                                on_failed=lambda error: show_error(self, "Restore failed", error))

    def _task_failed(self, name: str, error: BaseException) -> None:
        show_error(self if self.isVisible() else None, f"Could not {name}", error)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = QApplication.primaryScreen()
            available = screen.availableGeometry() if screen else None
            if available is not None:
                self.resize(min(1280, available.width()), min(760, available.height()))
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        for splitter_name in SPLITTERS:
            splitter = self.findChild(QWidget, splitter_name)
            stored = self.settings.value(f"splitters/{splitter_name}")
            if splitter is not None and stored is not None:
                splitter.restoreState(stored)

    def _save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        for splitter_name in SPLITTERS:
            splitter = self.findChild(QWidget, splitter_name)
            if splitter is not None:
                self.settings.setValue(f"splitters/{splitter_name}", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        self.sync.stop()
        self.idle_lock.stop()
        running = self.context.runner.running()
        if running:
            log.info("closing: waiting for %s", ", ".join(running))
            progress = QProgressDialog(f"Finishing: {', '.join(sorted(set(running)))}…", "", 0, 0, self)
            progress.setCancelButton(None)
            progress.setWindowTitle("Closing NWRC Desktop")
            progress.show()
            QApplication.processEvents()
            finished = self.context.runner.wait_for_all(CLOSE_WAIT_MS)
            progress.close()
            if not finished:
                log.warning("closing while %s still running; each store change is one transaction", running)
        event.accept()
