"""Entries of followed sources become posts, through the import pipeline's normaliser.

Identity: a post of the web has ``platform = 'web'`` and an id derived from its canonical URL
(tracking parameters removed), else from its source and guid. So the same item seen again,
carried by two feeds, or linked with other tracking parameters is one post. ``feed_items``
remembers what each source carried and a hash of what a reader sees: a changed hash is an
edit, and the post (and its search-index document) is updated in place, keeping its
``ingest_seq`` so that consumers of new posts do not see it twice.

Dates: a post's ``created_at`` is the date the source published (else updated) the item; when
the source gives none, the first time agorascope saw it, and ``feed_items.dated_by`` says
``first_seen``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from agorascope.collect.canonical import FieldError
from agorascope.collect.columnar import STAGE_AUTHORS, STAGE_POSTS
from agorascope.collect.derive import install_macros
from agorascope.collect.language import detect_language
from agorascope.collect.normalize import Normalized, normalize
from agorascope.collect.pipeline import _insert_posts, _upsert_authors
from agorascope.store.store import Store
from agorascope.watch.parse import Entry
from agorascope.watch.sources import Source

__all__ = ["PLATFORM", "Stored", "notify_changes", "post_id", "store_entries"]

PLATFORM = "web"
MAX_TEXT = 100_000

OnChange = Callable[[pa.Table], None]
"""Called with posts (post_view layout) that were added or edited (the search index)."""


@dataclass
class Stored:
    """What one source's entries did to the store."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    first_error: str | None = None
    seq: int | None = None
    """The ``ingest_seq`` of the added posts."""
    changed_ids: list[str] = field(default_factory=list)
    """Ids of the edited posts."""


def post_id(entry: Entry, source_id: int) -> str:
    """The post id of an entry: from its canonical URL, else from its source and key."""
    basis = entry.url or f"{source_id}\x1f{entry.key}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def _record(entry: Entry, pid: str, now: datetime) -> dict[str, Any]:
    text = "\n\n".join(p for p in (entry.title, entry.text) if p) or None
    return {
        "platform": PLATFORM,
        "id": pid,
        "author_handle": entry.author[:200] if entry.author else None,
        "author_name": entry.author[:1000] if entry.author else None,
        "created_at": entry.published or now,
        "text": text[:MAX_TEXT] if text else None,
        "lang": entry.lang,
        "url": entry.url,
    }


def store_entries(
    store: Store,
    source: Source,
    entries: Sequence[Entry],
    *,
    now: datetime,
    detect_lang: bool = True,
    on_change: OnChange | None = None,
    transaction: bool = True,
) -> Stored:
    """Add new entries as posts, update edited ones, and remember what the source carried.

    Args:
        store: the store (written from this thread only).
        source: the source the entries came from.
        entries: its entries, in feed order.
        now: the time of this pass (UTC, naive): first-seen date of undated entries.
        detect_lang: identify the language of entries that do not state one.
        on_change: called after the commit with the added and edited posts.
        transaction: commit in a transaction of its own; without it the caller holds one
            and calls :func:`notify_changes` after committing (``on_change`` is not called).

    Returns:
        Counts of new, updated, unchanged and rejected entries.
    """
    out = Stored()
    known = {
        k: (h, p)
        for k, h, p in store.execute(
            "SELECT item_key, content_hash, post_id FROM feed_items WHERE source_id = ?",
            [source.id],
        )
    }
    fresh: dict[str, tuple[Entry, Normalized]] = {}
    edits: list[tuple[Entry, Normalized]] = []
    links: list[tuple[Entry, str]] = []
    for entry in entries:
        pid = post_id(entry, source.id)
        seen = known.get(entry.key)
        if seen is not None and seen[0] == entry.content_hash:
            out.unchanged += 1
            continue
        try:
            norm = normalize(_record(entry, pid, now))
        except FieldError as e:
            out.rejected += 1
            out.first_error = out.first_error or f"{source.url}: item {entry.key!r}: {e}"
            continue
        if detect_lang and norm.post["lang"] is None:
            norm.post["lang"] = detect_language(norm.post["text"])
        if seen is not None and seen[1] == pid:
            edits.append((entry, norm))
        elif pid not in fresh:
            fresh[pid] = (entry, norm)
        links.append((entry, pid))
    if not fresh and not edits and not links:
        return out
    ids = list(fresh)
    existing = (
        {
            r[0]
            for r in store.execute(
                "SELECT id FROM posts WHERE platform = ? AND list_contains(?, id)", [PLATFORM, ids]
            )
        }
        if ids
        else set()
    )
    new = [fresh[i] for i in ids if i not in existing]
    out.seq = _commit(store, source, new, edits, links, now, transaction)
    out.new, out.updated = len(new), len(edits)
    out.unchanged += len(fresh) - len(new)
    out.changed_ids = [n.post["id"] for _, n in edits]
    if transaction and on_change is not None:
        notify_changes(store, [out], on_change)
    return out


