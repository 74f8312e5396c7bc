"""Cascades, coordination, co-hashtags and near-duplicates: equal results on every backend.

The references are independent: networkx trees built straight from the Twitter15 CSV rows and
brute-force pair counts on the IRA slice (``tests/listen/data``).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import listen_data  # tests/listen, put on sys.path by tests/backends/conftest.py
import networkx as nx
import pytest

from agorascope.listen import (
    account_stats,
    cascade_metrics,
    cohashtag_network,
    corepost_edges,
    near_duplicates,
)

pytestmark = [
    # Ibis 12 calls DuckDB 2.0's deprecated fetch_* methods; PySpark 4.0 leaves py4j sockets
    # for the garbage collector. Neither is ours to fix.
    pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


data = listen_data


def _trees() -> dict[str, tuple[nx.DiGraph, str, dict[str, float]]]:
    c = data.twitter15_frame()
    out = {}
    for cid, rows in c.groupby("cascade_id", sort=False):
        r0 = rows[rows.parent_user == "ROOT"].iloc[0]
        root = data.node_key(cid, r0.user, r0.tweet, r0.delay_min)
        g = nx.DiGraph()
        g.add_node(root)
        times = {root: float(r0.delay_min)}
        for r in rows[rows.parent_user != "ROOT"].itertuples():
            v = data.node_key(cid, r.user, r.tweet, r.delay_min)
            if v not in g:
                g.add_edge(data.node_key(cid, r.parent_user, r.parent_tweet, r.parent_delay_min), v)
                times[v] = float(r.delay_min)
        out[cid] = (g, root, times)
    return out


def test_cascades_equal_networkx(make_table) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_t15", data.twitter15_posts())
    got = cascade_metrics(posts).set_index("root_id")
    trees = _trees()
    assert len(got) == len(trees)
    for cid, (g, root, times) in trees.items():
        levels = nx.shortest_path_length(g, root)
        n = g.number_of_nodes()
        order = sorted(times.values())
        row = got.loc[cid]
        assert row["size"] == n and row["depth"] == max(levels.values())
        assert row["max_breadth"] == max(Counter(levels.values()).values())
        assert row["structural_virality"] == pytest.approx(
            nx.average_shortest_path_length(g.to_undirected())
        )
        assert row["time_to_90"] == pytest.approx(
            (order[math.ceil(0.9 * n) - 1] - times[root]) * 60
        )
    acc = account_stats(posts)
    assert acc["started"].sum() == len(trees)


def test_corepost_and_cohashtags(make_table) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_ira", data.ira_posts())
    d = data.ira_frame()
    r = d[d["post_type"] == "R"].assign(
        t=lambda x: x["publish_date"].astype("datetime64[s]").astype("int64")
    )
    by_item: dict[str, list[tuple[str, int]]] = {}
    for row in r.itertuples():
        by_item.setdefault(row.content, []).append((row.author_id, row.t))
    pairs: dict[tuple[str, str], set[str]] = {}
    for item, rows in by_item.items():
        for (a, ta), (b, tb) in itertools.combinations(rows, 2):
            if a != b and abs(ta - tb) <= 21600:
                pairs.setdefault((min(a, b), max(a, b)), set()).add(item)
    exp = {k: len(v) for k, v in pairs.items() if len(v) >= 2}
    got = corepost_edges(posts, window=21600, min_items=2)
    assert {(e.account_a, e.account_b): e.items for e in got.itertuples()} == exp
    edges = cohashtag_network(posts, min_weight=3)
    tags = [
        sorted({t.lower() for t in __import__("re").findall(r"#(\w+)", c)}) for c in d["content"]
    ]
    co = Counter(p for ts in tags for p in itertools.combinations(ts, 2))
    assert {(s, t): w for s, t, w in edges.itertuples(index=False)} == {
        k: v for k, v in co.items() if v >= 3
    }


def test_near_duplicates_same_on_every_backend(make_table) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_ira", data.ira_posts())
    got = near_duplicates(posts, threshold=0.8, seed=11)
    # the reference is the DuckDB-free path: the same function on an in-memory table
    import ibis

    local = ibis.duckdb.connect().create_table("ref", data.ira_posts())
    ref = near_duplicates(local, threshold=0.8, seed=11)
    assert list(got["size"]) == list(ref["size"])
    assert [sorted(p) for p in got["post_ids"]] == [sorted(p) for p in ref["post_ids"]]
