"""Site set-up and local accounts with salted, slow password hashes (scrypt)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets

from sqlalchemy import func, select

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import SYSTEM, Actor, audit
from nwrc_desktop.store.models import Account, Site, new_id
from nwrc_desktop.store.permissions import Permission, require

log = logging.getLogger(__name__)

# scrypt cost: about 50 ms and 16 MiB per hash on a 2020 laptop (estimate), slow enough for a local store.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8
SITE_CODE_PATTERN = re.compile(r"^[A-Z0-9]{2,12}$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    """Invalid account or site details; the message names the field and the fix."""


class SiteNotSetUp(RuntimeError):
    """The data folder has no site yet."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    encoded_salt = base64.b64encode(salt).decode()
    encoded_digest = base64.b64encode(digest).decode()
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded_salt}${encoded_digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(
        password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(computed, base64.b64decode(digest))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: too short; use at least {MIN_PASSWORD_LENGTH} characters")


def _check_username(username: str) -> None:
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            f"username: {username!r} is invalid; use 2-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )


def normalize_site_code(code: str) -> str:
    normalized = code.strip().upper()
    if not SITE_CODE_PATTERN.match(normalized):
        raise AccountError(f"site code: {code!r} is invalid; use 2-12 letters A-Z and digits, for example TX014")
    return normalized


def get_site(db: Database) -> Site:
    with db.session() as session:
        site = session.scalar(select(Site))
    if site is None:
        raise SiteNotSetUp(
            f"No site is set up in {db.data_dir}. Run 'nwrc-desktop site init' first, "
            "or start the program to use the set-up assistant."
        )
    return site


def is_set_up(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Site)) > 0


def init_site(db: Database, code: str, name: str, admin_username: str, admin_password: str,
              admin_display_name: str | None = None) -> Site:
    """Create the site, its first admin account and its certificate-signing key (kept in the keyring)."""
    from nwrc_desktop.certificates.keys import ensure_signing_key

    code = normalize_site_code(code)
    name = " ".join(name.split())
    if not name:
        raise AccountError("site name: missing; give the testing center's name")
    _check_username(admin_username)
    _check_password(admin_password)
    if is_set_up(db):
        raise AccountError(f"A site is already set up in {db.data_dir}; use a new data folder for another site.")
    site = Site(id=new_id(), code=code, name=name)
    # The key goes to the keyring before the site row commits: a site never exists without its key.
    public_key = ensure_signing_key(site.id)
    site.public_key = public_key
    actor = Actor(admin_username, Role.ADMIN)
    with db.session() as session:
        session.add(site)
        session.add(Account(
            username=admin_username,
            display_name=admin_display_name or admin_username,
            role=Role.ADMIN.value,
            password_hash=hash_password(admin_password),
        ))
        audit(session, SYSTEM, "site.init", "site", site.id, {"code": code, "name": name})
        audit(session, actor, "account.create", "account", None, {"username": admin_username, "role": "admin"})
    log.info("set up site %s", code)
    return site


def create_account(db: Database, actor: Actor, username: str, role: Role | str, password: str,
                   display_name: str | None = None) -> Account:
    require(actor, Permission.MANAGE_ACCOUNTS)
    _check_username(username)
    _check_password(password)
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"role: {role!r} is invalid; use admin, proctor or staff") from None
    with db.session() as session:
        if session.scalar(select(Account).where(Account.username == username)):
            raise AccountError(f"username: '{username}' is already taken; choose another")
        account = Account(username=username, display_name=display_name or username, role=role.value,
                          password_hash=hash_password(password))
        session.add(account)
        session.flush()
        audit(session, actor, "account.create", "account", account.id, {"username": username, "role": role.value})
    return account


def set_account_active(db: Database, actor: Actor, username: str, active: bool) -> None:
    require(actor, Permission.MANAGE_ACCOUNTS)
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.username == username))
        if account is None:
            raise AccountError(f"username: no account '{username}'")
        if not active and account.role == Role.ADMIN and _active_admins(session) <= 1 and account.active:
            raise AccountError("The last active admin account cannot be disabled; make another admin first.")
        account.active = active
        audit(session, actor, "account.enable" if active else "account.disable", "account", account.id,
              {"username": username})


def set_password(db: Database, actor: Actor, username: str, new_password: str) -> None:
    if actor.username != username:
        require(actor, Permission.MANAGE_ACCOUNTS)
    _check_password(new_password)
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.username == username))
        if account is None:
            raise AccountError(f"username: no account '{username}'")
        account.password_hash = hash_password(new_password)
        audit(session, actor, "account.password", "account", account.id, {"username": username})


def _active_admins(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Account).where(Account.role == Role.ADMIN.value, Account.active)
    )


def list_accounts(db: Database) -> list[Account]:
    with db.session() as session:
        return list(session.scalars(select(Account).order_by(Account.username)))


def authenticate(db: Database, username: str, password: str) -> Actor | None:
    """Return the actor for a correct username and password of an active account, else None."""
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        # Spend the same time as a real check, so a wrong username is not faster than a wrong password.
        verify_password(password, hash_password("not-a-password"))
        return None
    if not verify_password(password, account.password_hash):
        return None
    return Actor(account.username, Role(account.role))


def actor_for(db: Database, username: str) -> Actor:
    """Return the actor of an existing active account, for headless commands that name who acts."""
    with db.session() as session:
        account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        raise AccountError(f"account: no active account '{username}'; list accounts with 'nwrc-desktop accounts list'")
    return Actor(account.username, Role(account.role))
