"""One fetch pass over the followed sources that are due, done as a polite crawler does it.

Requests run on a pool of ``Settings.fetch_concurrency`` threads, each through the safe client
of :mod:`agorascope.watch.safety`, spaced per host (``fetch_host_gap``) and after robots.txt.
Conditional GET sends back the stored ETag and Last-Modified; a 304, or a 200 whose body hash
is unchanged, stores nothing. The store is written from the calling thread only, as each
source's response arrives. A failing source is scored and, in time, disabled; no error of one
source stops the pass.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from agorascope.config import Settings
from agorascope.errors import AgorascopeError, UnsafeURLError
from agorascope.store.store import Store, utcnow
from agorascope.watch.ingest import OnChange, Stored, notify_changes, store_entries
from agorascope.watch.parse import (
    Entry,
    ParseError,
    load_extractor,
    parse_feed,
    parse_page,
    parse_sitemap,
)
from agorascope.watch.politeness import (
    DISABLE_AT,
    FAILURE_POINTS,
    HostDeferred,
    HostGate,
    RobotsCache,
    RobotsUnavailable,
    backoff,
    cache_max_age,
    classify_status,
    retry_after,
)
from agorascope.watch.safety import open_client
from agorascope.watch.sources import Source, get_source, list_sources

__all__ = ["FetchSummary", "fetch_pass"]

MAX_CHILD_SITEMAPS = 20
MAX_SITEMAP_PAGES = 50
"""Pages of a sitemap fetched per pass (the rest wait for the next passes)."""
FLUSH_EVERY = 50
FLUSH_SECONDS = 2.0
"""Responses are stored in transactions of up to 50 sources or 2 seconds."""


@dataclass
class Outcome:
    """What fetching one source gave (built in a worker thread, stored by the caller)."""

    source: Source
    status: int | None = None
    not_modified: bool = False
    failure: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    format: str | None = None
    entries: list[Entry] = field(default_factory=list)
    wait: float | None = None
    max_age: float | None = None
    skipped: int = 0
    partial: bool = False
    """A sitemap with pages left for the next passes: its validators are not kept."""


@dataclass
class FetchSummary:
    """What one pass did: the counts ``agorascope fetch`` prints, and per-source lines."""

    fetched: int = 0
    not_modified: int = 0
    new_items: int = 0
    updated_items: int = 0
    errors: int = 0
    disabled: int = 0
    sources: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


class _Worker:
    """Fetches and parses one source; shared by the pool's threads (only thread-safe parts)."""

    def __init__(self, client: httpx.Client, settings: Settings):
        self.client = client
        self.settings = settings
        self.gate = HostGate(settings.fetch_host_gap)
        self.robots = RobotsCache(client, self.gate)

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        if not self.robots.allowed(url):
            raise PermissionError(f"{url}: robots.txt disallows agorascope")
        self.gate.wait(url)
        return self.client.get(url, headers=headers)

    def run(self, source: Source, known: set[str]) -> Outcome:
        out = Outcome(source)
        try:
            self._fetch(source, known, out)
        except UnsafeURLError as e:
            out.failure, out.error = "hard", str(e)
        except PermissionError as e:
            out.failure, out.error = "hard", str(e)
        except RobotsUnavailable as e:
            out.failure, out.error = "temporary", str(e)
        except HostDeferred as e:
            out.failure, out.error, out.wait = "temporary", str(e), e.seconds
        except ParseError as e:
            out.failure, out.error = "hard", str(e)
        except httpx.HTTPError as e:
            out.failure, out.error = "soft", f"{source.url}: {type(e).__name__}: {e}"
        except Exception as e:  # a bug or a broken body must not stop the pass
            out.failure, out.error = "soft", f"{source.url}: {type(e).__name__}: {e}"
        return out

    def _fetch(self, source: Source, known: set[str], out: Outcome) -> None:
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        r = self.get(source.url, headers)
        out.status = r.status_code
        out.max_age = cache_max_age(r.headers.get("cache-control"))
        if r.status_code == 304:
            out.not_modified = True
            return
        failure = classify_status(r.status_code)
        if failure:
            wait = retry_after(r.headers.get("retry-after"), utcnow())
            if r.status_code == 503 and wait is not None:
                failure = "temporary"
            if wait is not None:
                self.gate.defer(source.url, wait)
            out.failure, out.wait = failure, wait
            out.error = f"{source.url}: HTTP {r.status_code}"
            return
        out.etag = r.headers.get("etag")
        out.last_modified = r.headers.get("last-modified")
        out.body_hash = hashlib.sha256(r.content).hexdigest()
        if out.body_hash == source.body_hash:
            out.not_modified = True
            return
        if source.kind == "feed":
            out.format, out.entries = parse_feed(
                r.content, str(r.url), r.headers.get("content-type")
            )
        elif source.kind == "page":
            out.format, out.entries = "html", [parse_page(r.content, str(r.url))]
        else:
            out.format = "sitemap"
            out.entries, out.skipped, out.partial = self._sitemap(r.content, str(r.url), known)

    def _sitemap(self, body: bytes, url: str, known: set[str]) -> tuple[list[Entry], int, bool]:
        limit = self.settings.fetch_max_bytes
        pages, children = parse_sitemap(body, url, limit)
        for child in children[:MAX_CHILD_SITEMAPS]:
            r = self.get(child)
            if r.status_code == 200:
                pages += parse_sitemap(r.content, str(r.url), limit)[0]
        new = [p for p, _ in pages if p not in known]
        todo = new[:MAX_SITEMAP_PAGES]
        entries, skipped = [], 0
        for page in todo:
            try:
                r = self.get(page)
                if r.status_code != 200:
                    skipped += 1
                    continue
                entries.append(parse_page(r.content, page))
            except (AgorascopeError, PermissionError, httpx.HTTPError):
                skipped += 1
        return entries, skipped, len(new) > len(todo)


