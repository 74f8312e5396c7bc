"""Writes demo posts to Parquet, JSON Lines or CSV, streaming batch by batch.

Parquet keeps the Arrow types. JSON Lines writes one object per post with lists as JSON arrays
and times as ``"YYYY-MM-DD HH:MM:SS[.ffffff]"`` (naive UTC). CSV has a header row, the same time
format, ``true`` / ``false`` booleans, empty cells for nulls and the list columns as
space-separated values (``olympics paris2024``; empty for an empty list), the form the CSV
importer splits (hashtags, handles and URLs never contain spaces). The file appears only once
complete (written beside it, then renamed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from agorascope.demo.scenario import Scenario
from agorascope.demo.world import DEMO_SCHEMA, generate
from agorascope.errors import InvalidInputError

__all__ = ["FORMATS", "Format", "format_of", "write"]

Format = Literal["parquet", "jsonl", "csv"]
FORMATS: dict[str, Format] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}
"""File suffixes and the format they mean."""
_LISTS = ("hashtags", "mentions", "urls")


def format_of(path: Path) -> Format:
    """The format a file suffix means.

    Raises:
        InvalidInputError: for an unknown suffix.
    """
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InvalidInputError(
            f"cannot tell the format of {path.name!r} from its suffix (known: {known})"
        ) from None


def write(
    path: Path,
    posts: int,
    seed: int,
    format: Format | None = None,
    progress: bool = False,
    *,
    start: datetime | None = None,
    batch_size: int = 250_000,
    scenario: Scenario | None = None,
) -> Path:
    """Generates ``posts`` demo posts and writes them to ``path``.

    Args:
        path: the file to write (replaced if it exists).
        posts: number of posts.
        seed: random seed (see :func:`~agorascope.demo.generate`).
        format: ``"parquet"``, ``"jsonl"`` or ``"csv"``; from the suffix of ``path`` if None.
        progress: show a Rich progress bar.
        start: first instant of the week (naive UTC).
        batch_size: rows generated and written at a time (the rows do not depend on it;
            250,000 keeps the memory near 400 MB).
        scenario: the world to draw (the default scenario if None).

    Returns:
        ``path``.

    Raises:
        InvalidInputError: unknown format, negative ``posts`` or bad ``batch_size``.

    Examples:
        >>> from pathlib import Path
        >>> import tempfile
        >>> out = write(Path(tempfile.mkdtemp()) / "demo.parquet", 1_000, seed=1)
        >>> out.suffix
        '.parquet'
    """
    path = Path(path)
    fmt = format_of(path) if format is None else format
    if fmt not in ("parquet", "jsonl", "csv"):
        raise InvalidInputError(f"unknown format {fmt!r} (parquet, jsonl or csv)")
    batches = generate(posts, seed, start=start, batch_size=batch_size, scenario=scenario)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        if progress:
            batches = _with_progress(batches, posts, path.name)
        if fmt == "parquet":
            _write_parquet(tmp, batches)
        else:
            _write_duckdb(tmp, batches, fmt)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _with_progress(
    batches: Iterator[pa.RecordBatch], total: int, label: str
) -> Iterator[pa.RecordBatch]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task(f"writing {label}", total=total)
        for batch in batches:
            yield batch
            bar.advance(task, batch.num_rows)


def _write_parquet(path: Path, batches: Iterator[pa.RecordBatch]) -> None:
    with pq.ParquetWriter(path, DEMO_SCHEMA, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)


def _write_duckdb(path: Path, batches: Iterator[pa.RecordBatch], fmt: Format) -> None:
    import duckdb

    reader = pa.RecordBatchReader.from_batches(DEMO_SCHEMA, batches)
    target = str(path).replace("'", "''")  # a file name, not user SQL: quote it as a literal
    con = duckdb.connect()
    try:
        con.register("demo_posts", reader)
        if fmt == "jsonl":
            con.execute(f"COPY (SELECT * FROM demo_posts) TO '{target}' (FORMAT json)")
        else:
            lists = ", ".join(f"array_to_string({c}, ' ') AS {c}" for c in _LISTS)
            con.execute(
                f"COPY (SELECT * REPLACE ({lists}) FROM demo_posts) TO '{target}' "
                "(FORMAT csv, HEADER)"
            )
    finally:
        con.close()
