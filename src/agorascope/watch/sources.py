"""Followed sources: feeds, web pages and sitemaps that agorascope fetches on a schedule.

A followed source is a row of the store's ``sources`` table (``kind`` = ``feed``, ``page`` or
``sitemap``, ``location`` = its URL) with its fetch state in ``feeds``. File imports keep
their own rows in the same table (``kind`` = ``file``); nothing here touches them.

A keyword feed is a feed URL template holding ``{query}`` (a news search's RSS, say):
``add_source(store, "https://news.example/rss?q={query}", query="Améri*")`` fills the
template with the URL-encoded query and names the source after the query.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store, utcnow
from agorascope.watch.safety import check_url

__all__ = [
    "KINDS",
    "Source",
    "add_source",
    "enable_source",
    "get_source",
    "list_sources",
    "next_run",
    "parse_every",
    "remove_source",
]

KINDS = ("feed", "page", "sitemap")
DEFAULT_EVERY = 30 * 60
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"\s*(\d+)\s*([smhd]?)\s*")
_MIN_EVERY = 60


def parse_every(text: str | int) -> int:
    """Seconds between fetches from ``30m``, ``2h``, ``1d``, ``90s`` or a number of seconds.

    Raises:
        InvalidInputError: not a duration, or shorter than one minute.

    Examples:
        >>> parse_every("30m"), parse_every("2h"), parse_every(120)
        (1800, 7200, 120)
    """
    if isinstance(text, int):
        seconds = text
    else:
        m = _EVERY.fullmatch(text)
        if not m:
            raise InvalidInputError(f"--every expects a duration like 30m, 2h or 1d, got {text!r}")
        seconds = int(m.group(1)) * _UNITS[m.group(2) or "s"]
    if seconds < _MIN_EVERY:
        raise InvalidInputError(f"--every must be at least one minute, got {text!r}")
    return seconds


@dataclass(frozen=True)
class Source:
    """A followed source and its fetch state.

    Attributes:
        id: the ``sources`` row id.
        kind: ``feed``, ``page`` or ``sitemap``.
        name: what posts record as their ``source``.
        url: the URL fetched.
        every: seconds between fetches.
        added_at: when it was added (UTC).
        status: ``ok``, ``new``, ``failing`` or ``disabled``.
    """

    id: int
    kind: str
    name: str
    url: str
    every: int
    added_at: datetime
    format: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: int | None = None
    next_fetch_at: datetime | None = None
    failures: int = 0
    failure_score: float = 0.0
    last_error: str | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    fetches: int = 0
    items: int = 0

    @property
    def status(self) -> str:
        """``disabled``, ``failing`` (last fetch failed), ``new`` (never fetched) or ``ok``."""
        if self.disabled_at is not None:
            return "disabled"
        if self.last_fetch_at is None:
            return "new"
        if self.last_success_at is None or self.last_success_at < self.last_fetch_at:
            return "failing"
        return "ok"

    def due(self, now: datetime) -> bool:
        """Whether a pass at ``now`` should fetch it."""
        if self.disabled_at is not None:
            return False
        return self.next_fetch_at is None or self.next_fetch_at <= now

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (with ``status``)."""
        return {**asdict(self), "status": self.status}


_SELECT = """SELECT s.id, s.kind, s.name, f.url, f.every_seconds, s.added_at, s.format,
    f.etag, f.last_modified, f.body_hash, f.last_fetch_at, f.last_success_at, f.last_status,
    f.next_fetch_at, f.failures, f.failure_score, f.last_error, f.disabled_at,
    f.disabled_reason, f.fetches, f.items
    FROM sources s JOIN feeds f ON f.source_id = s.id"""


def _source(row: tuple[Any, ...]) -> Source:
    return Source(*row)