def notify_changes(store: Store, stored: Sequence[Stored], on_change: OnChange) -> None:
    """Call ``on_change`` once with every post that ``stored`` added or edited (if any)."""
    seqs = [s.seq for s in stored if s.new and s.seq is not None]
    changed = [i for s in stored for i in s.changed_ids]
    if not seqs and not changed:
        return
    on_change(
        store.arrow(
            "SELECT * FROM post_view WHERE list_contains(?, ingest_seq) OR "
            "(platform = ? AND list_contains(?, id))",
            [seqs, PLATFORM, changed],
        )
    )


def _commit(
    store: Store,
    source: Source,
    new: list[tuple[Entry, Normalized]],
    edits: list[tuple[Entry, Normalized]],
    links: list[tuple[Entry, str]],
    now: datetime,
    transaction: bool,
) -> int:
    con = store.con
    if not getattr(store, "_derive_macros", False):
        install_macros(con)  # temporary macros: once per connection
        store._derive_macros = True  # type: ignore[attr-defined]
    posts = [{**n.post, "_line": i} for i, (_, n) in enumerate(new)]
    authors = [{**n.author, "_line": i} for i, (_, n) in enumerate(new) if n.author is not None]
    con.register("stage_posts", pa.Table.from_pylist(posts, schema=STAGE_POSTS))
    con.register("stage_authors", pa.Table.from_pylist(authors, schema=STAGE_AUTHORS))
    con.register("stage_links", _links_table(source.id, links, now))
    edited = [{**n.post, "_line": i} for i, (_, n) in enumerate(edits)]
    con.register("stage_edits", pa.Table.from_pylist(edited, schema=STAGE_POSTS))
    try:
        with store.transaction() if transaction else nullcontext():
            seq = int(con.execute("SELECT nextval('ingest_seq')").fetchall()[0][0])
            if new:
                _upsert_authors(store)
                _insert_posts(
                    store, seq, source.name, pa.Table.from_pylist(posts, schema=STAGE_POSTS)
                )
            if edits:  # one statement for every edited post of the source
                con.execute(
                    "UPDATE posts AS p SET text = e.text, url = e.url, "
                    "lang = coalesce(e.lang, p.lang), created_at = e.created_at, "
                    "author_id = e.author_id, hashtags = ag_hashtags(e.text), "
                    "mentions = ag_mentions(e.text), urls = ag_urls(e.text), collected_at = ? "
                    "FROM stage_edits e WHERE p.platform = e.platform AND p.id = e.id",
                    [now],
                )
            # one statement from an Arrow table: executemany costs a statement per row
            con.execute(
                "INSERT INTO feed_items SELECT * FROM stage_links "
                "QUALIFY row_number() OVER (PARTITION BY source_id, item_key) = 1 "
                "ON CONFLICT (source_id, item_key) DO UPDATE SET "
                "content_hash = excluded.content_hash, post_id = excluded.post_id, "
                "last_seen_at = excluded.last_seen_at"
            )
            con.execute(
                "UPDATE feeds SET items = items + ? WHERE source_id = ?", [len(new), source.id]
            )
    finally:
        con.unregister("stage_posts")
        con.unregister("stage_authors")
        con.unregister("stage_links")
        con.unregister("stage_edits")
    return seq


def _links_table(source_id: int, links: list[tuple[Entry, str]], now: datetime) -> pa.Table:
    """The ``feed_items`` rows of a batch, as an Arrow table in the table's column order."""
    n = len(links)
    return pa.table(
        {
            "source_id": pa.array([source_id] * n, pa.int64()),
            "item_key": pa.array([e.key for e, _ in links], pa.string()),
            "platform": pa.array([PLATFORM] * n, pa.string()),
            "post_id": pa.array([pid for _, pid in links], pa.string()),
            "content_hash": pa.array([e.content_hash for e, _ in links], pa.string()),
            "dated_by": pa.array(
                ["source" if e.published else "first_seen" for e, _ in links], pa.string()
            ),
            "first_seen_at": pa.array([now] * n, pa.timestamp("us")),
            "last_seen_at": pa.array([now] * n, pa.timestamp("us")),
        }
    )
