"""Helpers shared by the platform preset tests: the samples, splitting, stored rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from agorascope.collect.pipeline import FileSummary
from agorascope.collect.presets import Record, Reject
from agorascope.workspace import Workspace

DATA = Path(__file__).parents[2] / "data" / "platforms"
POST_COLUMNS = (
    *("id", "author_id", "created_at", "text", "lang", "url", "parent_id", "root_id"),
    *("relation", "likes", "reposts", "replies", "views", "hashtags", "mentions", "urls"),
)


def split(source: object) -> tuple[list[Record], list[Reject]]:
    """Records and rejects of a source."""
    out = list(source)  # type: ignore[call-overload]
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


def import_one(ws: Workspace, path: Path, format: str | None = None) -> FileSummary:
    """Import one file (format detected unless given) and return its summary."""
    return ws.import_files([path], format=format, index=False).files[0]


def stored(ws: Workspace, platform: str) -> dict[str, dict[str, Any]]:
    """The stored posts of ``platform`` by id."""
    cols = POST_COLUMNS
    rows = ws.store.execute(
        f"SELECT {', '.join(cols)} FROM posts WHERE platform = ? ORDER BY id", [platform]
    )
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def authors(ws: Workspace, platform: str) -> dict[str, dict[str, Any]]:
    """The stored authors of ``platform`` by id."""
    cols = ("id", "handle", "name", "followers", "following", "posts_count", "created_at")
    rows = ws.store.execute(f"SELECT {', '.join(cols)} FROM authors WHERE platform = ?", [platform])
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def orphans(ws: Workspace, platform: str) -> set[str]:
    """parent_id values of ``platform`` posts that name no stored post."""
    rows = ws.store.execute(
        "SELECT p.parent_id FROM posts p WHERE p.platform = ? AND p.parent_id IS NOT NULL AND "
        "NOT EXISTS (SELECT 1 FROM posts q WHERE q.platform = p.platform AND q.id = p.parent_id)",
        [platform],
    )
    return {r[0] for r in rows}


def rejects(summary: FileSummary) -> list[dict[str, str]]:
    """The rows of a file's rejects file."""
    if summary.rejects_path is None:
        return []
    with open(summary.rejects_path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
