"""Audiences: sets of authors ``(platform, author_id)``, their sizes and the minimum-size rule.

An audience is the authors who posted in a selection (a topic or query in a window), optionally
narrowed to those with at least ``min_posts`` posts there, to one relation (original, repost,
quote, reply), or to a list of handles. Below a minimum size (default
:data:`MIN_AUDIENCE_SIZE`, as data clean rooms do) nothing is computed on it:
:func:`require_size` raises :class:`~agorascope.errors.AudienceTooSmallError`.

Authors are identified by ``(platform, author_id)``; the tables here hold exactly those two
columns, one row per author, on the workspace's backend (DuckDB or Spark).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import ibis.expr.types as ir

from agorascope.errors import AudienceTooSmallError, InvalidInputError
from agorascope.selection import named_selection
from agorascope.store import run

if TYPE_CHECKING:
    from agorascope.timeutil import Window
    from agorascope.workspace import Workspace

__all__ = [
    "KEY",
    "MIN_AUDIENCE_SIZE",
    "Audience",
    "Relation",
    "audience_authors",
    "audience_of",
    "named_audiences",
    "named_selection",
    "require_size",
]

MIN_AUDIENCE_SIZE = 50
"""Fewest authors an audience (or a baseline) needs before anything is computed on it."""

KEY = ["platform", "author_id"]
"""The columns that identify an author."""

Relation = Literal["any", "original", "repost", "quote", "reply"]


@dataclass(frozen=True)
class Audience:
    """A named set of authors and its size.

    Attributes:
        name: what it is called in results (a topic's name, a query, ``everyone``).
        authors: one row per author: ``platform``, ``author_id``.
        size: the number of authors.
    """

    name: str
    authors: ir.Table
    size: int


def _handles(handles: Iterable[str]) -> list[str]:
    out = sorted({h.strip().lstrip("@").lower() for h in handles if h.strip().lstrip("@")})
    if not out:
        raise InvalidInputError("handles: give at least one handle")
    return out


def audience_authors(
    posts: ir.Table,
    *,
    min_posts: int = 1,
    relation: Relation = "any",
    handles: Sequence[str] | None = None,
) -> ir.Table:
    """The authors of ``posts`` (already cut to the window) that pass the filters.

    Args:
        posts: ``post_view`` rows.
        min_posts: fewest posts (of ``relation``) an author needs in ``posts``.
        relation: count only posts of this relation (``any``: every post).
        handles: keep only these handles (``@`` and case ignored).

    Returns:
        One row per author: ``platform``, ``author_id``.

    Raises:
        InvalidInputError: ``min_posts`` below 1, or an empty list of handles.
    """
    if min_posts < 1:
        raise InvalidInputError("min_posts must be 1 or more")
    t = posts.filter(posts.author_id.notnull())
    if relation != "any":
        t = t.filter(t.relation == relation)
    if handles is not None:
        t = t.filter(t.author_handle.lower().isin(_handles(handles)))
    if min_posts == 1:
        return t.select(*KEY).distinct()
    counts = t.group_by(KEY).aggregate(n=t.count())
    return counts.filter(counts.n >= min_posts).select(*KEY)


def audience_of(
    name: str,
    posts: ir.Table,
    *,
    min_posts: int = 1,
    relation: Relation = "any",
    handles: Sequence[str] | None = None,
) -> Audience:
    """:func:`audience_authors` with its size counted once on the backend."""
    authors = audience_authors(posts, min_posts=min_posts, relation=relation, handles=handles)
    return Audience(name, authors, int(run(authors.count()).as_py()))


def require_size(audience: Audience, min_size: int = MIN_AUDIENCE_SIZE) -> None:
    """Raise :class:`AudienceTooSmallError` when ``audience`` has fewer than ``min_size``
    authors."""
    if audience.size < min_size:
        raise AudienceTooSmallError(audience.name, audience.size, min_size)


def named_audiences(
    ws: Workspace, specs: Sequence[str], window: Window, *, min_size: int = MIN_AUDIENCE_SIZE
) -> list[Audience]:
    """The audiences of ``specs`` (topic names or ``NAME=QUERY``) in ``window``, each checked
    against ``min_size``.

    Raises:
        InvalidInputError: a name given twice.
        AudienceTooSmallError: an audience below ``min_size``.
        NotFoundError: an unknown ``topic=``; QuerySyntaxError: a query that does not parse.
    """
    out: list[Audience] = []
    for spec in specs:
        name, sel = named_selection(ws, spec, window)
        if any(a.name == name for a in out):
            raise InvalidInputError(f"audience {name!r} is given twice")
        audience = audience_of(name, sel.windowed())
        require_size(audience, min_size)
        out.append(audience)
    return out
