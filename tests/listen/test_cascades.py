"""Cascade trees and metrics, checked against networkx on Twitter15 and on hand-made trees."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import pytest
from listen_data import node_key, snowflake_time, twitter15_frame

from agorascope.errors import ComputationError
from agorascope.listen import account_stats, build_cascades, cascade_metrics

T0 = datetime(2024, 1, 1)


def _post(
    pid: str,
    parent: str | None,
    root: str | None,
    author: str,
    minutes: float,
    relation: str = "repost",
) -> dict[str, Any]:
    return {
        "id": pid,
        "parent_id": parent,
        "root_id": root,
        "author_id": author,
        "created_at": T0 + timedelta(minutes=minutes),
        "relation": relation if parent or (root and root != pid) else "original",
    }


def _reference(g: nx.DiGraph, root: str, times: dict[str, float]) -> dict[str, Any]:
    """Metrics of one tree computed with networkx, the definitions read literally."""
    levels = nx.shortest_path_length(g, root)
    n = g.number_of_nodes()
    order = sorted(times[v] for v in g.nodes)
    return {
        "size": n,
        "depth": max(levels.values()),
        "max_breadth": max(Counter(levels.values()).values()),
        "structural_virality": nx.average_shortest_path_length(g.to_undirected()),
        "time_to_50": (order[math.ceil(0.5 * n) - 1] - times[root]) * 60,
        "time_to_90": (order[math.ceil(0.9 * n) - 1] - times[root]) * 60,
    }


def _twitter15_trees() -> dict[str, tuple[nx.DiGraph, str, dict[str, float], dict[str, str]]]:
    """Each Twitter15 cascade of the slice as a networkx tree, built straight from the CSV rows:
    a node is (user, tweet, delay); a node seen under two parents keeps its first parent, the
    ROOT row first; delays in minutes."""
    c = twitter15_frame()
    out: dict[str, tuple[nx.DiGraph, str, dict[str, float], dict[str, str]]] = {}
    for cid, rows in c.groupby("cascade_id", sort=False):
        root_row = rows[rows.parent_user == "ROOT"].iloc[0]
        root = node_key(cid, root_row.user, root_row.tweet, root_row.delay_min)
        g = nx.DiGraph()
        g.add_node(root)
        times = {root: float(root_row.delay_min)}
        users = {root: root_row.user}
        for r in rows[rows.parent_user != "ROOT"].itertuples():
            v = node_key(cid, r.user, r.tweet, r.delay_min)
            if v in g:
                continue
            g.add_edge(node_key(cid, r.parent_user, r.parent_tweet, r.parent_delay_min), v)
            times[v] = float(r.delay_min)
            users[v] = r.user
        assert nx.is_tree(g) and len(nx.descendants(g, root)) == len(g) - 1
        out[cid] = (g, root, times, users)
    return out


def test_twitter15_metrics_equal_networkx(t15: Any) -> None:
    trees = _twitter15_trees()
    got = cascade_metrics(t15).set_index("root_id")
    assert len(got) == len(trees) == 39
    for cid, (g, root, times, users) in trees.items():
        ref = _reference(g, root, times)
        row = got.loc[cid]
        for k in ("size", "depth", "max_breadth"):
            assert row[k] == ref[k], (cid, k)
        for k in ("structural_virality", "time_to_50", "time_to_90"):
            assert row[k] == pytest.approx(ref[k], rel=1e-9, abs=1e-6), (cid, k)
        assert row["unique_users"] == len(set(users.values()))
        assert row["reattached"] == 0 and not row["root_missing"]
        assert row["start"] == snowflake_time(cid) + timedelta(minutes=times[root])


def test_twitter15_quirks_are_present(t15: Any) -> None:
    metrics = cascade_metrics(t15)
    assert (metrics["depth"] >= 2).any()
    c = twitter15_frame()
    # a user twice in a tree: the same node listed under two parents, kept once
    assert c.duplicated(["cascade_id", "user"]).any()
    assert metrics["size"].sum() == len(
        c.drop_duplicates(["cascade_id", "user", "tweet", "delay_min"])
    )
    child_first = c[
        (c.parent_user != "ROOT") & (c.delay_min.astype(float) < c.parent_delay_min.astype(float))
    ]
    assert len(child_first) > 0  # edges out of time order are in the slice


def test_twitter15_accounts_equal_independent_count(t15: Any) -> None:
    trees = _twitter15_trees()
    started: Counter[str] = Counter()
    amplified: dict[str, set[str]] = {}
    children: Counter[str] = Counter()
    author_of: dict[str, str] = {}
    for cid, (g, root, _, users) in trees.items():
        started[users[root]] += 1
        for v, u in users.items():
            author_of[v] = u
            if v != root:
                amplified.setdefault(u, set()).add(cid)
        for p, _ in g.edges:
            children[p] += 1
    per_author: dict[str, list[int]] = {}
    for v, u in author_of.items():
        per_author.setdefault(u, []).append(children[v])

    def h_index(counts: list[int]) -> int:
        counts = sorted(counts, reverse=True)
        return max([i + 1 for i, c in enumerate(counts) if c >= i + 1], default=0)

    got = account_stats(t15).set_index("author_id")
    assert len(got) == len(per_author)
    for u, counts in per_author.items():
        row = got.loc[u]
        assert row["started"] == started[u]
        assert row["amplified"] == len(amplified.get(u, ()))
        assert row["t_factor"] == h_index(counts), u
        assert row["posts"] == len(counts)


def test_star_and_chain_hand_cases(table: Any) -> None:
    posts = table(
        [
            _post("s", None, None, "a", 0, "original"),
            _post("s1", "s", "s", "b", 1),
            _post("s2", "s", "s", "c", 2),
            _post("s3", "s", "s", "d", 3),
            _post("c", None, "c", "a", 0, "original"),
            _post("c1", "c", "c", "b", 10),
            _post("c2", "c1", "c", "c", 20),
            _post("c3", "c2", "c", "b", 30),
            _post("lonely", None, None, "z", 0, "original"),
        ]
    )
    m = cascade_metrics(posts).set_index("root_id")
    assert list(m.index) == ["c", "s"]  # the single post is not a cascade (min_size 2)
    star, chain = m.loc["s"], m.loc["c"]
    assert (star["size"], star["depth"], star["max_breadth"]) == (4, 1, 3)
    assert star["structural_virality"] == pytest.approx(9 / 6)  # 3 x 1 + 3 x 2 over 6 pairs
    assert (chain["size"], chain["depth"], chain["max_breadth"]) == (4, 3, 1)
    assert chain["structural_virality"] == pytest.approx(10 / 6)
    assert star["time_to_50"] == 60 and star["time_to_90"] == 180  # 2nd and 4th node
    assert chain["unique_users"] == 3
    one = cascade_metrics(posts, min_size=1).set_index("root_id")
    assert one.loc["lonely", "size"] == 1 and math.isnan(one.loc["lonely", "structural_virality"])
    acc = account_stats(posts).set_index("author_id")
    assert acc.loc["a", "started"] == 2 and acc.loc["a", "t_factor"] == 1  # s: 3, c: 1 repost
    assert acc.loc["b", "amplified"] == 2 and acc.loc["b", "posts"] == 3


def test_missing_parent_missing_root_and_cycles(table: Any) -> None:
    posts = table(
        [
            # root r present; x's parent is unknown -> hung under r
            _post("r", None, "r", "a", 0, "original"),
            _post("x", "gone", "r", "b", 1),
            _post("y", "x", "r", "c", 2),
            # root q absent: a placeholder stands for it
            _post("q1", "q", "q", "d", 5),
            _post("q2", "q1", "q", "e", 6),
            # a parent cycle k1 <-> k2 under root k
            _post("k", None, "k", "f", 0, "original"),
            _post("k1", "k2", "k", "g", 1),
            _post("k2", "k1", "k", "h", 2),
            # a self loop, and a post without root_id following its parent
            _post("k3", "k3", "k", "i", 3),
            _post("k4", "k1", None, "j", 4),
        ]
    )
    m = cascade_metrics(posts).set_index("root_id")
    assert m.loc["r", "size"] == 3 and m.loc["r", "depth"] == 2 and m.loc["r", "reattached"] == 1
    assert m.loc["q", "root_missing"] and m.loc["q", "size"] == 3 and m.loc["q", "depth"] == 2
    assert m.loc["q", "unique_users"] == 2 and m.loc["q", "time_to_50"] == 0
    k = m.loc["k"]
    assert k["size"] == 5 and k["reattached"] == 2  # one cut of the cycle, one self loop
    forest = build_cascades(posts)
    g = forest.to_networkx(int(forest.nodes.loc[forest.nodes["id"] == "k", "cascade"].iloc[0]))
    assert nx.is_tree(g)
    assert k["structural_virality"] == pytest.approx(
        nx.average_shortest_path_length(g.to_undirected())
    )


def test_node_limit(t15: Any) -> None:
    with pytest.raises(ComputationError, match="max_nodes"):
        cascade_metrics(t15, max_nodes=100)


def test_window_limits_the_posts(t15: Any) -> None:
    all_ = cascade_metrics(t15)
    first = all_["start"].min()
    some = cascade_metrics(t15, since=first, until=first + timedelta(minutes=30))
    assert 0 < some["size"].sum() < all_["size"].sum()
