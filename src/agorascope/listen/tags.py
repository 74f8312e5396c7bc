"""Tags on posts: short labels an analyst puts on posts from the mentions list.

A tag is a lower-case word (letters, digits, ``_``, ``-``, ``.``, up to 50 characters) on a
post ``(platform, id)``; tagging twice changes nothing. Tags live in the ``post_tags`` table
(migration 10) and are written with parameterised SQL only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agorascope.errors import InvalidInputError
from agorascope.watch.collections import parse_post_ref

if TYPE_CHECKING:
    from agorascope.store.store import Store

__all__ = ["add_tag", "check_tag", "post_tags", "remove_tag", "tagged"]

_TAG_RE = re.compile(r"[\w][\w.-]{0,49}")


def check_tag(tag: str) -> str:
    """``tag`` stripped and lower-cased.

    Raises:
        InvalidInputError: not 1-50 letters, digits, ``_``, ``-`` or ``.`` (first a letter,
            digit or ``_``).
    """
    t = tag.strip().lower()
    if not _TAG_RE.fullmatch(t):
        raise InvalidInputError(
            f"tag {tag!r}: use 1-50 letters, digits, '_', '-' or '.' (no spaces)"
        )
    return t


def add_tag(store: Store, post: str, tag: str) -> tuple[str, str, str]:
    """Tag the post ``post`` (``platform:id`` or an id unique across platforms).

    Returns:
        ``(platform, post_id, tag)`` as stored.

    Raises:
        NotFoundError: no such post.
        InvalidInputError: a bad tag, or an id on several platforms.
    """
    t = check_tag(tag)
    platform, post_id = parse_post_ref(store, post)
    with store.transaction() as con:
        con.execute(
            "INSERT INTO post_tags VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [platform, post_id, t, datetime.now(UTC).replace(tzinfo=None)],
        )
    return platform, post_id, t


def remove_tag(store: Store, post: str, tag: str) -> None:
    """Take ``tag`` off the post (nothing happens when it is not there).

    Raises:
        NotFoundError: no such post.
    """
    t = check_tag(tag)
    platform, post_id = parse_post_ref(store, post)
    with store.transaction() as con:
        con.execute(
            "DELETE FROM post_tags WHERE platform = ? AND post_id = ? AND tag = ?",
            [platform, post_id, t],
        )


def post_tags(store: Store, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """The tags (sorted) of each post of ``keys`` that has any."""
    wanted = list(dict.fromkeys(keys))
    out: dict[tuple[str, str], list[str]] = {}
    if not wanted or not store.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'post_tags' "
        "AND database_name = current_database()"
    ):  # a store of an older schema opened read-only
        return out
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        platforms = [k[0] for k in chunk]
        ids = [k[1] for k in chunk]
        rows = store.execute(
            "SELECT t.platform, t.post_id, t.tag FROM post_tags t "
            "JOIN (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id) k "
            "ON t.platform = k.platform AND t.post_id = k.post_id ORDER BY t.tag",
            [platforms, ids],
        )
        for platform, post_id, tag in rows:
            out.setdefault((platform, post_id), []).append(tag)
    return out


def tagged(store: Store, tag: str) -> list[tuple[str, str]]:
    """Every ``(platform, post_id)`` tagged ``tag``."""
    rows = store.execute(
        "SELECT platform, post_id FROM post_tags WHERE tag = ? ORDER BY 1, 2", [check_tag(tag)]
    )
    return [(r[0], r[1]) for r in rows]
