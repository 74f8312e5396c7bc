"""The time kernel: one instant parser and one window rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.errors import InvalidInputError
from agorascope.timeutil import Window, parse_day, to_utc_naive

DAY = datetime(2024, 7, 19)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2024-07-19", False, DAY),
        ("2024-07-19", True, DAY + timedelta(days=1)),
        (" 2024-07-19 ", True, DAY + timedelta(days=1)),
        ("20240719", True, DAY + timedelta(days=1)),
        ("2024-07-19T06:00", False, DAY + timedelta(hours=6)),
        ("2024-07-19T06:00", True, DAY + timedelta(hours=6)),
        ("2024-07-19T06:00Z", True, DAY + timedelta(hours=6)),
        ("2024-07-19T06:00z", True, DAY + timedelta(hours=6)),
        ("2024-07-19 08:00+02:00", True, DAY + timedelta(hours=6)),
        ("2024-07-19T00:00", True, DAY),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_to_utc_naive(text: str, end: bool, expected: datetime) -> None:
    assert to_utc_naive(text, end=end) == expected


def test_values_that_are_not_text() -> None:
    assert to_utc_naive(None) is None
    assert to_utc_naive(date(2024, 7, 19), end=True) == DAY + timedelta(days=1)
    aware = datetime(2024, 7, 19, 8, tzinfo=timezone(timedelta(hours=2)))
    assert to_utc_naive(aware, end=True) == DAY + timedelta(hours=6)


@pytest.mark.parametrize(
    "text", ["yesterday", "2024-02-30", "2024", "0000-01-01", "2024-07-19T25:00", ""]
)
def test_bad_text_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInputError, match="not an ISO date or time"):
        to_utc_naive(text)


def test_the_last_day_has_no_end() -> None:
    with pytest.raises(InvalidInputError, match="earlier until"):
        to_utc_naive("9999-12-31", end=True)
    assert to_utc_naive("9999-12-31") == datetime(9999, 12, 31)


def test_window_of_a_date_includes_the_day() -> None:
    w = Window.of("2024-07-19", "2024-07-19")
    assert (w.since, w.until) == (DAY, DAY + timedelta(days=1))
    assert Window.of(None, "2024-07-19T06:00").until == DAY + timedelta(hours=6)
    assert w.previous() == Window(DAY - timedelta(days=1), DAY)
    with pytest.raises(InvalidInputError, match="empty time window"):
        Window.of("2024-07-19T06:00", "2024-07-19T06:00")


def test_parse_day() -> None:
    assert parse_day("2016-11-08") == date(2016, 11, 8)
    for bad in ("2016-11-08T10:00", "11/08/2016", "soon"):
        with pytest.raises(InvalidInputError, match="--as-of must be a day, YYYY-MM-DD"):
            parse_day(bad, "--as-of")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 30)))
def test_a_day_window_is_that_day(d: date) -> None:
    w = Window.of(d.isoformat(), d.isoformat())
    assert w.since == datetime(d.year, d.month, d.day)
    assert w.until is not None and w.since is not None
    assert w.until - w.since == timedelta(days=1)


@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_an_iso_instant_round_trips(at: datetime, minutes: int) -> None:
    assert to_utc_naive(at.isoformat(), end=True) == at
    zone = timezone(timedelta(minutes=minutes))
    local = at.replace(tzinfo=UTC).astimezone(zone)
    assert to_utc_naive(local.isoformat()) == at
