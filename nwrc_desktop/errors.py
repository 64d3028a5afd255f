"""Turning expected failures into one sentence a site's staff can act on."""

from __future__ import annotations


def user_message(error: BaseException) -> str | None:
    """Return the message to show for an error the user can fix, or None for an unexpected one."""
    from nwrc_desktop.certificates.keys import SigningKeyMissing
    from nwrc_desktop.domain.tabular import UnreadableFile
    from nwrc_desktop.secrets import KeyringUnavailable
    from nwrc_desktop.store.accounts import AccountError, SiteNotSetUp
    from nwrc_desktop.store.backups import BackupError
    from nwrc_desktop.store.credentials import CredentialError
    from nwrc_desktop.store.database import StoreError
    from nwrc_desktop.store.learners import LearnerError
    from nwrc_desktop.store.lock import AlreadyRunning
    from nwrc_desktop.store.permissions import PermissionDenied
    from nwrc_desktop.store.printing import NotPrintable
    from nwrc_desktop.store.scores import ScoreError
    from nwrc_desktop.sync.client import RegistryError
    from nwrc_desktop.sync.commands import EnrolmentError
    from nwrc_desktop.sync.lock import SyncAlreadyRunning
    from nwrc_desktop.sync.outbox import OutboxError
    from nwrc_desktop.sync.run import NotEnrolled

    known = (
        AccountError, AlreadyRunning, BackupError, CredentialError, KeyringUnavailable, LearnerError,
        NotPrintable, PermissionDenied, ScoreError, SigningKeyMissing, SiteNotSetUp, StoreError, UnreadableFile,
        RegistryError, EnrolmentError, SyncAlreadyRunning, OutboxError, NotEnrolled,
    )
    if isinstance(error, known):
        return str(error)
    if _is_disk_full(error):
        return ("The disk is full, so nothing was saved. Free some space (or move old backups from the data "
                "folder's backups folder) and try again.")
    if isinstance(error, FileNotFoundError):
        return f"The file {error.filename} does not exist; check the path."
    if isinstance(error, PermissionError):
        return f"No permission to read or write {error.filename}; choose another folder or ask your IT contact."
    return None


def _is_disk_full(error: BaseException) -> bool:
    import errno

    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return "database or disk is full" in str(error)
