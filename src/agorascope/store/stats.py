"""Overview statistics of a store: what is in it, from where, over which period."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from agorascope.store.backends import ReadBackend
from agorascope.store.execution import run

__all__ = ["overview"]


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    return list(run(expr).to_pylist())


def overview(backend: ReadBackend, top: int = 10) -> dict[str, Any]:
    """Counts of posts, authors, cascades and topics, the time span, and top breakdowns.

    Args:
        backend: the engine to read with (DuckDB store or Spark snapshot).
        top: how many rows in each breakdown.
    """
    posts = backend.posts()
    totals = run(
        posts.aggregate(
            posts=posts.count(),
            authors_posting=posts.author_id.nunique(),
            first=posts.created_at.min(),
            last=posts.created_at.max(),
            with_lang=posts.lang.notnull().sum(),
            with_country=posts.country.notnull().sum(),
        )
    ).to_pylist()[0]
    totals["with_lang"] = int(totals["with_lang"] or 0)
    totals["with_country"] = int(totals["with_country"] or 0)
    authors = backend.table("authors")
    cascades = backend.table("cascades")

    def breakdown(column: str) -> list[dict[str, Any]]:
        col = posts[column]
        expr = (
            posts.group_by(col.name("value"))
            .aggregate(posts=posts.count())
            .order_by([ibis.desc("posts"), ibis.asc("value")])
            .limit(top)
        )
        return _rows(expr)

    return {
        "posts": int(totals["posts"]),
        "authors": int(run(authors.count()).as_py()),
        "authors_posting": int(totals["authors_posting"]),
        "first_post": totals["first"],
        "last_post": totals["last"],
        "posts_with_lang": totals["with_lang"],
        "posts_with_country": totals["with_country"],
        "cascades": int(run(cascades.count()).as_py()),
        "topics": int(run(backend.table("topics").count()).as_py()),
        "by_platform": breakdown("platform"),
        "by_relation": breakdown("relation"),
        "by_source": breakdown("source"),
        "by_lang": breakdown("lang"),
        "by_country": breakdown("country"),
    }
