"""Fixtures of the open-data tests: a small store with posts by located authors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.workspace import Workspace

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent / "api"))
sys.path.insert(0, str(HERE.parent / "web"))

POSTS = [
    # (post id, author id, location, country, created_at)
    ("p1", "a1", "Chicago, IL", None, "2024-07-20T10:00:00"),
    ("p2", "a1", "Chicago, IL", None, "2024-07-20T11:00:00"),
    ("p3", "a2", "Austin, TX", "US", "2024-07-20T12:00:00"),
    ("p4", "a3", "Paris", "FR", "2024-07-20T13:00:00"),
    ("p5", "a4", None, None, "2024-07-20T14:00:00"),
    ("p6", "a5", "Cook County, IL", None, "2024-07-20T15:00:00"),
    ("p7", "a6", "Texas, USA", None, "2024-07-20T16:00:00"),
]
"""Seven posts by six authors: three placed in Illinois (two in Chicago, one in Cook County),
two in Texas (one in Austin, one in the state only), two nowhere (Paris, France; no location)."""


@pytest.fixture(scope="session")
def located_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding :data:`POSTS`."""
    folder = tmp_path_factory.mktemp("opendata")
    rows = [
        {"platform": "x", "id": pid, "author_id": aid, "author_handle": aid,
         "author_location": loc, "country": country, "created_at": when,
         "text": "the vote count tonight", "relation": "original", "lang": "en"}
        for pid, aid, loc, country, when in POSTS
    ]  # fmt: skip
    path = folder / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = folder / "store.duckdb"
    with Workspace(Settings(db=db)) as ws:
        ws.import_files([path], format="native")
    return db
