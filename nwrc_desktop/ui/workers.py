"""The one way the GUI runs work off the GUI thread.

`Runner.run` sends a plain function to a thread pool and delivers typed reports (Progress, Done,
Failed) back on the GUI thread through one signal. Store writes go to a pool of exactly one thread,
so there is one writer to the SQLite store at a time. Reads and printing share a second pool. Registry
calls (sync, enrolment, the online check) run one at a time in a third.

Never touch a widget from a worker: the function passed to `run` receives only plain values and a
`report_progress` callable, and every callback given to `run` is called on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from nwrc_desktop.errors import user_message

log = logging.getLogger(__name__)

# Reads and printing; SQLite in WAL mode lets readers run beside the one writer.
READ_THREADS = 4


@dataclass(frozen=True)
class Progress:
    task_id: int
    done: int
    total: int | None
    text: str = ""


@dataclass(frozen=True)
class Done:
    task_id: int
    value: Any


@dataclass(frozen=True)
class Failed:
    task_id: int
    error: BaseException
    # The traceback text, for the log file; never shown to the user.
    details: str = ""


Report = Progress | Done | Failed


@dataclass
class _Task:
    name: str
    write: bool
    on_done: Callable[[Any], None] | None
    on_failed: Callable[[BaseException], None] | None
    on_progress: Callable[[Progress], None] | None
    owner: QObject | None
    latest_key: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class _Job(QRunnable):
    def __init__(self, task_id: int, function: Callable[..., Any], runner: Runner, with_progress: bool,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.task_id = task_id
        self.function = function
        self.runner = runner
        self.with_progress = with_progress
        self.cancel = cancel

    def run(self) -> None:
        import traceback

        emit = self.runner.reported.emit

        def report_progress(done: int, total: int | None = None, text: str = "") -> None:
            emit(Progress(self.task_id, done, total, text))

        try:
            if self.with_progress:
                value = self.function(report_progress, self.cancel)
            else:
                value = self.function()
        except BaseException as error:  # noqa: B036 -- every failure is reported to the GUI thread
            emit(Failed(self.task_id, error, traceback.format_exc()))
        else:
            emit(Done(self.task_id, value))


class Runner(QObject):
    """Runs functions in worker threads and calls back on the GUI thread with their results."""

    reported = Signal(object)
    # Emitted on the GUI thread when the number of running tasks changes.
    busy_changed = Signal(int)
    # Emitted on the GUI thread after a task in the store-writer pool ends, whether it succeeded or not.
    store_written = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(READ_THREADS)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._network = QThreadPool(self)
        self._network.setMaxThreadCount(1)
        self._tasks: dict[int, _Task] = {}
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        # Called with (task name, error) when a task fails and gave no on_failed; the main window shows it.
        self.default_failure_handler: Callable[[str, BaseException], None] | None = None
        self.reported.connect(self._deliver)

    def run(self, name: str, function: Callable[..., Any], *, on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[Progress], None] | None = None, write: bool = False,
            network: bool = False, owner: QObject | None = None, with_progress: bool = False,
            latest_key: str | None = None) -> int:
        """Start `function` in a worker and return the task id.

        With `with_progress` the function is called as function(report_progress, cancel_event).
        `write` puts the task in the single-thread store-writer pool, `network` in the registry pool.
        When `owner` is deleted before the task ends, its callbacks are dropped, so a closed dialog is
        never touched. Of several tasks with the same `latest_key`, only the newest one's on_done is called,
        so a slow, older reload never overwrites a newer one.
        """
        task_id = next(self._ids)
        task = _Task(name, write, on_done, on_failed, on_progress, owner, latest_key)
        self._tasks[task_id] = task
        if latest_key is not None:
            self._latest[latest_key] = task_id
        if write:
            pool = self._writes
        elif network:
            pool = self._network
        else:
            pool = self._reads
        pool.start(_Job(task_id, function, self, with_progress, task.cancel))
        self.busy_changed.emit(len(self._tasks))
        return task_id

    def cancel(self, task_id: int) -> None:
        """Ask a running task to stop; only functions run with `with_progress` see the request."""
        task = self._tasks.get(task_id)
        if task is not None:
            task.cancel.set()

    def running(self) -> list[str]:
        return [task.name for task in self._tasks.values()]

    def wait_for_all(self, timeout_ms: int) -> bool:
        """Block until every task has ended or `timeout_ms` passed; return True if all ended."""
        return all(pool.waitForDone(timeout_ms) for pool in (self._network, self._writes, self._reads))

    @Slot(object)
    def _deliver(self, report: Report) -> None:
        task = self._tasks.get(report.task_id)
        if task is None:
            return
        owner_alive = task.owner is None or shiboken6.isValid(task.owner)
        if isinstance(report, Progress):
            if task.on_progress is not None and owner_alive:
                task.on_progress(report)
            return
        del self._tasks[report.task_id]
        self.busy_changed.emit(len(self._tasks))
        if task.write:
            self.store_written.emit()
        stale = task.latest_key is not None and self._latest.get(task.latest_key) != report.task_id
        if isinstance(report, Done):
            if task.on_done is not None and owner_alive and not stale:
                task.on_done(report.value)
            return
        if user_message(report.error) is None:
            log.error("task %r failed: %s\n%s", task.name, report.error, report.details)
        else:
            log.info("task %r stopped: %s", task.name, report.error)
        if task.on_failed is not None and owner_alive:
            task.on_failed(report.error)
        elif self.default_failure_handler is not None:
            self.default_failure_handler(task.name, report.error)
