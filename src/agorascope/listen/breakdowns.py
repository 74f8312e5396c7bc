"""Breakdowns: by country, language, platform or author; top authors; amplifier tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import (
    engagement_expr,
    grouped_totals,
    window_filter,
)
from agorascope.store import to_pandas

__all__ = ["BREAKDOWN_KEYS", "TIERS", "amplifier_tiers", "breakdown", "top_authors"]

BREAKDOWN_KEYS = ("country", "lang", "platform", "relation", "author")
"""Dimensions accepted by :func:`breakdown`."""

TIERS: tuple[tuple[str, int, int | None], ...] = (
    ("<1k", 0, 1_000),
    ("1k-10k", 1_000, 10_000),
    ("10k-100k", 10_000, 100_000),
    ("100k-1M", 100_000, 1_000_000),
    (">1M", 1_000_000, None),
)
"""Amplifier tiers: (label, lowest follower count included, first count excluded)."""

UNKNOWN_TIER = "unknown"


def _author_key(t: ir.Table) -> ir.StringValue:
    return t.platform.fill_null("") + "\x1f" + t.author_id


def breakdown(
    posts: ir.Table,
    by: str,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    limit: int | None = None,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Posts, share, authors, engagement and reach per value of one dimension.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        by: ``country``, ``lang``, ``platform``, ``relation`` or ``author``.
        since, until: UTC window ``[since, until)``.
        limit: keep the ``limit`` largest groups (all when None).
        where: optional extra Ibis predicate.

    Returns:
        ``key`` (null when unknown; for ``author`` also ``platform`` and ``handle``), ``posts``,
        ``share`` (percent of the window's posts), ``authors``, ``engagement``, ``reach`` (sum of
        ``author_followers`` over the posts), sorted by posts then key.
    """
    if by not in BREAKDOWN_KEYS:
        raise InvalidInputError(f"unknown breakdown {by!r}: choose one of {BREAKDOWN_KEYS}")
    t = window_filter(posts, since, until, where)
    metrics = {
        "posts": t.count(),
        "authors": _author_key(t).nunique(),
        "engagement": engagement_expr(t).sum(),
        "reach": t.author_followers.fill_null(0).sum(),
    }
    if by == "author":
        agg = t.group_by(platform=t.platform, key=t.author_id).aggregate(
            handle=t.author_handle.max(), **metrics
        )
        keys = ["platform", "key", "handle"]
    else:
        t = t.mutate(key=t[by])
        agg = grouped_totals(
            t,
            ["key"],
            {"engagement": engagement_expr(t), "reach": t.author_followers.fill_null(0)},
        )
        keys = ["key"]
    df = to_pandas(agg)
    total = int(df["posts"].sum())
    df["share"] = 100.0 * df["posts"] / total if total else 0.0
    for c in ("posts", "authors", "engagement", "reach"):
        df[c] = df[c].fillna(0).astype("int64")
    df = _sort(df, ["posts"], keys)
    if limit is not None:
        df = df.head(limit)
    return df[[*keys, "posts", "share", "authors", "engagement", "reach"]].reset_index(drop=True)


def _sort(df: pd.DataFrame, desc: list[str], asc: list[str]) -> pd.DataFrame:
    """Sort descending by ``desc`` then ascending by ``asc`` (nulls last): deterministic ties."""
    return df.sort_values(
        desc + asc, ascending=[False] * len(desc) + [True] * len(asc), na_position="last"
    )


def top_authors(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    by: str = "posts",
    n: int = 10,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """The ``n`` top authors by ``posts``, ``reach`` (followers) or ``engagement`` received.

    Returns:
        ``platform``, ``author_id``, ``handle``, ``followers`` (largest ``author_followers``
        seen), ``posts``, ``engagement`` (sum over their posts), ranked by ``by`` then by
        posts, then by author id.
    """
    order = {"posts": "posts", "reach": "followers", "engagement": "engagement"}
    if by not in order:
        raise InvalidInputError(f"unknown ranking {by!r}: choose posts, reach or engagement")
    t = window_filter(posts, since, until, where)
    t = t.filter(t.author_id.notnull())
    agg = t.group_by(platform=t.platform, author_id=t.author_id).aggregate(
        handle=t.author_handle.max(),
        followers=t.author_followers.max(),
        posts=t.count(),
        engagement=engagement_expr(t).sum(),
    )
    key = order[by]
    secondary = [] if key == "posts" else ["posts"]
    top = agg.order_by(
        [
            agg[key].desc(nulls_first=False),
            *(agg[c].desc() for c in secondary),
            agg.platform.asc(),
            agg.author_id.asc(),
        ]
    ).limit(n)
    df = to_pandas(top)
    df = _sort(df, [key, *secondary], ["platform", "author_id"])  # backend order is not kept
    df["followers"] = df["followers"].astype("Int64")
    for c in ("posts", "engagement"):
        df[c] = df[c].fillna(0).astype("int64")
    return df[["platform", "author_id", "handle", "followers", "posts", "engagement"]].reset_index(
        drop=True
    )


def tier_expr(followers: ir.IntegerValue) -> ir.StringValue:
    """The amplifier tier label of a follower count (``unknown`` when null)."""
    branches = [(followers < hi, label) for label, _, hi in TIERS if hi is not None]
    return ibis.cases((followers.isnull(), UNKNOWN_TIER), *branches, else_=TIERS[-1][0])


def amplifier_tiers(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Share of posts, reach and engagement by the follower tier of each post's author.

    Answers "was it carried by influencers or by small accounts?": compare ``post_share`` (how
    much of the talk) with ``reach_share`` (how many follower timelines it could reach).

    Returns:
        One row per tier in :data:`TIERS` order plus ``unknown`` (null follower count):
        ``tier``, ``min_followers``, ``max_followers`` (exclusive; null for the top tier),
        ``posts``, ``post_share``, ``authors``, ``reach`` (sum of followers over posts),
        ``reach_share``, ``engagement``, ``engagement_share`` (percent of the window).
    """
    t = window_filter(posts, since, until, where)
    t = t.mutate(tier=tier_expr(t.author_followers))
    agg = grouped_totals(
        t,
        ["tier"],
        {"reach": t.author_followers.fill_null(0), "engagement": engagement_expr(t)},
    )
    got = to_pandas(agg).set_index("tier")
    rows = []
    for label, lo, hi in (*TIERS, (UNKNOWN_TIER, None, None)):
        r: Any = got.loc[label] if label in got.index else None
        rows.append(
            {
                "tier": label,
                "min_followers": lo,
                "max_followers": hi,
                "posts": 0 if r is None else int(r["posts"]),
                "authors": 0 if r is None else int(r["authors"]),
                "reach": 0 if r is None or pd.isna(r["reach"]) else int(r["reach"]),
                "engagement": 0 if r is None or pd.isna(r["engagement"]) else int(r["engagement"]),
            }
        )
    df = pd.DataFrame(rows)
    for col in ("posts", "reach", "engagement"):
        total = df[col].sum()
        df[f"{col.removesuffix('s')}_share" if col == "posts" else f"{col}_share"] = (
            100.0 * df[col] / total if total else 0.0
        )
    df["min_followers"] = df["min_followers"].astype("Int64")
    df["max_followers"] = df["max_followers"].astype("Int64")
    return df[
        [
            "tier",
            "min_followers",
            "max_followers",
            "posts",
            "post_share",
            "authors",
            "reach",
            "reach_share",
            "engagement",
            "engagement_share",
        ]
    ]
