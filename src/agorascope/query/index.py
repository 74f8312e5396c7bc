"""The full-text index beside the store: building, updating, checking and repairing it.

The index is a tantivy directory (``<store>.duckdb.index``). Each document carries the post's
``ingest_seq``, so the index knows which import batches it holds: comparing the number of posts
per batch with the store finds every batch that is missing, partial or gone, and
:meth:`SearchIndex.sync` re-indexes or deletes exactly those. A tantivy commit is atomic, so a
crash leaves the index at its previous commit, which ``sync`` then brings up to date.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import tantivy

from agorascope.errors import IndexCorruptError, QueryTooBroadError, StoreError
from agorascope.query.ast import Node
from agorascope.query.budget import check_work
from agorascope.query.to_tantivy import INT_FIELDS, KEYWORD_FIELDS, build_schema, compile_query
from agorascope.store import run, run_batches
from agorascope.text import ascii_lower, hosts, words_strings

__all__ = ["INDEX_COLUMNS", "IndexReport", "SearchIndex"]

INDEX_COLUMNS = (
    "platform",
    "id",
    "text",
    "created_at",
    "lang",
    "country",
    "author_handle",
    "author_followers",
    "likes",
    "reposts",
    "replies",
    "views",
    "hashtags",
    "url",
    "urls",
    "ingest_seq",
    "author_id",
)
"""post_view columns the index reads."""

NULL_SEQ = -1
"""``ingest_seq`` recorded for posts that have none."""

_HEAP = 256_000_000
_SCHEMA_VERSION = "1"


@dataclass
class IndexReport:
    """What :meth:`SearchIndex.sync` found and did.

    Attributes:
        store_posts: posts in the store.
        index_posts: documents in the index before the repair.
        store_max_seq: highest ``ingest_seq`` in the store (None when empty).
        index_max_seq: highest ``ingest_seq`` in the index before the repair.
        stale_batches: batches whose post count differed (missing, partial or extra).
        reindexed: posts (re-)added.
        deleted_batches: batches removed from the index because the store lacks them.
        repaired: whether anything was written.
    """

    store_posts: int
    index_posts: int
    store_max_seq: int | None
    index_max_seq: int | None
    stale_batches: list[int] = field(default_factory=list)
    reindexed: int = 0
    deleted_batches: list[int] = field(default_factory=list)
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        """True when the index held exactly the store's batches before any repair."""
        return not self.stale_batches


def _key(platform: Any, post_id: Any) -> str:
    return f"{platform}\x1f{post_id}"


def _total(result: tantivy.SearchResult) -> int:
    """The hit count of a search run with ``count=True`` (missing from tantivy's stubs)."""
    return int(result.count)  # type: ignore[attr-defined]


def _author_version(handle: Any, followers: Any) -> str:
    return f"{handle!r}\x1f{followers!r}"


def _column(batch: pa.Table | pa.RecordBatch, name: str) -> list[Any]:
    if name not in batch.schema.names:
        return [None] * batch.num_rows
    col = batch.column(name)
    if name == "created_at":
        col = pc.cast(pc.cast(col, pa.timestamp("us")), pa.int64())
    return col.to_pylist()  # type: ignore[no-any-return]


def _documents(batch: pa.Table | pa.RecordBatch) -> Iterator[tuple[str, tantivy.Document]]:
    cols = {name: _column(batch, name) for name in INDEX_COLUMNS if name != "text"}
    texts = (
        words_strings(batch.column("text"))
        if "text" in batch.schema.names
        else [" "] * batch.num_rows
    )
    keyword_fields = list(KEYWORD_FIELDS.items())
    int_fields = [(cols[c], name) for c, name in INT_FIELDS.items()]
    for i in range(batch.num_rows):
        platform = cols["platform"][i]
        key = _key(platform, cols["id"][i])
        doc = tantivy.Document()
        doc.add_text("key", key)
        doc.add_text("platform", str(platform))
        doc.add_text("id", str(cols["id"][i]))
        doc.add_text("words", texts[i])
        for column, name in keyword_fields:
            value = cols[column][i]
            if value is not None:
                doc.add_text(name, ascii_lower(value))
        for tag in cols["hashtags"][i] or ():
            if tag is not None:
                doc.add_text("hashtags", tag)
        for host in hosts(cols["url"][i], cols["urls"][i]):
            doc.add_text("hosts", host)
        for values, name in int_fields:
            value = values[i]
            if value is not None:
                doc.add_integer(name, value)
        if cols["ingest_seq"][i] is None:
            doc.add_integer("ingest_seq", NULL_SEQ)
        author = cols["author_id"][i]
        if author is not None:
            doc.add_text("author_key", _key(platform, author))
            doc.add_text(
                "author_version",
                _author_version(cols["author_handle"][i], cols["author_followers"][i]),
            )
        yield key, doc


