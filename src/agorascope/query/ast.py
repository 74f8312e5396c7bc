"""The syntax tree of a parsed query: small immutable nodes that every compiler walks.

Words inside nodes are already normalised by the word rule (:mod:`agorascope.text`);
a word may hold the wildcards ``*`` (any run of characters, possibly empty) and ``?`` (exactly
one character), which never occur in a normalised word of a text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

__all__ = [
    "KEYWORD_COLUMNS",
    "NUMBER_COLUMNS",
    "And",
    "DateBound",
    "Hashtag",
    "Keyword",
    "Near",
    "Node",
    "Not",
    "NumberCompare",
    "Or",
    "Phrase",
    "Term",
    "UrlHost",
    "has_wildcard",
    "walk",
]

KEYWORD_COLUMNS = {
    "lang": "lang",
    "country": "country",
    "platform": "platform",
    "author": "author_handle",
}
"""Query field -> post_view column, compared exactly after ASCII lower-casing both sides."""

NUMBER_COLUMNS = {
    "followers": "author_followers",
    "likes": "likes",
    "reposts": "reposts",
    "replies": "replies",
    "views": "views",
}
"""Query field -> integer post_view column."""

CompareOp: TypeAlias = Literal["=", ">", ">=", "<", "<="]


def has_wildcard(word: str) -> bool:
    """True when ``word`` holds ``*`` or ``?``."""
    return "*" in word or "?" in word


@dataclass(frozen=True, slots=True)
class Term:
    """One word (maybe with wildcards) that must occur in the text."""

    word: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words in this order; ``slop`` other words may stand between them in all.

    ``slop == 0`` is an exact phrase. With ``slop = k`` the words occur at positions
    ``p1 < p2 < ... < pn`` with ``pn - p1 - (n - 1) <= k``.
    """

    words: tuple[str, ...]
    slop: int = 0


@dataclass(frozen=True, slots=True)
class Near:
    """Two words in either order with at most ``distance`` other words between them."""

    left: str
    right: str
    distance: int


@dataclass(frozen=True, slots=True)
class Keyword:
    """A text column equal to ``value`` after ASCII lower-casing (lang, country, ...)."""

    column: str
    value: str


@dataclass(frozen=True, slots=True)
class Hashtag:
    """The ``hashtags`` list holds ``tag`` (lower-case, without ``#``)."""

    tag: str


@dataclass(frozen=True, slots=True)
class UrlHost:
    """The host of ``url`` or of one of ``urls`` is ``domain`` or ends with ``.domain``."""

    domain: str


@dataclass(frozen=True, slots=True)
class DateBound:
    """``created_at >= at`` (``lower``) or ``created_at < at`` (upper, exclusive)."""

    at: datetime
    lower: bool


@dataclass(frozen=True, slots=True)
class NumberCompare:
    """An integer column compared with a constant."""

    column: str
    op: CompareOp
    value: int


@dataclass(frozen=True, slots=True)
class And:
    """Every child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not match."""

    child: Node


Node: TypeAlias = (
    Term | Phrase | Near | Keyword | Hashtag | UrlHost | DateBound | NumberCompare | And | Or | Not
)


def walk(node: Node) -> Iterator[Node]:
    """Every node of a query tree, the node itself first (depth first)."""
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)
