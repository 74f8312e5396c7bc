"""Influencer audit against pandas, scipy, statsmodels and hand-computed cases."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy.stats import median_abs_deviation, percentileofscore
from statsmodels.stats.proportion import proportion_confint

from agorascope.audience import audience_of
from agorascope.audience.audit import (
    SNIPPET,
    account_activity,
    audience_fit,
    audit,
    coordination_of,
    duplicate_shares,
    find_accounts,
    ratio_anomaly,
    topic_posts,
)
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.text import words

DATA = Path(__file__).parent / "data"
MakeTable = Any  # the ``table`` fixture: rows or an Arrow table -> an Ibis table
T0 = datetime(2024, 7, 19)
COPY = "the quick brown fox jumps over the lazy dog again today"


def _author(a: str, followers: int | None, following: int | None) -> dict[str, Any]:
    return {"author_id": a, "author_handle": a.capitalize(), "author_followers": followers,
            "author_following": following}  # fmt: skip


ROWS: list[dict[str, Any]] = [
    # ana: 3 posts on 2 days; 1 repost (its counts are not hers); 2,500 followers
    {"id": "1", "created_at": T0, "relation": "original", "likes": 10, "reposts": 5,
     "replies": 1, "text": COPY, **_author("ana", 2_500, 100)},
    {"id": "2", "created_at": T0 + timedelta(hours=30), "relation": "reply", "likes": 4,
     "reposts": None, "replies": 0, "text": "short reply", "parent_id": "9",
     **_author("ana", 2_500, 100)},
    {"id": "3", "created_at": T0 + timedelta(hours=31), "relation": "repost", "likes": 99,
     "reposts": 99, "text": "RT x", "parent_id": "9", **_author("ana", 2_500, 100)},
    # bob: engages with ana, copies her text; no follower count
    {"id": "4", "created_at": T0 + timedelta(hours=1), "relation": "repost", "parent_id": "1",
     **_author("bob", None, 50)},
    {"id": "5", "created_at": T0 + timedelta(hours=2), "relation": "original", "text": COPY,
     "likes": 1, **_author("bob", None, 50)},
    # cy, dee: engage with ana; eve: reposts her own... no, replies to ana twice
    {"id": "6", "created_at": T0 + timedelta(hours=3), "relation": "quote", "parent_id": "1",
     "text": "look", **_author("cy", 10, 1_000)},
    {"id": "7", "created_at": T0 + timedelta(hours=4), "relation": "reply", "parent_id": "2",
     **_author("dee", 40_000, 40)},
    {"id": "8", "created_at": T0 + timedelta(hours=5), "relation": "reply", "parent_id": "1",
     **_author("eve", 900, 900)},
    {"id": "8b", "created_at": T0 + timedelta(hours=6), "relation": "reply", "parent_id": "2",
     **_author("eve", 900, 900)},
    # ana replying to herself is no engager
    {"id": "8c", "created_at": T0 + timedelta(hours=7), "relation": "reply", "parent_id": "1",
     "text": "more", **_author("ana", 2_500, 100)},
    {"id": "9", "created_at": T0 - timedelta(days=3), "relation": "original", "text": "old",
     **_author("zed", 2_000_000, 10)},
]  # fmt: skip


@pytest.fixture
def posts(table: MakeTable) -> Any:
    return table(ROWS)


def _accounts(posts: Any, *handles: str) -> pd.DataFrame:
    return find_accounts(posts, handles)


def test_unknown_handle_is_not_found_and_named(posts: Any) -> None:
    with pytest.raises(NotFoundError, match=r"@nobody, @nope.*spelling"):
        find_accounts(posts, ["@Ana", "nobody", "NOPE"])
    with pytest.raises(InvalidInputError, match="at least one handle"):
        find_accounts(posts, [" @ "])


def test_accounts_ignore_at_and_case_and_carry_tiers(posts: Any) -> None:
    df = find_accounts(posts, ["@ANA", "bob", "zed", "dee", "cy"])
    assert list(df["handle"]) == ["ana", "bob", "cy", "dee", "zed"]
    assert list(df["tier"]) == ["1k-10k", "unknown", "<1k", "10k-100k", ">1M"]
    assert df["followers"].tolist()[:2] == [2_500, pd.NA]


def test_activity_and_engagement_by_hand(posts: Any) -> None:
    acc = _accounts(posts, "ana", "bob", "zed")
    window = posts.filter(posts.created_at >= T0)
    df = account_activity(window, acc).set_index("author_id")
    # ana: posts 1, 2, 3, 8c; days 19 and 20; authored 1, 2, 8c; engagement 16 + 4 + 0
    assert df.loc["ana", ["posts", "active_days", "authored", "engagement"]].tolist() == [
        4, 2, 3, 20,
    ]  # fmt: skip
    assert df.loc["ana", "engagement_per_post"] == pytest.approx(20 / 3)
    assert df.loc["ana", "engagement_rate"] == pytest.approx(100 * 20 / 3 / 2_500)
    assert df.loc["bob", "engagement_per_post"] == 1.0
    assert np.isnan(df.loc["bob", "engagement_rate"])  # followers unknown
    assert df.loc["zed", "posts"] == 0 and np.isnan(df.loc["zed", "engagement_per_post"])


def test_topic_posts_counts_and_earliest_examples(posts: Any) -> None:
    acc = _accounts(posts, "ana", "eve")
    counts, examples = topic_posts(posts.filter(posts.relation == "reply"), acc, examples=2)
    assert counts["posts"].tolist() == [2, 2]
    assert [e["id"] for e in examples[("x", "ana")]] == [
        "8c",
        "2",
    ]  # by time: 8c at 07:00, 2 the next day
    assert [e["id"] for e in examples[("x", "eve")]] == ["8", "8b"]
    long = posts.mutate(text=posts.text.fill_null("") + "y" * 300)
    _, ex = topic_posts(long.filter(long.id == "1"), acc, examples=1)
    assert len(ex[("x", "ana")][0]["text"]) == SNIPPET
    assert ("x", "eve") not in ex


def test_ratio_robust_z_and_percentile_against_scipy(posts: Any) -> None:
    acc = _accounts(posts, "ana", "dee", "bob")
    window = posts.filter(posts.created_at >= T0)
    df, n = ratio_anomaly(window, acc)
    ref = {"ana": (2_500, 100), "cy": (10, 1_000), "dee": (40_000, 40), "eve": (900, 900)}
    x = np.log10([(f + 1) / (g + 1) for f, g in ref.values()])
    assert n == len(ref)  # bob (unknown followers) and zed (outside the window) are left out
    med, mad = np.median(x), median_abs_deviation(x, scale="normal")
    for handle in ("ana", "dee"):
        r = df.set_index("author_id").loc[handle]
        mine = np.log10((ref[handle][0] + 1) / (ref[handle][1] + 1))
        assert r["ratio"] == pytest.approx(mine)
        assert r["ratio_z"] == pytest.approx((mine - med) / mad)
        assert r["ratio_percentile"] == pytest.approx(percentileofscore(x, mine, kind="weak"))
    assert df.set_index("author_id").loc["bob"].isna()[["ratio", "ratio_z"]].all()


def test_audience_fit_against_sets_and_statsmodels(posts: Any) -> None:
    acc = _accounts(posts, "ana", "zed")
    window = posts.filter(posts.created_at >= T0)
    target = audience_of("target", window.filter(window.author_id.isin(["bob", "cy", "eve"])))
    df = audience_fit(window, posts, acc, target, min_size=1).set_index("author_id")
    engagers = {"bob", "cy", "dee", "eve"}  # ana's own reply is not engagement
    both = len(engagers & {"bob", "cy", "eve"})
    assert df.loc["ana", ["engagers", "engagers_in_target"]].tolist() == [4, both]
    lo, hi = proportion_confint(both, 4, method="wilson")
    assert df.loc["ana", ["fit", "fit_low", "fit_high"]].tolist() == pytest.approx(
        [100 * both / 4, 100 * lo, 100 * hi]
    )
    # zed's old post: ana replied to it and reposted it in the window; she is not in the target
    assert df.loc["zed", ["engagers", "engagers_in_target", "fit"]].tolist() == [1, 0, 0.0]
    withheld = audience_fit(window, posts, acc, target, min_size=2)
    assert withheld["engagers"].tolist() == [4, 1]
    assert withheld["fit"].tolist()[0] == 75.0 and np.isnan(withheld["fit"].tolist()[1])


def test_coordination_cluster_by_hand(table: MakeTable) -> None:
    rows = [
        {"id": f"{a}{i}", "author_id": a, "author_handle": a, "relation": "repost",
         "parent_id": f"item{i}", "created_at": T0 + timedelta(minutes=10 * i, seconds=s)}
        for i in range(3) for a, s in (("p", 0), ("q", 30), ("r", 600))
    ]  # fmt: skip
    t = table(rows)
    df = coordination_of(t, _accounts(t, "p", "q", "r")).set_index("author_id")
    assert df.loc["p", "cluster"] == df.loc["q", "cluster"] == 0
    assert df.loc["p", "cluster_size"] == 2
    assert df.loc["p", "cluster_score"] == pytest.approx(1.0 * 3)  # density 1 x 3 items
    assert pd.isna(df.loc["r", "cluster"])


def test_duplicate_share_by_hand(posts: Any) -> None:
    acc = _accounts(posts, "ana", "bob", "dee")
    df = duplicate_shares(posts, acc).set_index("author_id")
    # ana: 1 of her 3 authored posts with text (1, 2, 8c) is bob's copy; bob: 1 of 1
    assert df.loc["ana", ["duplicates", "duplicate_share"]].tolist() == pytest.approx([1, 100 / 3])
    assert df.loc["bob", "duplicate_share"] == 100.0
    assert df.loc["dee", "duplicates"] == 0 and np.isnan(df.loc["dee", "duplicate_share"])


def test_audit_on_ira_against_pandas_and_deterministic(
    table: MakeTable, ira_arrow: pa.Table
) -> None:
    t = table(ira_arrow)
    d = ira_arrow.to_pandas()
    since, until = datetime(2016, 1, 1), datetime(2018, 1, 1)
    w = d[(d["created_at"] >= since) & (d["created_at"] < until)]
    handles = list(w["author_handle"].value_counts().index[:3])
    tw = t.filter((t.created_at >= since) & (t.created_at < until))
    tags = {"maga": tw.filter(tw.hashtags.contains("maga")), "news": tw.filter(tw.lang == "ru")}
    risk = {"trump": tw.filter(tw.text.lower().contains("trump"))}
    df, meta = audit(tw, t, handles, topics=tags, risk=risk, examples=2)
    again, meta2 = audit(tw, t, handles, topics=tags, risk=risk, examples=2)
    pd.testing.assert_frame_equal(df, again)
    assert meta == meta2
    for r in df.itertuples():
        mine = w[w["author_handle"] == r.handle]
        assert r.posts == len(mine)
        assert r.active_days == mine["created_at"].dt.date.nunique()
        assert r.authored == int((mine["relation"] != "repost").sum())
        maga = int(mine["hashtags"].map(lambda h: "maga" in list(h)).sum())
        assert r.topics["maga"] == {"posts": maga, "share": pytest.approx(100 * maga / len(mine))}
        trump = int(mine["text"].str.lower().str.contains("trump").sum())
        assert (r.risk_posts, r.risk_share) == (trump, pytest.approx(100 * trump / len(mine)))
        ev = meta["evidence"][f"twitter:{r.author_id}"]["risk"]["trump"]
        expected = mine[mine["text"].str.lower().str.contains("trump")].sort_values(
            ["created_at", "id"]
        )
        assert [e["id"] for e in ev] == list(expected["id"][:2])
    assert list(df["handle"]) == sorted(handles)


@pytest.fixture(scope="module")
def ira_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import agorascope

    db = tmp_path_factory.mktemp("audit") / "ira.duckdb"
    with agorascope.open(db) as ws:
        ws.import_files([DATA / "ira_train.csv.gz"], format="ira", index=False)
    return db


def test_workspace_audit_on_ira_accounts(ira_db: Path) -> None:
    import agorascope

    csv = pd.read_csv(DATA / "ira_train.csv.gz", dtype=str, keep_default_na=False)
    csv["at"] = pd.to_datetime(csv["publish_date"])
    w = csv[(csv["at"] >= "2017-01-01") & (csv["at"] < "2018-01-01")]
    handles = ["10_GOP", "@AmyGrabMyEssay"]
    with agorascope.open(ira_db, read_only=True) as ws:
        with pytest.raises(NotFoundError, match="@nosuchaccount"):
            ws.audience.audit(handles=["nosuchaccount", *handles])
        kw: dict[str, Any] = {"since": "2017-01-01", "until": "2018-01-01", "handles": handles,
                              "risk": ["trump=trump"], "examples": 1}  # fmt: skip
        first, again = ws.audience.audit(**kw), ws.audience.audit(**kw)
    assert first.rows == again.rows and first.meta == again.meta
    for r in first.rows:
        mine = w[w["author_id"].str.lower() == r["handle"]]
        assert r["posts"] == len(mine) > 0
        assert r["active_days"] == mine["at"].dt.date.nunique()
        assert r["authored"] == int((mine["post_type"] != "R").sum())
        assert r["risk_posts"] == sum("trump" in words(x) for x in mine["content"])
        assert r["tier"] in {"<1k", "1k-10k", "10k-100k", "100k-1M", ">1M"}
        assert 0 <= r["ratio_percentile"] <= 100
    assert [r["handle"] for r in first.rows] == ["10_gop", "amygrabmyessay"]
