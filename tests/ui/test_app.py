"""The entry point: a second start on the same data folder, unexpected errors, and closing during work."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtWidgets import QMessageBox

from nwrc_desktop import app
from nwrc_desktop.logs import configure_logging

from .conftest import sign_in, when_modal


def test_second_start_says_already_running(qtbot, db):
    shown = []
    timer = when_modal(QMessageBox, lambda box: (shown.append(box.text()), box.accept()))
    previous_hook = sys.excepthook
    try:
        status = app.main(["--data-dir", str(db.data_dir)])
    finally:
        sys.excepthook = previous_hook
    timer.stop()
    assert status == app.EXIT_FAILED
    assert shown
    assert "already" in shown[0].lower()


def test_unexpected_error_dialog_and_log(qtbot, tmp_path):
    log_path = configure_logging(tmp_path)
    previous_hook = sys.excepthook
    shown = []
    try:
        app.install_excepthook(log_path)
        timer = when_modal(QMessageBox, lambda box: (shown.append(box.text()), box.accept()))
        try:
            raise ZeroDivisionError("division by zero in a test")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
        timer.stop()
    finally:
        sys.excepthook = previous_hook
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert str(log_path) in shown[0]
    assert "Traceback" in log_path.read_text()
    assert "ZeroDivisionError" in log_path.read_text()


def test_close_waits_for_running_work(qtbot, window):
    sign_in(qtbot, window, "staff1")
    release = threading.Event()
    finished = []

    def slow_write():
        release.wait(10)
        finished.append(True)

    window.context.runner.run("record prints", slow_write, write=True)
    threading.Timer(0.3, release.set).start()
    window.close()
    assert finished == [True]


def test_worker_failure_shown_and_logged(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from nwrc_desktop.ui.dialogs import UNEXPECTED_TEXT

    log_path = configure_logging(tmp_path)
    sign_in(qtbot, window, "staff1")
    shown = []
    timer = when_modal(QMessageBox, lambda box: (shown.append(box.text()), box.accept()))

    def broken():
        raise KeyError("no such column")

    window.context.runner.run("read the queue", broken)
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    timer.stop()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert shown[0] == UNEXPECTED_TEXT
    assert "KeyError" in log_path.read_text()
    assert "read the queue" in log_path.read_text()


def test_expected_failure_shows_its_message(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    from nwrc_desktop.store.learners import LearnerError

    sign_in(qtbot, window, "staff1")
    shown = []
    timer = when_modal(QMessageBox, lambda box: (shown.append(box.text()), box.accept()))

    def missing():
        raise LearnerError("No learner with id 42.")

    window.context.runner.run("open learner", missing)
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    timer.stop()
    assert shown == ["No learner with id 42."]
