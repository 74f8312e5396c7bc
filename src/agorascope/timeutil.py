"""The time kernel: one instant parser and one :class:`Window` for every adapter.

Times are naive ``datetime`` values that mean UTC (as stored). The window rule, used by the
query language (``since:``/``until:``), the CLI (``--since/--until``), the REST API and the
pages alike:

- a window is half-open, ``since <= t < until``;
- ``since`` as a date means the start of that day (UTC);
- ``until`` as a date *includes* that day: ``until=2024-07-19`` ends at 2024-07-20 00:00;
- ``until`` as a date and time is the exclusive instant itself.

So ``since=2024-07-19&until=2024-07-19`` is the whole of 19 July.

The same module reads the timestamps found in imported files (:func:`parse_timestamp`), with
or without a declared date format (:func:`parse_with_format`, :data:`DATE_FORMAT_NAMES`), and
tells whether slashed dates of a column are day-first or month-first (:func:`day_month_order`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, overload

from agorascope.errors import InvalidInputError

__all__ = [
    "DATE_FORMAT_NAMES",
    "DateOrder",
    "OrderEvidence",
    "Window",
    "check_date_format",
    "compact_date",
    "day_month_order",
    "parse_day",
    "parse_instant",
    "parse_timestamp",
    "parse_with_format",
    "to_utc_naive",
]

_DAY_LENGTH = 10
"""Longest ISO 8601 calendar day (``2024-07-19``, ``20240719``, ``2024-W29-5``); longer text
must be a date and time."""

_EXAMPLES = "e.g. 2024-07-19 or 2024-07-19T06:00Z"


def _parse_text(text: str) -> date | datetime:
    """An ISO 8601 day (a ``date``) or date and time (a ``datetime``)."""
    text = text.strip()
    try:
        if len(text) <= _DAY_LENGTH:
            return date.fromisoformat(text)
        if text.endswith("z"):  # RFC 3339 allows a lower-case zone letter; Python does not
            text = text[:-1] + "Z"
        return datetime.fromisoformat(text)
    except ValueError as e:
        raise InvalidInputError(f"not an ISO date or time: {text!r} ({_EXAMPLES})") from e


def parse_day(text: str, name: str = "date") -> date:
    """A calendar day written ``YYYY-MM-DD`` (a date, not an instant: ``--as-of``).

    Args:
        text: the text to read.
        name: what the text is, for the error message (``--as-of``).

    Raises:
        InvalidInputError: the text is not an ISO day.
    """
    try:
        value = _parse_text(text)
    except InvalidInputError:
        value = None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInputError(f"{name} must be a day, YYYY-MM-DD (2024-07-19), got {text!r}")
    return value


@overload
def to_utc_naive(value: None, *, end: bool = False) -> None: ...
@overload
def to_utc_naive(value: datetime | date | str, *, end: bool = False) -> datetime: ...
def to_utc_naive(value: datetime | date | str | None, *, end: bool = False) -> datetime | None:
    """A naive UTC datetime from a datetime, a date or an ISO 8601 string.

    Args:
        value: an aware or naive datetime (naive means UTC), a date, or an ISO string.
        end: the value closes a window, so a bare date stands for the end of that day.

    Raises:
        InvalidInputError: the text is not an ISO date or date and time.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = _parse_text(value)
    if not isinstance(value, datetime):
        start = datetime(value.year, value.month, value.day)
        if not end:
            return start
        if value == date.max:
            raise InvalidInputError(f"no day follows {value.isoformat()}: give an earlier until")
        return start + timedelta(days=1)
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as e:
            raise InvalidInputError(f"out of range in UTC: {value.isoformat()}") from e
    return value


parse_instant = to_utc_naive
"""Alias: the one instant parser of the project."""


