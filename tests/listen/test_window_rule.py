"""The query language, :class:`Window` and the listening functions read ``until`` alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from agorascope.listen import breakdown, detect_spikes, volume, volume_summary
from agorascope.listen._common import window_filter
from agorascope.query import filter_posts
from agorascope.timeutil import Window

DAY = datetime(2024, 7, 19)
# one post an hour from 18 July 00:00 to 20 July 23:00, and a burst at 19 July 23:30
HOURS = [DAY - timedelta(days=1) + timedelta(hours=h) for h in range(72)]


def _rows() -> list[dict[str, Any]]:
    at = HOURS + [DAY + timedelta(hours=23, minutes=30, seconds=s) for s in range(20)]
    return [
        {"id": str(i), "author_id": f"u{i % 4}", "country": "FR", "created_at": t}
        for i, t in enumerate(at)
    ]


def _count(t: Any) -> int:
    return int(t.count().execute())


@pytest.mark.parametrize(
    ("until", "last"),
    [
        ("2024-07-19", DAY + timedelta(days=1)),  # a day includes that day
        ("2024-07-19T12:00", DAY + timedelta(hours=12)),  # an instant is excluded
    ],
)
def test_until_means_the_same_window_everywhere(table: Any, until: str, last: datetime) -> None:
    posts = table(_rows())
    since = "2024-07-19"
    assert Window.of(since, until) == Window(DAY, last)
    expected = sum(DAY <= r["created_at"] < last for r in _rows())
    assert _count(filter_posts(posts, f"since:{since} until:{until}")) == expected
    assert _count(window_filter(posts, since, until)) == expected
    assert int(volume(posts, since, until, interval="hour")["posts"].sum()) == expected
    assert volume_summary(posts, since, until).posts == expected
    assert int(breakdown(posts, "country", since, until)["posts"].sum()) == expected


def test_a_day_until_keeps_the_burst_at_the_end_of_that_day(table: Any) -> None:
    posts = table(_rows())
    found = detect_spikes(posts, "2024-07-19", "2024-07-19", explain=False)
    assert [s.start for s in found] == [DAY + timedelta(hours=23)]
    assert detect_spikes(posts, "2024-07-19", "2024-07-19T23:00", explain=False) == []