def fetch_pass(
    store: Store,
    settings: Settings,
    *,
    sources: Sequence[int | str] | None = None,
    all: bool = False,
    on_change: OnChange | None = None,
    now: datetime | None = None,
) -> FetchSummary:
    """Fetch the due sources (or the named ones, or all) once, and store what they carry.

    Args:
        store: the store (written from this thread only).
        settings: fetcher caps, concurrency, host gap and the private-network switch.
        sources: ids or names to fetch, due or not (disabled ones included).
        all: fetch every enabled source, due or not.
        on_change: called with added or edited posts (the search index).
        now: the pass's time (UTC, naive); default the clock.

    Returns:
        The counts and one line per source fetched.
    """
    now = now or utcnow()
    if sources:
        chosen = [get_source(store, ref) for ref in sources]
    else:
        chosen = [s for s in list_sources(store) if (all and s.disabled_at is None) or s.due(now)]
    summary = FetchSummary()
    if not chosen:
        return summary
    if any(s.kind != "feed" for s in chosen):
        load_extractor()  # imported here, in the calling thread, not in a worker
    known = _known_pages(store, [s.id for s in chosen if s.kind == "sitemap"])
    with open_client(settings) as client:
        worker = _Worker(client, settings)
        with ThreadPoolExecutor(max_workers=settings.fetch_concurrency) as pool:
            futures = [pool.submit(worker.run, s, known.get(s.id, set())) for s in chosen]
            pending: list[Outcome] = []
            last = time.monotonic()
            for future in as_completed(futures):
                pending.append(future.result())
                if len(pending) >= FLUSH_EVERY or time.monotonic() - last > FLUSH_SECONDS:
                    _flush(store, settings, pending, summary, now, on_change)
                    last = time.monotonic()
            _flush(store, settings, pending, summary, now, on_change)
    summary.sources.sort(key=lambda line: line["id"])
    return summary


def _known_pages(store: Store, ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {i: set() for i in ids}
    if ids:
        for sid, key in store.execute(
            "SELECT source_id, item_key FROM feed_items WHERE list_contains(?, source_id)", [ids]
        ):
            out[sid].add(key)
    return out


def _flush(
    store: Store,
    settings: Settings,
    pending: list[Outcome],
    summary: FetchSummary,
    now: datetime,
    on_change: OnChange | None,
) -> None:
    """Store the outcomes received so far in one transaction (a commit per source costs a
    disk sync each), then pass the added and edited posts on."""
    if not pending:
        return
    with store.transaction():
        stored = [_record(store, settings, out, summary, now) for out in pending]
    pending.clear()
    if on_change is not None:
        notify_changes(store, [s for s in stored if s is not None], on_change)


def _record(
    store: Store,
    settings: Settings,
    out: Outcome,
    summary: FetchSummary,
    now: datetime,
) -> Stored | None:
    s = out.source
    line: dict[str, Any] = {"id": s.id, "name": s.name, "status": out.status}
    new = updated = 0
    stored = None
    if out.failure is None and not out.not_modified:
        stored = store_entries(
            store,
            s,
            out.entries,
            now=now,
            detect_lang=settings.detect_language,
            transaction=False,
        )
        new, updated = stored.new, stored.updated
        if stored.first_error and not out.error:
            out.error = stored.first_error
    if out.failure is None:
        delay = max(float(s.every), min(out.max_age or 0.0, 86_400.0))
        store.execute(
            "UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = ?, "
            "next_fetch_at = ?, failures = 0, failure_score = 0, last_error = ?, "
            "etag = CASE WHEN ? THEN NULL ELSE coalesce(?, etag) END, "
            "last_modified = CASE WHEN ? THEN NULL ELSE coalesce(?, last_modified) END, "
            "body_hash = CASE WHEN ? THEN NULL ELSE coalesce(?, body_hash) END, "
            "fetches = fetches + 1 WHERE source_id = ?",
            [
                now,
                now,
                out.status,
                now + timedelta(seconds=delay),
                out.error,
                out.partial,
                out.etag,
                out.partial,
                out.last_modified,
                out.partial,
                out.body_hash,
                s.id,
            ],
        )
        if out.format and out.format != s.format and s.format != "keyword":
            store.execute("UPDATE sources SET format = ? WHERE id = ?", [out.format, s.id])
        if out.not_modified:
            summary.not_modified += 1
        else:
            summary.fetched += 1
        line |= {
            "result": "not_modified" if out.not_modified else "fetched",
            "new": new,
            "updated": updated,
        }
    else:
        failures = s.failures + (out.failure != "temporary")
        score = s.failure_score + FAILURE_POINTS[out.failure]
        delay = out.wait if out.wait is not None else backoff(float(s.every), max(failures, 1))
        disable = score >= DISABLE_AT
        store.execute(
            "UPDATE feeds SET last_fetch_at = ?, last_status = ?, next_fetch_at = ?, "
            "failures = ?, failure_score = ?, last_error = ?, fetches = fetches + 1, "
            "disabled_at = CASE WHEN ? THEN ? ELSE disabled_at END, "
            "disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END WHERE source_id = ?",
            [
                now,
                out.status,
                now + timedelta(seconds=delay),
                failures,
                score,
                out.error,
                disable,
                now,
                disable,
                f"{out.failure} failures: {out.error}",
                s.id,
            ],
        )
        summary.errors += 1
        summary.disabled += int(disable)
        line |= {"result": f"{out.failure} failure", "error": out.error, "disabled": disable}
    summary.new_items += new
    summary.updated_items += updated
    summary.sources.append(line)
    return stored