def _search(searcher: tantivy.Searcher, query: tantivy.Query, **options: Any) -> Any:
    """``searcher.search``, with tantivy's refusal of an over-large wildcard automaton (raised
    only when the search runs) turned into a :class:`QueryTooBroadError`."""
    try:
        return searcher.search(query, **options)
    except ValueError as e:
        if "regex" not in str(e).lower():
            raise
        raise QueryTooBroadError(
            "query too broad: a wildcard is too complex for the index (use fewer ? and * in "
            "one word of a phrase)"
        ) from None


class SearchIndex:
    """A tantivy index of posts, kept in a folder beside the store.

    Examples:
        >>> index = SearchIndex.open(Path("news.duckdb.index"))  # doctest: +SKIP
        >>> index.add_posts(batch)  # doctest: +SKIP
    """

    def __init__(self, path: Path, index: tantivy.Index) -> None:
        self.path = path
        self._index = index
        self.schema = build_schema()

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> SearchIndex:
        """Open the index in ``path``, creating an empty one when ``create`` is true.

        Raises:
            IndexCorruptError: the folder holds no usable index of this version.
            StoreError: no index there and ``create`` is false.
        """
        path = Path(path)
        marker = path / "agorascope-index-version"
        if path.exists() and any(path.iterdir()):
            try:
                if marker.read_text().strip() != _SCHEMA_VERSION:
                    raise IndexCorruptError(f"index format mismatch in {path}: rebuild it")
                index = tantivy.Index(build_schema(), path=str(path), reuse=True)
            except (OSError, ValueError) as e:
                raise IndexCorruptError(f"cannot open the search index {path}: {e}") from e
            return cls(path, index)
        if not create:
            raise StoreError(f"no search index at {path}: run 'agorascope index --rebuild'")
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(build_schema(), path=str(path), reuse=False)
        marker.write_text(_SCHEMA_VERSION + "\n")
        return cls(path, index)

    @classmethod
    def recreate(cls, path: Path | str) -> SearchIndex:
        """Delete whatever is in ``path`` and open a new empty index there."""
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        return cls.open(path)

    def _writer(self) -> tantivy.IndexWriter:
        try:
            return self._index.writer(heap_size=_HEAP, num_threads=2)
        except ValueError as e:
            raise StoreError(f"the search index {self.path} is locked by another writer") from e

    def searcher(self) -> tantivy.Searcher:
        """A searcher on the last commit (commits of this object are seen at once)."""
        return self._index.searcher()

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()

    # -- writing ------------------------------------------------------------------------
    def _add(
        self,
        writer: tantivy.IndexWriter,
        batches: Iterable[pa.Table | pa.RecordBatch],
        replace: bool,
    ) -> int:
        n = 0
        for batch in batches:
            for key, doc in _documents(batch):
                if replace:
                    writer.delete_documents_by_term("key", key)
                writer.add_document(doc)
                n += 1
        return n

    def add_posts(self, batch: pa.Table | pa.RecordBatch, *, replace: bool = True) -> int:
        """Index one batch of posts (post_view layout) and commit.

        This is what the import pipeline calls after each committed store batch. A post
        already in the index (same platform and id) is replaced.

        Returns:
            The number of posts indexed.
        """
        writer = self._writer()
        try:
            n = self._add(writer, [batch], replace)
            self._commit(writer)
        except BaseException:
            writer.rollback()
            raise
        return n

    def rebuild(self, batches: Iterable[pa.Table | pa.RecordBatch]) -> int:
        """Replace the whole content with ``batches``, in one commit.

        Until the commit, searches keep seeing the old content; a crash keeps it.
        """
        writer = self._writer()
        try:
            writer.delete_all_documents()
            n = self._add(writer, batches, replace=False)
            self._commit(writer)
        except BaseException:
            writer.rollback()
            raise
        return n

    def refresh_authors(self, batch: pa.Table, posts: ir.Table) -> int:
        """Re-index older posts whose author's profile the batch changed.

        post_view shows each post with its author's current handle and followers; an import
        that updates a profile therefore changes older posts too. The index records the
        profile it saw (``author_version``) and re-reads from ``posts`` the posts that differ.

        Returns:
            The number of posts re-indexed.
        """
        names = batch.schema.names
        if "author_id" not in names:
            return 0
        seen: dict[str, str] = {}
        cols = {
            c: _column(batch, c)
            for c in ("platform", "author_id", "author_handle", "author_followers")
        }
        for i in range(batch.num_rows):
            if cols["author_id"][i] is not None:
                key = _key(cols["platform"][i], cols["author_id"][i])
                seen[key] = _author_version(cols["author_handle"][i], cols["author_followers"][i])
        if not seen:
            return 0
        searcher = self.searcher()
        stale: list[tuple[str, str]] = []
        items = sorted(seen.items())
        for start in range(0, len(items), 512):
            clauses = [
                tantivy.Query.boolean_query(
                    [
                        (
                            tantivy.Occur.Must,
                            tantivy.Query.term_query(self.schema, "author_key", key),
                        ),
                        (
                            tantivy.Occur.MustNot,
                            tantivy.Query.term_query(self.schema, "author_version", version),
                        ),
                    ]
                )
                for key, version in items[start : start + 512]
            ]
            q = tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses])
            total = _total(searcher.search(q, limit=1, count=True))
            if total:
                for _, address in searcher.search(q, limit=total, count=False).hits:
                    doc = searcher.doc(address)
                    stale.append((str(doc.get_first("platform")), str(doc.get_first("id"))))
        if not stale:
            return 0
        wanted = [c for c in INDEX_COLUMNS if c in posts.columns]
        posts = posts.select(*wanted)
        chunks = (
            run(
                posts.semi_join(keys_table(stale[i : i + 20_000]), ["platform", "id"]).select(
                    *wanted
                )
            )
            for i in range(0, len(stale), 20_000)
        )
        writer = self._writer()
        try:
            n = self._add(writer, chunks, replace=True)
            self._commit(writer)
        except BaseException:
            writer.rollback()
            raise
        return n

    # -- state --------------------------------------------------------------------------
    @property
    def num_docs(self) -> int:
        """Documents in the last commit."""
        return self.searcher().num_docs

    def batch_counts(self) -> dict[int, int]:
        """Documents per ``ingest_seq`` in the last commit."""
        searcher = self.searcher()
        if searcher.num_docs == 0:
            return {}
        agg = searcher.aggregate(
            tantivy.Query.all_query(),
            {"seq": {"terms": {"field": "ingest_seq", "size": 65_000}}},
        )
        buckets = agg["seq"]["buckets"]
        if agg["seq"].get("sum_other_doc_count", 0):
            raise IndexCorruptError("too many import batches to compare: rebuild the index")
        return {int(b["key"]): int(b["doc_count"]) for b in buckets}

    def max_seq(self) -> int | None:
        """Highest ``ingest_seq`` committed to the index (None when empty)."""
        searcher = self.searcher()
        if searcher.num_docs == 0:
            return None
        agg = searcher.aggregate(tantivy.Query.all_query(), {"m": {"max": {"field": "ingest_seq"}}})
        value = agg["m"]["value"]
        return None if value is None else int(value)

    # -- repair -------------------------------------------------------------------------
    def sync(self, posts: ir.Table, *, repair: bool = True) -> IndexReport:
        """Compare with the store's posts and, when ``repair``, fix every stale batch.

        Args:
            posts: the store's post_view (``store.posts()``).
            repair: re-index missing or partial batches and delete those the store lacks.

        Returns:
            What was found (and done).
        """
        seq = posts.ingest_seq.fill_null(NULL_SEQ)
        counts = run(posts.group_by(seq=seq).agg(n=posts.count()))
        store_counts = dict(zip(counts["seq"].to_pylist(), counts["n"].to_pylist(), strict=True))
        index_counts = self.batch_counts()
        report = IndexReport(
            store_posts=sum(store_counts.values()),
            index_posts=sum(index_counts.values()),
            store_max_seq=max(store_counts) if store_counts else None,
            index_max_seq=max(index_counts) if index_counts else None,
        )
        stale = sorted(
            s
            for s in set(store_counts) | set(index_counts)
            if store_counts.get(s) != index_counts.get(s)
        )
        report.stale_batches = stale
        if not stale or not repair:
            return report
        gone = [s for s in stale if s not in store_counts]
        refill = [s for s in stale if s in store_counts]
        writer = self._writer()
        try:
            for s in stale:
                writer.delete_documents_by_query(
                    tantivy.Query.range_query(
                        self.schema, "ingest_seq", tantivy.FieldType.Integer, s, s
                    )
                )
            if refill:
                rows = posts.filter(seq.isin(refill)).select(
                    *[c for c in INDEX_COLUMNS if c in posts.columns]
                )
                report.reindexed = self._add(writer, run_batches(rows), replace=True)
            self._commit(writer)
        except BaseException:
            writer.rollback()
            raise
        report.deleted_batches = gone
        report.repaired = True
        return report

    # -- searching ----------------------------------------------------------------------
    def query(self, node: Node) -> tantivy.Query:
        """The tantivy query for a parsed query, once its work is known to be bounded.

        Raises:
            QueryTooBroadError: a wildcard or a proximity costs more than the limits of
                :mod:`agorascope.query.budget`.
        """
        expansions = check_work(node, self.searcher())
        return compile_query(node, self.schema, expansions)

    def count(self, node: Node) -> int:
        """Number of posts matching ``node``."""
        # tantivy needs a limit of at least 1 (0 panics)
        return _total(_search(self.searcher(), self.query(node), limit=1, count=True))

    def top(
        self,
        node: Node,
        limit: int = 20,
        sort: Literal["relevance", "newest"] = "relevance",
        *,
        count: bool = True,
        searcher: tantivy.Searcher | None = None,
    ) -> tuple[int | None, list[tuple[str, str, float | None]]]:
        """The total count and the ``limit`` best ``(platform, id, score)`` hits.

        ``sort="relevance"`` ranks by BM25 over the words; ``"newest"`` by ``created_at``
        descending (the score is then None).
        """
        s = searcher or self.searcher()
        q = self.query(node)
        size = max(1, limit)  # tantivy panics on a limit of 0
        if sort == "newest":
            result = _search(
                s, q, limit=size, count=count, order_by_field="created_us", order=tantivy.Order.Desc
            )
        else:
            result = _search(s, q, limit=size, count=count)
        hits = []
        for score, address in result.hits[:limit]:
            doc = s.doc(address)
            hits.append(
                (
                    str(doc.get_first("platform")),
                    str(doc.get_first("id")),
                    float(score) if sort == "relevance" else None,
                )
            )
        return (_total(result) if count else None), hits

    def keys(self, node: Node) -> list[tuple[str, str]]:
        """Every matching ``(platform, id)`` (use on small results)."""
        s = self.searcher()
        q = self.query(node)
        total = _total(_search(s, q, limit=1, count=True))
        if not total:
            return []
        result = _search(s, q, limit=total, count=False)
        out = []
        for _, address in result.hits:
            doc = s.doc(address)
            out.append((str(doc.get_first("platform")), str(doc.get_first("id"))))
        return out


def keys_table(keys: list[tuple[str, str]]) -> ir.Table:
    """An Ibis memtable of ``(platform, id)`` pairs."""
    return ibis.memtable(
        pa.table(
            {"platform": [k[0] for k in keys], "id": [k[1] for k in keys]},
            schema=pa.schema([("platform", pa.string()), ("id", pa.string())]),
        )
    )
