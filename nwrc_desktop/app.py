"""The GUI entry point: open the data folder's store, run the set-up assistant or sign-in, show the window."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nwrc-desktop-gui", description="NWRC Desktop, the testing site's program")
    parser.add_argument("--data-dir", type=Path,
                        help="the data folder (default: $NWRC_DATA_DIR or the user data folder)")
    known, _qt_arguments = parser.parse_known_args(argv)
    return known


def install_excepthook(log_path: Path) -> None:
    """Show unexpected errors in a dialog with what to do and where the log is, and write the traceback to the log."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("unexpected error: %s", "".join(traceback.format_exception(kind, error, trace)))
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            sys.__excepthook__(kind, error, trace)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                          "NWRC Desktop met an error it did not expect. The last action may not have finished; "
                          "check its result, and try again. If it happens again, send the log file to your "
                          f"support contact. The log is {log_path}.")
        box.setObjectName("unexpected-error-box")
        box.exec()

    sys.excepthook = hook


def main(argv: list[str] | None = None) -> int:
    """Start the GUI; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options = _parse(argv)

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from nwrc_desktop.errors import user_message
    from nwrc_desktop.logs import configure_logging
    from nwrc_desktop.resources import resource_path
    from nwrc_desktop.store.database import Database, default_data_dir

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nwrc-desktop", *argv])
    app.setApplicationName("NWRC Desktop")
    app.setOrganizationName("NWRC")
    app.setWindowIcon(QIcon(str(resource_path("icons", "nwrc-desktop.svg"))))
    data_dir = options.data_dir or default_data_dir()
    log_path = configure_logging(data_dir)
    install_excepthook(log_path)
    log.info("starting the GUI on %s", data_dir)
    from nwrc_desktop.ui.keyring_prompt import ask_keyring_passphrase

    if not ask_keyring_passphrase():
        log.info("keyring passphrase not given; the GUI stops")
        return EXIT_FAILED
    try:
        database = Database(data_dir)
    except Exception as error:  # noqa: BLE001 -- every start failure is shown before exiting
        message = user_message(error)
        if message is None:
            log.exception("the store in %s could not be opened", data_dir)
            message = f"The data in {data_dir} could not be opened. The details are in the log file {log_path}."
        QMessageBox.critical(None, "NWRC Desktop cannot start", message)
        return EXIT_FAILED
    try:
        return run_window(app, database, log_path.parent)
    finally:
        database.close()
        log.info("stopped the GUI")


def run_window(app, database, log_dir: Path) -> int:
    """Run the set-up assistant if needed, then the main window, until the user quits."""
    from nwrc_desktop.store.accounts import get_site, is_set_up
    from nwrc_desktop.ui.context import AppContext
    from nwrc_desktop.ui.main_window import MainWindow
    from nwrc_desktop.ui.setup_wizard import SetupWizard
    from nwrc_desktop.ui.workers import Runner

    runner = Runner()
    context = AppContext(database, runner, log_dir)
    if not is_set_up(database):
        wizard = SetupWizard(context)
        wizard.show()
        app.exec()
        if not is_set_up(database):
            log.info("set-up assistant closed before the site was set up")
            runner.wait_for_all(10_000)
            return EXIT_OK
    window = MainWindow(context, get_site(database).name)
    window.show()
    status = app.exec()
    runner.wait_for_all(10_000)
    return status
