"""The author profile (``listen author``) against pandas on the real slices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from listen_data import ira_posts, store_file, twitter15_posts

import agorascope
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.listen import account_stats, coordinated_clusters, near_duplicates
from agorascope.listen.authors import tier_of

TROLL = "AntieHarmon"  # IRA slice: reposts, hashtags, a co-repost cluster, copied texts
STARTER = "20012204"  # Twitter15 slice: the root of three cascades
AMPLIFIER = "83171355"  # Twitter15 slice: reposts in two cascades


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Both slices as one post_view frame (the reference computations read it)."""
    return pa.concat_tables([ira_posts(), twitter15_posts()]).to_pandas()


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = store_file(
        tmp_path_factory.mktemp("author") / "s.duckdb",
        pa.concat_tables([ira_posts(), twitter15_posts()]),
    )
    with agorascope.open(db, read_only=True) as w:
        yield w


def _author(ws: Any, author_id: str | None, **kw: Any) -> dict[str, Any]:
    result = ws.listen.author(platform="twitter", author_id=author_id, **kw)
    assert len(result) == 1
    row: dict[str, Any] = result.rows[0]
    return row


@pytest.mark.parametrize("who", [TROLL, STARTER], ids=["ira", "twitter15"])
def test_totals_series_and_hashtags_equal_pandas(ws: Any, frame: pd.DataFrame, who: str) -> None:
    since, until = "2016-01-01", "2017-12-31"
    a = _author(ws, who) if who == STARTER else _author(ws, who, since=since, until=until)
    mine = frame[(frame["author_id"] == who) & (frame["platform"] == "twitter")]
    if who == TROLL:
        mine = mine[(mine["created_at"] >= since) & (mine["created_at"] < "2018-01-01")]
    assert a["posts"] == len(mine)
    for r in ("original", "repost", "quote", "reply"):
        assert a[f"n_{r}"] == int((mine["relation"] == r).sum()), r
    assert a["reach"] == int(mine["author_followers"].fillna(0).sum())
    assert a["engagement"] == 0  # the slices carry no likes, reposts or replies counts
    assert a["followers"] == (None if who == STARTER else int(mine["author_followers"].max()))
    assert a["first_at"] == mine["created_at"].min().isoformat()
    assert a["last_at"] == mine["created_at"].max().isoformat()
    days = mine.groupby(mine["created_at"].dt.floor("D")).size()
    series = {pd.Timestamp(p["bucket"]): p["posts"] for p in a["volume"]}
    assert {k: v for k, v in series.items() if v} == {k: int(v) for k, v in days.items()}
    assert sum(series.values()) == len(mine)
    tags = mine.assign(tag=mine["hashtags"]).explode("tag").dropna(subset=["tag"])
    counts = tags.drop_duplicates(["id", "tag"]).groupby("tag").size()
    want = sorted(((-int(n), t) for t, n in counts.items()))[:10]
    assert [(h["hashtag"], h["posts"]) for h in a["hashtags"]] == [(t, -n) for n, t in want]


def test_profile_and_tier(ws: Any) -> None:
    a = _author(ws, TROLL)
    assert a["handle"] == TROLL.lower() and a["tier"] == tier_of(a["followers"])
    assert tier_of(None) == "unknown" and tier_of(999) == "<1k" and tier_of(1000) == "1k-10k"
    assert tier_of(1_000_000) == ">1M"


def test_cascades_started_and_amplified(ws: Any, frame: pd.DataFrame) -> None:
    t15 = frame[frame["id"].str.match(r"^\d")]  # the Twitter15 rows (IRA ids start with ira-)
    started = _author(ws, STARTER)
    roots = t15[(t15["author_id"] == STARTER) & (t15["relation"] == "original")]["id"]
    assert started["n_started"] == 3 == len(roots)
    assert {c["root_id"] for c in started["started"]} == set(roots)
    sizes = t15.groupby("root_id").size()
    assert {c["root_id"]: c["size"] for c in started["started"]} == {
        r: int(sizes[r]) for r in roots
    }
    amp = _author(ws, AMPLIFIER)
    theirs = t15[(t15["author_id"] == AMPLIFIER) & (t15["relation"] == "repost")]
    assert amp["n_amplified"] == theirs["root_id"].nunique() == 2
    assert {c["root_id"] for c in amp["amplified"]} == set(theirs["root_id"])
    assert {c["root_id"]: c["posts"] for c in amp["amplified"]} == (
        theirs.groupby("root_id").size().to_dict()
    )
    # the same counts as the accounts analysis over the whole selection
    accounts = account_stats(ws.select().posts).set_index("author_id")
    assert accounts.loc[STARTER, "started"] == started["n_started"]
    assert accounts.loc[AMPLIFIER, "amplified"] == amp["n_amplified"]


