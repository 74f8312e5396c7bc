"""The time kernel: one instant parser and one :class:`Window` for every adapter.

Times are naive ``datetime`` values that mean UTC (as stored). The window rule, used by the
query language (``since:``/``until:``), the CLI (``--since/--until``), the REST API and the
pages alike:

- a window is half-open, ``since <= t < until``;
- ``since`` as a date means the start of that day (UTC);
- ``until`` as a date *includes* that day: ``until=2024-07-19`` ends at 2024-07-20 00:00;
- ``until`` as a date and time is the exclusive instant itself.

So ``since=2024-07-19&until=2024-07-19`` is the whole of 19 July.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import overload

from agorascope.errors import InvalidInputError

__all__ = ["Window", "parse_day", "parse_instant", "to_utc_naive"]

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
