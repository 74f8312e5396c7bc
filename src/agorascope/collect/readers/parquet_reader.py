"""Parquet files, batch by batch."""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from agorascope.collect.readers.base import (
    _GZIP_MAGIC,
    Item,
    Progress,
    Reject,
)
from agorascope.errors import ImportFormatError


def _parquet_path(path: Path, tmpdir: str) -> Path:
    """``path`` itself, or a decompressed copy when it is gzip-compressed."""
    with open(path, "rb") as f:
        if f.read(2) != _GZIP_MAGIC:
            return path
    target = Path(tmpdir) / "data.parquet"
    with gzip.open(path, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def parquet_columns(path: Path) -> list[str]:
    """Top-level column names of a Parquet file (gzip-compressed or not)."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        try:
            return list(pq.read_schema(_parquet_path(path, tmp)).names)
        except Exception as e:  # pyarrow raises several types for a bad file
            raise ImportFormatError(f"{path}: not a readable Parquet file: {e}") from e


def iter_parquet(path: Path, progress: Progress, batch_size: int = 8192) -> Iterator[Item | Reject]:
    """Stream a Parquet file batch by batch as column -> value dicts (row numbers from 1)."""
    import pyarrow.parquet as pq

    name = str(path)
    total = os.path.getsize(path)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            pf = pq.ParquetFile(_parquet_path(path, tmp))
        except Exception as e:
            raise ImportFormatError(f"{path}: not a readable Parquet file: {e}") from e
        rows = max(pf.metadata.num_rows, 1)
        row_no = 0
        for batch in pf.iter_batches(batch_size=batch_size):
            for row in batch.to_pylist():
                row_no += 1
                yield Item(row_no, row, None, name)
            progress.bytes_read = total * row_no // rows
