"""Asking for the encrypted file keyring's passphrase in a dialog, on Linux machines without a desktop keyring."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from nwrc_desktop.secrets import uses_encrypted_file_keyring

MIN_PASSPHRASE_LENGTH = 8


def ask_keyring_passphrase(parent: QWidget | None = None) -> bool:
    """Put the keyring passphrase into NWRC_KEYRING_PASSWORD for this process; return False if the user cancels.

    Nothing is asked when the operating system's keyring is used or the variable is already set.
    """
    if not uses_encrypted_file_keyring() or os.environ.get("NWRC_KEYRING_PASSWORD"):
        return True
    prompt = ("This computer has no desktop keyring, so NWRC Desktop keeps the site's signing key and registry "
              "token in an encrypted file.\nEnter the passphrase of that file (on first use, choose one of at "
              f"least {MIN_PASSPHRASE_LENGTH} characters and keep it safe):")
    while True:
        passphrase, accepted = QInputDialog.getText(parent, "Keyring passphrase", prompt, QLineEdit.EchoMode.Password)
        if not accepted:
            return False
        if len(passphrase) >= MIN_PASSPHRASE_LENGTH:
            os.environ["NWRC_KEYRING_PASSWORD"] = passphrase
            return True
        QMessageBox.warning(parent, "Keyring passphrase",
                            f"The passphrase is too short; use at least {MIN_PASSPHRASE_LENGTH} characters.")