def add_source(
    store: Store,
    url: str,
    *,
    kind: str = "feed",
    every: str | int = DEFAULT_EVERY,
    name: str | None = None,
    query: str | None = None,
    allow_private: bool = False,
) -> Source:
    """Follow a URL.

    Args:
        store: the store.
        url: the feed, page or sitemap URL; a keyword-feed template holds ``{query}``.
        kind: ``feed``, ``page`` or ``sitemap``.
        every: time between fetches (``30m``, ``2h``, seconds).
        name: the source's name (default: the query, else the URL's host and path).
        query: the search words filling ``{query}`` in a keyword-feed template.
        allow_private: accept private addresses (``Settings.allow_private_networks``).

    Returns:
        The new source, or the existing one when the URL is already followed as ``kind``.

    Raises:
        InvalidInputError: an unknown kind, a bad duration, or a template without a query.
        UnsafeURLError: the URL may not be fetched.
    """
    if kind not in KINDS:
        raise InvalidInputError(f"--kind must be one of {', '.join(KINDS)}, got {kind!r}")
    seconds = parse_every(every)
    if "{query}" in url:
        if not query:
            raise InvalidInputError(f"{url!r} is a keyword-feed template: give the query")
        url = url.replace("{query}", quote_plus(query))
    elif query:
        raise InvalidInputError(f"{url!r} has no {{query}} placeholder for the query {query!r}")
    url = check_url(url, allow_private=allow_private)
    label = (name or query or re.sub(r"^https?://", "", url).rstrip("/"))[:200]
    existing = store.execute("SELECT id FROM sources WHERE kind = ? AND location = ?", [kind, url])
    if existing:
        return get_source(store, int(existing[0][0]))
    with store.transaction() as con:
        sid = con.execute("SELECT nextval('sources_id_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO sources (id, kind, name, location, format, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [sid, kind, label, url, "keyword" if query else None, utcnow()],
        )
        con.execute(
            "INSERT INTO feeds (source_id, url, every_seconds) VALUES (?, ?, ?)",
            [sid, url, seconds],
        )
    return get_source(store, int(sid))


def get_source(store: Store, ref: int | str) -> Source:
    """A source by id (or by name when ``ref`` is not a number).

    Raises:
        NotFoundError: no such source.
    """
    if isinstance(ref, int) or str(ref).isdigit():
        rows = store.execute(_SELECT + " WHERE s.id = ?", [int(ref)])
    else:
        rows = store.execute(_SELECT + " WHERE s.name = ? ORDER BY s.id", [str(ref)])
    if not rows:
        raise NotFoundError(f"no followed source {ref!r} (see `agorascope source list`)")
    return _source(rows[0])


def list_sources(store: Store) -> list[Source]:
    """Every followed source, by id."""
    return [_source(r) for r in store.execute(_SELECT + " ORDER BY s.id")]


def remove_source(store: Store, ref: int | str) -> Source:
    """Stop following a source; the posts it brought stay in the store.

    Raises:
        NotFoundError: no such source.
    """
    source = get_source(store, ref)
    with store.transaction() as con:
        con.execute("DELETE FROM feed_items WHERE source_id = ?", [source.id])
        con.execute("DELETE FROM feeds WHERE source_id = ?", [source.id])
        con.execute("DELETE FROM sources WHERE id = ?", [source.id])
    return source


def enable_source(store: Store, ref: int | str) -> Source:
    """Re-enable a disabled source, clearing its failure score; it is due at once."""
    source = get_source(store, ref)
    store.execute(
        "UPDATE feeds SET disabled_at = NULL, disabled_reason = NULL, failures = 0, "
        "failure_score = 0, next_fetch_at = NULL WHERE source_id = ?",
        [source.id],
    )
    return get_source(store, source.id)


def next_run(sources: list[Source], now: datetime) -> datetime | None:
    """When the next source falls due (``now`` if one already is), or None if none will."""
    times = [s.next_fetch_at or now for s in sources if s.disabled_at is None]
    return max(min(times), now) if times else None
