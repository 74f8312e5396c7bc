"""Network figures, their seeded layout and GEXF; the trend and rising-hashtag charts."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from agorascope.report.listen_charts import rising_chart, trend_chart
from agorascope.report.network import gexf_bytes, network_chart, network_layout, shown_nodes


@pytest.fixture
def graph() -> nx.Graph:
    """Zachary's karate club (networkx's copy of the 1977 data), weighted, two clusters."""
    g = nx.karate_club_graph()
    for _, data in g.nodes(data=True):
        data["cluster"] = 0 if data.pop("club") == "Mr. Hi" else 1
    return nx.relabel_nodes(g, {n: f"x:{n}" for n in g})


def test_the_same_seed_gives_the_same_layout(graph: nx.Graph) -> None:
    a, b = network_layout(graph, seed=7), network_layout(graph, seed=7)
    assert a == b and set(a) == set(graph)
    assert network_layout(graph, seed=8) != a
    assert network_chart(graph, "t", size_label="s", seed=3) == network_chart(
        graph, "t", size_label="s", seed=3
    )
    assert network_layout(nx.Graph()) == {}


def test_nodes_are_sized_by_weighted_degree_and_coloured_by_cluster(graph: nx.Graph) -> None:
    fig = network_chart(graph, "Karate", size_label="ties")
    edges, *groups = fig["data"]
    assert [g["name"] for g in groups] == ["cluster 0", "cluster 1"]
    assert sum(len(g["x"]) for g in groups) == graph.number_of_nodes() == 34
    assert len(edges["x"]) == 3 * graph.number_of_edges()  # two ends and a gap per edge
    strength = dict(graph.degree(weight="weight"))
    for g in groups:
        by_size = sorted(zip(g["marker"]["size"], g["text"], strict=True))
        assert [strength[t] for _, t in by_size] == sorted(strength[t] for t in g["text"])
        assert g["customdata"] == [strength[t] for t in g["text"]]
    assert "34 nodes" in fig["layout"]["title"]["text"]


def test_only_the_heaviest_nodes_are_drawn(graph: nx.Graph) -> None:
    strength = dict(graph.degree(weight="weight"))
    top = shown_nodes(graph, 5)
    assert [strength[n] for n in top] == sorted(strength.values(), reverse=True)[:5]
    fig = network_chart(graph, "Karate", size_label="ties", limit=5)
    assert sum(len(g["x"]) for g in fig["data"][1:]) == 5
    assert "5 of 34 nodes" in fig["layout"]["title"]["text"]
    empty = network_chart(nx.Graph(), "Nothing", size_label="ties")
    assert empty["data"] == [] and empty["layout"]["annotations"]


def test_gexf_reads_back_as_the_same_graph(graph: nx.Graph) -> None:
    back = nx.read_gexf(io.BytesIO(gexf_bytes(graph)))
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(e): w for *e, w in back.edges(data="weight")} == {
        frozenset(e): w for *e, w in graph.edges(data="weight")
    }
    assert {n: d["cluster"] for n, d in back.nodes(data=True)} == dict(graph.nodes(data="cluster"))


def test_the_trend_chart_marks_its_peak() -> None:
    rows = [
        {"bucket": f"2024-07-19T0{h}:00:00", "posts": p, "total": 10, "index": i}
        for h, p, i in ((0, 1, 25.0), (1, 4, 100.0), (2, 2, 50.0))
    ]
    fig = trend_chart(rows, interval="hour", tz="Europe/Paris")
    line, peak = fig["data"]
    assert line["y"] == [25.0, 100.0, 50.0]
    assert (peak["x"], peak["y"]) == (["2024-07-19T01:00:00"], [100.0])
    assert fig["layout"]["xaxis"]["title"]["text"] == "hour starting (local time, Europe/Paris)"
    assert fig["layout"]["yaxis"]["title"]["text"] == "trend index (peak = 100)"
    assert trend_chart([], interval="day", tz="UTC")["data"] == []


def test_the_rising_chart_shows_growth_with_both_counts() -> None:
    rows = [
        {"hashtag": "new", "posts": 9, "previous": 0, "change": 9, "growth": 10.0},
        {"hashtag": "up", "posts": 7, "previous": 3, "change": 4, "growth": 2.0},
    ]
    [bar] = rising_chart(rows)["data"]
    assert bar["y"] == ["#up", "#new"] and bar["x"] == [2.0, 10.0]  # the fastest on top
    assert bar["text"] == ["7 posts (previous 3)", "9 posts (previous 0)"]
    assert rising_chart([])["data"] == []
