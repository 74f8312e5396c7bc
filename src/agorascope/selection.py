"""The one resolver of posts: a saved topic or a query, plus a time window.

:meth:`agorascope.Workspace.select` calls :func:`select`; every adapter (CLI, REST API, pages,
reports) goes through it, so a topic means the same posts everywhere and on every backend.

Rules:

- ``topic=`` must name a saved topic (an unknown name is a :class:`NotFoundError` that suggests
  close names); ``query=`` is a boolean query; giving both is an error; giving neither selects
  every post.
- A bare ``topic_or_query`` is a topic when a topic has that name, else a query.
- The window follows :mod:`agorascope.timeutil` (a date ``until`` includes its day). The posts
  are *not* cut to the window: analyses that look before it (the previous period, a spike's
  baseline) need the earlier posts; they cut with the window themselves.
- On DuckDB the full-text index may find the posts of a small selection (same posts as the
  predicate); on Spark the predicate runs on the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from agorascope.errors import InvalidInputError
from agorascope.timeutil import Window

if TYPE_CHECKING:
    from agorascope.query.topics import Topic
    from agorascope.workspace import Workspace

__all__ = ["Selection", "named_selection", "select"]

RESOLVE_INDEX_LIMIT = 200_000
"""Largest match count for which the index (not the predicate) finds a selection's posts."""

When = datetime | date | str | None


@dataclass(frozen=True)
class Selection:
    """The posts of a topic or query, and the window the analyses look at.

    Attributes:
        name: the topic's name, the query text, or ``"all posts"``.
        query: the boolean query (None for every post).
        description: the topic's description, if any.
        is_topic: whether ``name`` is a saved topic.
        window: the time window (either end may be open).
        posts: the matching ``post_view`` rows on the workspace's backend (not windowed).
        all_posts: every ``post_view`` row on that backend (the denominator of a trend).
        backend: the name of the engine that reads them (``duckdb`` or ``spark``).
    """

    name: str
    query: str | None
    description: str | None
    is_topic: bool
    window: Window
    posts: ir.Table
    all_posts: ir.Table
    backend: str

    def windowed(self) -> ir.Table:
        """The posts inside the window."""
        t, w = self.posts, self.window
        preds = []
        if w.since is not None:
            preds.append(t.created_at >= w.since)
        if w.until is not None:
            preds.append(t.created_at < w.until)
        return t.filter(*preds) if preds else t

    def with_window(self, window: Window) -> Selection:
        """The same posts looked at through another window."""
        return Selection(
            self.name,
            self.query,
            self.description,
            self.is_topic,
            window,
            self.posts,
            self.all_posts,
            self.backend,
        )

    def describe(self) -> dict[str, Any]:
        """Name, query, topic flag, backend and window, JSON-ready."""
        return {
            "name": self.name,
            "query": self.query,
            "is_topic": self.is_topic,
            "backend": self.backend,
            **self.window.to_dict(),
        }


def select(
    ws: Workspace,
    topic_or_query: str | None = None,
    *,
    topic: str | None = None,
    query: str | None = None,
    since: When = None,
    until: When = None,
    window: Window | None = None,
    use_index: bool = False,
) -> Selection:
    """The posts of a topic or a query in a window (see the module docstring for the rules).

    Raises:
        InvalidInputError: more than one of ``topic_or_query``, ``topic`` and ``query``; a bad
            window.
        NotFoundError: ``topic`` is not a saved topic.
        QuerySyntaxError: the query does not parse.
    """
    from agorascope.query.parser import parse
    from agorascope.query.topics import find_topic, get_topic

    given = [x for x in (topic_or_query, topic, query) if x is not None and x.strip()]
    if len(given) > 1:
        raise InvalidInputError("give a topic or a query, not both")
    if window is None:
        window = Window.of(since, until)
    elif since is not None or until is not None:
        raise InvalidInputError("give a window or since/until, not both")
    backend = ws.backend
    all_posts = backend.posts()
    if not given:
        return Selection("all posts", None, None, False, window, all_posts, all_posts, backend.name)
    found: Topic | None = None
    if topic is not None:
        found = get_topic(ws.store, topic.strip())
    elif topic_or_query:
        found = find_topic(ws.store, topic_or_query.strip())
    text = found.query if found is not None else given[0]
    node = parse(text)
    if backend.name == "duckdb":
        from agorascope.query.search import check_query

        check_query(ws.store, node, index_dir=ws.settings.index_dir)
    posts = _matching(ws, all_posts, node) if use_index and backend.name == "duckdb" else None
    if posts is None:
        from agorascope.query.to_ibis import filter_posts

        posts = filter_posts(all_posts, node)
    if found is not None:
        return Selection(
            found.name, found.query, found.description, True, window, posts, all_posts,
            backend.name,
        )  # fmt: skip
    return Selection(text, text, None, False, window, posts, all_posts, backend.name)


def _matching(ws: Workspace, all_posts: ir.Table, node: Any) -> ir.Table | None:
    """The posts of ``node`` found by the index when it is in step and the set is small."""
    from agorascope.query.index import keys_table
    from agorascope.query.search import open_index

    index = open_index(ws.store, index_dir=ws.settings.index_dir)
    if index is None or index.count(node) > RESOLVE_INDEX_LIMIT:
        return None
    return all_posts.semi_join(keys_table(index.keys(node)), ["platform", "id"])


def named_selection(ws: Workspace, spec: str, window: Window) -> tuple[str, Selection]:
    """The name and the selection of ``spec``: a topic name, or ``NAME=QUERY`` (a text that
    is no topic is a query, named by itself).

    Raises:
        NotFoundError: an unknown topic; QuerySyntaxError: a query that does not parse.
    """
    name, sep, query = spec.partition("=")
    if sep and query.strip() and name.strip():
        return name.strip(), ws.select(query=query, window=window)
    sel = ws.select(spec, window=window)
    return sel.name, sel
