"""Time controls: window ends read in a zone, presets from the newest post, period changes."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest

from agorascope.errors import InvalidInputError
from agorascope.report.data import changes, voice_changes
from agorascope.report.timecontrols import check_zone, local, time_controls, zoned, zones
from agorascope.report.topics import topics_by_tag


@pytest.mark.parametrize(
    ("value", "tz", "end", "utc"),
    [
        # Paris is UTC+2 in July: its midnight is 22:00 UTC the day before
        ("2024-07-19", "Europe/Paris", False, datetime(2024, 7, 18, 22)),
        # a date as until includes its day, read in the zone
        ("2024-07-19", "Europe/Paris", True, datetime(2024, 7, 19, 22)),
        ("2024-07-19T09:30", "Asia/Tokyo", False, datetime(2024, 7, 19, 0, 30)),
        # New York is UTC-5 in January (no daylight saving)
        ("2024-01-15T12:00", "America/New_York", False, datetime(2024, 1, 15, 17)),
        # an offset wins over the zone
        ("2024-07-19T06:00Z", "Asia/Tokyo", False, datetime(2024, 7, 19, 6)),
        ("2024-07-19T08:00+02:00", "Asia/Tokyo", False, datetime(2024, 7, 19, 6)),
        (datetime(2024, 7, 19, 6, tzinfo=UTC), "Asia/Tokyo", False, datetime(2024, 7, 19, 6)),
        ("2024-07-19", "UTC", True, datetime(2024, 7, 20)),
        (None, "Europe/Paris", False, None),
        ("", "Europe/Paris", True, None),
    ],
    ids=lambda v: str(v),
)
def test_window_ends_are_read_in_the_zone(
    value: object, tz: str, end: bool, utc: datetime | None
) -> None:
    assert zoned(value, tz, end=end) == utc  # type: ignore[arg-type]


def test_an_unknown_zone_is_refused_with_an_example() -> None:
    with pytest.raises(InvalidInputError, match="Europe/Paris"):
        check_zone("Mars/Olympus")
    with pytest.raises(InvalidInputError):
        zoned("2024-07-19", "../../etc/passwd")
    assert check_zone("") == check_zone(None) == "UTC"
    assert zones()[0] == "UTC" and "Europe/Paris" in zones() and "Asia/Tokyo" in zones()


def test_presets_count_back_from_the_newest_post_not_the_clock() -> None:
    newest = datetime(2024, 7, 25, 23, 40)  # UTC; 01:40 on the 26th in Paris
    tc = time_controls(newest, since=None, until=None, tz="Europe/Paris", compare=True,
                       hidden=[("t", "a"), ("t", "b")])  # fmt: skip
    by_key = {p["key"]: parse_qs(p["href"][1:]) for p in tc.presets}
    assert list(by_key) == ["24h", "7d", "30d", "90d", "all"]
    # the window ends with the local hour holding the newest post
    assert by_key["24h"]["until"] == ["2024-07-26T02:00"]
    assert by_key["24h"]["since"] == ["2024-07-25T02:00"]
    assert by_key["7d"]["since"] == ["2024-07-19T02:00"]
    assert by_key["90d"]["since"] == ["2024-04-27T02:00"]
    for q in by_key.values():  # zone, comparison and the compared topics are kept
        assert q["tz"] == ["Europe/Paris"] and q["compare"] == ["1"] and q["t"] == ["a", "b"]
    assert "since" not in by_key["all"] and "until" not in by_key["all"]
    assert [p["active"] for p in tc.presets] == [False] * 4 + [True]
    assert tc.newest == "2024-07-26 01:40"
    # the preset's own values mark it active; the inputs show the window in the zone
    again = time_controls(newest, since="2024-07-19T02:00", until="2024-07-26T02:00",
                          tz="Europe/Paris", compare=False,
                          window=(datetime(2024, 7, 19), datetime(2024, 7, 26)))  # fmt: skip
    assert [p["key"] for p in again.presets if p["active"]] == ["7d"]
    assert (again.since, again.until) == ("2024-07-19T02:00", "2024-07-26T02:00")
    assert time_controls(None, since=None, until=None, tz="UTC", compare=False).presets == [
        {"key": "all", "label": "all", "href": "?", "active": True}
    ]


def test_local_time_is_wall_clock_time_in_the_zone() -> None:
    assert local(datetime(2024, 7, 18, 22), "Europe/Paris") == datetime(2024, 7, 19)
    assert local(datetime(2024, 7, 18, 22), "UTC") == datetime(2024, 7, 18, 22)
    assert local(None, "Asia/Tokyo") is None


def test_changes_against_the_previous_period_by_hand() -> None:
    now = [{"key": "US", "posts": 30}, {"key": "FR", "posts": 5}, {"key": None, "posts": 2}]
    before = [{"key": "US", "posts": 20}, {"key": "DE", "posts": 4}]
    assert changes(now, before, "key") == [
        {"key": "US", "posts": 30, "previous": 20, "change": 10, "change_pct": 50.0},
        {"key": "FR", "posts": 5, "previous": 0, "change": 5, "change_pct": None},
        {"key": None, "posts": 2, "previous": 0, "change": 2, "change_pct": None},
        {"key": "DE", "posts": 0, "previous": 4, "change": -4, "change_pct": -100.0},
    ]


def test_share_of_voice_changes_by_hand() -> None:
    # now: a 3 + 1 = 4 posts, b 4 -> 50 % each; before: a 1, b 3 -> 25 % and 75 %
    now = [{"topic": "a", "posts": 3}, {"topic": "a", "posts": 1}, {"topic": "b", "posts": 4}]
    before = [{"topic": "a", "posts": 1}, {"topic": "b", "posts": 3}]
    assert voice_changes(now, before) == [
        {"topic": "a", "posts": 4, "share": 50.0, "previous_posts": 1, "previous_share": 25.0,
         "change": 25.0},
        {"topic": "b", "posts": 4, "share": 50.0, "previous_posts": 3, "previous_share": 75.0,
         "change": -25.0},
    ]  # fmt: skip
    empty = voice_changes(now, [{"topic": "a", "posts": 0}])
    assert empty[0]["previous_share"] is None and empty[0]["change"] is None


def test_topics_group_by_tag_untagged_last() -> None:
    topics = [{"name": "x", "tags": ["sport"]}, {"name": "y", "tags": None},
              {"name": "z", "tags": ["sport", "brands"]}]  # fmt: skip
    groups = [(g["tag"], [t["name"] for t in g["topics"]]) for g in topics_by_tag(topics)]
    assert groups == [("brands", ["z"]), ("sport", ["x", "z"]), (None, ["y"])]
