"""Searching a store: the functions that the CLI, the API and the analyses call.

The full-text index answers when it is in step with the store; when it is not (or cannot be
opened), the Ibis predicate answers instead, with the same posts. Either way the result is
right; the index only makes it fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from agorascope.errors import AgorascopeError, InvalidInputError, StoreError
from agorascope.query.ast import Near, Node, Phrase, Term, has_wildcard, walk
from agorascope.query.budget import check_work
from agorascope.query.highlight import Snippet, snippet
from agorascope.query.index import (
    INDEX_COLUMNS,
    IndexReport,
    SearchIndex,
)
from agorascope.query.parser import parse
from agorascope.query.to_ibis import filter_posts
from agorascope.store import run, run_batches

__all__ = [
    "Hit",
    "SearchResults",
    "StoreLike",
    "check_index",
    "check_query",
    "count",
    "index_dir_for",
    "index_posts",
    "open_index",
    "rebuild_index",
    "search",
]

Sort: TypeAlias = Literal["relevance", "newest"]
_DETAIL_COLUMNS = ("platform", "id", "created_at", "author_handle", "lang", "url", "text")


class StoreLike(Protocol):
    """What this package needs from :class:`agorascope.store.Store`."""

    con: Any

    def posts(self) -> ir.Table:
        """The post_view table."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run parameterised SQL."""
        ...


