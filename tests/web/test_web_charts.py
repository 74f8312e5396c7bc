"""Figures and tree layout behind the pages (no browser needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.report.charts import bar_chart, iso3, label, world_map
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
