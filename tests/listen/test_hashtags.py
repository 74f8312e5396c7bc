"""Top and rising hashtags, the co-hashtag network and trend series."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from listen_data import ira_frame

from agorascope.listen import (
    cohashtag_graph,
    cohashtag_network,
    rising_hashtags,
    top_hashtags,
    trend,
)


def _tags() -> pd.DataFrame:
    d = ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    d["tags"] = [sorted({t.lower() for t in re.findall(r"#(\w+)", x)}) for x in d["content"]]
    return d


def test_top_hashtags_match_counter_on_ira(ira: Any) -> None:
    d = _tags()
    counts = Counter(t for tags in d["tags"] for t in tags)
    got = top_hashtags(ira, n=15)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    assert list(zip(got["hashtag"], got["posts"], strict=True)) == expected
    authors = d[d["tags"].map(lambda ts: expected[0][0] in ts)]["author_id"].nunique()
    assert got["authors"].iloc[0] == authors
    assert got["share"].iloc[0] == pytest.approx(100 * expected[0][1] / len(d))


def test_rising_hashtags_on_ira(ira: Any) -> None:
    d = _tags()
    cur = d[(d.t >= "2015-09-01") & (d.t < "2015-12-01")]
    prev = d[(d.t >= pd.Timestamp("2015-09-01") - pd.Timedelta(days=91)) & (d.t < "2015-09-01")]
    c = Counter(t for ts in cur["tags"] for t in ts)
    p = Counter(t for ts in prev["tags"] for t in ts)
    exp = sorted(
        ((t, n, p[t], (n + 1) / (p[t] + 1)) for t, n in c.items() if n >= 3),
        key=lambda r: (-r[3], -r[1], r[0]),
    )
    assert len(exp) >= 20
    got = rising_hashtags(ira, "2015-09-01", "2015-11-30", n=1000)
    assert list(got["hashtag"]) == [r[0] for r in exp]
    assert list(got["previous"]) == [r[2] for r in exp]
    assert list(got["growth"]) == pytest.approx([r[3] for r in exp])


def test_cohashtag_network_matches_pairs_on_ira(ira: Any) -> None:
    d = _tags()
    pairs = Counter(p for ts in d["tags"] for p in itertools.combinations(ts, 2))
    exp = {k: v for k, v in pairs.items() if v >= 2}
    got = cohashtag_network(ira, min_weight=2)
    assert {(s, t): w for s, t, w in got.itertuples(index=False)} == exp
    g = cohashtag_graph(got)
    assert isinstance(g, nx.Graph) and g.number_of_edges() == len(exp)


def test_duplicate_tags_in_a_post_count_once(table: Any) -> None:
    posts = table([{"id": "1", "hashtags": ["a", "a", "b"]}, {"id": "2", "hashtags": ["b", "a"]}])
    assert list(cohashtag_network(posts, min_weight=1)["weight"]) == [2]
    assert dict(zip(*top_hashtags(posts)[["hashtag", "posts"]].T.values, strict=True)) == {
        "a": 2,
        "b": 2,
    }


def test_trend_google_scaling_hand_case(table: Any) -> None:
    rows = []
    day = datetime(2024, 3, 1)
    # day 0: 1 of 4 posts; day 1: 2 of 2; day 2: 3 of 12; day 3: nothing at all
    for d, (hits, total) in enumerate([(1, 4), (2, 2), (3, 12)]):
        for i in range(total):
            rows.append(
                {
                    "id": f"{d}-{i}",
                    "created_at": day + timedelta(days=d, hours=i),
                    "text": "boycott" if i < hits else "other",
                }
            )
    posts = table(rows)
    got = trend(posts, posts.text == "boycott", day, day + timedelta(days=4))
    assert list(got["posts"]) == [1, 2, 3, 0]
    assert list(got["total"]) == [4, 2, 12, 0]
    assert list(got["index"]) == pytest.approx([25.0, 100.0, 25.0, 0.0])
    assert list(got["rounded"]) == [25, 100, 25, 0]
    same = trend(posts, posts.filter(posts.text == "boycott"), day, day + timedelta(days=4))
    assert list(same["index"]) == list(got["index"])


def test_trend_on_ira_matches_pandas(ira: Any) -> None:
    d = _tags()
    d = d[(d.t >= "2016-01-01") & (d.t < "2017-01-01")]
    tag = Counter(t for ts in d["tags"] for t in ts).most_common(1)[0][0]
    month = d.t.dt.to_period("M").dt.start_time
    share = d["tags"].map(lambda ts: tag in ts).groupby(month).mean()
    assert share.max() > 0
    exp = (100 * share / share.max()).round(9)
    got = trend(ira, ira.hashtags.contains(tag), "2016-01-01", "2016-12-31", interval="month")
    got = got[got["total"] > 0]
    assert list(got["bucket"]) == list(exp.index)
    assert list(got["index"].round(9)) == pytest.approx(list(exp))


def test_rising_hashtags_hand_case(table: Any) -> None:
    t = datetime(2024, 1, 10)
    rows = []
    for tag, before, now in [("old", 6, 6), ("up", 1, 5), ("new", 0, 3), ("rare", 0, 2)]:
        for i in range(before):
            rows.append(
                {"id": f"{tag}-b{i}", "hashtags": [tag], "created_at": t - timedelta(days=1)}
            )
        for i in range(now):
            rows.append(
                {"id": f"{tag}-n{i}", "hashtags": [tag], "created_at": t + timedelta(days=1)}
            )
    got = rising_hashtags(table(rows), t, t + timedelta(days=3))
    assert list(got["hashtag"]) == ["new", "up", "old"]  # growth 4, 3, 1; "rare" below 3 posts
    assert list(got["previous"]) == [0, 1, 6]
    assert list(got["change"]) == [3, 4, 0]
