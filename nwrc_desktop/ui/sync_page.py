"""The Sync page: changes waiting to be sent, changes the registry rejected with its reasons, and Sync now."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nwrc_desktop.store.permissions import Permission
from nwrc_desktop.store.queries import OutboxRow, outbox_rows
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.dialogs import ask_reason, show_error
from nwrc_desktop.ui.learner_view import make_table
from nwrc_desktop.ui.models import Column, RecordTableModel
from nwrc_desktop.ui.sync_controller import SyncController, SyncStatus

# The pending list shows the oldest changes; the count in the title is the full number.
LISTED_CHANGES = 1000

CHANGE_KINDS = {
    "learner.registered": "learner registered",
    "learner.updated": "learner details changed",
    "session.created": "session created",
    "checkin.recorded": "learner checked in",
    "score.recorded": "score recorded",
    "score.voided": "score voided",
    "certificate.printed": "certificate printed",
}

PENDING_COLUMNS: list[Column[OutboxRow]] = [
    Column("Queued", lambda row: f"{row.created_at.astimezone():%m/%d/%Y %H:%M}"),
    Column("Change", lambda row: CHANGE_KINDS.get(row.kind, row.kind)),
    Column("By", lambda row: row.actor),
    Column("Attempts", lambda row: row.attempts),
]
REJECTED_COLUMNS: list[Column[OutboxRow]] = [
    Column("Queued", lambda row: f"{row.created_at.astimezone():%m/%d/%Y %H:%M}"),
    Column("Change", lambda row: CHANGE_KINDS.get(row.kind, row.kind)),
    Column("By", lambda row: row.actor),
    Column("Registry's reason", lambda row: row.reason, tooltip=lambda row: row.reason),
]


@dataclass(frozen=True)
class ChangeLists:
    pending: list[OutboxRow]
    rejected: list[OutboxRow]


class SyncPage(QWidget):
    def __init__(self, context: AppContext, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = controller
        self.pending: RecordTableModel[OutboxRow] = RecordTableModel(PENDING_COLUMNS, self)
        self.rejected: RecordTableModel[OutboxRow] = RecordTableModel(REJECTED_COLUMNS, self)
        self.pending_table = make_table(self.pending, "Changes waiting to be sent")
        self.rejected_table = make_table(self.rejected, "Changes the registry rejected")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Sync status")
        self.sync_button = QPushButton("Sync &now (F5)")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.clicked.connect(lambda: self.controller.sync_now())
        self.retry_button = QPushButton("Send &again")
        self.retry_button.setAccessibleName("Send the selected rejected change again")
        self.retry_button.clicked.connect(self.retry_selected)
        self.dismiss_button = QPushButton("&Dismiss…")
        self.dismiss_button.setAccessibleName("Dismiss the selected rejected change with a reason")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.pending_title = QLabel("Waiting to be sent")
        self.rejected_title = QLabel("Rejected by the registry")
        title = QLabel("Sync with the registry")
        title.setObjectName("page-title")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.sync_button)
        rejected_buttons = QHBoxLayout()
        rejected_buttons.addWidget(self.retry_button)
        rejected_buttons.addWidget(self.dismiss_button)
        rejected_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.pending_title)
        layout.addWidget(self.pending_table, 1)
        layout.addWidget(self.rejected_title)
        layout.addWidget(self.rejected_table, 1)
        layout.addLayout(rejected_buttons)
        controller.status_changed.connect(self.show_status)
        controller.sync_finished.connect(lambda _report: self.refresh())
        self.apply_role()

    def apply_role(self) -> None:
        self.sync_button.setEnabled(self.context.can(Permission.SYNC))
        self.retry_button.setVisible(self.context.can(Permission.SYNC))
        self.dismiss_button.setVisible(self.context.can(Permission.MANAGE_SITE))

    def show_status(self, status: SyncStatus) -> None:
        lines = [f"Connection: {status.connection}."]
        if status.queue is not None:
            last = status.queue.last_sync_at
            lines.append(f"Last successful sync: {last.astimezone():%m/%d/%Y %H:%M}." if last else
                         "No successful sync yet.")
            if status.queue.registry_url is None:
                lines.append("This site is not enrolled with the registry yet; an admin enrols it under "
                             "Administration > Registry.")
        if status.last_message:
            lines.append(status.last_message)
        self.status.setText(" ".join(lines))
        self.sync_button.setEnabled(self.context.can(Permission.SYNC) and not status.running)

    def refresh(self) -> None:
        db = self.context.db

        def load() -> ChangeLists:
            return ChangeLists(outbox_rows(db, ("pending",), LISTED_CHANGES),
                               outbox_rows(db, ("rejected",), LISTED_CHANGES))

        self.context.runner.run("list queued changes", load, latest_key=f"list queued changes {id(self)}",
                                owner=self, on_done=self._show)

    def _show(self, lists: ChangeLists) -> None:
        self.pending.set_records(lists.pending)
        self.rejected.set_records(lists.rejected)
        self.pending_title.setText(f"Waiting to be sent: {len(lists.pending)}"
                                   + (" (oldest shown)" if len(lists.pending) >= LISTED_CHANGES else ""))
        self.rejected_title.setText(f"Rejected by the registry: {len(lists.rejected)}"
                                    + (" (each needs someone to act: fix the cause, then send again, or dismiss it)"
                                       if lists.rejected else ""))

    def _selected_rejected(self) -> OutboxRow | None:
        index = self.rejected_table.currentIndex()
        return self.rejected.record(index.row()) if index.isValid() else None

    def retry_selected(self) -> None:
        row = self._selected_rejected()
        if row is None:
            return
        from nwrc_desktop.sync.commands import retry_rejected

        db, actor, change_id = self.context.db, self.context.require_actor(), row.change_id
        self.context.runner.run("send change again", lambda: retry_rejected(db, actor, change_id), write=True,
                                owner=self, on_done=lambda _entry: self._changed(),
                                on_failed=lambda error: show_error(self, "Change not queued again", error))

    def dismiss_selected(self) -> None:
        row = self._selected_rejected()
        if row is None:
            return
        reason = ask_reason(self, "Dismiss rejected change",
                            "Why does this change not need to reach the registry? The reason goes to the audit log.")
        if reason is None:
            return
        from nwrc_desktop.sync.commands import dismiss_rejected

        db, actor, change_id = self.context.db, self.context.require_actor(), row.change_id
        self.context.runner.run("dismiss change", lambda: dismiss_rejected(db, actor, change_id, reason), write=True,
                                owner=self, on_done=lambda _entry: self._changed(),
                                on_failed=lambda error: show_error(self, "Change not dismissed", error))

    def _changed(self) -> None:
        self.refresh()
        self.controller.refresh_queue()
