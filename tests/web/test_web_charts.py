"""Figures and tree layout behind the pages (no browser needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.report.charts import (
    NO_POSTS,
    Figure,
    bar_chart,
    compare_volume_chart,
    grouped_bars,
    iso3,
    label,
    share_of_voice_chart,
    tiers_chart,
    timeline_chart,
    world_map,
)
from agorascope.report.tree import tree_layout


@st.composite
def forests(draw: st.DrawFn) -> list[int]:
    n = draw(st.integers(1, 60))
    parent = [-1]
    for v in range(1, n):
        parent.append(draw(st.integers(-1, v - 1)))
    order = draw(st.permutations(range(n)))
    pos = {old: new for new, old in enumerate(order)}
    shuffled = [0] * n
    for old, p in enumerate(parent):
        shuffled[pos[old]] = -1 if p < 0 else pos[p]
    return shuffled


@given(forests())
def test_tree_layout_separates_leaves_and_centres_parents(parent: list[int]) -> None:
    y = tree_layout(parent)
    children: dict[int, list[int]] = {}
    for v, p in enumerate(parent):
        if p >= 0:
            children.setdefault(p, []).append(v)
    leaves = [y[v] for v in range(len(parent)) if v not in children]
    assert sorted(leaves) == [float(i) for i in range(len(leaves))]
    for v, kids in children.items():
        ys = [y[k] for k in kids]
        assert min(ys) <= y[v] <= max(ys)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<a href='https://evil'>x</a>", "&lt;a href='https://evil'&gt;x&lt;/a&gt;"),
        ("a & b", "a &amp; b"),
        ("plain", "plain"),
    ],
    ids=["link", "ampersand", "plain"],
)
def test_labels_are_inert_for_plotly(text: str, shown: str) -> None:
    assert label(text) == shown
    fig = bar_chart([{"handle": text, "posts": 3}], "handle", "posts", "t", prefix="@")
    assert fig["data"][0]["y"] == ["@" + shown]


def test_world_map_uses_iso3_and_skips_unknown_codes() -> None:
    rows = [
        {"key": "US", "share": 40.0, "posts": 4},
        {"key": "TR", "share": 20.0, "posts": 2},
        {"key": "ZZ", "share": 10.0, "posts": 1},
        {"key": None, "share": 30.0, "posts": 3},
    ]
    trace = world_map(rows)["data"][0]
    assert trace["locations"] == ["USA", "TUR"]
    assert trace["z"] == [40.0, 20.0]
    assert iso3("jp") == "JPN"


def notices(fig: Figure) -> list[str]:
    return [a["text"] for a in fig["layout"].get("annotations", [])]


def sov_rows(buckets: list[str], posts: dict[str, int]) -> list[dict[str, object]]:
    total = sum(posts.values())
    return [
        {"bucket": b, "topic": t, "posts": n, "share": 100 * n / total if total else 0.0}
        for b in buckets
        for t, n in posts.items()
    ]


def test_share_of_voice_of_one_interval_is_one_stacked_bar() -> None:
    fig = share_of_voice_chart(sov_rows(["2024-07-19T00:00:00"], {"a": 3, "b": 1}), "a")
    assert [t["type"] for t in fig["data"]] == ["bar", "bar"]
    assert [t["y"] for t in fig["data"]] == [[75.0], [25.0]]
    assert fig["layout"]["barmode"] == "stack"
    assert fig["layout"]["xaxis"]["type"] == "category"
    assert fig["layout"]["xaxis"]["title"]["text"] and fig["layout"]["yaxis"]["title"]["text"]
    assert NO_POSTS not in notices(fig)
    two = share_of_voice_chart(sov_rows(["2024-07-19", "2024-07-20"], {"a": 3, "b": 1}))
    assert {t["type"] for t in two["data"]} == {"scatter"}
    assert "type" not in two["layout"].get("xaxis", {})


def test_one_interval_of_a_line_chart_shows_markers() -> None:
    rows = [{"topic": "a", "bucket": "2024-07-19", "posts": 4}]
    fig = compare_volume_chart(rows)
    assert fig["data"][0]["mode"] == "markers"
    assert fig["layout"]["xaxis"]["type"] == "category"


EMPTY_VOLUME = [{"bucket": "2030-01-01T00:00:00", "posts": 0, "authors": 0}] * 3
EMPTY_TIERS = [
    {"tier": "1k-10k", "posts": 0, "post_share": 0.0, "reach_share": 0.0, "engagement_share": 0.0}
]


@pytest.mark.parametrize(
    "fig",
    [
        timeline_chart(EMPTY_VOLUME, []),
        timeline_chart([], []),
        share_of_voice_chart(sov_rows(["2030-01-01"], {"a": 0, "b": 0})),
        share_of_voice_chart([]),
        bar_chart([], "key", "posts", "Languages"),
        tiers_chart(EMPTY_TIERS),
        compare_volume_chart([{"topic": "a", "bucket": "2030-01-01", "posts": 0}]),
        grouped_bars([], "key", "share", "Top countries", x_title="country"),
    ],
    ids=["timeline", "no-rows", "share", "share-no-rows", "bars", "tiers", "compare", "grouped"],
)
def test_a_chart_without_posts_says_so_with_titled_axes(fig: Figure) -> None:
    assert fig["data"] == []
    assert notices(fig) == [NO_POSTS]
    for axis in ("xaxis", "yaxis"):
        assert fig["layout"][axis]["showticklabels"] is False
        assert "title" in fig["layout"][axis]
    assert fig["layout"].get("shapes", []) == []


def test_a_map_without_countries_says_so() -> None:
    fig = world_map([{"key": None, "share": 100.0, "posts": 3}])
    assert fig["data"] == [] and notices(fig) == [NO_POSTS]
