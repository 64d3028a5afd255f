"""The HTTP client of the registry: TLS verified, bounded retries with jitter, Retry-After honoured."""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import logging
import random
import ssl
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from nwrc_desktop import __version__
from nwrc_desktop.sync import protocol

log = logging.getLogger(__name__)

# Statuses that mean "not now": the registry did not apply the request, so sending it again is safe.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RegistryError(Exception):
    """A registry request failed; the message names the failure and the next step."""


class RegistryUnavailable(RegistryError):
    """The registry could not be reached, or kept failing, within the retry budget."""


class TokenRejected(RegistryError):
    """The registry rejected the site's token (401 or 403)."""


class RequestRejected(RegistryError):
    """The registry responded with a 4xx status other than 401/403; retrying the same request cannot help."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"the registry rejected the request ({status_code}): {detail}")
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a request that failed for a reason that may pass.

    Waits grow exponentially from `base_delay` with full jitter, each capped at `max_delay`. A
    Retry-After longer than `max_delay` ends the attempt at once rather than waiting that long.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total_wait: float = 120.0

    def backoff(self, retry_number: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (retry_number - 1)))


def check_registry_url(url: str) -> str:
    """Return the URL without a trailing slash; raise RegistryError unless it is https or loopback http."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RegistryError(f"invalid registry address {url!r}; give one like https://registry.example.org")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise RegistryError(
            f"the registry address {url!r} is not encrypted; use https (plain http is allowed only on "
            "this computer, for a demo registry on 127.0.0.1)"
        )
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Return the wait a Retry-After header requests, in seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _certificate_error(error: BaseException) -> ssl.SSLCertVerificationError | None:
    """Return the certificate verification failure behind an httpx error, if that is its cause."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


@dataclass(frozen=True)
class Timed:
    """A parsed JSON response with the local time halfway through the request, for clock-skew checks."""

    document: Any
    local_time: dt.datetime


class RegistryClient:
    """Requests to one registry, as one site (the token), over a kept-alive connection."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | Path | None = None,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_registry_url(base_url)
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        # The local clock the registry's time is compared with; replaceable in tests.
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        verify: ssl.SSLContext | bool = True
        if ca_bundle is not None:
            verify = ssl.create_default_context(cafile=str(ca_bundle))
        headers = {"User-Agent": f"nwrc-desktop/{__version__}", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url, verify=verify, timeout=timeout, headers=headers, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enrol(self, site_code: str, enrolment_code: str, public_key: str) -> tuple[protocol.EnrolAnswer, Timed]:
        # A lost response to an enrolment cannot be recovered by sending it again (the code is used up),
        # so only failures before the request reached the registry are retried.
        timed = self._request(
            "POST",
            protocol.ENROL_PATH,
            json={"site_code": site_code, "enrolment_code": enrolment_code, "public_key": public_key},
            idempotent=False,
        )
        return protocol.parse_enrol_answer(timed.document), timed

    def send_batch(self, body: bytes) -> tuple[protocol.BatchAnswer, Timed]:
        # Sending a batch again is safe: the registry answers "duplicate" for every change it already applied.
        timed = self._request("POST", protocol.CHANGES_PATH, content=body, headers={"Content-Type": "application/json"})
        return protocol.parse_batch_answer(timed.document), timed

    def pull(self, since: int) -> tuple[protocol.PullAnswer, Timed]:
        timed = self._request("GET", protocol.PULL_PATH, params={"since": since})
        return protocol.parse_pull_answer(timed.document), timed

    def look_up_learners(self, **criteria: str) -> list[dict[str, Any]]:
        params = {name: value for name, value in criteria.items() if value}
        timed = self._request("GET", protocol.LEARNERS_PATH, params=params)
        return list(timed.document.get("learners", []))

    def _request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool = True,
        **kwargs: Any,
    ) -> Timed:
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            started = self._clock()
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                certificate_problem = _certificate_error(error)
                if certificate_problem is not None:
                    raise RegistryError(
                        f"the registry's TLS certificate could not be verified ({certificate_problem}); "
                        "if headquarters uses its own certificate authority, give its CA bundle with --ca-bundle"
                    ) from error
                retryable = idempotent or isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
                problem = f"{type(error).__name__}: {error}"
                if not retryable:
                    raise RegistryUnavailable(
                        f"{method} {path} failed before the registry responded ({problem})"
                    ) from error
                delay = None
            else:
                if response.status_code < 400:
                    return self._decode(response, method, path, started, self._clock())
                if response.status_code not in RETRY_STATUSES:
                    self._raise_for(response, method, path)
                problem = f"status {response.status_code}"
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                if delay is not None and delay > self.policy.max_delay:
                    raise RegistryUnavailable(
                        f"{method} {path}: the registry is busy and asked to wait {delay:.0f} s; sync again later"
                    )

            if attempt >= self.policy.max_attempts:
                raise RegistryUnavailable(
                    f"{method} {path} failed {attempt} times, last with {problem}; "
                    "check the network and the registry address, then sync again"
                )
            if delay is None:
                delay = self.policy.backoff(attempt)
            else:
                # A little jitter on top of Retry-After, so sites given the same wait do not return together.
                delay += random.uniform(0, min(1.0, self.policy.base_delay))
            if waited + delay > self.policy.max_total_wait:
                raise RegistryUnavailable(
                    f"{method} {path} kept failing ({problem}) for longer than the retry budget of "
                    f"{self.policy.max_total_wait:.0f} s; sync again later"
                )
            log.warning(
                "registry request %s %s failed (%s), retry %d of %d in %.1f s",
                method,
                path,
                problem,
                attempt,
                self.policy.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
            waited += delay

    @staticmethod
    def _decode(response: httpx.Response, method: str, path: str, started: dt.datetime, finished: dt.datetime) -> Timed:
        try:
            document = response.json()
        except ValueError:
            raise protocol.ProtocolError(f"{method} {path}: the response is not JSON") from None
        return Timed(document, started + (finished - started) / 2)

    @staticmethod
    def _raise_for(response: httpx.Response, method: str, path: str) -> None:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:500]
        if response.status_code in (401, 403):
            raise TokenRejected(f"the registry rejected the request ({response.status_code}): {detail}")
        raise RequestRejected(response.status_code, str(detail))
