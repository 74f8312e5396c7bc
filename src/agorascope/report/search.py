"""The search page: matching posts with highlights, and facets of every match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agorascope import listen
from agorascope._json import records
from agorascope.errors import InvalidInputError
from agorascope.query import SearchResults, filter_posts, parse, search
from agorascope.query.ast import And, DateBound, Node
from agorascope.store.store import Store

__all__ = ["FACETS", "MAX_RESULTS", "SearchPage", "search_page"]

MAX_RESULTS = 10_000
"""Deepest hit a search can page to: ``offset + limit`` stays within it."""

FACETS = ("platform", "lang", "country")
"""Breakdowns shown beside the results."""


@dataclass(frozen=True)
class SearchPage:
    """One page of results.

    Attributes:
        results: the hits of this page (``results.total`` counts every match).
        offset: index of the first hit shown.
        limit: hits per page.
        facets: name -> rows ``key``, ``posts`` over every match.
    """

    results: SearchResults
    offset: int
    limit: int
    facets: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**self.results.to_dict(), "offset": self.offset, "limit": self.limit} | {
            "facets": self.facets
        }


def search_page(
    store: Store,
    q: str,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
    facets: bool = True,
    top: int = 8,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SearchPage:
    """Search ``q``, keep hits ``[offset, offset + limit)``, and count facets of all matches.

    ``since`` and ``until`` (naive UTC, ``until`` excluded) narrow the matches to a window, as
    the query's own ``since:``/``until:`` would.

    Raises:
        QuerySyntaxError: the query does not parse (with the column of the problem).
        InvalidInputError: a bad limit, offset or sort.
    """
    node = _windowed(parse(q), since, until)
    if offset < 0 or limit < 1 or offset + limit > MAX_RESULTS:
        raise InvalidInputError(
            f"offset + limit must stay within 1 and {MAX_RESULTS}: refine the query to see "
            "later posts"
        )
    found = search(store, node, limit=offset + limit, sort=sort)  # type: ignore[arg-type]
    page = SearchResults(q, found.total, found.sort, found.hits[offset:], found.used_index)
    out: dict[str, list[dict[str, Any]]] = {}
    if facets and found.total:
        matched = filter_posts(store.posts(), node)
        for by in FACETS:
            df = listen.breakdown(matched, by, limit=top)
            out[by] = [{"key": r["key"], "posts": r["posts"]} for r in records(df)]
    return SearchPage(page, offset, limit, out)


def _windowed(node: Node, since: datetime | None, until: datetime | None) -> Node:
    """``node`` and the window's ends (the query language's ``since:``/``until:`` bounds)."""
    bounds = [DateBound(t, lower=lower) for t, lower in ((since, True), (until, False)) if t]
    return And((node, *bounds)) if bounds else node
