"""Posts whose author is given by handle only keep their author (row and columnar paths)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agorascope.collect.columnar import stage_batch
from agorascope.config import Settings
from agorascope.workspace import Workspace

HEADER = ["platform", "id", "author_handle", "author_name", "author_followers", "text",
          "created_at"]  # fmt: skip
ROWS = [
    ["x", "1", "@alice", "Alice", "10", "hello world", "2024-01-01T00:00:00"],
    ["x", "2", "bob", "Bob", "", "hi", "2024-01-02T00:00:00"],
    ["x", "3", "alice", "", "12", "again", "2024-01-03T00:00:00"],
    ["x", "4", "", "Nobody", "", "no author", "2024-01-04T00:00:00"],
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def _parquet(path: Path, rows: list[list[str]]) -> Path:
    records = [dict(zip(HEADER, r, strict=True)) for r in rows]
    for r in records:
        r["author_handle"] = r["author_handle"].lstrip("@") or None
        r["author_name"] = r["author_name"] or None
        r["author_followers"] = int(r["author_followers"]) if r["author_followers"] else None
        r["created_at"] = pa.scalar(r["created_at"]).cast(pa.timestamp("us")).as_py()
    pq.write_table(pa.Table.from_pylist(records), path)
    return path


def _import(tmp: Path, *files: Path) -> tuple[list[Any], list[Any], list[Any]]:
    settings = Settings(db=tmp / f"{files[0].stem}.duckdb", detect_language=False)
    with Workspace(settings) as ws:
        summaries = [ws.import_files([f], index=False).files[0] for f in files]
        posts = ws.store.execute("SELECT id, author_id, author_handle FROM post_view ORDER BY id")
        authors = ws.store.execute("SELECT id, handle, name, followers FROM authors ORDER BY id")
    return summaries, posts, authors


EXPECTED_POSTS = [("1", "alice", "alice"), ("2", "bob", "bob"), ("3", "alice", "alice"),
                  ("4", None, None)]  # fmt: skip
EXPECTED_AUTHORS = [("alice", "alice", "Alice", 12), ("bob", "bob", "Bob", None)]


def test_csv_with_handles_and_no_author_id_keeps_every_author(tmp_path: Path) -> None:
    (s,), posts, authors = _import(tmp_path, _csv(tmp_path / "h.csv", ROWS))
    assert (s.read, s.imported, s.duplicates, s.rejected) == (4, 4, 0, 0)
    assert posts == EXPECTED_POSTS
    assert authors == EXPECTED_AUTHORS
    # the author fields of the post that names no author are reported, not silently dropped
    assert s.unrecognised == {"author": 1}
    assert s.unrecognised_examples == {"author": ["author_name"]}


def test_the_derived_author_is_shared_across_imports(tmp_path: Path) -> None:
    first = _csv(tmp_path / "a.csv", ROWS[:2])
    later = [["x", "9", "alice", "Alice B.", "20", "later", "2024-02-01T00:00:00"]]
    (_, s), posts, authors = _import(tmp_path, first, _csv(tmp_path / "b.csv", later))
    assert s.imported == 1
    assert ("9", "alice", "alice") in posts
    assert authors == [("alice", "alice", "Alice B.", 20), ("bob", "bob", "Bob", None)]


def test_parquet_columnar_path_derives_the_same_authors(tmp_path: Path) -> None:
    clean = _parquet(tmp_path / "clean.parquet", ROWS[:3])
    batch = pq.read_table(clean).to_batches()[0]
    assert stage_batch(batch, 1) is not None  # this file takes the columnar path
    (s,), posts, authors = _import(tmp_path, clean)
    _, csv_posts, csv_authors = _import(tmp_path, _csv(tmp_path / "clean.csv", ROWS[:3]))
    assert (s.read, s.imported, s.rejected, s.unrecognised) == (3, 3, 0, {})
    assert (posts, authors) == (csv_posts, csv_authors) == (EXPECTED_POSTS[:3], EXPECTED_AUTHORS)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("author_handle", " alice"),  # the row path trims it
        ("author_handle", ""),  # the row path makes it missing
        ("author_name", "x" * 1001),  # the row path rejects it
    ],
    ids=["untrimmed-handle", "blank-handle", "long-name"],
)
def test_values_the_row_path_would_change_leave_the_columnar_path(column: str, value: str) -> None:
    table = pa.table({"platform": ["x"], "id": ["1"], column: [value]})
    assert stage_batch(table.to_batches()[0], 1) is None


def test_author_fields_without_an_author_leave_the_columnar_path(tmp_path: Path) -> None:
    table = pa.table({"platform": ["x", "x"], "id": ["1", "2"], "author_name": ["A", None]})
    assert stage_batch(table.to_batches()[0], 1) is None
    pq.write_table(table, tmp_path / "n.parquet")
    (s,), _, authors = _import(tmp_path, tmp_path / "n.parquet")
    assert (s.imported, s.unrecognised, authors) == (2, {"author": 1}, [])
