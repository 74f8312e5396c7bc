"""Fixtures of the privacy tests: a store holding a slice of the bundled IRA tweets.

Three accounts of ``src/agorascope/data/social/ira_tweets_slice.csv.gz`` (FiveThirtyEight,
CC BY 4.0), plus one row of AmyMusicLL with its date broken (a reject that names her) and a
small native file of reposts and replies (ids of our own) to test the reposts rule.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import agorascope
from agorascope.config import Settings
from agorascope.workspace import Workspace

SLICE = Path(agorascope.__file__).parent / "data" / "social" / "ira_tweets_slice.csv.gz"
ACCOUNTS = ("10_gop", "AmyMusicLL", "Johns_Gavin_")
ERASED = "AmyMusicLL"


def ira_rows(accounts: tuple[str, ...] = ACCOUNTS) -> list[dict[str, str]]:
    """The bundled slice's rows of ``accounts``."""
    with gzip.open(SLICE, "rt", encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["author_id"] in accounts]


def write_ira(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def ira_file(tmp_path: Path) -> Path:
    rows = ira_rows()
    broken = dict(next(r for r in rows if r["author_id"] == ERASED))
    broken["publish_date"] = "not a date"
    return write_ira(tmp_path / "ira.csv", [*rows, broken])


THREAD = [
    {
        "platform": "x",
        "id": "p1",
        "author_id": "u_erased",
        "author_handle": "erasedone",
        "text": "An original thought by the erased person, quite unique wording zqxv",
        "created_at": "2024-01-01T10:00:00",
        "relation": "original",
    },
    {
        "platform": "x",
        "id": "p2",
        "author_id": "u_other",
        "author_handle": "otherone",
        "text": "RT @erasedone: An original thought by the erased person, "
        "quite unique wording zqxv",
        "created_at": "2024-01-01T11:00:00",
        "relation": "repost",
        "parent_id": "p1",
        "root_id": "p1",
    },
    {
        "platform": "x",
        "id": "p3",
        "author_id": "u_other",
        "author_handle": "otherone",
        "text": "I disagree with @erasedone about this",
        "created_at": "2024-01-01T12:00:00",
        "relation": "reply",
        "parent_id": "p1",
        "root_id": "p1",
    },
    {
        "platform": "x",
        "id": "p4",
        "author_id": "u_other",
        "author_handle": "otherone",
        "text": "Unrelated words of the other person",
        "created_at": "2024-01-02T12:00:00",
        "relation": "original",
    },
]


@pytest.fixture
def thread_file(tmp_path: Path) -> Path:
    path = tmp_path / "thread.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in THREAD), encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path: Path, ira_file: Path) -> Iterator[Workspace]:
    settings = Settings(db=tmp_path / "store" / "t.duckdb", detect_language=False)
    workspace = Workspace(settings)
    workspace.import_files([ira_file], format="ira")
    yield workspace
    workspace.close()
