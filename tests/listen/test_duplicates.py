"""Near-duplicate clusters (MinHash LSH)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import pytest
from listen_data import ira_frame

from agorascope.listen import near_duplicates
from agorascope.listen.duplicates import normalize_text, shingles

T0 = datetime(2024, 1, 1)


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("RT @ana: L'Amérique  https://t.co/x!", "l amerique"),
        ("rt RT x", "rt x"),
        ("Café CAFE\ncafe\u0301 (www.x.org) ﬁn", "cafe cafe cafe fin"),
        ("mail ana@x.org #Tag", "mail ana x org tag"),
        (None, ""),
    ],
    ids=["rt-mention-link", "leading-rt-only", "word-rule", "not-a-mention", "none"],
)
def test_normalize_text_hand_cases(text: str | None, norm: str) -> None:
    assert normalize_text(text) == norm


BASE = "the airport systems are down everywhere because of the update stay home and wait"


def test_copy_paste_cluster_hand_case(table: Any) -> None:
    rows = [
        {
            "id": "1",
            "author_id": "a",
            "text": "RT @x: " + BASE + " https://t.co/abc",
            "created_at": T0,
        },
        {
            "id": "2",
            "author_id": "b",
            "text": BASE.upper(),
            "created_at": T0 + timedelta(minutes=1),
        },
        {
            "id": "3",
            "author_id": "c",
            "text": BASE + " now",
            "created_at": T0 + timedelta(minutes=2),
        },
        {
            "id": "4",
            "author_id": "d",
            "text": "a completely different post about football tonight",
            "created_at": T0,
        },
        {"id": "5", "author_id": "e", "text": "too short", "created_at": T0},
    ]
    got = near_duplicates(table(rows), threshold=0.8, seed=3)
    assert len(got) == 1
    c = got.iloc[0]
    assert c["size"] == 3 and c["accounts"] == ["a", "b", "c"] and c["first_id"] == "1"
    assert c["texts"] == 2  # rows 1 and 2 normalise to the same text


def test_same_seed_same_clusters(ira: Any) -> None:
    a = near_duplicates(ira, threshold=0.6, seed=7)
    b = near_duplicates(ira, threshold=0.6, seed=7)
    assert a.drop(columns=["first_at"]).equals(b.drop(columns=["first_at"]))


def _exact_jaccard_pairs(texts: list[str]) -> dict[tuple[str, str], float]:
    """Jaccard similarity of every pair of texts sharing at least one shingle."""
    sets = {t: shingles(t) for t in texts}
    holders: dict[bytes, list[str]] = {}
    for t, sh in sets.items():
        for x in sh:
            holders.setdefault(x, []).append(t)
    out: dict[tuple[str, str], float] = {}
    for group in holders.values():
        for a, b in itertools.combinations(sorted(group), 2):
            if (a, b) not in out:
                out[(a, b)] = len(sets[a] & sets[b]) / len(sets[a] | sets[b])
    return out


def test_lsh_agrees_with_exact_jaccard_on_ira(ira: Any) -> None:
    d = ira_frame()
    norm = [normalize_text(t) for t in d["content"]]
    texts = sorted({n for n in norm if len(n.split()) >= 5})
    pairs = _exact_jaccard_pairs(texts)
    got = near_duplicates(ira, threshold=0.7, seed=1)
    cluster_of: dict[str, int] = {}
    for c, ids in zip(got["cluster"], got["post_ids"], strict=True):
        for pid in ids:
            cluster_of[norm[int(pid.removeprefix("ira-"))]] = c
    strong = [(a, b) for (a, b), j in pairs.items() if j >= 0.9]
    assert len(strong) >= 3
    # recall: texts at least 90 % alike always end in the same cluster
    assert all(a in cluster_of and cluster_of.get(a) == cluster_of.get(b) for a, b in strong)
    # precision: a cluster's texts are chained by pairs at least 50 % alike
    weak = nx.Graph([(a, b) for (a, b), j in pairs.items() if j >= 0.5])
    for c in set(cluster_of.values()):
        members = {t for t, k in cluster_of.items() if k == c}
        if len(members) > 1:
            assert nx.is_connected(weak.subgraph(members))
    # exact copies (same normalised text) are always clustered together
    counts = Counter(n for n in norm if len(n.split()) >= 5)
    assert all(t in cluster_of for t, n in counts.items() if n >= 2)
