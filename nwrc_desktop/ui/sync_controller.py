"""Background sync: scheduled runs when online and runs on request (F5), one at a time, in the registry pool."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from nwrc_desktop.store.queries import QueueState, queue_state
from nwrc_desktop.store.site_settings import get_settings
from nwrc_desktop.ui.context import AppContext

log = logging.getLogger(__name__)

HEALTH_PATH = "/api/v1/health"
HEALTH_TIMEOUT_SECONDS = 5.0
# How often the online check runs between syncs.
PROBE_INTERVAL_MS = 60_000


@dataclass(frozen=True)
class SyncStatus:
    """The status bar's content: the connection, the queue and the last successful sync."""

    connection: str  # "online", "offline", "not enrolled" or "checking"
    queue: QueueState | None
    running: bool
    last_message: str = ""


def probe_registry(registry_url: str) -> bool:
    """Return True when the registry's health endpoint returns status 200 within the timeout."""
    import httpx

    try:
        response = httpx.get(registry_url.rstrip("/") + HEALTH_PATH, timeout=HEALTH_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        log.info("registry %s unreachable: %s", registry_url, error)
        return False
    return response.status_code == 200


class SyncController(QObject):
    status_changed = Signal(object)
    # Emitted with the SyncReport (or the error) when a run ends.
    sync_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.connection = "checking"
        self.queue: QueueState | None = None
        self.running = False
        self.last_message = ""
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(lambda: self.sync_now(scheduled=True))
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(PROBE_INTERVAL_MS)
        self._probe_timer.timeout.connect(self.check_online)

    def start(self) -> None:
        """Begin the schedule with the site's sync interval, and check the connection at once."""
        minutes = get_settings(self.context.db).get("sync_interval_minutes") or 10
        self._sync_timer.setInterval(int(float(minutes) * 60_000))
        self._sync_timer.start()
        self._probe_timer.start()
        self.check_online()

    def stop(self) -> None:
        self._sync_timer.stop()
        self._probe_timer.stop()

    def _emit(self) -> None:
        self.status_changed.emit(SyncStatus(self.connection, self.queue, self.running, self.last_message))

    def refresh_queue(self) -> None:
        db = self.context.db
        self.context.runner.run("read sync queue", lambda: queue_state(db),
                                latest_key=f"read sync queue {id(self)}", owner=self, on_done=self._queue_read)

    def _queue_read(self, state: QueueState) -> None:
        self.queue = state
        if state.registry_url is None:
            self.connection = "not enrolled"
        self._emit()

    def check_online(self) -> None:
        db = self.context.db

        def probe() -> tuple[QueueState, bool | None]:
            state = queue_state(db)
            if state.registry_url is None:
                return state, None
            return state, probe_registry(state.registry_url)

        self.context.runner.run("check registry", probe, network=True, owner=self, on_done=self._probed,
                                on_failed=lambda _error: None)

    def _probed(self, result: tuple[QueueState, bool | None]) -> None:
        state, online = result
        self.queue = state
        was_offline = self.connection == "offline"
        if online is None:
            self.connection = "not enrolled"
        elif online:
            self.connection = "online"
        else:
            self.connection = "offline"
        self._emit()
        if online and was_offline and state.pending:
            self.sync_now(scheduled=True)

    def sync_now(self, scheduled: bool = False) -> bool:
        """Start a sync unless one is running, or (for a scheduled run) the site is offline or not enrolled."""
        if self.running:
            return False
        if scheduled and self.connection in ("offline", "not enrolled"):
            return False
        try:
            from nwrc_desktop.sync.commands import run_sync
        except ImportError as error:
            self.last_message = "Sync is not available in this installation; reinstall NWRC Desktop."
            log.error("sync module missing: %s", error)
            self._emit()
            return False
        db = self.context.db
        self.running = True
        self.last_message = "Sync running…"
        self._emit()
        self.context.runner.run("sync", lambda: run_sync(db), network=True, owner=self,
                                on_done=self._finished, on_failed=self._failed)
        return True

    def _finished(self, report) -> None:
        self.running = False
        self.connection = "offline" if report.error else "online"
        if report.error:
            self.last_message = f"Sync stopped: {report.error}. Changes stay queued and are sent at the next sync."
        else:
            self.last_message = (f"Sync finished at {dt.datetime.now():%H:%M}: {report.delivered} changes delivered, "
                                 f"{report.rejected_count} rejected.")
        self.refresh_queue()
        self.sync_finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        from nwrc_desktop.errors import user_message

        self.running = False
        message = user_message(error) or str(error)
        if type(error).__name__ == "NotEnrolled":
            self.connection = "not enrolled"
        self.last_message = f"Sync did not run: {message}"
        self.refresh_queue()
        self.sync_finished.emit(error)
