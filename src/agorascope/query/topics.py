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
]

_NAME_RE = re.compile(r"[\w][\w .:/-]{0,99}")
_COLUMNS = "name, query, description, created_at, updated_at"


@dataclass(frozen=True)
class Topic:
    """A saved query."""

    name: str
    query: str
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "name": self.name,
            "query": self.query,
            "description": self.description,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def _topic(row: Sequence[Any]) -> Topic:
    return Topic(row[0], row[1], row[2], row[3], row[4])


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
) -> Topic:
    """Save ``query`` under ``name`` (the query is parsed first: a bad one is refused).

    Raises:
        QuerySyntaxError: the query does not parse.
        InvalidInputError: a bad name, or the name exists and ``replace`` is false.
    """
    _check_name(name)
    parse(query)
    now = _now()
    existing = find_topic(store, name)
    if existing is not None and not replace:
        raise InvalidInputError(f"topic {name!r} exists (use replace to change it)")
    if existing is None:
        store.execute(
            f"INSERT INTO topics ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            [name, query, description, now, now],
        )
    else:
        store.execute(
            "UPDATE topics SET query = ?, description = ?, updated_at = ? WHERE name = ?",
            [query, description, now, name],
        )
    return get_topic(store, name)


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
