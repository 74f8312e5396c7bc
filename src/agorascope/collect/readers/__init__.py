"""Streaming container readers: CSV, JSONL, JSON and Parquet files, plain, gzip or zstd.

A reader turns a file into :class:`Item` values (one raw row or JSON value with its line number)
and :class:`Reject` values (what could not be read), in bounded memory: a 10-million-row file is
read line by line (CSV, JSONL), value by value (JSON) or batch by batch (Parquet). Presets
(:mod:`agorascope.collect.presets`) turn items into canonical :class:`Record` values.

Rules shared by every reader:

- Line numbers are 1-based physical lines (the CSV header is line 1); for Parquet, the row
  number; for a JSON array, the line where the element starts.
- A gzip or zstd file is recognised by its magic bytes; ``bytes_read`` counts compressed
  bytes. zstd frames may use windows up to 2 GB (the Reddit dumps' ``--long=31``).
- CSV text is UTF-8 (with or without a BOM). When a 64 KB sample is not valid UTF-8, the file is
  decoded as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined); when a later line is
  not valid UTF-8, decoding switches to cp1252 from that line on, so no row is lost.
- NUL bytes in CSV are removed. A physical line or record longer than :data:`MAX_FIELD_BYTES`
  becomes a :class:`Reject` and reading resumes after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from agorascope.collect.readers.base import (
    CONTAINERS,
    MAX_FIELD_BYTES,
    RAW_MAX_CHARS,
    Item,
    Progress,
    Record,
    Reject,
    detect_container,
    read_sample,
    truncate_raw,
)
from agorascope.collect.readers.csv_reader import iter_csv, iter_tab_rows, read_header
from agorascope.collect.readers.json_reader import iter_json, iter_jsonl
from agorascope.collect.readers.parquet_reader import iter_parquet, parquet_columns
from agorascope.errors import ImportFormatError

__all__ = [
    "CONTAINERS",
    "MAX_FIELD_BYTES",
    "RAW_MAX_CHARS",
    "Item",
    "Progress",
    "Record",
    "Reject",
    "detect_container",
    "iter_container",
    "iter_csv",
    "iter_json",
    "iter_jsonl",
    "iter_parquet",
    "iter_tab_rows",
    "parquet_columns",
    "read_header",
    "read_sample",
    "truncate_raw",
]


def iter_container(path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
    """Stream the items of a file in the given container.

    Raises:
        ImportFormatError: unknown container, or a file that cannot be opened in it.
    """
    readers = {"csv": iter_csv, "jsonl": iter_jsonl, "json": iter_json, "parquet": iter_parquet}
    try:
        reader = readers[container]
    except KeyError:
        raise ImportFormatError(f"{path}: no reader for container {container!r}") from None
    return reader(path, progress)