@dataclass(frozen=True)
class Hit:
    """One matching post."""

    platform: str
    id: str
    score: float | None
    created_at: datetime | None
    author_handle: str | None
    lang: str | None
    url: str | None
    text: str | None
    snippet: Snippet | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the snippet as text and spans, never as HTML)."""
        return {
            "platform": self.platform,
            "id": self.id,
            "score": self.score,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "author_handle": self.author_handle,
            "lang": self.lang,
            "url": self.url,
            "text": self.text,
            "snippet": self.snippet.to_dict() if self.snippet else None,
        }


@dataclass(frozen=True)
class SearchResults:
    """The answer to a search.

    Attributes:
        query: the query text.
        total: number of matching posts.
        sort: the order of ``hits`` ("relevance" needs the index; else "newest").
        hits: the first matches, in order.
        used_index: whether the full-text index answered.
    """

    query: str
    total: int
    sort: Sort
    hits: list[Hit]
    used_index: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "query": self.query,
            "total": self.total,
            "sort": self.sort,
            "used_index": self.used_index,
            "hits": [h.to_dict() for h in self.hits],
        }


def index_dir_for(store: StoreLike) -> Path | None:
    """The index folder of ``store`` (``<file>.index``), or None for an in-memory store."""
    explicit = getattr(store, "index_dir", None)
    if explicit is not None:
        return Path(explicit)
    path = getattr(store, "path", None)
    if path is None:
        rows = store.con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
        path = rows[0][0] if rows else None
    if not path or str(path) == ":memory:":
        return None
    p = Path(path)
    return p.with_name(p.name + ".index")


def _store_state(posts: ir.Table) -> tuple[int, int | None]:
    row = run(posts.aggregate(n=posts.count(), m=posts.ingest_seq.max()))
    n, m = row["n"][0].as_py(), row["m"][0].as_py()
    return int(n), (None if m is None else int(m))


def open_index(
    store: StoreLike, *, repair: bool = True, index_dir: Path | None = None
) -> SearchIndex | None:
    """The store's full-text index, in step with the store, or None.

    A quick comparison (post count, highest ``ingest_seq``) tells whether the index is in
    step; if not and ``repair`` is true, the stale batches are re-indexed. None when the store
    is in memory, when there is no index and ``repair`` is false, or when the index cannot be
    brought up to date (locked by a writer, unreadable).
    """
    path = index_dir or index_dir_for(store)
    if path is None:
        return None
    try:
        index = SearchIndex.open(path, create=repair)
        posts = store.posts()
        if _store_state(posts) == (index.num_docs, index.max_seq()):
            return index
        if not repair:
            return None
        report = index.sync(posts, repair=True)
        return index if report.repaired or report.consistent else None
    except AgorascopeError:
        return None


def check_query(store: StoreLike, node: Node, *, index_dir: Path | None = None) -> None:
    """Refuse a query whose wildcards or proximity cost too much, whatever engine runs it.

    The work is measured on the full-text index (:mod:`agorascope.query.budget`); without an
    index in step with the store nothing is measured, and only the time budget bounds it.

    Raises:
        QueryTooBroadError: the message names the part of the query that is too broad.
    """
    if not any(
        isinstance(n, Phrase | Near) or (isinstance(n, Term) and has_wildcard(n.word))
        for n in walk(node)
    ):
        return
    index = open_index(store, repair=False, index_dir=index_dir)
    if index is not None:
        check_work(node, index.searcher())


def _node(query: str | Node) -> tuple[str, Node]:
    if isinstance(query, str):
        return query, parse(query)
    return repr(query), query


def count(
    store: StoreLike,
    query: str | Node,
    *,
    use_index: bool = True,
    index_dir: Path | None = None,
) -> int:
    """Number of posts matching ``query``.

    Raises:
        QuerySyntaxError: the query does not parse.
    """
    _, node = _node(query)
    index = open_index(store, index_dir=index_dir) if use_index else None
    if index is not None:
        return index.count(node)
    return int(run(filter_posts(store.posts(), node).count()).as_py())


def _details(
    store: StoreLike, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    if not keys:
        return {}
    posts = store.posts()
    cols = [c for c in _DETAIL_COLUMNS if c in posts.columns]
    rows = posts.filter(posts.id.isin(sorted({k[1] for k in keys}))).select(*cols)
    out = {}
    for row in run(rows).to_pylist():
        out[(row["platform"], row["id"])] = row
    return out


def search(
    store: StoreLike,
    query: str | Node,
    *,
    limit: int = 20,
    sort: Sort = "relevance",
    snippets: bool = True,
    use_index: bool = True,
    index_dir: Path | None = None,
) -> SearchResults:
    """Find the posts matching ``query``: the total and the first ``limit`` hits.

    Args:
        store: the store.
        query: the query text (or a parsed tree).
        limit: hits to return (0 for a count only).
        sort: "relevance" (BM25, needs the index) or "newest" (``created_at`` descending).
        snippets: attach highlighted snippets of the text.
        use_index: allow the full-text index (else the Ibis predicate answers).
        index_dir: the index folder (default: beside the store file).

    Raises:
        QuerySyntaxError: the query does not parse.
        InvalidInputError: a bad limit or sort.
    """
    if sort not in ("relevance", "newest"):
        raise InvalidInputError(f"sort must be 'relevance' or 'newest', not {sort!r}")
    if limit < 0 or limit > 10_000:
        raise InvalidInputError("limit must be between 0 and 10000")
    text, node = _node(query)
    index = open_index(store, index_dir=index_dir) if use_index else None
    if index is not None:
        total, ranked = index.top(node, limit=limit, sort=sort)
        assert total is not None
        keys = [(p, i) for p, i, _ in ranked]
        scores = {(p, i): s for p, i, s in ranked}
        used, effective = True, sort
    else:
        matched = filter_posts(store.posts(), node)
        total = int(run(matched.count()).as_py())
        top = matched.order_by(
            [ibis.desc(matched.created_at), matched.platform, matched.id]
        ).select("platform", "id")
        rows = run(top.limit(limit)).to_pylist() if limit else []
        keys = [(r["platform"], r["id"]) for r in rows]
        scores = {}
        used, effective = False, "newest"
    details = _details(store, keys)
    hits = []
    for key in keys:
        row = details.get(key, {})
        body = row.get("text")
        hits.append(
            Hit(
                platform=key[0],
                id=key[1],
                score=scores.get(key),
                created_at=row.get("created_at"),
                author_handle=row.get("author_handle"),
                lang=row.get("lang"),
                url=row.get("url"),
                text=body,
                snippet=snippet(body, node) if snippets else None,
            )
        )
    return SearchResults(text, total, effective, hits, used)


def index_posts(store: StoreLike, batch: pa.Table, *, index_dir: Path | None = None) -> int:
    """Index a batch of posts that the store has just committed (the import pipeline's hook).

    Older posts whose author's profile (handle, followers) the batch changed are re-indexed.
    After adding the batch, the index is compared with the store (post count and highest
    ``ingest_seq``) and any other stale batch is repaired, so an index that missed a batch
    (a crash between the store commit and this call) heals on the next import.

    Args:
        store: the store that committed ``batch``.
        batch: the new posts in post_view layout, with ``ingest_seq`` set.
        index_dir: the index folder (default: beside the store file).

    Returns:
        Posts indexed (0 for an in-memory store, which has no index).
    """
    path = index_dir or index_dir_for(store)
    if path is None:
        return 0
    index = SearchIndex.open(path)
    n = index.add_posts(batch)
    posts = store.posts()
    index.refresh_authors(batch, posts)
    if _store_state(posts) != (index.num_docs, index.max_seq()):
        index.sync(posts, repair=True)
    return n


def check_index(
    store: StoreLike, *, repair: bool = False, index_dir: Path | None = None
) -> IndexReport:
    """Compare the index with the store, batch by batch; with ``repair``, fix it.

    Raises:
        StoreError: the store is in memory (no index), or the index is locked.
        IndexCorruptError: the index cannot be read (rebuild it).
    """
    path = index_dir or index_dir_for(store)
    if path is None:
        raise StoreError("an in-memory store has no search index")
    return SearchIndex.open(path).sync(store.posts(), repair=repair)


def rebuild_index(
    store: StoreLike, *, index_dir: Path | None = None, chunk_size: int = 50_000
) -> int:
    """Index every post of the store from scratch (one commit at the end).

    Returns:
        Posts indexed.
    """
    path = index_dir or index_dir_for(store)
    if path is None:
        raise StoreError("an in-memory store has no search index")
    try:
        index = SearchIndex.open(path)
    except AgorascopeError:
        index = SearchIndex.recreate(path)
    posts = store.posts()
    cols = [c for c in INDEX_COLUMNS if c in posts.columns]
    return index.rebuild(run_batches(posts.select(*cols), chunk_size))
