"""The import pipeline: files -> canonical records -> typed rows -> atomic batches in the store.

Guarantees:

- **Idempotent**: identity is ``(platform, id)``; a post already in the store is counted as a
  duplicate and left as it was (the first import wins). Importing a file twice adds nothing.
- **Crash-safe**: each batch (authors, posts, cascade labels and the import's counters) commits
  in one transaction. A crash loses at most the batch in flight; running the import again
  completes it without duplicates.
- **Nothing silently dropped**: every record that cannot be used is written to a rejects file
  (file, line, field, reason, raw text) and counted.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from agorascope.collect.canonical import FieldError
from agorascope.collect.columnar import STAGE_AUTHORS, STAGE_POSTS, stage_batch
from agorascope.collect.dates import DateChoice, settle_date_formats
from agorascope.collect.derive import install_macros
from agorascope.collect.language import detect_language
from agorascope.collect.normalize import Normalized, Warnings, normalize
from agorascope.collect.presets import expand_paths, open_source
from agorascope.collect.readers import Item, Reject
from agorascope.collect.rejects import RejectsWriter
from agorascope.config import Settings
from agorascope.errors import ImportFormatError
from agorascope.privacy.gate import apply_rectifications, screen
from agorascope.store.schema import AUTHOR_COLUMNS, POST_COLUMNS
from agorascope.store.store import Store, utcnow

__all__ = ["FileSummary", "ImportSummary", "import_paths"]

OnCommit = Callable[[pa.Table], None]
"""Called after each committed batch with the new posts (post_view layout)."""

_AUTHOR_NAMES = list(AUTHOR_COLUMNS)
_POST_VALUES = {
    "hashtags": "coalesce(s.hashtags, ag_hashtags(s.text))",
    "mentions": "coalesce(s.mentions, ag_mentions(s.text))",
    "urls": "coalesce(list_transform(s.urls, lambda u: ag_norm_url(u)), ag_urls(s.text))",
    "source": "$source",
    "collected_at": "$collected_at",
    "ingest_seq": "$ingest_seq",
}
"""How ``posts`` columns are filled from a staged batch when not copied as ``s.<column>``."""
_AUTHOR_UPDATABLE = [n for n in _AUTHOR_NAMES if n not in ("platform", "id", "observed_at")]


@dataclass
class FileSummary:
    """What happened to one file."""

    path: str
    format: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    suppressed: int = 0
    batches: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    unrecognised: dict[str, int] = field(default_factory=dict)
    unrecognised_examples: dict[str, list[str]] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    date_detected: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportSummary:
    """What happened to every file of one import call."""

    files: list[FileSummary]

    @property
    def totals(self) -> dict[str, int]:
        """Sums of read / imported / duplicates / rejected / suppressed over the files."""
        keys = ("read", "imported", "duplicates", "rejected", "suppressed")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"files": [asdict(f) for f in self.files], "totals": self.totals}


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    progress: bool = False,
    on_commit: OnCommit | None = None,
    names: Mapping[Path, str] | None = None,
    date_formats: Mapping[str, str] | None = None,
) -> ImportSummary:
    """Import files into ``store``.

    Args:
        store: the target store.
        paths: files or folders to import, in order (a folder that is not a cascade-tree
            layout stands for every file under it: see :func:`expand_paths`). Every file is
            opened and checked before the first is imported, so a bad one stops the import
            before anything is written.
        format: a preset name; detected per file when None.
        mapping: canonical field -> source column, for the ``mapping`` preset.
        settings: batch size, language detection, rejects folder.
        progress: show a progress bar on standard error.
        on_commit: called with the new posts after every committed batch (search index).
        names: what to call a file (by its path) in summaries, reject rows, the store's
            sources and error messages; an upload names the user's file, not the server's
            temporary copy. Default: its path.
        date_formats: date field -> declared format (``created_at``, ``author_created_at``);
            an undeclared field's day/month order is read from the file
            (:func:`agorascope.collect.dates.settle_date_formats`).

    Returns:
        One summary per file.

    Raises:
        ImportFormatError: a file's format cannot be determined or read as asked.
        StoreError: the store failed (the batch in flight is rolled back).
    """
    settings = settings or Settings()
    install_macros(store.con)
    labels = {Path(p): name for p, name in (names or {}).items()}
    # every file is opened (format detected, header checked) before any is imported
    sources = []
    for path in expand_paths(paths, format):
        with _named(path, labels.get(path)):
            source = open_source(path, format, mapping)
            choices = settle_date_formats(path, source, date_formats or {})
            sources.append((path, source, choices))
    summaries = []
    for path, source, choices in sources:
        label = labels.get(path)
        with _named(path, label):
            summary = _import_one(
                store, path, source, settings, progress, on_commit, label, choices
            )
            summaries.append(summary)
    return ImportSummary(summaries)


@contextmanager
def _named(path: Path, label: str | None) -> Iterator[None]:
    """Re-raise a format error about ``path`` with ``label`` in place of the path."""
    try:
        yield
    except ImportFormatError as e:
        if label is None or str(path) not in str(e):
            raise
        raise ImportFormatError(str(e).replace(str(path), label)) from e


def _import_one(
    store: Store,
    path: Path,
    source: Any,
    settings: Settings,
    progress: bool,
    on_commit: OnCommit | None,
    label: str | None = None,
    choices: Sequence[DateChoice] = (),
) -> FileSummary:
    started = time.perf_counter()
    summary = FileSummary(path=label or str(path), format=source.format)
    formats = {c.field: c.format for c in choices}
    summary.date_formats = dict(formats)
    summary.date_detected = {c.field: c.detected for c in choices if c.detected is not None}
    import_id = _start_import(store, path, source.format, label)
    stem = path.name if label is None else re.sub(r"[^\w.-]+", "_", label).lstrip(".")[-120:]
    rejects = RejectsWriter(
        settings.rejects_folder() / f"rejects-{import_id}-{stem}.csv", file=label
    )
    warnings = Warnings()
    batch: list[tuple[int, Normalized]] = []
    bar = _ProgressBar(path.name, source) if progress else None
    commit = _Committer(store, summary, rejects, import_id, settings, on_commit)
    try:
        if source.format == "native" and source.container == "parquet":
            _read_parquet(source, summary, warnings, rejects, commit, settings, bar, formats)
        else:
            for item in _with_progress(source, bar):
                summary.read += 1
                if isinstance(item, Reject):
                    rejects.write(item.path, item.line, item.field, item.reason, item.raw)
                    continue
                try:
                    batch.append((item.line, normalize(item.fields, warnings, formats)))
                except FieldError as e:
                    rejects.write(item.path, item.line, e.field, e.reason, _raw(item.fields))
                    continue
                if len(batch) >= settings.batch_size:
                    commit.rows(batch)
                    batch = []
            if batch:
                commit.rows(batch)
        summary.rejected = rejects.count
        _finish_import(store, import_id, summary, "done")
    except BaseException:
        summary.rejected = rejects.count
        _finish_import(store, import_id, summary, "failed")
        raise
    finally:
        rejects.close()
        if bar is not None:
            bar.close()
    summary.rejects_path = str(rejects.path) if rejects.count else None
    summary.unrecognised = dict(warnings.counts)
    summary.unrecognised_examples = dict(warnings.examples)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _raw(fields: Mapping[str, Any]) -> str:
    text = repr(dict(fields))
    return text if len(text) <= 1024 else text[:1021] + "..."


def _start_import(store: Store, path: Path, fmt: str, label: str | None = None) -> int:
    location = label or str(path.resolve())
    with store.transaction() as con:
        # DuckDB admits one writer process: an import still 'running' was killed mid-way.
        con.execute("UPDATE imports SET status = 'interrupted' WHERE status = 'running'")
        row = con.execute(
            "SELECT id FROM sources WHERE kind = 'file' AND location = ?", [location]
        ).fetchall()
        if row:
            source_id = row[0][0]
        else:
            source_id = con.execute("SELECT nextval('sources_id_seq')").fetchall()[0][0]
            con.execute(
                "INSERT INTO sources (id, kind, name, location, format, added_at) "
                "VALUES (?, 'file', ?, ?, ?, ?)",
                [source_id, label or path.name, location, fmt, utcnow()],
            )
        import_id = con.execute("SELECT nextval('imports_id_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO imports (id, source_id, path, format, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, 'running')",
            [import_id, source_id, location, fmt, utcnow()],
        )
    return int(import_id)


def _finish_import(store: Store, import_id: int, s: FileSummary, status: str) -> None:
    store.execute(
        "UPDATE imports SET finished_at = ?, status = ?, rows_read = ?, rejected = ?, "
        "rejects_path = ? WHERE id = ?",
        [utcnow(), status, s.read, s.rejected, s.rejects_path, import_id],
    )


def _read_parquet(
    source: Any,
    summary: FileSummary,
    warnings: Warnings,
    rejects: RejectsWriter,
    commit: _Committer,
    settings: Settings,
    bar: _ProgressBar | None,
    formats: Mapping[str, str],
) -> None:
    """Native Parquet: stage clean batches column-wise, fall back to rows for the others."""
    import pyarrow.parquet as pq

    line, path = 1, str(source.path)
    pf = pq.ParquetFile(source.path)
    # Large batches: each one is deduplicated against the whole table with an anti-join.
    for record_batch in pf.iter_batches(batch_size=settings.columnar_batch_size):
        summary.read += record_batch.num_rows
        staged = None if formats else stage_batch(record_batch, line)  # formats: row by row
        if staged is not None:
            commit.staged(*staged, [], record_batch.num_rows)
        else:  # row by row, in row-path batches so that memory stays bounded
            for start in range(0, record_batch.num_rows, settings.batch_size):
                chunk = record_batch.slice(start, settings.batch_size)
                rows: list[tuple[int, Normalized]] = []
                for offset, raw in enumerate(chunk.to_pylist(), start=line + start):
                    try:  # the preset's rules, as for CSV and JSONL (blank -> missing...)
                        (fields,) = source.preset.convert(Item(offset, raw, None, path))
                        rows.append((offset, normalize(fields, warnings, formats)))
                    except FieldError as e:
                        rejects.write(path, offset, e.field, e.reason, _raw(raw))
                if rows:
                    commit.rows(rows)
        line += record_batch.num_rows
        if bar is not None:
            bar.set_rows(summary.read, fraction=line / max(pf.metadata.num_rows, 1))


class _Committer:
    """Commits batches of one import: authors, posts, labels and counters in one transaction."""

    def __init__(
        self,
        store: Store,
        summary: FileSummary,
        rejects: RejectsWriter,
        import_id: int,
        settings: Settings,
        on_commit: OnCommit | None,
    ):
        self.store = store
        self.summary = summary
        self.rejects = rejects
        self.import_id = import_id
        self.settings = settings
        self.on_commit = on_commit

    def rows(self, batch: list[tuple[int, Normalized]]) -> None:
        """Commit normalised rows."""
        posts = [{**n.post, "_line": line} for line, n in batch]
        authors = [{**n.author, "_line": line} for line, n in batch if n.author is not None]
        # one row per cascade (every node of a tree carries its label): dedupe before SQL
        labels = list(
            dict.fromkeys(
                (n.post["platform"], n.post["root_id"] or n.post["id"], n.cascade_label)
                for _, n in batch
                if n.cascade_label is not None
            )
        )
        self.staged(
            pa.Table.from_pylist(posts, schema=STAGE_POSTS),
            pa.Table.from_pylist(authors, schema=STAGE_AUTHORS),
            labels,
            len(batch),
        )

    def staged(
        self, posts: pa.Table, authors: pa.Table, labels: list[tuple[str, str, str]], n: int
    ) -> None:
        """Commit staged tables (``n`` records)."""
        if self.settings.detect_language:
            posts = _detect_missing_languages(posts)
        posts, authors, suppressed = screen(self.store, posts, authors)  # erased people
        summary, con = self.summary, self.store.con
        source_name = Path(summary.path).name
        con.register("stage_posts", posts)
        con.register("stage_authors", authors)
        try:
            with self.store.transaction():
                seq = con.execute("SELECT nextval('ingest_seq')").fetchall()[0][0]
                _upsert_authors(self.store)
                apply_rectifications(self.store)
                inserted = _insert_posts(self.store, seq, source_name, posts)
                if labels:
                    con.executemany(
                        "INSERT OR IGNORE INTO cascades VALUES (?, ?, ?, ?)",
                        [(*lab, source_name) for lab in labels],
                    )
                summary.imported += inserted
                summary.suppressed += suppressed
                summary.duplicates += n - suppressed - inserted
                summary.batches += 1
                con.execute(
                    "UPDATE imports SET rows_read = ?, imported = ?, duplicates = ?, "
                    "rejected = ?, batches = ? WHERE id = ?",
                    [
                        summary.read,
                        summary.imported,
                        summary.duplicates,
                        self.rejects.count,
                        summary.batches,
                        self.import_id,
                    ],
                )
        finally:
            con.unregister("stage_posts")
            con.unregister("stage_authors")
        if os.environ.get("AGORASCOPE_TRACE_BATCHES"):
            sys.stderr.write(f"committed batch {summary.batches} ({summary.imported} posts)\n")
            sys.stderr.flush()
        if self.on_commit is not None and inserted:
            self.on_commit(self.store.arrow("SELECT * FROM post_view WHERE ingest_seq = ?", [seq]))


def _detect_missing_languages(posts: pa.Table) -> pa.Table:
    """Fill ``lang`` where it is missing and there is text to identify."""
    import pyarrow.compute as pc

    need = pc.and_(pc.is_null(posts["lang"]), pc.is_valid(posts["text"]))
    if not pc.any(need).as_py():
        return posts
    langs = posts["lang"].to_pylist()
    texts = posts["text"].to_pylist()
    for i, flag in enumerate(need.to_pylist()):
        if flag:
            langs[i] = detect_language(texts[i])
    idx = posts.schema.get_field_index("lang")
    return posts.set_column(idx, "lang", pa.array(langs, pa.string()))


def _upsert_authors(store: Store) -> None:
    """Merge the batch's author observations into ``authors``.

    Within the batch, each field takes its most recent non-missing value (by ``observed_at``,
    then file order); against the table, a newer observation wins field by field and a
    missing value never erases a known one.
    """
    con = store.con
    # "Most recent" is the largest (observed_at NULLS FIRST, _line), packed into one HUGEINT
    # (_line < 2**40) so that arg_max replaces an ordered aggregate per column (twice as fast).
    order_key = (
        "coalesce(epoch_us(observed_at)::HUGEINT, -4611686018427387904::HUGEINT) * 1099511627776"
        " + _line"
    )
    merged = ", ".join(
        f"arg_max({c}, _k) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in _AUTHOR_UPDATABLE
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE stage_merged AS
        SELECT platform, id, {merged}, max(observed_at) AS observed_at
        FROM (SELECT *, {order_key} AS _k FROM stage_authors) GROUP BY platform, id"""
    )
    newer = "(a.observed_at IS NULL OR m.observed_at >= a.observed_at)"
    updates = ", ".join(
        f"{c} = CASE WHEN {newer} THEN coalesce(m.{c}, a.{c}) ELSE coalesce(a.{c}, m.{c}) END"
        for c in _AUTHOR_UPDATABLE
    )
    con.execute(
        f"""UPDATE authors AS a SET {updates},
            observed_at = greatest(a.observed_at, m.observed_at)
        FROM stage_merged m WHERE a.platform = m.platform AND a.id = m.id"""
    )
    cols = ", ".join(_AUTHOR_NAMES)
    con.execute(
        f"""INSERT INTO authors ({cols}) SELECT {cols} FROM stage_merged m
        WHERE NOT EXISTS (SELECT 1 FROM authors a WHERE a.platform = m.platform AND a.id = m.id)"""
    )
    con.execute("DROP TABLE stage_merged")


