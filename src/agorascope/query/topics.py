"""Saved queries ("topics"): what listening, alerts and the dashboard are built on.

Topics live in the store's ``topics`` table; every statement is parameterised.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.query.parser import parse

if TYPE_CHECKING:
    from agorascope.query.search import StoreLike

__all__ = [
    "Topic",
    "add_topic",
    "find_topic",
    "get_topic",
    "list_topics",
    "remove_topic",
    "update_topic",
]

_NAME_RE = re.compile(r"[\w][\w .:/-]{0,99}")
_COLUMNS = "name, query, description, created_at, updated_at, tags"
_TAG_RE = re.compile(r"[\w][\w.:/-]{0,39}")


@dataclass(frozen=True)
class Topic:
    """A saved query."""

    name: str
    query: str
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "name": self.name,
            "query": self.query,
            "description": self.description,
            "tags": list(self.tags),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def _topic(row: Sequence[Any]) -> Topic:
    return Topic(row[0], row[1], row[2], row[3], row[4], tuple(row[5] or ()))


def check_tags(tags: Sequence[str] | str | None) -> list[str]:
    """Tags cleaned: split on commas when given as text, trimmed, lower case, each once.

    Raises:
        InvalidInputError: a tag that is not 1 to 40 letters, digits or ``_ . : / -``, or
            more than 20 tags.
    """
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    out: list[str] = []
    for raw in items:
        tag = str(raw).strip().lower()
        if not tag or tag in out:
            continue
        if not _TAG_RE.fullmatch(tag):
            raise InvalidInputError(
                f"bad tag {tag!r}: 1 to 40 letters, digits or _ . : / - (no spaces)"
            )
        out.append(tag)
    if len(out) > 20:
        raise InvalidInputError("a topic has at most 20 tags")
    return out


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise InvalidInputError(
            f"bad topic name {name!r}: 1 to 100 letters, digits, spaces or _ . : / - "
            "(starting with a letter or digit)"
        )
    return name


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def add_topic(
    store: StoreLike,
    name: str,
    query: str,
    description: str | None = None,
    *,
    replace: bool = False,
    tags: Sequence[str] | str | None = None,
) -> Topic:
    """Save ``query`` under ``name`` (the query is parsed first: a bad one is refused).

    Args:
        store: the store.
        name: the topic's name.
        query: its boolean query.
        description: what it follows.
        replace: change the topic if it exists (its tags are kept when ``tags`` is None).
        tags: labels grouping topics (see :func:`check_tags`).

    Raises:
        QuerySyntaxError: the query does not parse.
        InvalidInputError: a bad name or tag, or the name exists and ``replace`` is false.
    """
    _check_name(name)
    parse(query)
    clean = None if tags is None else check_tags(tags)
    now = _now()
    existing = find_topic(store, name)
    if existing is not None and not replace:
        raise InvalidInputError(f"topic {name!r} exists (use replace to change it)")
    if existing is None:
        store.execute(
            f"INSERT INTO topics ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [name, query, description, now, now, clean or []],
        )
    else:
        kept = list(existing.tags) if clean is None else clean
        store.execute(
            "UPDATE topics SET query = ?, description = ?, tags = ?, updated_at = ? WHERE name = ?",
            [query, description, kept, now, name],
        )
    return get_topic(store, name)


def update_topic(
    store: StoreLike,
    name: str,
    query: str,
    description: str | None = None,
    *,
    tags: Sequence[str] | str | None = None,
    new_name: str | None = None,
) -> Topic:
    """Change a saved topic, and rename it when ``new_name`` differs (the watches that follow
    it follow the new name).

    Raises:
        NotFoundError: no topic ``name``.
        QuerySyntaxError: the query does not parse.
        InvalidInputError: a bad new name or tag, or ``new_name`` is another topic's.
    """
    get_topic(store, name)
    target = new_name.strip() if new_name and new_name.strip() else name
    if target != name:
        _check_name(target)
        if find_topic(store, target) is not None:
            raise InvalidInputError(
                f"name: a topic named {target!r} exists already; choose another name"
            )
    parse(query)
    topic = add_topic(store, name, query, description, replace=True, tags=tags)
    if target != name:
        store.execute("UPDATE topics SET name = ? WHERE name = ?", [target, name])
        store.execute("UPDATE watches SET topic = ? WHERE topic = ?", [target, name])
        topic = get_topic(store, target)
    return topic


def find_topic(store: StoreLike, name: str) -> Topic | None:
    """The topic called ``name``, or None."""
    rows = store.execute(f"SELECT {_COLUMNS} FROM topics WHERE name = ?", [name])
    return _topic(rows[0]) if rows else None


def get_topic(store: StoreLike, name: str) -> Topic:
    """The topic called ``name``, or an error naming it and the closest saved names.

    Raises:
        NotFoundError: there is none (the message suggests close names, or lists the topics).

    Examples:
        >>> get_topic(store, "it_outge")  # doctest: +SKIP
        NotFoundError: no topic named 'it_outge'; did you mean 'it_outage'?
    """
    topic = find_topic(store, name)
    if topic is not None:
        return topic
    names = [t.name for t in list_topics(store)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    elif names:
        hint = "saved topics: " + ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    else:
        hint = "no topic is saved yet (agorascope topic add NAME QUERY)"
    raise NotFoundError(f"no topic named {name!r}; {hint}")


def list_topics(store: StoreLike) -> list[Topic]:
    """Every topic, by name."""
    return [_topic(r) for r in store.execute(f"SELECT {_COLUMNS} FROM topics ORDER BY name", [])]


def remove_topic(store: StoreLike, name: str) -> None:
    """Delete the topic called ``name``.

    Raises:
        NotFoundError: there is none.
    """
    get_topic(store, name)
    store.execute("DELETE FROM topics WHERE name = ?", [name])
