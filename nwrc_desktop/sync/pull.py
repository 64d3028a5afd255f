"""The pull direction: revocations from headquarters and the site's settings, applied through the store."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from nwrc_desktop.domain.assessments import Role
from nwrc_desktop.store.credentials import CredentialError, revoke_credential
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import Actor
from nwrc_desktop.store.models import Site
from nwrc_desktop.store.site_settings import update_settings
from nwrc_desktop.sync.client import RegistryClient
from nwrc_desktop.sync.protocol import PullAnswer

log = logging.getLogger(__name__)

# The audit log names headquarters as the actor of what the pull applies.
REGISTRY_ACTOR = Actor("registry", Role.ADMIN)
# Pages of revocations fetched in one run, so a run always ends.
MAX_PULL_PAGES = 100


@dataclass
class PullResult:
    revoked: list[str] = field(default_factory=list)
    # Revocations of certificates this store does not have (for example issued before a restore).
    unknown: list[str] = field(default_factory=list)
    settings_updated: bool = False
    answers: list[PullAnswer] = field(default_factory=list)
    # Local time halfway through the last pull request, to compare with the last answer's registry_time.
    local_time: dt.datetime | None = None


def _cursor(db: Database) -> int:
    with db.session() as session:
        text = session.scalar(select(Site.pull_cursor))
    try:
        return int(text or 0)
    except ValueError:
        log.warning("stored pull cursor %r is not a number; pulling revocations from the start", text)
        return 0


def _save_cursor(db: Database, cursor: int) -> None:
    with db.session() as session:
        site = session.scalar(select(Site))
        site.pull_cursor = str(cursor)


def pull(db: Database, client: RegistryClient) -> PullResult:
    """Fetch and apply revocations after the stored cursor and the site's settings.

    Each revocation is applied before the cursor moves past it, and applying one twice changes
    nothing, so a run cut off half-way loses nothing.
    """
    result = PullResult()
    cursor = _cursor(db)
    for _ in range(MAX_PULL_PAGES):
        answer, timed = client.pull(cursor)
        result.answers.append(answer)
        result.local_time = timed.local_time
        for revocation in answer.revocations:
            reason = f"revoked by headquarters: {revocation.reason}"
            try:
                revoke_credential(db, REGISTRY_ACTOR, revocation.certificate_number, reason, queue=False)
            except CredentialError:
                log.warning(
                    "registry revoked certificate %s, which is not in this store",
                    revocation.certificate_number,
                )
                result.unknown.append(revocation.certificate_number)
                continue
            result.revoked.append(revocation.certificate_number)
        if answer.next_cursor != cursor:
            _save_cursor(db, answer.next_cursor)
            cursor = answer.next_cursor
        if not answer.more:
            break

    if result.answers:
        settings = result.answers[-1].settings
        if settings:
            before = _stored_settings(db)
            update_settings(db, settings, REGISTRY_ACTOR)
            result.settings_updated = any(before.get(key) != value for key, value in settings.items())
    if result.revoked:
        log.info("applied %d revocations from the registry", len(result.revoked))
    return result


def _stored_settings(db: Database) -> dict:
    with db.session() as session:
        return json.loads(session.scalar(select(Site.settings)) or "{}")
