"""One sync at a time per data folder, held with a non-blocking OS file lock that dies with the process."""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = "sync.lock"


class SyncAlreadyRunning(RuntimeError):
    """Another sync (the scheduler, the GUI or a command) is running on this data folder."""


class SyncLock:
    """An exclusive lock on `<data folder>/sync.lock`; the OS releases it if the process dies."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise SyncAlreadyRunning(
                f"a sync is already running on the data folder {self.path.parent}; "
                "wait for it to finish, then sync again"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if os.name == "nt":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
