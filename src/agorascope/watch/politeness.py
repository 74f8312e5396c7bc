"""How a polite crawler waits: per-host gaps, robots.txt, Retry-After, Cache-Control, failures.

Failures are scored per source, as Media Cloud's feed fetcher does:

- **hard** (1 point): the source is gone or refuses us: 4xx other than 408/429, a body that
  is not a feed / page / sitemap, an unsafe URL, robots.txt forbidding the URL.
- **soft** (0.5 point): the server or the network failed: 5xx, timeouts, connection errors,
  oversized bodies.
- **temporary** (no point): the server asked us to come back later (429, or 503 with
  Retry-After): the source is simply rescheduled.

A success resets the score. At :data:`DISABLE_AT` points the source is disabled, with the
last error as the reason; it stays listed until someone enables or removes it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from protego import Protego

__all__ = [
    "DISABLE_AT",
    "FAILURE_POINTS",
    "MAX_DELAY",
    "HostDeferred",
    "HostGate",
    "RobotsCache",
    "backoff",
    "cache_max_age",
    "classify_status",
    "retry_after",
]

FAILURE_POINTS = {"hard": 1.0, "soft": 0.5, "temporary": 0.0}
DISABLE_AT = 3.0
MAX_DELAY = 86_400.0
"""No header or back-off postpones a source by more than a day."""
ROBOTS_AGENT = "agorascope"


def host_key(url: str) -> str:
    """What the per-host gap and robots.txt are kept by: scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class HostDeferred(Exception):
    """The host asked us (Retry-After) to come back later: the source is rescheduled, not waited
    for, so that one busy host never holds a pass."""

    def __init__(self, url: str, seconds: float):
        super().__init__(f"{url}: host asked to come back in {seconds:.0f} s (Retry-After)")
        self.seconds = seconds


class HostGate:
    """Spaces the requests to each host by at least ``gap`` seconds (thread-safe)."""

    def __init__(self, gap: float):
        self.gap = gap
        self._next: dict[str, float] = {}
        self._deferred: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        """Block until a request to ``url``'s host may start, and book that slot.

        Raises:
            HostDeferred: the host's Retry-After has not run out (nothing is waited for).
        """
        key = host_key(url)
        with self._lock:
            now = time.monotonic()
            until = self._deferred.get(key, 0.0)
            if until > now:
                raise HostDeferred(url, until - now)
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + self.gap
        if slot > now:
            time.sleep(slot - now)

    def defer(self, url: str, seconds: float) -> None:
        """Keep every request to ``url``'s host back for ``seconds`` (a Retry-After)."""
        key = host_key(url)
        with self._lock:
            until = time.monotonic() + min(seconds, MAX_DELAY)
            self._deferred[key] = max(self._deferred.get(key, 0.0), until)


class RobotsUnavailable(Exception):
    """robots.txt answered 5xx or could not be fetched: fetch nothing from the host now."""


class RobotsCache:
    """robots.txt of each host, fetched once per pass (RFC 9309: 4xx means allow all)."""

    def __init__(self, client: httpx.Client, gate: HostGate):
        self._client = client
        self._gate = gate
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets agorascope fetch ``url``.

        Raises:
            RobotsUnavailable: the host's robots.txt answered 5xx or failed.
        """
        key = host_key(url)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._rules:
                self._rules[key] = self._fetch(key)
        rules = self._rules[key]
        return rules is None or bool(rules.can_fetch(url, ROBOTS_AGENT))

    def _fetch(self, key: str) -> Protego | None:
        self._gate.wait(key)
        try:
            r = self._client.get(key + "/robots.txt")
        except httpx.HTTPError as e:
            raise RobotsUnavailable(f"{key}/robots.txt: {e}") from e
        if r.status_code >= 500:
            raise RobotsUnavailable(f"{key}/robots.txt answered {r.status_code}")
        if r.status_code != 200:
            return None
        return Protego.parse(r.text)


def classify_status(status: int) -> str | None:
    """The failure class of an HTTP status (``None`` for a success or a 304)."""
    if status < 400:
        return None
    if status == 429:
        return "temporary"
    if status in (408,) or status >= 500:
        return "soft"
    return "hard"


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_DELAY)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now.replace(tzinfo=UTC)).total_seconds(), 0.0), MAX_DELAY)


def cache_max_age(value: str | None) -> float | None:
    """``max-age`` (or ``s-maxage``) seconds of a ``Cache-Control`` header, if any."""
    if not value:
        return None
    ages = []
    for part in value.split(","):
        name, _, arg = part.strip().partition("=")
        if name.lower() in ("max-age", "s-maxage") and arg.strip().strip('"').isdigit():
            ages.append(float(arg.strip().strip('"')))
    return min(max(ages), MAX_DELAY) if ages else None


def backoff(every: float, failures: int) -> float:
    """Delay before retrying a failing source: its interval doubled per failure, at most a day."""
    return min(every * 2.0 ** max(failures - 1, 0), MAX_DELAY)
