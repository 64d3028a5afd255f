"""An ASGI middleware that caps request bodies and stamps every response with the registry's time."""

from __future__ import annotations

import json
from typing import Any

from nwrc_registry.models import utc_now
from nwrc_registry.schemas import MAX_BATCH_BYTES, MAX_OTHER_BODY_BYTES

REGISTRY_TIME_HEADER = "x-registry-time"
BATCH_PATH = "/api/v1/changes"


class BodyLimitMiddleware:
    """Reject a body over the path's limit with 413 before the application reads any of it.

    The body is read here in full (at most the limit) and replayed to the application, so a
    client that sends more than it declared is caught too.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_registry_time(send)
        limit = MAX_BATCH_BYTES if scope["path"] == BATCH_PATH else MAX_OTHER_BODY_BYTES

        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_too_large(send, limit)
            return

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)

        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _with_registry_time(send: Any) -> Any:
    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers.append((REGISTRY_TIME_HEADER.encode(), utc_now().isoformat().encode()))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _send_too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": f"request body is larger than the limit of {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