def _insert_posts(store: Store, seq: int, source: str, posts: pa.Table) -> int:
    """Insert the batch's new posts; the first occurrence of an id in the batch wins.

    The in-batch deduplication and the author-country join cost a pass each over the batch:
    they run only when the batch needs them (checked on the Arrow table first).
    """
    import pyarrow.compute as pc

    keys = pc.binary_join_element_wise(posts["platform"], posts["id"], "\x1f")
    staged = "stage_posts"
    if pc.count_distinct(keys).as_py() < posts.num_rows:
        staged = """(SELECT * FROM stage_posts
            QUALIFY row_number() OVER (PARTITION BY platform, id ORDER BY _line) = 1)"""
    if pc.any(pc.and_(pc.is_null(posts["country"]), pc.is_valid(posts["author_id"]))).as_py():
        country = "coalesce(s.country, a.country)"
        join = "LEFT JOIN authors a ON a.platform = s.platform AND a.id = s.author_id"
    else:
        country, join = "s.country", ""
    values = _POST_VALUES | {"country": country}
    select = ", ".join(values.get(c, f"s.{c}") for c in POST_COLUMNS)
    rows = store.con.execute(
        f"""INSERT INTO posts ({", ".join(POST_COLUMNS)})
        SELECT {select}
        FROM {staged} s {join}
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.platform = s.platform AND p.id = s.id)""",
        {"source": source, "collected_at": utcnow(), "ingest_seq": seq},
    ).fetchall()
    return int(rows[0][0])


class _ProgressBar:
    """A Rich progress bar over the bytes of one source."""

    def __init__(self, name: str, source: Any):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.source = source
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows"),
            TimeRemainingColumn(),
            console=Console(stderr=True),  # standard output is for results
            transient=False,
        )
        self.task = self.progress.add_task(name, total=source.total_bytes or None, rows=0)
        self.progress.start()
        self.rows = 0

    def set_rows(self, rows: int, fraction: float) -> None:
        self.rows = rows
        total = self.source.total_bytes or 1
        self.progress.update(self.task, completed=int(total * fraction), rows=rows)

    def advance(self) -> None:
        self.rows += 1
        if self.rows % 2000 == 0:
            self.progress.update(self.task, completed=self.source.bytes_read, rows=self.rows)

    def close(self) -> None:
        done = self.source.bytes_read or self.source.total_bytes
        self.progress.update(self.task, completed=done, rows=self.rows)
        self.progress.stop()


def _with_progress(source: Iterable[Any], bar: _ProgressBar | None) -> Iterable[Any]:
    if bar is None:
        yield from source
        return
    for item in source:
        bar.advance()
        yield item
