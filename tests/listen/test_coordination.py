"""Co-repost networks, clusters and GEXF export."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from listen_data import ira_frame

from agorascope.errors import InvalidInputError
from agorascope.listen import coordinated_clusters, corepost_edges, write_gexf

T0 = datetime(2024, 5, 1)


def _rp(
    pid: str, author: str, item: str, seconds: float, relation: str = "repost"
) -> dict[str, Any]:
    return {
        "id": pid,
        "author_id": author,
        "parent_id": item,
        "root_id": item,
        "relation": relation,
        "created_at": T0 + timedelta(seconds=seconds),
    }


def test_window_and_thresholds_hand_case(table: Any) -> None:
    posts = table(
        [
            _rp("1", "a", "i1", 0),
            _rp("2", "b", "i1", 60),
            _rp("3", "c", "i1", 61),
            _rp("4", "a", "i2", 100),
            _rp("5", "b", "i2", 130),
            _rp("6", "c", "i2", 140),
            _rp("7", "a", "i3", 200),
            _rp("8", "b", "i3", 200),
            _rp("9", "a", "i4", 300),
            _rp("10", "a", "i4", 301),  # same account twice
            _rp("11", "c", "i3", 205, relation="quote"),  # quotes are not reposts by default
        ]
    )
    e = corepost_edges(posts, window=60, min_items=1)
    got = {(r.account_a, r.account_b): r.items for r in e.itertuples()}
    # a-b: i1 (60 s, inclusive), i2, i3; a-c: i2 (40 s) only, i1 is 61 s apart; b-c: i1, i2
    assert got == {("a", "b"): 3, ("b", "c"): 2, ("a", "c"): 1}
    strict = corepost_edges(posts, window=60, min_items=2)
    assert len(strict) == 2
    with_quotes = corepost_edges(posts, window=60, min_items=1, relations=("repost", "quote"))
    assert {(r.account_a, r.account_b): r.items for r in with_quotes.itertuples()}[("a", "c")] == 2
    res = coordinated_clusters(posts, window=60, min_items=2)
    assert len(res.clusters) == 1
    c = res.clusters.iloc[0]
    assert c["accounts"] == ["x:a", "x:b", "x:c"] and c["size"] == 3 and c["edges"] == 2
    assert c["density"] == pytest.approx(2 / 3) and c["items"] == 5
    assert c["score"] == pytest.approx(2 / 3 * 2.5)
    with pytest.raises(InvalidInputError):
        corepost_edges(posts, window=-1)


def test_corepost_edges_equal_brute_force_on_ira(ira: Any) -> None:
    d = ira_frame()
    d = d[d["post_type"] == "R"]
    d["t"] = d["publish_date"].astype("datetime64[s]").astype("int64")
    by_item: dict[str, list[tuple[str, int]]] = {}
    for r in d.itertuples():
        by_item.setdefault(r.content, []).append((r.author_id, r.t))
    window = 6 * 3600
    pairs: dict[tuple[str, str], set[str]] = {}
    for item, rows in by_item.items():
        for (a, ta), (b, tb) in itertools.combinations(rows, 2):
            if a != b and abs(ta - tb) <= window:
                pairs.setdefault((min(a, b), max(a, b)), set()).add(item)
    exp = {k: len(v) for k, v in pairs.items() if len(v) >= 2}
    assert exp  # the slice holds co-reposting accounts
    got = corepost_edges(ira, window=window, min_items=2)
    assert {(r.account_a, r.account_b): r.items for r in got.itertuples()} == exp
    res = coordinated_clusters(ira, window=window, min_items=2)
    g = nx.Graph(list(exp))
    assert sorted(res.clusters["size"]) == sorted(len(c) for c in nx.connected_components(g))


def test_gexf_round_trip(table: Any, tmp_path: Path) -> None:
    posts = table(
        [_rp("1", "a", "i", 0), _rp("2", "b", "i", 1), _rp("3", "a", "j", 5), _rp("4", "b", "j", 9)]
    )
    res = coordinated_clusters(posts, window=10, min_items=2)
    path = write_gexf(res.graph, tmp_path / "net.gexf")
    back = nx.read_gexf(path)
    assert set(back.nodes) == {"x:a", "x:b"}
    assert back.edges["x:a", "x:b"]["weight"] == 2
    assert back.nodes["x:a"]["cluster"] == 0
