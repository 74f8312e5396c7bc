"""The time controls of the pages: a time zone, window ends read in it, presets, permalinks.

A page's window lives in its URL: ``since``, ``until`` (read in ``tz`` when they carry no
offset, see :func:`zoned`), ``tz`` (an IANA name, default UTC) and ``compare=1`` (set the
previous period of equal length beside the window). Presets count back from the newest post
in the store, not from the clock, so the demo's 2024 data still has a "last 7 days".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, overload
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from agorascope.errors import InvalidInputError
from agorascope.timeutil import Window, to_utc_naive

if TYPE_CHECKING:
    from agorascope.store.store import Store

__all__ = [
    "PRESETS",
    "TimeControls",
    "check_zone",
    "local",
    "newest_post",
    "time_controls",
    "wall_to_utc",
    "zoned",
    "zoned_window",
    "zones",
]

PRESETS = (("24h", "last 24 hours", 1), ("7d", "7 days", 7), ("30d", "30 days", 30),
           ("90d", "90 days", 90))  # fmt: skip
"""(key, label, days) of each preset window; "all" (no ends) comes after them."""

_OFFSET = re.compile(r"([zZ]|[+-]\d{2}(:?\d{2})?)$")


@cache
def zones() -> tuple[str, ...]:
    """Every IANA zone name the system knows, UTC first, then by name."""
    names = {
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    }
    return ("UTC", *sorted(names))


def check_zone(tz: str | None) -> str:
    """``tz`` if it names an IANA time zone (None or empty: ``UTC``).

    Raises:
        InvalidInputError: an unknown zone (the message gives an example).
    """
    if not tz:
        return "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidInputError(
            f"tz: unknown time zone {tz!r} (an IANA name such as Europe/Paris or UTC)"
        ) from e
    return tz


def zoned(value: datetime | date | str | None, tz: str, *, end: bool = False) -> datetime | None:
    """A window end read in ``tz``, as naive UTC.

    A date or a date and time without an offset is a wall-clock time in ``tz`` (a date
    ``until`` includes its day, as everywhere: see :class:`agorascope.timeutil.Window`); a
    time with an offset (``Z``, ``+02:00``) or an aware datetime is that instant.

    Examples:
        >>> zoned("2024-07-19", "Europe/Paris")
        datetime.datetime(2024, 7, 18, 22, 0)
        >>> zoned("2024-07-19T06:00Z", "Europe/Paris")
        datetime.datetime(2024, 7, 19, 6, 0)

    Raises:
        InvalidInputError: a bad date or an unknown zone.
    """
    if value is None or value == "":
        return None
    naive = to_utc_naive(value, end=end)
    aware = (isinstance(value, datetime) and value.tzinfo is not None) or (
        isinstance(value, str) and len(value.strip()) > 10 and _OFFSET.search(value.strip())
    )
    return naive if aware else wall_to_utc(naive, tz)


def zoned_window(since: str | None, until: str | None, tz: str) -> Window:
    """The window of a URL's ``since`` and ``until`` read in ``tz`` (see :func:`zoned`).

    Examples:
        >>> zoned_window("2024-07-19T09:00", None, "Asia/Tokyo").since
        datetime.datetime(2024, 7, 19, 0, 0)

    Raises:
        InvalidInputError: a bad date, an unknown zone, or ``since`` not before ``until``.
    """
    tz = check_zone(tz)
    return Window.of(zoned(since, tz), zoned(until, tz, end=True))


def newest_post(store: Store) -> datetime | None:
    """The newest post's ``created_at`` in the store (naive UTC; the presets count back from
    it), None if the store holds no post."""
    rows = store.execute("SELECT max(created_at) FROM posts")
    return rows[0][0] if rows else None


def wall_to_utc(t: datetime, tz: str) -> datetime:
    """A naive wall-clock time in ``tz`` as naive UTC (in a DST gap or overlap, the first
    reading, as :mod:`zoneinfo` does with ``fold=0``)."""
    if check_zone(tz) == "UTC":
        return t
    return t.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


@overload
def local(value: None, tz: str) -> None: ...
@overload
def local(value: datetime, tz: str) -> datetime: ...
def local(value: datetime | None, tz: str) -> datetime | None:
    """A naive UTC time as wall-clock time in ``tz`` (naive)."""
    if value is None or tz == "UTC":
        return value
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def _minute(t: datetime | None) -> str:
    """The value of an ``<input type=datetime-local>``."""
    return "" if t is None else t.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class TimeControls:
    """What ``_time_controls.html`` shows: the inputs' values (empty when the URL leaves an end
    open), the window shown (local, to the minute, ``until`` excluded), the zone, the presets."""

    since: str
    until: str
    shown_since: str
    shown_until: str
    tz: str
    compare: bool | None
    newest: str
    presets: list[dict[str, Any]]
    hidden: list[tuple[str, str]]
    zones: tuple[str, ...]


def time_controls(
    newest: datetime | None,
    *,
    since: str | None,
    until: str | None,
    tz: str,
    compare: bool | None,
    window: tuple[datetime | None, datetime | None] | None = None,
    hidden: list[tuple[str, str]] | None = None,
) -> TimeControls:
    """The time controls of a page.

    Args:
        newest: the newest post's ``created_at`` in the store (naive UTC), None if empty.
        since, until: the URL's values (the inputs show the window they resolve to).
        tz: the page's zone.
        compare: whether the previous period is shown (None: the page offers no comparison).
        window: the page's resolved window, naive UTC (fills the inputs given in the URL).
        hidden: other URL parameters a preset keeps (the compared topics, a list's filters).
    """
    keep = list(hidden or [])
    extra = ([("tz", tz)] if tz != "UTC" else []) + ([("compare", "1")] if compare else [])
    presets: list[dict[str, Any]] = []
    last = local(newest, tz)
    if last is not None:
        # the hour holding the newest post ends the window, so that post is in it
        end = last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        for key, text, days in PRESETS:
            ends = [("since", _minute(end - timedelta(days=days))), ("until", _minute(end))]
            presets.append({"key": key, "label": text,
                            "href": "?" + urlencode(keep + ends + extra),
                            "active": since == ends[0][1] and until == ends[1][1]})  # fmt: skip
    presets.append({"key": "all", "label": "all", "href": "?" + urlencode(keep + extra),
                    "active": not since and not until})  # fmt: skip
    lo, hi = window if window is not None else (None, None)
    return TimeControls(
        since=_minute(local(lo, tz)) if since else "",
        until=_minute(local(hi, tz)) if until else "",
        shown_since=_minute(local(lo, tz)),
        shown_until=_minute(local(hi, tz)),
        tz=tz,
        compare=compare,
        newest="" if last is None else last.strftime("%Y-%m-%d %H:%M"),
        presets=presets,
        hidden=keep,
        zones=zones(),
    )
