"""Volume over time: counts per interval, period summaries and share of voice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import (
    Window,
    bucket_expr,
    bucket_range,
    engagement_expr,
    local_bounds,
    window_filter,
)
from agorascope.store import to_pandas

__all__ = ["VolumeSummary", "share_of_voice", "volume", "volume_summary"]

_COUNTS = ("posts", "authors", "engagement", "likes", "reposts", "replies", "views")


def volume(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    interval: str = "day",
    tz: str = "UTC",
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Posts, unique authors and engagement per interval, every interval of the window listed.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        since: start of the window (inclusive, UTC when naive).
        until: end of the window (exclusive; a date includes that day, see
            :class:`agorascope.timeutil.Window`).
        interval: ``minute``, ``hour``, ``day``, ``week`` (Monday) or ``month``.
        tz: IANA time zone in which intervals are cut (``Europe/Paris``).
        where: optional extra Ibis predicate on ``posts``.

    Returns:
        One row per interval: ``bucket`` (local start), ``posts``, ``authors`` (distinct
        ``(platform, author_id)``), ``engagement`` (likes + reposts + replies), ``likes``,
        ``reposts``, ``replies``, ``views``; empty intervals inside the window are zeros.
        Posts without ``created_at`` are in no interval: with no dated post and an open
        window, the series is empty.
    """
    w = Window.of(since, until)
    t = _dated(posts, w, where)
    t = t.mutate(bucket=bucket_expr(t, interval, tz, w.since, w.until))
    # one distinct count per bucket: with many small buckets this beats grouped_totals
    agg = t.group_by("bucket").aggregate(
        posts=t.count(),
        authors=(t.platform.fill_null("") + "\x1f" + t.author_id).nunique(),
        engagement=engagement_expr(t).sum(),
        likes=t.likes.fill_null(0).sum(),
        reposts=t.reposts.fill_null(0).sum(),
        replies=t.replies.fill_null(0).sum(),
        views=t.views.fill_null(0).sum(),
    )
    df = to_pandas(agg)
    return _dense(df, interval, tz, w, list(_COUNTS))


def _dated(posts: ir.Table, w: Window, where: ir.BooleanValue | None) -> ir.Table:
    """The posts of the window that have a date (an undated post is in no interval)."""
    t = window_filter(posts, w.since, w.until, where)
    return t.filter(t.created_at.notnull())


def _dense(df: pd.DataFrame, interval: str, tz: str, w: Window, cols: list[str]) -> pd.DataFrame:
    """Fill the intervals without posts with zeros and sort by bucket."""
    df = df.copy()
    df["bucket"] = pd.to_datetime(df["bucket"]).astype("datetime64[us]")
    lo, hi = local_bounds(tz, w.since, w.until, interval)
    first = lo if lo is not None else (df["bucket"].min() if len(df) else None)
    last = hi if hi is not None else (df["bucket"].max() if len(df) else None)
    if first is None or last is None:
        return pd.DataFrame(
            {"bucket": pd.Series([], dtype="datetime64[us]")}
            | {c: pd.Series([], dtype="int64") for c in cols}
        )
    index = pd.DatetimeIndex(bucket_range(first, last, interval)).astype("datetime64[us]")
    out = df.set_index("bucket").reindex(index, fill_value=0)
    out.index.name = "bucket"
    out = out.reset_index()
    for c in cols:
        out[c] = out[c].fillna(0).astype("int64")
    return out[["bucket", *cols]]


@dataclass(frozen=True)
class VolumeSummary:
    """Totals of a window beside the previous window of equal length.

    Attributes:
        posts, authors, engagement: totals in ``[since, until)``.
        previous_posts, previous_authors, previous_engagement: totals in the equal period before.
        posts_change, authors_change, engagement_change: percent change
            ``100 * (current - previous) / previous``; None when the previous value is 0.
        days: window length in days; daily_average: ``posts / days``.
    """

    since: datetime
    until: datetime
    posts: int
    authors: int
    engagement: int
    previous_posts: int
    previous_authors: int
    previous_engagement: int
    posts_change: float | None
    authors_change: float | None
    engagement_change: float | None
    days: float
    daily_average: float

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return asdict(self)


def _totals(posts: ir.Table, w: Window, where: ir.BooleanValue | None) -> tuple[int, int, int]:
    t = window_filter(posts, w.since, w.until, where)
    row = to_pandas(
        t.aggregate(
            posts=t.count(),
            authors=(t.platform.fill_null("") + "\x1f" + t.author_id).nunique(),
            engagement=engagement_expr(t).sum(),
        )
    ).iloc[0]
    return (
        int(row["posts"]),
        int(row["authors"]),
        0 if pd.isna(row["engagement"]) else int(row["engagement"]),
    )


def _pct(cur: int, prev: int) -> float | None:
    return None if prev == 0 else 100.0 * (cur - prev) / prev


def volume_summary(
    posts: ir.Table,
    since: datetime | str,
    until: datetime | str,
    *,
    where: ir.BooleanValue | None = None,
) -> VolumeSummary:
    """Totals of ``[since, until)``, the previous equal period, % changes and daily average.

    Raises:
        InvalidInputError: if either end of the window is missing.
    """
    w = Window.of(since, until)
    if w.since is None or w.until is None:
        raise InvalidInputError("a volume summary needs both since and until")
    cur = _totals(posts, w, where)
    prev = _totals(posts, w.previous(), where)
    days = (w.until - w.since).total_seconds() / 86400
    return VolumeSummary(
        since=w.since,
        until=w.until,
        posts=cur[0],
        authors=cur[1],
        engagement=cur[2],
        previous_posts=prev[0],
        previous_authors=prev[1],
        previous_engagement=prev[2],
        posts_change=_pct(cur[0], prev[0]),
        authors_change=_pct(cur[1], prev[1]),
        engagement_change=_pct(cur[2], prev[2]),
        days=days,
        daily_average=cur[0] / days,
    )


def share_of_voice(
    topics: Mapping[str, ir.Table],
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    interval: str = "day",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Each topic's share of the posts of all the topics, per interval.

    A post matching two topics counts once for each, so shares add up to 100 in every interval
    with posts (0 for every topic in an interval without).

    Args:
        topics: name -> posts of that topic (each a narrowed ``post_view``).
        since, until, interval, tz: as in :func:`volume`.

    Returns:
        Long frame: ``bucket``, ``topic``, ``posts``, ``share`` (percent).
    """
    if not topics:
        raise InvalidInputError("share of voice needs at least one topic")
    w = Window.of(since, until)
    frames = []
    for name, table in topics.items():
        t = _dated(table, w, None)
        t = t.mutate(bucket=bucket_expr(t, interval, tz, w.since, w.until))
        counts = to_pandas(t.group_by("bucket").aggregate(posts=t.count()))
        frames.append(_dense(counts, interval, tz, w, ["posts"]).assign(topic=name))
    long = pd.concat(frames, ignore_index=True)
    wide = long.pivot_table(index="bucket", columns="topic", values="posts", fill_value=0)
    wide = wide.reindex(columns=list(topics), fill_value=0)
    total = wide.sum(axis=1)
    share = wide.div(total.where(total > 0), axis=0).fillna(0.0) * 100.0
    out = pd.DataFrame({"posts": wide.stack(), "share": share.stack()}).reset_index()
    out["posts"] = out["posts"].astype("int64")
    order = {name: i for i, name in enumerate(topics)}
    out = out.sort_values(
        ["bucket", "topic"], key=lambda s: s.map(order) if s.name == "topic" else s
    )
    return out[["bucket", "topic", "posts", "share"]].reset_index(drop=True)
