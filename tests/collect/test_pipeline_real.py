"""The import pipeline on the bundled real slices, checked against independent counts."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from agorascope.collect.pipeline import ImportSummary
from agorascope.config import Settings
from agorascope.demo.load import BUNDLED, bundled_path
from agorascope.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(db=tmp_path / "s.duckdb", batch_size=1000)
    with Workspace(settings) as w:
        yield w


def _rows(resource: str) -> list[dict[str, str]]:
    with bundled_path(resource) as p, gzip.open(p, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _import(ws: Workspace, fmt: str) -> ImportSummary:
    with bundled_path(BUNDLED[fmt]) as p:
        return ws.import_files([p])  # the format is detected


def test_ira_counts_match_an_independent_count(ws: Workspace) -> None:
    rows = _rows(BUNDLED["ira"])
    distinct = {tuple(r.values()) for r in rows}  # exact duplicate rows are one tweet
    s = _import(ws, "ira").files[0]
    assert s.format == "ira"
    assert (s.read, s.imported, s.duplicates, s.rejected) == (
        len(rows),
        len(distinct),
        len(rows) - len(distinct),
        0,
    )
    stats = ws.stats()
    assert stats["posts"] == len(distinct)
    assert stats["authors"] == len({r["author_id"] for r in rows})
    kinds = {"R": "repost", "Q": "quote", "": "original"}
    expected = {}
    for r in distinct:
        rel = kinds[r[9]]
        expected[rel] = expected.get(rel, 0) + 1
    assert {d["value"]: d["posts"] for d in stats["by_relation"]} == expected


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = _import(ws, "ira").totals
    again = _import(ws, "ira").totals
    assert again["imported"] == 0
    assert again["duplicates"] == first["imported"] + first["duplicates"]
    assert ws.stats()["posts"] == first["imported"]


def _node(cascade: str, user: str, tweet: str, delay: str) -> tuple[str, str, str, float]:
    return (cascade, user, tweet, float(delay))


def test_cascade_trees_match_an_independent_count(ws: Workspace) -> None:
    rows = _rows(BUNDLED["cascade-trees"])
    self_loops = [
        r for r in rows
        if (r["user"], r["tweet"], float(r["delay_min"]))
        == (r["parent_user"], r["parent_tweet"], float(r["parent_delay_min"]))
    ]  # fmt: skip
    nodes = {
        _node(r["cascade_id"], r["user"], r["tweet"], r["delay_min"])
        for r in rows
        if r not in self_loops
    }
    s = _import(ws, "cascade-trees").files[0]
    assert s.format == "cascade-trees"
    assert s.read == len(rows)
    assert s.rejected == len(self_loops)  # kept aside with a reason, not silently dropped
    assert s.imported == len(nodes)
    assert s.duplicates == len(rows) - len(self_loops) - len(nodes)
    stats = ws.stats()
    assert stats["posts"] == len(nodes)
    assert stats["cascades"] == len({r["cascade_id"] for r in rows})
    labels = dict(ws.store.execute("SELECT root_id, label FROM cascades"))
    assert labels == {r["cascade_id"]: r["label"] for r in rows}
    # every non-root node points at a parent that exists in the store
    orphans = ws.store.execute(
        "SELECT count(*) FROM posts p WHERE parent_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM posts q WHERE q.platform = p.platform AND q.id = p.parent_id)"
    )[0][0]
    assert orphans == 0


def test_rejects_file_names_file_line_field_and_reason(ws: Workspace) -> None:
    s = _import(ws, "cascade-trees").files[0]
    assert s.rejects_path is not None
    with open(s.rejects_path, newline="", encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    assert len(rejects) == s.rejected
    first = rejects[0]
    assert first["file"].endswith("twitter15_slice.csv.gz")
    assert int(first["line"]) > 1
    assert first["field"] and first["reason"] and first["raw"]
    assert ws.store.execute("SELECT rejected, status FROM imports")[0] == (s.rejected, "done")
