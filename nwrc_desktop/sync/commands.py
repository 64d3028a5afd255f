"""The sync commands the CLI and the GUI call: enrol, sync, look up learners, and act on rejected changes."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nwrc_desktop import secrets
from nwrc_desktop.certificates.keys import ensure_signing_key
from nwrc_desktop.store.accounts import get_site, normalize_site_code
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.journal import SYSTEM, Actor, audit
from nwrc_desktop.store.models import Site, utc_now
from nwrc_desktop.store.permissions import Permission, require
from nwrc_desktop.store.site_settings import update_settings
from nwrc_desktop.sync import outbox
from nwrc_desktop.sync.client import (
    RegistryClient,
    RegistryError,
    RetryPolicy,
    TokenRejected,
    check_registry_url,
)
from nwrc_desktop.sync.lock import SyncAlreadyRunning
from nwrc_desktop.sync.outbox import dismiss_rejected, list_pending, list_rejected, retry_rejected
from nwrc_desktop.sync.run import CLOCK_WARNING_SECONDS, NotEnrolled, SyncReport, sync_once

log = logging.getLogger(__name__)

TOKEN_SECRET = "registry-token"

__all__ = [
    "EnrolmentError",
    "EnrollResult",
    "NotEnrolled",
    "SyncAlreadyRunning",
    "SyncReport",
    "dismiss_rejected",
    "enroll",
    "list_pending",
    "list_rejected",
    "look_up_learners",
    "retry_rejected",
    "run_sync",
]


class EnrolmentError(RuntimeError):
    """Enrolment with the registry failed; the message gives the cause and the next step."""


@dataclass(frozen=True)
class EnrollResult:
    site_code: str
    site_name: str
    registry_url: str
    token_expires_at: dt.datetime
    clock_offset_seconds: float
    warnings: list[str] = field(default_factory=list)


def enroll(
    store: Database,
    registry_url: str,
    site_code: str,
    code: str,
    ca_bundle: str | Path | None = None,
    *,
    actor: Actor = SYSTEM,
    transport: Any = None,
) -> EnrollResult:
    """Enrol the site with the registry using the one-time code from headquarters.

    Sends the site's public signing key, keeps the token in the keyring (never in the database), and
    stores the registry address and settings in the site row, all audited.
    """
    require(actor, Permission.MANAGE_SITE)
    try:
        registry_url = check_registry_url(registry_url)
    except RegistryError as error:
        raise EnrolmentError(str(error)) from None
    site = get_site(store)
    if normalize_site_code(site_code) != site.code:
        raise EnrolmentError(
            f"site code {site_code.strip().upper()} does not match this store's site {site.code}; "
            "check the code headquarters gave you"
        )
    public_key = site.public_key or ensure_signing_key(site.id)

    # No retry after the request was sent: the code is used up once the registry applied it.
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=10.0, max_total_wait=30.0)
    try:
        with RegistryClient(registry_url, ca_bundle=ca_bundle, policy=policy, transport=transport) as client:
            answer, timed = client.enrol(site.code, code.strip(), base64.b64encode(public_key).decode("ascii"))
    except TokenRejected as error:
        raise EnrolmentError(
            f"{error}. Ask headquarters for a new code ('nwrc-registry site code {site.code}')"
        ) from None
    except RegistryError as error:
        raise EnrolmentError(f"enrolment failed: {error}") from None

    # The token goes to the keyring before the site row records the enrolment.
    secrets.set_secret(site.id, TOKEN_SECRET, answer.token.encode("utf-8"))
    offset = (answer.registry_time - timed.local_time).total_seconds()
    with store.session() as session:
        row = session.scalar(select(Site))
        previous_url = row.registry_url
        row.registry_url = registry_url
        row.enrolled_at = utc_now()
        row.pull_cursor = None
        row.clock_offset_seconds = offset
        audit(
            session,
            actor,
            "site.enrol",
            "site",
            row.id,
            {
                "registry_url": registry_url,
                "previous_registry_url": previous_url,
                "registry_site_id": answer.site_id,
                "token_expires_at": answer.token_expires_at,
            },
        )
    if answer.settings:
        update_settings(store, answer.settings, actor)

    warnings = []
    if answer.site_name != site.name:
        warnings.append(f"the registry knows this site as {answer.site_name!r}, this store as {site.name!r}")
    if abs(offset) > CLOCK_WARNING_SECONDS:
        warnings.append(f"this computer's clock differs from the registry's by {abs(offset) / 60:.0f} minutes")
    log.info("site %s enrolled with %s", site.code, registry_url)
    return EnrollResult(site.code, answer.site_name, registry_url, answer.token_expires_at, offset, warnings)


def _registry_client(
    store: Database, ca_bundle: str | Path | None, policy: RetryPolicy | None, transport: Any
) -> RegistryClient:
    site = get_site(store)
    token = secrets.get_secret(site.id, TOKEN_SECRET)
    if not site.registry_url or token is None:
        raise NotEnrolled(
            "this site is not enrolled with the registry yet; enrol it with "
            "'nwrc-desktop enroll --registry URL --site CODE --code CODE'"
        )
    return RegistryClient(
        site.registry_url, token.decode("utf-8"), ca_bundle=ca_bundle, policy=policy, transport=transport
    )


def run_sync(
    store: Database,
    *,
    ca_bundle: str | Path | None = None,
    max_batches: int | None = None,
    batch_size: int | None = None,
    policy: RetryPolicy | None = None,
    transport: Any = None,
) -> SyncReport:
    """Send every pending change and pull revocations and settings; see `SyncReport.exit_code`.

    Raises NotEnrolled before enrolment and SyncAlreadyRunning when another sync holds the lock.
    Network and registry failures do not raise: they end the run with `report.error` set.
    """
    with _registry_client(store, ca_bundle, policy, transport) as client:
        options = {} if batch_size is None else {"batch_size": batch_size}
        return sync_once(store, client, max_batches=max_batches, **options)


def look_up_learners(
    store: Database,
    *,
    external_id: str | None = None,
    last_name: str | None = None,
    first_name: str | None = None,
    date_of_birth: dt.date | None = None,
    ca_bundle: str | Path | None = None,
    transport: Any = None,
) -> list[dict[str, Any]]:
    """Return learners the registry stores from any site, by external id or by last name and date of birth.

    Each match carries its home site's code, its scores and its credentials as the registry has them.
    """
    with _registry_client(store, ca_bundle, None, transport) as client:
        return client.look_up_learners(
            external_id=external_id or "",
            last_name=last_name or "",
            first_name=first_name or "",
            date_of_birth=date_of_birth.isoformat() if date_of_birth else "",
        )


def queue_status(store: Database) -> dict[str, int]:
    """Return how many queued changes are pending, delivered, rejected and dismissed."""
    counts = outbox.counts_by_state(store)
    return {
        state: counts.get(state, 0) for state in (outbox.PENDING, outbox.DELIVERED, outbox.REJECTED, outbox.DISMISSED)
    }
