"""The sync protocol's messages as the desktop sends and reads them (see docs/sync-protocol.md)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = "/api/v1"
ENROL_PATH = f"{API_PREFIX}/enrol"
CHANGES_PATH = f"{API_PREFIX}/changes"
PULL_PATH = f"{API_PREFIX}/pull"
LEARNERS_PATH = f"{API_PREFIX}/learners"
HEALTH_PATH = f"{API_PREFIX}/health"

# The registry takes at most 500 changes and 4 MiB per batch; the desktop stays below both.
DEFAULT_BATCH_SIZE = 200
MAX_BATCH_CHANGES = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024

RESULTS = ("accepted", "duplicate", "rejected")


class ProtocolError(Exception):
    """The registry's response does not follow the protocol; nothing is marked delivered from it."""


@dataclass(frozen=True)
class QueuedChange:
    """One outbox row, as much of it as a batch needs."""

    seq: int
    change_id: str
    kind: str
    entity_id: str
    payload: str  # JSON object text, as the store wrote it
    created_at: dt.datetime
    actor: str

    def encode(self) -> str:
        """Return the change as JSON text, reusing the stored payload text as it is."""
        envelope = json.dumps(
            {
                "change_id": self.change_id,
                "seq": self.seq,
                "kind": self.kind,
                "entity_id": self.entity_id,
                "created_at": self.created_at.isoformat(),
                "actor": self.actor,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return f'{envelope[:-1]},"payload":{self.payload}}}'


def encode_batch(encoded_changes: list[str]) -> bytes:
    return ('{"changes":[' + ",".join(encoded_changes) + "]}").encode("utf-8")


@dataclass(frozen=True)
class ChangeAnswer:
    change_id: str
    result: str  # accepted, duplicate or rejected
    reason: str | None


@dataclass(frozen=True)
class BatchAnswer:
    registry_time: dt.datetime
    answers: dict[str, ChangeAnswer]


def parse_time(value: Any, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ProtocolError(f"{name} is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ProtocolError(f"{name} has no UTC offset: {value!r}")
    return parsed


def parse_batch_answer(document: Any) -> BatchAnswer:
    """Parse the registry's response to a batch; raise ProtocolError if it is malformed."""
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise ProtocolError("the batch response has no results list")
    answers: dict[str, ChangeAnswer] = {}
    for item in document["results"]:
        if not isinstance(item, dict) or item.get("result") not in RESULTS or not item.get("change_id"):
            raise ProtocolError(f"invalid result in the batch response: {item!r}")
        reason = item.get("reason")
        answers[str(item["change_id"])] = ChangeAnswer(str(item["change_id"]), item["result"], reason)
    return BatchAnswer(parse_time(document.get("registry_time"), "registry_time"), answers)


@dataclass(frozen=True)
class Revocation:
    cursor: int
    certificate_number: str
    credential_id: str | None
    reason: str
    revoked_at: dt.datetime


@dataclass(frozen=True)
class PullAnswer:
    registry_time: dt.datetime
    settings: dict[str, Any]
    revocations: list[Revocation]
    next_cursor: int
    more: bool


def parse_pull_answer(document: Any) -> PullAnswer:
    try:
        revocations = [
            Revocation(
                int(item["cursor"]),
                str(item["certificate_number"]),
                item.get("credential_id"),
                str(item["reason"]),
                parse_time(item["revoked_at"], "revoked_at"),
            )
            for item in document["revocations"]
        ]
        settings = document["settings"]
        if not isinstance(settings, dict):
            raise ProtocolError("settings is not an object")
        return PullAnswer(
            parse_time(document["registry_time"], "registry_time"),
            settings,
            revocations,
            int(document["next_cursor"]),
            bool(document["more"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProtocolError(f"the pull response is malformed: {error!r}") from None


@dataclass(frozen=True)
class EnrolAnswer:
    registry_time: dt.datetime
    site_id: str
    site_code: str
    site_name: str
    token: str
    token_expires_at: dt.datetime
    settings: dict[str, Any] = field(default_factory=dict)


def parse_enrol_answer(document: Any) -> EnrolAnswer:
    try:
        return EnrolAnswer(
            parse_time(document["registry_time"], "registry_time"),
            str(document["site_id"]),
            str(document["site_code"]),
            str(document["site_name"]),
            str(document["token"]),
            parse_time(document["token_expires_at"], "token_expires_at"),
            dict(document.get("settings") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProtocolError(f"the enrolment response is malformed: {error!r}") from None
