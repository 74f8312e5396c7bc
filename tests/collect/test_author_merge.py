"""Author profiles merged field by field: the newest observation wins, gaps are filled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import agorascope


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps({"platform": "x", **r}) + "\n" for r in rows))
    return path


def test_newest_observation_wins_field_by_field(tmp_path: Path) -> None:
    first = _write(
        tmp_path / "a.jsonl",
        [
            {"id": "1", "author_id": "a1", "created_at": "2024-01-02T00:00:00Z", "text": "a",
             "author_handle": "h2", "author_followers": 20},
            {"id": "2", "author_id": "a1", "created_at": "2024-01-01T00:00:00Z", "text": "b",
             "author_handle": "h1", "author_followers": 10, "author_name": "N1"},
            # same time as line 1: the later line wins; its missing followers erase nothing
            {"id": "3", "author_id": "a1", "created_at": "2024-01-02T00:00:00Z", "text": "c",
             "author_handle": "h2b"},
            # before 1970 (a negative epoch) is still older
            {"id": "4", "author_id": "a1", "created_at": "1965-05-01T00:00:00Z", "text": "d",
             "author_handle": "h65", "author_followers": 65},
        ],
    )  # fmt: skip
    older = _write(
        tmp_path / "b.jsonl",
        [{"id": "5", "author_id": "a1", "created_at": "2023-12-31T00:00:00Z", "text": "e",
          "author_handle": "h0", "author_followers": 5, "author_location": "Paris"}],
    )  # fmt: skip
    ws = agorascope.open(tmp_path / "m.duckdb")
    q = "SELECT handle, followers, name, location FROM authors"
    ws.import_files([first], index=False)
    assert ws.store.execute(q) == [("h2b", 20, "N1", None)]
    ws.import_files([older], index=False)  # older: fills the location only
    assert ws.store.execute(q) == [("h2b", 20, "N1", "Paris")]
    ws.close()
