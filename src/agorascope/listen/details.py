"""What the pages show beside an analysis's rows: the texts, authors and times of
near-duplicate clusters, and the handles of accounts named ``platform:author_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis.expr.types as ir

from agorascope._json import plain, records
from agorascope.store import to_pandas

__all__ = ["duplicate_details", "handles"]


def handles(authors: ir.Table, keys: Iterable[str]) -> dict[str, str | None]:
    """``platform:author_id`` -> the author's handle (None when unknown)."""
    wanted = sorted({k for k in keys if ":" in k})
    if not wanted:
        return {}
    key = authors.platform + ":" + authors.id
    df = to_pandas(authors.filter(key.isin(wanted)).select(k=key, handle=authors.handle))
    found = {str(r["k"]): r["handle"] for r in records(df)}
    return {k: found.get(k) for k in wanted}


def duplicate_details(
    posts: ir.Table, clusters: list[dict[str, Any]], *, texts: int = 10, authors: int = 20
) -> list[dict[str, Any]]:
    """For each near-duplicate cluster (rows of ``listen duplicates``): its distinct texts with
    their counts, its authors and its first and last post times.

    Args:
        posts: the posts the clusters were found in (``post_view`` columns).
        clusters: rows with ``cluster`` and ``post_ids``.
        texts: most distinct texts listed per cluster (the most copied first).
        authors: most authors listed per cluster (the most active first).

    Returns:
        Per cluster: ``cluster``, ``texts`` (``text``, ``posts``), ``more_texts``, ``authors``
        (``platform``, ``author_id``, ``handle``, ``posts``), ``more_authors``, ``first_at``,
        ``last_at``.
    """
    ids = sorted({p for c in clusters for p in c["post_ids"]})
    if not ids:
        return []
    t = posts.filter(posts.id.isin(ids))
    df = to_pandas(t.select("platform", "id", "author_id", "author_handle", "created_at", "text"))
    out = []
    for c in clusters:
        g = df[df["id"].isin(c["post_ids"])]
        tx = g.groupby("text").size().sort_values(ascending=False, kind="stable")
        who = g.groupby(["platform", "author_id"], dropna=True).agg(
            handle=("author_handle", "max"), posts=("id", "size")
        )
        who = who.reset_index().sort_values(["posts", "author_id"], ascending=[False, True])
        out.append(
            {
                "cluster": c["cluster"],
                "texts": records(tx.head(texts).rename("posts").reset_index()),
                "more_texts": max(0, len(tx) - texts),
                "authors": records(who.head(authors)),
                "more_authors": max(0, len(who) - authors),
                "first_at": plain(g["created_at"].min()),
                "last_at": plain(g["created_at"].max()),
            }
        )
    return out
