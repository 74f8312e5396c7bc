"""Tags on posts as a place of personal data (registered with the privacy domain).

Listed in :data:`agorascope.privacy.places.PLACE_MODULES`. A tag row holds a post's key, so the
tags of a person's posts are found with them and erased in the store transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agorascope.privacy.places import Needles, Place, register_place

if TYPE_CHECKING:
    from agorascope.privacy.identity import Subject
    from agorascope.workspace import Workspace

__all__: list[str] = []


def _keys(ws: Workspace, subject: Subject, needles: Needles | None) -> set[tuple[str, str]]:
    keys = set(needles.keys) if needles is not None else set()
    for platform, author_id in subject.authors:
        rows = ws.store.execute(
            "SELECT platform, id FROM posts WHERE platform = ? AND author_id = ?",
            [platform, author_id],
        )
        keys.update((str(p), str(i)) for p, i in rows)
    return keys


def _rows(ws: Workspace, keys: set[tuple[str, str]]) -> list[dict[str, Any]]:
    if not keys:
        return []
    rows = ws.store.execute(
        "SELECT platform, post_id, tag, added_at FROM post_tags"
        " WHERE list_contains(?, platform || ':' || post_id) ORDER BY platform, post_id, tag",
        [sorted(f"{p}:{i}" for p, i in keys)],
    )
    return [
        {"platform": p, "post_id": i, "tag": tag, "added_at": added.isoformat()}
        for p, i, tag, added in rows
    ]


def _find(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return _rows(ws, _keys(ws, subject, None))


def _erase(ws: Workspace, subject: Subject, needles: Needles) -> int:
    keys = _keys(ws, subject, needles)
    if not keys:
        return 0
    rows = ws.store.execute(
        "DELETE FROM post_tags WHERE list_contains(?, platform || ':' || post_id)",
        [sorted(f"{p}:{i}" for p, i in keys)],
    )
    return int(rows[0][0]) if rows else 0


def _prove(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    left = _rows(ws, _keys(ws, subject, needles))
    return [f"{len(left)} tags still name the person's posts"] if left else []


register_place(
    Place(
        "post_tags",
        "Analysts' tags on the person's posts (mentions list).",
        "store",
        find=_find,
        erase=_erase,
        prove=_prove,
    )
)
