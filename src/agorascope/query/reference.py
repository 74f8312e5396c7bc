"""A plain evaluator of the query language, in pure Python over the documented word rule.

It is slow and obviously correct: tests compare the full-text index and the Ibis predicate
with it, and anyone can use it to check a result by hand.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from agorascope.query.ast import (
    And,
    DateBound,
    Hashtag,
    Keyword,
    Near,
    Node,
    Not,
    NumberCompare,
    Or,
    Phrase,
    Term,
    UrlHost,
    has_wildcard,
)
from agorascope.query.parser import parse
from agorascope.text import ascii_lower, hosts, words

__all__ = ["matches", "reference_filter"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@cache
def _word_matcher(pattern: str) -> Callable[[str], bool]:
    if not has_wildcard(pattern):
        return pattern.__eq__
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    compiled = re.compile(regex, re.DOTALL)
    return lambda w: compiled.fullmatch(w) is not None


def _positions(pattern: str, found: list[str]) -> list[int]:
    match = _word_matcher(pattern)
    return [i for i, w in enumerate(found) if match(w)]


def _phrase(node: Phrase, found: list[str]) -> bool:
    hits = [set(_positions(w, found)) for w in node.words]
    if not all(hits):
        return False

    def extend(k: int, prev: int, budget: int) -> bool:
        if k == len(hits):
            return True
        return any(
            prev + 1 + gap in hits[k] and extend(k + 1, prev + 1 + gap, budget - gap)
            for gap in range(budget + 1)
        )

    return any(extend(1, start, node.slop) for start in sorted(hits[0]))


def _near(node: Near, found: list[str]) -> bool:
    left = _positions(node.left, found)
    right = set(_positions(node.right, found))
    return any(
        j in right
        for i in left
        for j in range(i - node.distance - 1, i + node.distance + 2)
        if j != i
    )


@lru_cache(maxsize=65_536)
def _words(text: str | None) -> list[str]:
    return words(text)


@lru_cache(maxsize=65_536)
def _hosts(url: str | None, urls: tuple[str | None, ...] | None) -> set[str]:
    return set(hosts(url, urls))


class _Row:
    """One post with its words computed once."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row
        self._words: list[str] | None = None
        self._hosts: set[str] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = _words(self.row.get("text"))
        return self._words

    @property
    def hosts(self) -> set[str]:
        if self._hosts is None:
            urls = self.row.get("urls")
            self._hosts = _hosts(self.row.get("url"), None if urls is None else tuple(urls))
        return self._hosts


def _eval(node: Node, row: _Row) -> bool:
    match node:
        case Term(word):
            return bool(_positions(word, row.words))
        case Phrase():
            return _phrase(node, row.words)
        case Near():
            return _near(node, row.words)
        case Keyword(column, value):
            v = row.row.get(column)
            return v is not None and ascii_lower(v) == value
        case Hashtag(tag):
            return tag in (row.row.get("hashtags") or ())
        case UrlHost(domain):
            return domain in row.hosts
        case DateBound(at, lower):
            t = row.row.get("created_at")
            return t is not None and (t >= at if lower else t < at)
        case NumberCompare(column, op, value):
            v = row.row.get(column)
            return v is not None and _OPS[op](v, value)
        case And(children):
            return all(_eval(c, row) for c in children)
        case Or(children):
            return any(_eval(c, row) for c in children)
        case Not(child):
            return not _eval(child, row)
    raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def matches(query: str | Node, row: Mapping[str, Any]) -> bool:
    """Whether one post (a mapping of post_view columns) matches ``query``.

    Examples:
        >>> matches("amerique", {"text": "L'Amérique !"})
        True
    """
    node = parse(query) if isinstance(query, str) else query
    return _eval(node, _Row(row))


def reference_filter(
    query: str | Node, rows: Iterable[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The rows that match ``query``, in their order."""
    node = parse(query) if isinstance(query, str) else query
    return [row for row in rows if _eval(node, _Row(row))]
