"""The site's settings: its registry address and the settings headquarters sends in the pull direction."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from sqlalchemy import select

from nwrc_desktop.store.accounts import AccountError
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import SYSTEM, Actor, audit
from nwrc_desktop.store.models import Site

# Settings a site uses when headquarters has sent none.
DEFAULT_SETTINGS: dict[str, Any] = {
    "idle_lock_minutes": 15,
    "sync_interval_minutes": 10,
}


def check_registry_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise AccountError(f"registry address: {url!r} is invalid; give an address like https://registry.example.org")
    return url


def set_registry_url(db: Database, url: str, actor: Actor = SYSTEM) -> None:
    url = check_registry_url(url)
    with db.session() as session:
        site = session.scalar(select(Site))
        previous = site.registry_url
        site.registry_url = url
        audit(session, actor, "site.registry_url", "site", site.id, {"previous": previous, "new": url})


def get_settings(db: Database) -> dict[str, Any]:
    with db.session() as session:
        site = session.scalar(select(Site))
        stored = json.loads(site.settings) if site is not None else {}
    return {**DEFAULT_SETTINGS, **stored}


def update_settings(db: Database, changes: dict[str, Any], actor: Actor = SYSTEM) -> dict[str, Any]:
    """Merge `changes` into the stored settings; the audit row keeps the previous values."""
    with db.session() as session:
        site = session.scalar(select(Site))
        stored = json.loads(site.settings)
        previous = {key: stored.get(key) for key in changes}
        if all(stored.get(key) == value for key, value in changes.items()):
            return {**DEFAULT_SETTINGS, **stored}
        stored.update(changes)
        site.settings = json.dumps(stored, sort_keys=True)
        audit(session, actor, "site.settings", "site", site.id, {"previous": previous, "new": changes})
    return {**DEFAULT_SETTINGS, **stored}