def test_coordination_flag_equals_a_pandas_co_repost_count(ws: Any, frame: pd.DataFrame) -> None:
    a = _author(ws, TROLL, window=21600)
    reposts = frame[frame["relation"] == "repost"][["author_id", "parent_id", "created_at"]]
    pairs = reposts.merge(reposts, on="parent_id")
    pairs = pairs[
        (pairs["author_id_x"] == TROLL)
        & (pairs["author_id_y"] != TROLL)
        & ((pairs["created_at_x"] - pairs["created_at_y"]).abs().dt.total_seconds() <= 21600)
    ]
    items = pairs.groupby("author_id_y")["parent_id"].nunique()
    partners = items[items >= 2]
    [flag] = a["coordination"]
    assert sorted(flag["partners"]) == sorted(f"twitter:{p}" for p in partners.index)
    assert flag["items"] == int(partners.sum())
    clusters = coordinated_clusters(ws.select().posts, window=21600).clusters
    mine = clusters[clusters["accounts"].map(lambda acc: f"twitter:{TROLL}" in acc)].iloc[0]
    assert (flag["cluster"], flag["size"]) == (mine["cluster"], mine["size"])
    assert _author(ws, TROLL)["coordination"] == []  # none within the default 60 s


def test_duplicate_flags_are_the_clusters_holding_their_posts(ws: Any, frame: pd.DataFrame) -> None:
    a = _author(ws, TROLL)
    ids = set(frame[frame["author_id"] == TROLL]["id"])
    clusters = near_duplicates(ws.select().posts, seed=1)
    want = {
        int(c.cluster): sum(p in ids for p in c.post_ids)
        for c in clusters.itertuples()
        if ids & set(c.post_ids)
    }
    assert want and {d["cluster"]: d["posts"] for d in a["duplicates"]} == want
    assert a == _author(ws, TROLL)  # the same seed gives the same profile


def test_a_topic_and_window_narrow_everything(ws: Any, frame: pd.DataFrame) -> None:
    tag = "hipsterbandnames"
    a = _author(ws, TROLL, query=f"#{tag}", since="2015-01-01", until="2015-12-31")
    mine = frame[
        (frame["author_id"] == TROLL)
        & frame["hashtags"].map(lambda t: tag in list(t) if t is not None else False)
        & (frame["created_at"] >= datetime(2015, 1, 1))
        & (frame["created_at"] < datetime(2016, 1, 1))
    ]
    assert a["posts"] == len(mine) == 12
    assert a["hashtags"][0] == {"hashtag": tag, "posts": len(mine), "engagement": 0}


def test_an_unknown_author_is_not_found(ws: Any) -> None:
    with pytest.raises(NotFoundError, match="no author 'nobody' on 'twitter'"):
        _author(ws, "nobody")
    with pytest.raises(NotFoundError, match="no author @nobody on 'twitter'"):
        _author(ws, None, handle="@Nobody")


def test_a_handle_finds_the_author(ws: Any) -> None:
    by_handle = _author(ws, None, handle=TROLL.upper(), since="2016-01-01", until="2016-03-01")
    assert by_handle == _author(ws, TROLL, since="2016-01-01", until="2016-03-01")
    for both in ({"author_id": TROLL, "handle": TROLL}, {}):
        with pytest.raises(InvalidInputError, match="give the author's id or handle"):
            ws.listen.author(platform="twitter", **both)
