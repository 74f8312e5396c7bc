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
from dataclasses import dataclass
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

__all__ = ["PLATFORM", "Stored", "post_id", "store_entries"]

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
) -> Stored:
    """Add new entries as posts, update edited ones, and remember what the source carried.

    Args:
        store: the store (written from this thread only).
        source: the source the entries came from.
        entries: its entries, in feed order.
        now: the time of this pass (UTC, naive): first-seen date of undated entries.
        detect_lang: identify the language of entries that do not state one.
        on_change: called after the commit with the added and edited posts.

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
    changed_ids = [n.post["id"] for _, n in edits]
    seq = _commit(store, source, new, edits, links, now)
    out.new, out.updated = len(new), len(edits)
    out.unchanged += len(fresh) - len(new)
    if on_change is not None and (new or edits):
        batch = store.arrow(
            "SELECT * FROM post_view WHERE (ingest_seq = ?) OR "
            "(platform = ? AND list_contains(?, id))",
            [seq, PLATFORM, changed_ids],
        )
        on_change(batch)
    return out


def _commit(
    store: Store,
    source: Source,
    new: list[tuple[Entry, Normalized]],
    edits: list[tuple[Entry, Normalized]],
    links: list[tuple[Entry, str]],
    now: datetime,
) -> int:
    con = store.con
    install_macros(con)
    posts = [{**n.post, "_line": i} for i, (_, n) in enumerate(new)]
    authors = [{**n.author, "_line": i} for i, (_, n) in enumerate(new) if n.author is not None]
    con.register("stage_posts", pa.Table.from_pylist(posts, schema=STAGE_POSTS))
    con.register("stage_authors", pa.Table.from_pylist(authors, schema=STAGE_AUTHORS))
    try:
        with store.transaction():
            seq = int(con.execute("SELECT nextval('ingest_seq')").fetchall()[0][0])
            if new:
                _upsert_authors(store)
                _insert_posts(
                    store, seq, source.name, pa.Table.from_pylist(posts, schema=STAGE_POSTS)
                )
            for _, n in edits:
                p = n.post
                con.execute(
                    "UPDATE posts SET text = ?, url = ?, lang = coalesce(?, lang), "
                    "created_at = ?, author_id = ?, hashtags = ag_hashtags(?), "
                    "mentions = ag_mentions(?), urls = ag_urls(?), collected_at = ? "
                    "WHERE platform = ? AND id = ?",
                    [
                        p["text"],
                        p["url"],
                        p["lang"],
                        p["created_at"],
                        p["author_id"],
                        p["text"],
                        p["text"],
                        p["text"],
                        now,
                        p["platform"],
                        p["id"],
                    ],
                )
            con.executemany(
                "INSERT INTO feed_items VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source_id, item_key) DO UPDATE SET "
                "content_hash = excluded.content_hash, post_id = excluded.post_id, "
                "last_seen_at = excluded.last_seen_at",
                [
                    (
                        source.id,
                        e.key,
                        PLATFORM,
                        pid,
                        e.content_hash,
                        "source" if e.published else "first_seen",
                        now,
                        now,
                    )
                    for e, pid in links
                ],
            )
            con.execute(
                "UPDATE feeds SET items = items + ? WHERE source_id = ?", [len(new), source.id]
            )
    finally:
        con.unregister("stage_posts")
        con.unregister("stage_authors")
    return seq
