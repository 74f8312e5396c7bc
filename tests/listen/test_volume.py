"""Volume over time, summaries and share of voice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from listen_data import ira_frame

from agorascope.errors import InvalidInputError
from agorascope.listen import share_of_voice, volume, volume_summary


def _raw() -> pd.DataFrame:
    d = ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    return d


def test_daily_volume_matches_pandas_on_ira(ira: Any) -> None:
    d = _raw()
    d = d[(d.t >= "2016-01-01") & (d.t < "2016-04-01")]
    expected = d.groupby(d.t.dt.floor("D")).agg(
        posts=("t", "size"), authors=("author_id", "nunique")
    )
    got = volume(ira, "2016-01-01", "2016-03-31", interval="day").set_index("bucket")
    assert len(got) == 91  # every day of the window, empty ones too
    assert got["posts"].sum() == len(d)
    nonzero = got[got["posts"] > 0]
    assert list(nonzero.index) == list(expected.index)
    assert list(nonzero["posts"]) == list(expected["posts"])
    assert list(nonzero["authors"]) == list(expected["authors"])


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/Paris", "Asia/Kolkata"], ids=str)
@pytest.mark.parametrize("interval,freq", [("hour", "h"), ("week", "W"), ("month", "M")])
def test_local_buckets_match_pandas_time_zones(ira: Any, tz: str, interval: str, freq: str) -> None:
    d = _raw()
    d = d[(d.t >= "2015-01-01") & (d.t < "2017-01-01")]
    local = d.t.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    if freq == "M":
        key = local.dt.to_period("M").dt.start_time
    elif freq == "W":
        key = local.dt.to_period("W-SUN").dt.start_time
    else:
        key = local.dt.floor("h")
    expected = key.value_counts().sort_index()
    got = volume(ira, "2015-01-01", "2016-12-31", interval=interval, tz=tz)
    got = got[got["posts"] > 0].set_index("bucket")["posts"]
    assert list(got.index) == list(expected.index)
    assert list(got) == list(expected)


def test_dst_day_hand_case(table: Any) -> None:
    # Paris switches from UTC+1 to UTC+2 at 01:00 UTC on 2024-03-31.
    posts = table(
        [
            {"id": "a", "author_id": "u", "created_at": datetime(2024, 3, 31, 0, 30)},
            {"id": "b", "author_id": "u", "created_at": datetime(2024, 3, 31, 1, 30)},
            {"id": "c", "author_id": "v", "created_at": datetime(2024, 3, 30, 23, 10)},
        ]
    )
    got = volume(posts, "2024-03-30T22:00", "2024-03-31T03:00", interval="hour", tz="Europe/Paris")
    rows = dict(zip(got["bucket"].astype(str), got["posts"], strict=True))
    assert rows["2024-03-31 00:00:00"] == 1  # 23:10 UTC
    assert rows["2024-03-31 01:00:00"] == 1  # 00:30 UTC (+1)
    assert rows["2024-03-31 03:00:00"] == 1  # 01:30 UTC (+2)
    assert "2024-03-31 02:00:00" in rows and rows["2024-03-31 02:00:00"] == 0  # listed, empty


def test_engagement_and_nulls_hand_case(table: Any) -> None:
    posts = table(
        [
            {
                "id": "1",
                "author_id": "a",
                "created_at": datetime(2024, 1, 1, 9),
                "likes": 3,
                "reposts": 2,
                "replies": None,
                "views": 100,
            },
            {
                "id": "2",
                "author_id": "a",
                "created_at": datetime(2024, 1, 1, 10),
                "likes": None,
                "reposts": 1,
                "replies": 4,
            },
            {"id": "3", "author_id": None, "created_at": datetime(2024, 1, 2, 10), "likes": 1},
        ]
    )
    got = volume(posts, "2024-01-01", "2024-01-02")
    assert list(got["posts"]) == [2, 1]
    assert list(got["authors"]) == [1, 0]
    assert list(got["engagement"]) == [10, 1]
    assert list(got["views"]) == [100, 0]


def test_summary_previous_period_and_daily_average(table: Any) -> None:
    rows = [
        {
            "id": f"p{i}",
            "author_id": f"a{i % 2}",
            "created_at": datetime(2024, 1, 1 + i),
            "likes": 1,
        }
        for i in range(6)
    ]
    rows += [
        {"id": f"q{i}", "author_id": "b", "created_at": datetime(2024, 1, 8 + i)} for i in range(3)
    ]
    s = volume_summary(table(rows), "2024-01-08", "2024-01-10")
    assert (s.posts, s.authors, s.engagement) == (3, 1, 0)
    # previous period: Jan 5, 6, 7 -> p4, p5 (Jan 5, 6) ; Jan 7 has none
    assert (s.previous_posts, s.previous_authors, s.previous_engagement) == (2, 2, 2)
    assert s.posts_change == pytest.approx(50.0)
    assert s.authors_change == pytest.approx(-50.0)
    assert s.engagement_change == pytest.approx(-100.0)
    assert s.days == 3 and s.daily_average == pytest.approx(1.0)


def test_summary_matches_pandas_on_ira(ira: Any) -> None:
    d = _raw()
    cur = d[(d.t >= "2016-03-01") & (d.t < "2016-04-01")]
    prev = d[(d.t >= "2016-01-30") & (d.t < "2016-03-01")]
    s = volume_summary(ira, "2016-03-01", "2016-03-31")  # March, whole days
    assert s.posts == len(cur) and s.previous_posts == len(prev)
    assert s.authors == cur.author_id.nunique()
    assert s.posts_change == pytest.approx(100 * (len(cur) - len(prev)) / len(prev))
    assert s.daily_average == pytest.approx(len(cur) / 31)


def test_share_of_voice_hand_case(table: Any) -> None:
    posts = table(
        [
            {"id": "1", "author_id": "a", "created_at": datetime(2024, 1, 1, 1), "lang": "en"},
            {"id": "2", "author_id": "a", "created_at": datetime(2024, 1, 1, 2), "lang": "en"},
            {"id": "3", "author_id": "b", "created_at": datetime(2024, 1, 1, 3), "lang": "fr"},
            {"id": "4", "author_id": "b", "created_at": datetime(2024, 1, 2, 3), "lang": "fr"},
        ]
    )
    topics = {"en": posts.filter(posts.lang == "en"), "fr": posts.filter(posts.lang == "fr")}
    got = share_of_voice(topics, "2024-01-01", "2024-01-03")
    day1 = got[got["bucket"] == pd.Timestamp("2024-01-01")].set_index("topic")
    assert day1.loc["en", "share"] == pytest.approx(200 / 3)
    assert day1.loc["fr", "posts"] == 1
    day3 = got[got["bucket"] == pd.Timestamp("2024-01-03")]
    assert list(day3["share"]) == [0.0, 0.0]
    assert list(got["topic"][:2]) == ["en", "fr"]


def test_bad_arguments(ira: Any) -> None:
    with pytest.raises(InvalidInputError, match="interval"):
        volume(ira, interval="fortnight")
    with pytest.raises(InvalidInputError, match="time zone"):
        volume(ira, "2016-01-01", "2016-01-02", tz="Mars/Olympus")
    with pytest.raises(InvalidInputError, match="empty time window"):
        volume(ira, "2016-01-02", "2016-01-01")
    with pytest.raises(InvalidInputError):
        volume_summary(ira, "2016-01-01", None)  # type: ignore[arg-type]
