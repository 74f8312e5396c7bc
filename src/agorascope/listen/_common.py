"""Shared pieces of the listening analyses: time windows, time zones, intervals, engagement.

Every analysis reads posts through the store's ``post_view`` (an :class:`ibis.Table`), already
narrowed to a topic or query, and a time window ``[since, until)`` in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.types as ir
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.store import to_pandas
from agorascope.timeutil import Window, to_utc_naive

__all__ = [
    "INTERVALS",
    "Window",
    "engagement_expr",
    "local_time",
    "require_columns",
    "to_utc_naive",
    "window_filter",
]

INTERVALS: dict[str, tuple[str, str]] = {
    # name: (ibis truncate unit, pandas frequency)
    "minute": ("m", "min"),
    "hour": ("h", "h"),
    "day": ("D", "D"),
    "week": ("W", "W-MON"),
    "month": ("M", "MS"),
}
"""Interval names accepted by the time-series analyses (weeks start on Monday)."""


def window_filter(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    where: ir.BooleanValue | None = None,
) -> ir.Table:
    """Posts with ``since <= created_at < until`` (UTC), optionally narrowed by ``where``."""
    w = Window.of(since, until)
    preds = []
    if w.since is not None:
        preds.append(posts.created_at >= w.since)
    if w.until is not None:
        preds.append(posts.created_at < w.until)
    if where is not None:
        preds.append(where)
    return posts.filter(*preds) if preds else posts


def require_columns(posts: ir.Table, *names: str) -> None:
    """Raise :class:`InvalidInputError` if ``posts`` lacks one of ``names``."""
    missing = [n for n in names if n not in posts.columns]
    if missing:
        raise InvalidInputError(f"the posts table lacks column(s) {', '.join(missing)}")


def engagement_expr(posts: ir.Table) -> ir.IntegerValue:
    """Engagement of a post: ``likes + reposts + replies``, a missing count counting 0."""
    return (
        posts.likes.fill_null(0) + posts.reposts.fill_null(0) + posts.replies.fill_null(0)
    ).cast("int64")


def _offset_changes(tz: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """UTC instants in ``(lo, hi]`` at which ``tz``'s UTC offset changes, with the new offset."""

    def off(t: datetime) -> timedelta:
        o = t.replace(tzinfo=UTC).astimezone(tz).utcoffset()
        return o if o is not None else timedelta(0)

    out: list[tuple[datetime, timedelta]] = []
    step = timedelta(days=1)
    t = lo
    while t < hi:
        nxt = min(t + step, hi)
        if off(nxt) != off(t):
            a, b = t, nxt  # off(a) != off(b): bisect to the second
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if mid <= a:
                    break
                if off(mid) == off(a):
                    a = mid
                else:
                    b = mid
            out.append((b, off(b)))
        t = nxt
    return out


def local_time(
    posts: ir.Table, tz: str, since: datetime | None = None, until: datetime | None = None
) -> ir.TimestampValue:
    """``created_at`` (UTC) as local wall-clock time in ``tz``, daylight saving included.

    The offsets are resolved in Python from the tz database for the window (or the data's own
    range when the window is open) and applied as a portable ``CASE``, so DuckDB and Spark give
    the same answer without relying on either engine's time-zone support.
    """
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidInputError(f"unknown time zone {tz!r} (use an IANA name)") from e
    ts = posts.created_at
    lo, hi = since, until
    if lo is None or hi is None:
        row = to_pandas(posts.aggregate(lo=ts.min(), hi=ts.max()))
        lo = lo or _as_datetime(row["lo"].iloc[0])
        hi = hi or _as_datetime(row["hi"].iloc[0])
        if lo is None or hi is None:  # no rows
            lo = hi = datetime(2000, 1, 1)
        hi = hi + timedelta(seconds=1)
    first = lo.replace(tzinfo=UTC).astimezone(zone).utcoffset() or timedelta(0)
    changes = _offset_changes(zone, lo, hi)

    def shifted(offset: timedelta) -> ir.TimestampValue:
        secs = int(offset.total_seconds())
        return ts if secs == 0 else ts + ibis.interval(seconds=secs)

    if not changes:
        return shifted(first)
    branches: list[tuple[Any, Any]] = []
    current = first
    for instant, new in changes:
        branches.append((ts < instant, shifted(current)))
        current = new
    return ibis.cases(*branches, else_=shifted(current))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def bucket_expr(
    posts: ir.Table, interval: str, tz: str, since: datetime | None, until: datetime | None
) -> ir.TimestampValue:
    """The start (local wall-clock time) of the ``interval`` bucket of each post."""
    unit = interval_unit(interval)[0]
    return local_time(posts, tz, since, until).truncate(unit)


def interval_unit(interval: str) -> tuple[str, str]:
    """(ibis truncate unit, pandas frequency) of an interval name."""
    try:
        return INTERVALS[interval]
    except KeyError as e:
        raise InvalidInputError(
            f"unknown interval {interval!r}: choose one of {', '.join(INTERVALS)}"
        ) from e


def bucket_range(first: pd.Timestamp, last: pd.Timestamp, interval: str) -> pd.DatetimeIndex:
    """Every bucket start from ``first`` to ``last`` (both already truncated)."""
    return pd.date_range(first, last, freq=interval_unit(interval)[1])


def local_bounds(
    tz: str, since: datetime | None, until: datetime | None, interval: str
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Local truncated bucket starts of the window ends (``until`` is exclusive)."""
    zone = ZoneInfo(tz)
    freq = interval_unit(interval)[1]

    def trunc(t: datetime) -> pd.Timestamp:
        local = pd.Timestamp(t.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None))
        if freq == "MS":
            return local.normalize().replace(day=1)
        if freq == "W-MON":
            d = local.normalize()
            return d - pd.Timedelta(days=d.weekday())
        return local.floor(freq)

    a = trunc(since) if since is not None else None
    b = trunc(until - timedelta(microseconds=1)) if until is not None else None
    return a, b


class Steps:
    """A Rich progress bar over a known number of steps, or nothing when ``enabled`` is False."""

    def __init__(self, description: str, total: int, enabled: bool) -> None:
        self._progress: Any = None
        self._task: Any = None
        if enabled:
            from rich.progress import Progress

            self._progress = Progress(transient=True)
            self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
        return self

    def advance(self, n: int = 1, description: str | None = None) -> None:
        """Move the bar ``n`` steps (and optionally rename the current step)."""
        if self._progress is not None:
            kw: dict[str, Any] = {"advance": n}
            if description is not None:
                kw["description"] = description
            self._progress.update(self._task, **kw)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def grouped_totals(t: ir.Table, keys: list[str], sums: dict[str, ir.NumericValue]) -> ir.Table:
    """Per ``keys``: ``posts``, ``authors`` (distinct ``(platform, author_id)``) and ``sums``.

    Two grouping steps (by keys and author, then by keys) instead of a distinct count over a
    concatenated author key: exact, and several times faster on large tables.
    """
    t = t.mutate(**{f"_s_{name}": expr for name, expr in sums.items()})
    inner = t.group_by([*keys, "platform", "author_id"]).aggregate(
        _posts=t.count(), **{f"_s_{name}": t[f"_s_{name}"].sum() for name in sums}
    )
    return inner.group_by(keys).aggregate(
        posts=inner._posts.sum(),
        authors=inner.author_id.count(),
        **{name: inner[f"_s_{name}"].sum() for name in sums},
    )
