"""A keyring backend that keeps secrets in a JSON file, for tests that run the program as a subprocess.

Each command of a subprocess test is a new process, so the in-memory backend of the tests cannot carry
the site's signing key from `site init` to `certificates print`. This backend can. It writes secrets
in plain text and must never be used outside tests: it lives under tests/ and is not in the wheel.

Select it with PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring, this folder on PYTHONPATH, and the
file's path in NWRC_TEST_KEYRING_FILE.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend

KEYRING_FILE_VARIABLE = "NWRC_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    """Secrets in the JSON file named by $NWRC_TEST_KEYRING_FILE, keyed by service and username."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        configured = os.environ.get(KEYRING_FILE_VARIABLE)
        if not configured:
            raise keyring.errors.KeyringError(f"{KEYRING_FILE_VARIABLE} is not set")
        return Path(configured)

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, values: dict[str, str]) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(values, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\t{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        values = self._load()
        values[self._key(service, username)] = password
        self._save(values)

    def delete_password(self, service: str, username: str) -> None:
        values = self._load()
        if values.pop(self._key(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(values)