@dataclass(frozen=True)
class Window:
    """A half-open UTC time window ``[since, until)``; either end may be open (None)."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of(cls, since: datetime | date | str | None, until: datetime | date | str | None) -> Window:
        """Both ends as naive UTC (a date ``until`` includes its day); checks their order.

        Raises:
            InvalidInputError: a bad date, or ``since`` not before ``until``.
        """
        s, u = to_utc_naive(since), to_utc_naive(until, end=True)
        if s is not None and u is not None and s >= u:
            raise InvalidInputError(
                f"empty time window: since {s.isoformat()} is not before until {u.isoformat()}"
            )
        return cls(s, u)

    @property
    def closed(self) -> bool:
        """Both ends are set."""
        return self.since is not None and self.until is not None

    def previous(self) -> Window:
        """The window of equal length just before this one (needs both ends)."""
        if self.since is None or self.until is None:
            raise InvalidInputError("the previous period needs both since and until")
        return Window(self.since - (self.until - self.since), self.since)

    def to_dict(self) -> dict[str, str | None]:
        """ISO strings (None for an open end)."""
        return {
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
        }


# --- timestamps found in files -------------------------------------------------------------

DATE_FORMAT_NAMES = ("epoch-s", "epoch-ms", "YYYYMMDDhhmmss", "YYYYMMDD", "day-first",
                     "month-first")  # fmt: skip
"""Named date formats; any text holding ``%`` is a :func:`datetime.strptime` pattern instead."""

DateOrder = Literal["day-first", "month-first"]

_EPOCH = datetime(1970, 1, 1)
_EPOCH_MS_ABOVE = 1e11
"""Above this, an epoch number counts milliseconds (1e11 s is the year 5138)."""

# Tried in order after ISO 8601. Slashed dates are read by :data:`_SLASHED` (month-first
# unless told otherwise); dotted dates are day-first, as everywhere they are written.
_LENIENT_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Twitter API v1.1: "Wed Oct 10 20:19:24 +0000 2018"
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_SLASHED = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?"
)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_COMPACT = {8: "%Y%m%d", 14: "%Y%m%d%H%M%S"}


def compact_date(value: str | int) -> datetime | None:
    """A compact ``YYYYMMDD`` or ``YYYYMMDDhhmmss`` date, or None when ``value`` is not one.

    The rule, applied before any epoch reading: an all-digit value of exactly 8 or 14 digits
    that is a valid calendar date (and time) is a compact date. No epoch time within the
    accepted years (1990-2100) has 8 digits (seconds) or 14 digits (milliseconds), so the rule
    never hides a real epoch value: ``20190201151500`` is 1 February 2019 15:15, not the year
    2609 in milliseconds.
    """
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) not in _COMPACT:
        return None
    try:
        return datetime.strptime(text, _COMPACT[len(text)])
    except ValueError:
        return None


def _from_epoch(seconds: float) -> datetime:
    if seconds != seconds or abs(seconds) > 1e15:  # NaN or absurd
        raise InvalidInputError(f"not a usable epoch time: {seconds!r}")
    if abs(seconds) > _EPOCH_MS_ABOVE:
        seconds /= 1000
    return _EPOCH + timedelta(seconds=seconds)


def _slashed(text: str, order: DateOrder) -> datetime | None:
    m = _SLASHED.fullmatch(text)
    if m is None:
        return None
    first, second, year, hour, minute, sec, ampm = m.groups()
    month, day = (first, second) if order == "month-first" else (second, first)
    y = int(year) + (2000 if len(year) == 2 and int(year) < 70 else 1900 if len(year) == 2 else 0)
    h = int(hour or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        return datetime(y, int(month), int(day), h, int(minute or 0), int(sec or 0))
    except ValueError:
        return None


def parse_timestamp(value: Any, order: DateOrder = "month-first") -> datetime:
    """A naive UTC datetime from a timestamp as files write it, with no declared format.

    Read in turn: datetimes (naive means UTC); compact dates (:func:`compact_date`); epoch
    seconds, or milliseconds above 1e11; slashed dates ``10/1/2017 19:58`` in ``order``;
    ISO 8601 (no offset means UTC); the Twitter v1.1 format; dotted day-first dates
    (``19.07.2024``); ``2024/07/19``; RFC 2822.

    Args:
        value: a string, a number or a datetime.
        order: how to read slashed dates (``day-first`` for 25/03/2024).

    Raises:
        InvalidInputError: the value is not a timestamp in any of these forms.
    """
    if isinstance(value, datetime):
        return to_utc_naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        compact = compact_date(value) if isinstance(value, int) else None
        return compact or _from_epoch(float(value))
    if not isinstance(value, str):
        raise InvalidInputError(f"expected a date, got {type(value).__name__}")
    text = value.strip()
    compact = compact_date(text)
    if compact is not None:
        return compact
    if _NUMBER.fullmatch(text):
        return _from_epoch(float(text))
    slashed = _slashed(text, order)
    if slashed is not None:
        return slashed
    try:
        return to_utc_naive(text)
    except InvalidInputError:
        pass
    for fmt in _LENIENT_FORMATS:
        try:
            return to_utc_naive(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return to_utc_naive(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    shown = text if len(text) <= 60 else text[:57] + "..."
    raise InvalidInputError(f"not a date in a known format: {shown!r}")


def check_date_format(spec: str) -> str:
    """``spec`` when it is a usable date format, stripped.

    Raises:
        InvalidInputError: neither a named format nor a strftime pattern (the message lists both).
    """
    text = spec.strip()
    if text in DATE_FORMAT_NAMES or "%" in text:
        return text
    raise InvalidInputError(
        f"unknown date format {spec!r}: give a strftime pattern such as %d/%m/%Y %H:%M, "
        f"or one of {', '.join(DATE_FORMAT_NAMES)}"
    )


def parse_with_format(value: Any, spec: str) -> datetime:
    """Read ``value`` with a declared date format (see :data:`DATE_FORMAT_NAMES`).

    A strftime pattern with ``%z`` gives an aware time, converted to UTC; without it the time
    is taken as UTC. ``day-first`` and ``month-first`` read slashed dates in that order and
    every other form as :func:`parse_timestamp` does.

    Raises:
        InvalidInputError: the value does not match the format (the message names both).
    """
    if isinstance(value, datetime):
        return to_utc_naive(value)
    text = str(value).strip()
    try:
        if spec in ("day-first", "month-first"):
            return parse_timestamp(value, spec)  # type: ignore[arg-type]
        if spec in ("epoch-s", "epoch-ms"):
            if not _NUMBER.fullmatch(text):
                raise ValueError(text)
            n = float(text)
            if n != n or abs(n) > 1e15:
                raise ValueError(text)
            return _EPOCH + timedelta(seconds=n / 1000 if spec == "epoch-ms" else n)
        if spec in ("YYYYMMDDhhmmss", "YYYYMMDD"):
            if not text.isdigit() or len(text) != len(spec):
                raise ValueError(text)
            return datetime.strptime(text, _COMPACT[len(spec)])
        return to_utc_naive(datetime.strptime(text, spec))
    except (ValueError, OverflowError):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidInputError(f"{shown!r} does not match the date format {spec!r}") from None


def _slashed_parts(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    m = _SLASHED.fullmatch(value.strip())
    return None if m is None else (int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class OrderEvidence:
    """What the slashed dates of one column say about their day/month order.

    Attributes:
        order: ``day-first`` or ``month-first`` when a value decides, else None.
        slashed: how many slashed dates were seen.
        examples: a few values (the deciding one first when there is one).
    """

    order: DateOrder | None
    slashed: int
    examples: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        """Slashed dates were seen and none tells the order."""
        return self.order is None and self.slashed > 0


def day_month_order(values: Iterable[Any]) -> OrderEvidence:
    """Decide the day/month order of slashed dates from the values of one column.

    A value whose first part is over 12 (``25/03/2024``) is day-first; one whose second part
    is over 12 (``03/25/2024``) is month-first. Reading stops at the first deciding value.
    When every slashed value has both parts at most 12, the column is ambiguous: the caller
    must ask for a format rather than guess.
    """
    seen = 0
    examples: list[str] = []
    for value in values:
        parts = _slashed_parts(value)
        if parts is None:
            continue
        seen += 1
        first, second = parts
        if first > 12 or second > 12:
            order: DateOrder = "day-first" if first > 12 else "month-first"
            return OrderEvidence(order, seen, (str(value).strip(), *examples[:2]))
        if len(examples) < 3 and str(value).strip() not in examples:
            examples.append(str(value).strip())
    return OrderEvidence(None, seen, tuple(examples))
