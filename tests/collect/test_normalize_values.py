"""Scalar parsers: dates, counts, flags, country and language codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.collect.canonical import FieldError
from agorascope.collect.values import (
    parse_bool,
    parse_count,
    parse_country,
    parse_datetime,
    parse_lang,
    parse_text,
)

UTC_0409 = datetime(2024, 7, 19, 4, 9)


@pytest.mark.parametrize(
    "value",
    [
        "2024-07-19T04:09:00Z",
        "2024-07-19T04:09:00+00:00",
        "2024-07-19 06:09:00+02:00",
        "2024-07-18T23:09:00-05:00",
        "2024-07-19 04:09:00",
        "07/19/2024 04:09",
        "7/19/2024 4:09:00",
        "Fri Jul 19 04:09:00 +0000 2024",
        "Fri, 19 Jul 2024 04:09:00 GMT",
        "1721362140",
        1721362140,
        1721362140000,
        "1721362140000",
        datetime(2024, 7, 19, 6, 9, tzinfo=timezone(timedelta(hours=2))),
        UTC_0409,
    ],
    ids=lambda v: repr(v)[:40],
)
def test_dates_in_every_format_mean_the_same_utc_instant(value: object) -> None:
    assert parse_datetime(value) == UTC_0409


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_dates_are_none(value: object) -> None:
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("yesterday", "not a date"),
        ("2024-13-45", "not a date"),
        ("1850-01-01", "outside 1990-2100"),
        (float("nan"), "not a usable epoch"),
        (["2024-01-01"], "expected a date"),
    ],
    ids=str,
)
def test_bad_dates_name_the_field_and_the_reason(value: object, reason: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_datetime(value, "publish_date")
    assert err.value.field == "publish_date"
    assert reason in err.value.reason


@given(st.datetimes(min_value=datetime(1991, 1, 1), max_value=datetime(2099, 1, 1)))
def test_iso_round_trip(dt: datetime) -> None:
    assert parse_datetime(dt.isoformat()) == dt
    aware = dt.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=-7)))
    assert parse_datetime(aware.isoformat()) == dt


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,234", 1234), ("12.0", 12), (7, 7), (3.0, 3), ("", None), (None, None), ("0", 0)],
)
def test_counts(value: object, expected: int | None) -> None:
    assert parse_count(value, "likes") == expected


@pytest.mark.parametrize("value", ["-3", -3, "1.5", 2.5, "many", True, "9" * 30])
def test_bad_counts_are_rejected(value: object) -> None:
    with pytest.raises(FieldError):
        parse_count(value, "likes")


def test_bools() -> None:
    assert [parse_bool(v, "f") for v in ("TRUE", "no", "1", 0, "", None)] == [
        True,
        False,
        True,
        False,
        None,
        None,
    ]
    with pytest.raises(FieldError):
        parse_bool("maybe", "author_verified")


def test_text_strips_nul_and_limits_length() -> None:
    assert parse_text("a\x00b", "text") == "ab"
    with pytest.raises(FieldError, match="more than the 10 allowed"):
        parse_text("x" * 11, "text", max_chars=10)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("United States", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Russian Federation", "RU"),
        ("United Arab Emirates", "AE"),
        ("Japan", "JP"),
        ("jpn", "JP"),
        ("France", "FR"),
        ("Unknown", None),
        ("", None),
    ],
)
def test_countries(value: str, code: str | None) -> None:
    assert parse_country(value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("English", "en"),
        ("Russian", "ru"),
        ("fr", "fr"),
        ("pt-BR", "pt"),
        ("eng", "en"),
        ("Ukrainian", "uk"),
        ("Farsi", "fa"),
        ("LANGUAGE UNDEFINED", None),
        ("und", None),
    ],
)
def test_languages(value: str, code: str | None) -> None:
    assert parse_lang(value) == code
