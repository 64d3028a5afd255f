"""Message boxes and small prompts shared by the pages, with errors worded for site staff."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from nwrc_desktop.errors import user_message

UNEXPECTED_TEXT = (
    "Something went wrong that NWRC Desktop did not expect, so nothing more was done for this action. "
    "Try again; if it happens again, send the log file from Help > Open log folder to your support contact."
)


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    """Show an expected error's own message, or a general one for an unexpected error (logged elsewhere)."""
    message = user_message(error) or UNEXPECTED_TEXT
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error-box")
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes


def ask_reason(parent: QWidget | None, title: str, label: str) -> str | None:
    """Return the reason typed, or None when the user cancels or leaves it empty."""
    text, accepted = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, "")
    text = " ".join(text.split())
    return text if accepted and text else None
