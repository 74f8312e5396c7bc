"""Export posts in agorascope's native flat layout (CSV, JSONL or Parquet).

What an export writes, an import reads back to the same rows: the round trip is tested.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from agorascope.errors import InvalidInputError
from agorascope.store.store import Store, utcnow

__all__ = ["EXPORT_COLUMNS", "export_posts", "record_export"]

ExportFormat = Literal["parquet", "jsonl", "csv"]

_SELECT = """
SELECT p.platform, p.id, p.author_id, p.created_at, p.text, p.lang, p.country, p.url,
       p.parent_id, p.root_id, p.relation, p.likes, p.reposts, p.replies, p.views,
       p.hashtags, p.mentions, p.urls,
       a.handle AS author_handle, a.name AS author_name, a.followers AS author_followers,
       a.following AS author_following, a.posts_count AS author_posts_count,
       a.country AS author_country, a.location AS author_location,
       a.verified AS author_verified, a.category AS author_category,
       a.created_at AS author_created_at,
       c.label AS cascade_label
FROM posts p
LEFT JOIN authors a ON a.platform = p.platform AND a.id = p.author_id
LEFT JOIN cascades c ON c.platform = p.platform AND c.root_id = coalesce(p.root_id, p.id)
ORDER BY p.ingest_seq, p.platform, p.id
"""
EXPORT_COLUMNS = (
    "platform", "id", "author_id", "created_at", "text", "lang", "country", "url",
    "parent_id", "root_id", "relation", "likes", "reposts", "replies", "views",
    "hashtags", "mentions", "urls", "author_handle", "author_name", "author_followers",
    "author_following", "author_posts_count", "author_country", "author_location",
    "author_verified", "author_category", "author_created_at", "cascade_label",
)  # fmt: skip


def _batches(store: Store, rows_per_batch: int = 100_000) -> Iterator[pa.RecordBatch]:
    reader = store.con.sql(_SELECT).to_arrow_reader(rows_per_batch)
    yield from reader


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def record_export(
    store: Store, kind: str, path: str | Path, rows: int | None, pseudonymised: bool
) -> int:
    """Record a file written from the store (an export or a report) in the export registry,
    so that an erasure can find it (docs/privacy.md). Returns its id."""
    export_id = int(store.execute("SELECT nextval('exports_id_seq')")[0][0])
    store.execute(
        "INSERT INTO exports VALUES (?, ?, ?, ?, ?, ?)",
        [export_id, kind, str(Path(path).resolve()), rows, pseudonymised, utcnow()],
    )
    return export_id


def export_posts(store: Store, path: str | Path, format: ExportFormat | None = None) -> int:
    """Write every post (with its author's profile and cascade label) to ``path``, recorded
    in the export registry.

    Args:
        store: the store to read.
        path: the output file; its suffix gives the format when ``format`` is None.
        format: ``parquet``, ``jsonl`` or ``csv``.

    Returns:
        The number of posts written.

    Raises:
        InvalidInputError: the format is unknown.
    """
    out = Path(path)
    fmt = format or {".parquet": "parquet", ".jsonl": "jsonl", ".csv": "csv"}.get(out.suffix)
    if fmt not in ("parquet", "jsonl", "csv"):
        raise InvalidInputError(f"{out}: cannot tell the export format (use .parquet/.jsonl/.csv)")
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        writer: Any = None
        for batch in _batches(store):
            if writer is None:
                writer = pq.ParquetWriter(out, batch.schema)
            writer.write_batch(batch)
            count += batch.num_rows
        if writer is None:
            empty = store.con.sql(_SELECT).to_arrow_table()
            pq.write_table(empty, out)
        else:
            writer.close()
        record_export(store, "posts", out, count, pseudonymised=False)
        return count
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv_writer = csv.writer(fh) if fmt == "csv" else None
        if csv_writer is not None:
            csv_writer.writerow(EXPORT_COLUMNS)
        for batch in _batches(store):
            for row in batch.to_pylist():
                count += 1
                if csv_writer is None:
                    fh.write(
                        json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False)
                        + "\n"
                    )
                else:
                    csv_writer.writerow([_csv_cell(row[c]) for c in EXPORT_COLUMNS])
    record_export(store, "posts", out, count, pseudonymised=False)
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
