"""Breakdowns, top authors and amplifier tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from listen_data import LANGS, REGIONS, ira_frame

from agorascope.errors import InvalidInputError
from agorascope.listen import TIERS, amplifier_tiers, breakdown, top_authors


def _raw() -> pd.DataFrame:
    d = ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    d["followers"] = d["followers"].astype(int)
    last = d.sort_values("t").groupby("author_id")["followers"].last()
    d["reach"] = d["author_id"].map(last)
    return d


@pytest.mark.parametrize(
    "by,column,mapping",
    [("country", "region", REGIONS), ("lang", "language", LANGS), ("author", "author_id", None)],
    ids=["country", "lang", "author"],
)
def test_breakdown_matches_pandas_on_ira(ira: Any, by: str, column: str, mapping: Any) -> None:
    d = _raw()
    d = d[(d.t >= "2015-06-01") & (d.t < "2017-01-01")]
    d["key"] = d[column].map(mapping) if mapping else d[column]
    exp = d.groupby("key", dropna=False).agg(
        posts=("t", "size"), authors=("author_id", "nunique"), reach=("reach", "sum")
    )
    got = breakdown(ira, by, "2015-06-01", "2016-12-31")
    assert got["posts"].sum() == len(d)
    assert got["share"].sum() == pytest.approx(100.0)
    g = got.assign(key=got["key"].astype(object).where(got["key"].notna(), np.nan))
    g = g.set_index("key")
    for key, row in exp.iterrows():
        r = g.loc[key] if isinstance(key, str) else g[g.index.isna()].iloc[0]
        assert (r["posts"], r["authors"], r["reach"]) == (
            row["posts"],
            row["authors"],
            row["reach"],
        )
        assert r["share"] == pytest.approx(100 * row["posts"] / len(d))
    assert list(got["posts"]) == sorted(got["posts"], reverse=True)


def test_top_authors_by_posts_and_reach_on_ira(ira: Any) -> None:
    d = _raw()
    by_posts = d.groupby("author_id").size().sort_values(ascending=False)
    got = top_authors(ira, by="posts", n=5)
    assert list(got["posts"]) == list(by_posts.head(5))
    assert set(got["author_id"][:3]) <= set(by_posts[by_posts >= by_posts.iloc[2]].index)
    reach = d.groupby("author_id")["reach"].first().sort_values(ascending=False)
    got = top_authors(ira, by="reach", n=3)
    assert list(got["followers"]) == list(reach.head(3))
    assert list(got["author_id"]) == list(reach.head(3).index)


def test_top_authors_by_engagement_hand_case(table: Any) -> None:
    posts = table(
        [
            {"id": "1", "author_id": "a", "likes": 10, "author_followers": 5},
            {"id": "2", "author_id": "b", "likes": 4, "reposts": 4, "author_followers": 50},
            {"id": "3", "author_id": "b", "replies": 3, "author_followers": 50},
            {"id": "4", "author_id": "c", "author_followers": 500},
        ]
    )
    got = top_authors(posts, by="engagement", n=2)
    assert list(got["author_id"]) == ["b", "a"]
    assert list(got["engagement"]) == [11, 10]
    with pytest.raises(InvalidInputError):
        top_authors(posts, by="followers")
    with pytest.raises(InvalidInputError):
        breakdown(posts, "mood")


def test_tier_boundaries_hand_case(table: Any) -> None:
    followers = [0, 999, 1000, 9999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 5_000_000, None]
    posts = table(
        [
            {
                "id": str(i),
                "author_id": f"a{i}",
                "author_followers": f,
                "created_at": datetime(2024, 1, 1),
            }
            for i, f in enumerate(followers)
        ]
    )
    got = amplifier_tiers(posts).set_index("tier")
    assert list(got.index) == [t[0] for t in TIERS] + ["unknown"]
    assert list(got["posts"]) == [2, 2, 2, 2, 2, 1]
    assert got.loc[">1M", "reach"] == 6_000_000
    assert got.loc["unknown", "reach"] == 0
    assert got["post_share"].sum() == pytest.approx(100.0)
    assert got.loc[">1M", "reach_share"] == pytest.approx(
        100 * 6_000_000 / sum(f or 0 for f in followers)
    )


def test_tiers_match_pandas_on_ira(ira: Any) -> None:
    d = _raw()
    bins = [0, 1_000, 10_000, 100_000, 1_000_000, np.inf]
    d["tier"] = pd.cut(d["reach"], bins=bins, right=False, labels=[t[0] for t in TIERS])
    exp = d.groupby("tier", observed=False).agg(posts=("t", "size"), reach=("reach", "sum"))
    got = amplifier_tiers(ira).set_index("tier")
    for tier, row in exp.iterrows():
        assert got.loc[tier, "posts"] == row["posts"]
        assert got.loc[tier, "reach"] == row["reach"]
        assert got.loc[tier, "post_share"] == pytest.approx(100 * row["posts"] / len(d))
        assert got.loc[tier, "reach_share"] == pytest.approx(100 * row["reach"] / d["reach"].sum())
