"""Permissions of each role. Services check them themselves, whatever the GUI shows or hides."""

from __future__ import annotations

import enum

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.journal import Actor


class Permission(enum.StrEnum):
    MANAGE_SITE = "manage the site"
    MANAGE_ACCOUNTS = "manage accounts"
    WRITE_LEARNERS = "register and edit learners"
    RUN_SESSIONS = "run proctored sessions"
    RECORD_SCORES = "record scores"
    PRINT_CERTIFICATES = "print certificates"
    REVOKE_CREDENTIALS = "revoke credentials"
    BACKUP_RESTORE = "back up and restore the store"
    SYNC = "sync with the registry"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.PROCTOR: frozenset({Permission.RUN_SESSIONS, Permission.RECORD_SCORES, Permission.SYNC}),
    Role.STAFF: frozenset({Permission.WRITE_LEARNERS, Permission.PRINT_CERTIFICATES, Permission.SYNC}),
}


class PermissionDenied(PermissionError):
    """The acting account's role does not allow the action."""


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(
            f"The {actor.role} account '{actor.username}' may not {permission}. "
            f"Ask an account with that permission, or an admin, to do it."
        )
