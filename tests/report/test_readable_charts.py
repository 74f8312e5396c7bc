"""Readable charts: durations, yes/no, axis titles with units and zone, topic colours, the map."""

from __future__ import annotations

import colorsys
from typing import Any

import pytest

from agorascope.display import cell, duration
from agorascope.report.charts import (
    MAP_NO_DATA,
    bar_chart,
    compare_volume_chart,
    grouped_bars,
    share_of_voice_chart,
    timeline_chart,
    topic_colour,
    world_map,
)
from agorascope.report.render import environment


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (25_290.71, "7 h 1 min"),  # 7 * 3600 + 60 + 30.71: the "25,290.71 s"
        (90_061, "1 d 1 h"),  # 86,400 + 3,600 + 61
        (3_600, "1 h"),
        (7 * 3600 + 59 * 60 + 59, "7 h 59 min"),  # cut, never rounded up to 8 h
        (61, "1 min"),
        (59.9, "59 s"),
        (4.25, "4.2 s"),
        (0, "0.0 s"),
        (-120, "-2 min"),
        (None, ""),
        (float("nan"), ""),
    ],
    ids=lambda v: str(v),
)
def test_durations_read_as_people_say_them(seconds: float | None, shown: str) -> None:
    assert duration(seconds) == shown


def test_pages_show_booleans_as_yes_no_and_durations_humanised() -> None:
    env = environment()
    assert [cell(False), cell(True)] == ["no", "yes"]
    html = env.from_string("{{ a|yesno }} {{ b|yesno }} {{ s|duration }}").render(
        a=False, b=True, s=25_290.71
    )
    assert html == "no yes 7 h 1 min"


def _titles(fig: dict[str, Any]) -> tuple[str, str]:
    layout = fig["layout"]
    return layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]


VOLUME = [
    {"bucket": "2024-07-19T00:00:00", "posts": 3, "authors": 2},
    {"bucket": "2024-07-19T01:00:00", "posts": 5, "authors": 4},
]


def test_time_axes_name_their_zone_and_every_axis_has_a_unit() -> None:
    sov = [
        {"bucket": "2024-07-19", "topic": "a", "posts": 1, "share": 25.0},
        {"bucket": "2024-07-19", "topic": "b", "posts": 3, "share": 75.0},
    ]
    compare = [{"bucket": "2024-07-19", "topic": "a", "posts": 1}]
    assert _titles(timeline_chart(VOLUME, [], tz="Europe/Paris")) == (
        "time (Europe/Paris)", "posts",
    )  # fmt: skip
    assert _titles(timeline_chart(VOLUME, [])) == ("time (UTC)", "posts")
    assert _titles(share_of_voice_chart(sov, tz="Asia/Tokyo"))[0] == "time (Asia/Tokyo)"
    assert _titles(compare_volume_chart(compare, tz="America/New_York")) == (
        "time (America/New_York)", "posts",
    )  # fmt: skip
    langs = [{"key": "en", "posts": 4}, {"key": "fr", "posts": 1}]
    assert _titles(bar_chart(langs, "key", "posts", "Languages", key_title="language")) == (
        "posts", "language",
    )  # fmt: skip
    # the old call (no key_title) still titles both axes
    assert all(_titles(bar_chart(langs, "key", "posts", "Languages")))


def test_the_previous_period_is_drawn_over_the_current_one() -> None:
    previous = [
        {"bucket": "2024-07-18T00:00:00", "posts": 1, "authors": 1},
        {"bucket": "2024-07-18T01:00:00", "posts": 7, "authors": 3},
    ]
    fig = timeline_chart(VOLUME, [], previous=previous)
    trace = next(t for t in fig["data"] if t["name"] == "previous period")
    assert trace["x"] == [r["bucket"] for r in VOLUME]  # laid over the current intervals
    assert trace["y"] == [1, 7]
    assert trace["customdata"] == ["2024-07-18T00:00:00", "2024-07-18T01:00:00"]


def test_topic_colours_are_fixed_values_whatever_the_process() -> None:
    # literal values: the same in every process, whatever PYTHONHASHSEED (Python's hash()
    # of a string would change with it); hue = first two bytes of SHA-256 / 65536
    assert [topic_colour(n) for n in ("it_outage", "olympics", "boycott", "trend")] == [
        "#b68120", "#20b63a", "#2f20b6", "#b6b620",
    ]  # fmt: skip


def test_a_topic_keeps_its_colour_whatever_the_other_topics_and_their_order() -> None:
    def colours(fig: dict[str, Any]) -> dict[str, str]:
        # one interval: stacked areas become one stacked bar, in the same colours
        return {t["name"]: (t.get("line") or t["marker"])["color"] for t in fig["data"]}

    rows = [{"bucket": "2024-07-19", "topic": n, "posts": 1, "share": 25.0}
            for n in ("olympics", "it_outage", "boycott", "trend")]  # fmt: skip
    one = colours(share_of_voice_chart(rows))
    two = colours(share_of_voice_chart(rows[::-1][:2]))
    assert two == {k: one[k] for k in two}
    vol = colours(compare_volume_chart([{**r, "posts": 2} for r in rows]))
    assert vol == one
    bars = grouped_bars([{**r, "key": "US"} for r in rows], "key", "share", "t")
    assert {t["name"]: t["marker"]["color"] for t in bars["data"]} == one
    # the demo's four topics get four distinct colours
    assert len(set(one.values())) == 4


def _hex(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(colour: str) -> float:
    r, g, b = _hex(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_map_tells_no_data_from_low_and_draws_the_largest_country_darkest() -> None:
    rows = [{"key": "US", "posts": 800, "share": 80.0}, {"key": "FR", "posts": 20, "share": 2.0},
            {"key": "XX", "posts": 1, "share": 0.1}]  # fmt: skip
    fig = world_map(rows)
    trace, geo = fig["data"][0], fig["layout"]["geo"]
    scale = trace["colorscale"]
    low, high = scale[0][1], scale[-1][1]
    # countries without posts are drawn in the land colour, which is grey (no hue at all)
    assert geo["showland"] is True and geo["landcolor"] == MAP_NO_DATA
    assert colorsys.rgb_to_hls(*_hex(MAP_NO_DATA))[2] < 0.05
    # the lowest share is already a saturated blue, visibly unlike "no data"
    assert colorsys.rgb_to_hls(*_hex(low))[2] > 0.4
    assert abs(_luminance(low) - _luminance(MAP_NO_DATA)) > 0.1
    # the scale darkens towards the largest share, which is the top of the scale
    assert [_luminance(c) for _, c in scale] == sorted((_luminance(c) for _, c in scale),
                                                       reverse=True)  # fmt: skip
    assert trace["zmin"] == 0 and trace["zmax"] == 80.0 and trace["reversescale"] is False
    assert _luminance(high) < 0.25
    assert trace["locations"] == ["USA", "FRA"]  # an unknown code is left out, not drawn
    assert "no posts" in fig["layout"]["annotations"][0]["text"]
