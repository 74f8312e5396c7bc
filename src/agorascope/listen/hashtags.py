"""Hashtags and trends: top and rising hashtags, the co-hashtag network, 0-100 trend series."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import Window, engagement_expr, window_filter
from agorascope.listen.volume import volume
from agorascope.store import to_pandas

__all__ = ["cohashtag_graph", "cohashtag_network", "rising_hashtags", "top_hashtags", "trend"]


def _tag_rows(posts: ir.Table) -> ir.Table:
    """One row per distinct (post, hashtag)."""
    u = posts.select(
        pid=posts.platform.fill_null("") + "\x1f" + posts.id,
        akey=posts.platform.fill_null("") + "\x1f" + posts.author_id,
        eng=engagement_expr(posts),
        tag=posts.hashtags.unnest(),
    )
    u = u.filter(u.tag.notnull() & (u.tag != ""))
    return u.distinct()


def _tag_counts(posts: ir.Table) -> pd.DataFrame:
    u = _tag_rows(posts)
    return to_pandas(
        u.group_by("tag").aggregate(
            posts=u.pid.nunique(), authors=u.akey.nunique(), engagement=u.eng.sum()
        )
    )


def top_hashtags(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    n: int = 20,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """The ``n`` hashtags used in the most posts.

    Returns:
        ``hashtag``, ``posts`` (posts holding it, once per post), ``share`` (percent of the
        window's posts), ``authors``, ``engagement`` (of those posts); by posts then name.
    """
    t = window_filter(posts, since, until, where)
    total = int(to_pandas(t.aggregate(n=t.count()))["n"].iloc[0])
    df = _tag_counts(t).rename(columns={"tag": "hashtag"})
    df["share"] = 100.0 * df["posts"] / total if total else 0.0
    for c in ("posts", "authors", "engagement"):
        df[c] = df[c].fillna(0).astype("int64")
    df = df.sort_values(["posts", "hashtag"], ascending=[False, True]).head(n)
    return df[["hashtag", "posts", "share", "authors", "engagement"]].reset_index(drop=True)


def rising_hashtags(
    posts: ir.Table,
    since: datetime | str,
    until: datetime | str,
    *,
    n: int = 20,
    min_posts: int = 3,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Hashtags growing the most against the previous period of equal length.

    Returns:
        ``hashtag``, ``posts`` (in the window), ``previous`` (in the period before), ``change``
        (``posts - previous``), ``growth`` (``(posts + 1) / (previous + 1)``, so a new tag is
        not infinitely rising); only tags with at least ``min_posts`` posts, by growth, then
        posts, then name.
    """
    w = Window.of(since, until)
    if w.since is None or w.until is None:
        raise InvalidInputError("rising hashtags need both since and until")
    cur = _tag_counts(window_filter(posts, w.since, w.until, where))[["tag", "posts"]]
    prev_w = w.previous()
    prev = _tag_counts(window_filter(posts, prev_w.since, prev_w.until, where))[["tag", "posts"]]
    df = cur.merge(prev.rename(columns={"posts": "previous"}), on="tag", how="left")
    df["previous"] = df["previous"].fillna(0).astype("int64")
    df["posts"] = df["posts"].astype("int64")
    df = df[df["posts"] >= min_posts]
    df["change"] = df["posts"] - df["previous"]
    df["growth"] = (df["posts"] + 1) / (df["previous"] + 1)
    df = df.rename(columns={"tag": "hashtag"}).sort_values(
        ["growth", "posts", "hashtag"], ascending=[False, False, True]
    )
    return df.head(n)[["hashtag", "posts", "previous", "change", "growth"]].reset_index(drop=True)


def cohashtag_network(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    min_weight: int = 2,
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Pairs of hashtags used together in the same post.

    Returns:
        Edges ``source``, ``target`` (``source < target``), ``weight`` (posts holding both),
        keeping pairs with ``weight >= min_weight``; by weight then names.
    """
    u = _tag_rows(window_filter(posts, since, until, where)).select("pid", "tag")
    v = u.view()
    pairs = u.join(v, (u.pid == v.pid) & (u.tag < v.tag)).select(
        pid=u.pid, source=u.tag, target=v.tag
    )
    agg = pairs.group_by(["source", "target"]).aggregate(weight=pairs.pid.nunique())
    df = to_pandas(agg.filter(agg.weight >= min_weight))
    df["weight"] = df["weight"].astype("int64")
    return df.sort_values(
        ["weight", "source", "target"], ascending=[False, True, True]
    ).reset_index(drop=True)[["source", "target", "weight"]]


def cohashtag_graph(edges: pd.DataFrame) -> Any:
    """The co-hashtag edges as an undirected ``networkx.Graph`` with ``weight`` attributes."""
    import networkx as nx

    g = nx.Graph()
    g.add_weighted_edges_from(edges[["source", "target", "weight"]].itertuples(index=False))
    return g


def trend(
    posts: ir.Table,
    topic: ir.Table | ir.BooleanValue,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    interval: str = "day",
    tz: str = "UTC",
) -> pd.DataFrame:
    """A trend series scaled 0-100 as Google Trends does.

    Each interval's value is the topic's share of all posts in that interval; the series is then
    divided by its largest share and multiplied by 100 (so the peak is 100 and the values of
    two topics computed separately are not comparable, as in Google Trends).

    Args:
        posts: all posts (the denominator), unfiltered by topic.
        topic: the topic's posts (a narrowed table) or an Ibis predicate on ``posts``.
        since, until, interval, tz: as in :func:`~agorascope.listen.volume`.

    Returns:
        ``bucket``, ``posts`` (topic), ``total`` (all posts), ``share`` (``posts / total``, 0
        when the interval has no post), ``index`` (``100 * share / max share``, float) and
        ``rounded`` (the index rounded half up to an integer, as Google Trends shows it).
    """
    topic_t = posts.filter(topic) if isinstance(topic, ir.BooleanValue) else topic
    top = volume(topic_t, since, until, interval=interval, tz=tz)[["bucket", "posts"]]
    tot = volume(posts, since, until, interval=interval, tz=tz)[["bucket", "posts"]]
    df = tot.rename(columns={"posts": "total"}).merge(top, on="bucket", how="outer")
    df = df.fillna({"posts": 0, "total": 0}).sort_values("bucket").reset_index(drop=True)
    df["posts"] = df["posts"].astype("int64")
    df["total"] = df["total"].astype("int64")
    share = np.where(df["total"] > 0, df["posts"] / df["total"].where(df["total"] > 0, 1), 0.0)
    peak = float(share.max()) if len(share) else 0.0
    df["share"] = share
    df["index"] = 100.0 * share / peak if peak > 0 else 0.0
    df["rounded"] = np.floor(df["index"] + 0.5).astype("int64")
    return df[["bucket", "posts", "total", "share", "index", "rounded"]]
