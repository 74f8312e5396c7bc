"""Parquet, JSON Lines and CSV round trips of the demo posts."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agorascope.demo import DEMO_SCHEMA, write
from agorascope.demo.writers import format_of
from agorascope.errors import InvalidInputError

from ._helpers import make_table

POSTS, SEED = 1_500, 4
_INTS = {f.name for f in DEMO_SCHEMA if pa.types.is_integer(f.type)}
_TIMES = {f.name for f in DEMO_SCHEMA if pa.types.is_timestamp(f.type)}
_LISTS = {f.name for f in DEMO_SCHEMA if pa.types.is_list(f.type)}


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    return make_table(POSTS, SEED).to_pylist()  # type: ignore[no-any-return]


def _typed(row: dict[str, Any], from_csv: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        if from_csv and name in _LISTS:
            out[name] = value.split()
            continue
        if from_csv and value == "":
            value = None
        if value is None:
            out[name] = None
        elif name in _TIMES:
            out[name] = datetime.fromisoformat(value)
        elif from_csv and name in _INTS:
            out[name] = int(value)
        elif from_csv and name == "author_verified":
            out[name] = {"true": True, "false": False}[value]
        else:
            out[name] = value
    return out


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path / "demo.parquet", POSTS, SEED, batch_size=400)
    table = pq.read_table(path)
    assert table.schema.remove_metadata() == DEMO_SCHEMA
    assert table.equals(make_table(POSTS, SEED))


def test_jsonl_round_trip(tmp_path: Path, expected: list[dict[str, Any]]) -> None:
    path = write(tmp_path / "demo.jsonl", POSTS, SEED, batch_size=400)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [_typed(json.loads(line), from_csv=False) for line in lines]
    assert list(rows[0]) == DEMO_SCHEMA.names
    assert rows == expected


def test_csv_round_trip(tmp_path: Path, expected: list[dict[str, Any]]) -> None:
    path = write(tmp_path / "demo.csv", POSTS, SEED, batch_size=400)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == DEMO_SCHEMA.names
        rows = [_typed(row, from_csv=True) for row in reader]
    assert rows == expected


def test_explicit_format_wins_over_the_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "demo.data", 50, SEED, format="jsonl")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 50
    assert [p.name for p in tmp_path.iterdir()] == ["demo.data"]  # no partial file left


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.parquet", "parquet"), ("a.PQ", "parquet"), ("a.ndjson", "jsonl"), ("a.csv", "csv")],
    ids=["parquet", "pq-upper", "ndjson", "csv"],
)
def test_format_from_suffix(name: str, fmt: str) -> None:
    assert format_of(Path(name)) == fmt


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"\.xlsx"):
        write(tmp_path / "demo.xlsx", 10, SEED)
    with pytest.raises(InvalidInputError):
        write(tmp_path / "demo.csv", 10, SEED, format="xml")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "demo.csv", 300, SEED, progress=True, batch_size=100)
    assert "demo.csv" in capsys.readouterr().out
    assert len((tmp_path / "demo.csv").read_text(encoding="utf-8").splitlines()) == 301
