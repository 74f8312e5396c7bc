"""Listening time series and breakdowns: equal results on every backend.

Each test compares the backend's answer with an independent pandas computation on the raw
real-data slice (``tests/listen/data``), so DuckDB and Spark are held to the same numbers.
"""

from __future__ import annotations

import re
from collections import Counter

import listen_data  # tests/listen, put on sys.path by tests/backends/conftest.py
import numpy as np
import pandas as pd
import pytest

from agorascope.listen import (
    TIERS,
    amplifier_tiers,
    breakdown,
    detect_spikes,
    explain_spike,
    top_authors,
    top_hashtags,
    trend,
    volume,
    volume_summary,
)
from agorascope.listen.spikes import _lift_rows, tokenize

pytestmark = [
    # Ibis 12 calls DuckDB 2.0's deprecated fetch_* methods; PySpark 4.0 leaves py4j sockets
    # for the garbage collector. Neither is ours to fix.
    pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


data = listen_data


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    d = data.ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    d["followers"] = d["followers"].astype(int)
    d["reach"] = d["author_id"].map(d.sort_values("t").groupby("author_id")["followers"].last())
    d["tags"] = [sorted({x.lower() for x in re.findall(r"#(\w+)", c)}) for c in d["content"]]
    return d


@pytest.fixture(scope="module")
def arrow() -> object:
    return data.ira_posts()


def test_volume_in_a_time_zone(make_table, arrow, raw) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_ira", arrow)
    d = raw[(raw.t >= "2015-01-01") & (raw.t < "2016-01-01")]
    local = d.t.dt.tz_localize("UTC").dt.tz_convert("America/New_York").dt.tz_localize(None)
    exp = d.groupby(local.dt.to_period("W-SUN").dt.start_time).agg(
        posts=("t", "size"), authors=("author_id", "nunique")
    )
    got = volume(posts, "2015-01-01", "2015-12-31", interval="week", tz="America/New_York")
    got = got[got["posts"] > 0].set_index("bucket")
    assert list(got.index) == list(exp.index)
    assert list(got["posts"]) == list(exp["posts"])
    assert list(got["authors"]) == list(exp["authors"])
    s = volume_summary(posts, "2015-07-01", "2015-09-30")  # 92 whole days
    prev = raw[
        (raw.t >= pd.Timestamp("2015-07-01") - pd.Timedelta(days=92)) & (raw.t < "2015-07-01")
    ]
    assert s.previous_posts == len(prev)
    assert s.posts == len(raw[(raw.t >= "2015-07-01") & (raw.t < "2015-10-01")])


def test_breakdowns_and_tiers(make_table, arrow, raw) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_ira", arrow)
    got = breakdown(posts, "country").set_index("key")
    regions = raw["region"].map(data.REGIONS)
    exp = raw.assign(key=regions).groupby("key").agg(posts=("t", "size"), reach=("reach", "sum"))
    for key, row in exp.iterrows():
        assert got.loc[key, "posts"] == row["posts"] and got.loc[key, "reach"] == row["reach"]
    top = top_authors(posts, by="posts", n=3)
    assert list(top["posts"]) == list(raw.groupby("author_id").size().nlargest(3))
    bins = [0, 1_000, 10_000, 100_000, 1_000_000, np.inf]
    tier = pd.cut(raw["reach"], bins=bins, right=False, labels=[t[0] for t in TIERS])
    exp_t = raw.groupby(tier, observed=False)["reach"].agg(["size", "sum"])
    got_t = amplifier_tiers(posts).set_index("tier")
    for label, row in exp_t.iterrows():
        assert got_t.loc[label, "posts"] == row["size"]
        assert got_t.loc[label, "reach_share"] == pytest.approx(
            100 * row["sum"] / raw["reach"].sum()
        )


def test_hashtags_trend_and_spikes(make_table, arrow, raw) -> None:  # type: ignore[no-untyped-def]
    posts = make_table("listen_ira", arrow)
    counts = Counter(t for ts in raw["tags"] for t in ts)
    got = top_hashtags(posts, n=5)
    assert (
        list(zip(got["hashtag"], got["posts"], strict=True))
        == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    )
    tag = got["hashtag"].iloc[0]
    series = trend(
        posts, posts.hashtags.contains(tag), "2015-01-01", "2015-12-31", interval="month"
    )
    d = raw[(raw.t >= "2015-01-01") & (raw.t < "2016-01-01")]
    share = d["tags"].map(lambda ts: tag in ts).groupby(d.t.dt.to_period("M").dt.start_time).mean()
    series = series[series["total"] > 0]
    assert list(series["index"]) == pytest.approx(list(100 * share / share.max()))
    spikes = detect_spikes(
        posts, "2015-01-01", "2015-12-31", interval="day", baseline=7, explain=False
    )
    daily = d.groupby(d.t.dt.floor("D")).size()
    assert spikes and all(s.peak_posts == daily[pd.Timestamp(s.peak)] for s in spikes)
    first = spikes[0]
    ex = explain_spike(
        posts,
        first.start_utc,
        first.until_utc,
        first.start_utc - pd.Timedelta(days=7),
        first.start_utc,
    )
    in_spike = d[(d.t >= first.start_utc) & (d.t < first.until_utc)].sort_values(["t"])
    assert ex.first_post is not None and ex.first_post["created_at"] == in_spike["t"].iloc[0]
    assert ex.top_authors[0]["posts"] == in_spike["author_id"].value_counts().iloc[0]
    # terms: the backend's regular expressions against the Python rule on the same texts
    before = d[(d.t >= first.start_utc - pd.Timedelta(days=7)) & (d.t < first.start_utc)]
    c_s = Counter(w for txt in in_spike["content"] for w in tokenize(txt))
    c_b = Counter(w for txt in before["content"] for w in tokenize(txt))
    assert ex.terms == _lift_rows(dict(c_s), dict(c_b), len(in_spike), len(before), "term", 10, 2)
    assert ex.terms


def test_term_counts_keep_the_first_and_last_letters(make_table) -> None:  # type: ignore[no-untyped-def]
    """Terms starting or ending in f or v (Spark's TRIM literal ate \\f and \\v as letters)."""
    from agorascope.listen.spikes import _term_counts

    texts = ["#tag focus of love", "fever over five", "vivid verb, ffff!", "http://x.org/f fav"]
    rows = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
    got = _term_counts(make_table("terms", listen_data.view_table(rows)))
    want = Counter(w for t in texts for w in tokenize(t))
    assert dict(zip(got["term"], got["n"], strict=True)) == dict(want)
    assert {"focus", "love", "fever", "five", "vivid", "verb", "ffff", "fav"} <= set(want)
