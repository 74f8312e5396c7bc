"""The mentions list against pandas on the IRA and Twitter15 slices, and small hand cases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from listen_data import store_file

import agorascope
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.listen.mentions import (
    MentionFilters,
    decode_cursor,
    encode_cursor,
    iter_mentions,
    mentions,
)
from agorascope.listen.tags import add_tag, check_tag, post_tags, remove_tag, tagged


def _all(posts: Any, **options: Any) -> list[dict[str, Any]]:
    return [r for batch in iter_mentions(posts, **options) for r in batch]


def _frame(arrow: pa.Table) -> pd.DataFrame:
    return arrow.to_pandas()


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


@pytest.mark.parametrize(
    ("filters", "reference"),
    [
        ({"lang": "en"}, lambda d: d.lang == "en"),
        ({"country": "us"}, lambda d: d.country == "US"),
        ({"relation": "original"}, lambda d: d.relation == "original"),
        ({"tier": "1k-10k"}, lambda d: d.author_followers.between(1000, 9999)),
        ({"tier": "<1k"}, lambda d: d.author_followers < 1000),
        ({"hashtag": "#GOPDebate"}, lambda d: d.hashtags.map(lambda h: "gopdebate" in h)),
        ({"platform": "twitter", "lang": "ru"}, lambda d: d.lang == "ru"),
        ({"author": "twitter:Gerty_Hawa"}, lambda d: d.author_id == "Gerty_Hawa"),
    ],
    ids=["lang", "country", "originals", "tier", "low-tier", "hashtag", "platform+lang", "author"],
)
def test_filters_select_the_posts_pandas_selects(
    ira: Any, ira_arrow: pa.Table, filters: dict[str, str], reference: Any
) -> None:
    d = _frame(ira_arrow)
    expected = set(d[reference(d).fillna(False).astype(bool)].id)
    got = _all(ira, filters=MentionFilters(**filters), batch=500)
    assert expected, "the case selects nothing on the slice"
    assert len(got) == len(set(_ids(got))) == len(expected)
    assert set(_ids(got)) == expected


def test_the_window_cuts_like_the_other_analyses(ira: Any, ira_arrow: pa.Table) -> None:
    d = _frame(ira_arrow)
    since, until = datetime(2015, 8, 1), datetime(2016, 1, 1)
    expected = set(d[(d.created_at >= since) & (d.created_at < until)].id)
    page = mentions(ira, since, until, per_page=1)
    assert page.total == len(expected)
    assert set(_ids(_all(ira, since=since, until=until, batch=700))) == expected


@pytest.mark.parametrize("sort", ["newest", "engagement", "reach"])
def test_keyset_pages_give_the_pandas_order_without_repeats(
    ira: Any, ira_arrow: pa.Table, sort: str
) -> None:
    d = _frame(ira_arrow)
    d["engagement"] = d[["likes", "reposts", "replies"]].fillna(0).sum(axis=1)
    d["reach"] = d.author_followers.fillna(-1)
    first = {"newest": [], "engagement": ["engagement"], "reach": ["reach"]}[sort]
    keys = [*first, "created_at", "platform", "id"]
    expected = list(d.sort_values(keys, ascending=False).id)
    got = _all(ira, sort=sort, batch=137)  # pages end in the middle of ties
    assert _ids(got) == expected


def test_collapsing_counts_the_reposts_of_each_cascade_root(t15: Any, t15_arrow: pa.Table) -> None:
    d = _frame(t15_arrow)
    reposts = d[d.relation == "repost"].groupby("root_id").size()
    rows = _all(t15, collapse=True, sort="newest", batch=20)
    got = {r["id"]: r["copies"] for r in rows}
    assert got == reposts.to_dict()  # one row per original, with its reposts
    assert all(r["relation"] == "original" for r in rows)
    assert sum(got.values()) + len(got) == len(d)
    page = mentions(t15, collapse=True, per_page=5)
    assert page.total == d.root_id.nunique()


def test_a_repost_whose_original_is_missing_shows_its_first_copy(
    ira: Any, ira_arrow: pa.Table
) -> None:
    """The IRA export keeps no link to the retweeted post (root_id is ``rt-<text>``, no post):
    the group's earliest repost stands in, with the group's repost count."""
    d = _frame(ira_arrow)
    rp = d[d.relation == "repost"]
    first = rp.sort_values(["created_at", "id"]).groupby("root_id").head(1).set_index("id")
    counts = rp.groupby("root_id").size()
    rows = _all(ira, collapse=True, filters=MentionFilters(relation="repost"), batch=400)
    assert len(rows) == rp.root_id.nunique()
    for r in rows:
        assert r["id"] in first.index
        assert r["copies"] == counts[first.loc[r["id"], "root_id"]]


def test_the_root_filter_gives_the_whole_cascade(t15: Any, t15_arrow: pa.Table) -> None:
    d = _frame(t15_arrow)
    root = d.root_id.value_counts().index[0]
    rows = _all(t15, filters=MentionFilters(root=f"twitter:{root}"), batch=300)
    assert set(_ids(rows)) == set(d[d.root_id == root].id)
    assert root in _ids(rows)


def test_domain_filter_takes_a_host_or_a_parent_domain(table: Any) -> None:
    posts = table(
        [
            {"id": "1", "urls": ["https://www.LeMonde.fr/x"], "created_at": datetime(2024, 1, 1)},
            {"id": "2", "url": "http://news.lemonde.fr/y", "created_at": datetime(2024, 1, 2)},
            {"id": "3", "urls": ["https://monde.fr/"], "created_at": datetime(2024, 1, 3)},
            {"id": "4", "text": "lemonde.fr in words only", "created_at": datetime(2024, 1, 4)},
        ]
    )

    def ids(domain: str) -> set[str]:
        return set(_ids(_all(posts, filters=MentionFilters(domain=domain))))

    assert ids("lemonde.fr") == {"1", "2"}
    assert ids("LEMONDE.FR.") == {"1", "2"}
    assert ids("www.lemonde.fr") == {"1"}
    assert ids("monde.fr") == {"3"}
    assert ids("fr") == {"1", "2", "3"}


def test_hand_case_of_sorts_and_collapse(table: Any) -> None:
    t = datetime(2024, 7, 19, 10)
    posts = table(
        [
            {"id": "o", "relation": "original", "created_at": t, "likes": 5, "root_id": "o"},
            {"id": "r1", "relation": "repost", "parent_id": "o", "root_id": "o",
             "created_at": t.replace(hour=11)},
            {"id": "r2", "relation": "repost", "parent_id": "r1", "root_id": "o",
             "created_at": t.replace(hour=12), "author_followers": 50},
            {"id": "q", "relation": "quote", "parent_id": "o", "root_id": "o",
             "created_at": t.replace(hour=13), "likes": 1, "replies": 1, "reposts": 7},
        ]
    )  # fmt: skip
    assert _ids(_all(posts)) == ["q", "r2", "r1", "o"]
    assert _ids(_all(posts, sort="engagement")) == ["q", "o", "r2", "r1"]
    assert _ids(_all(posts, sort="reach")) == ["r2", "q", "r1", "o"]
    collapsed = _all(posts, collapse=True)
    assert [(r["id"], r["copies"], r["engagement"]) for r in collapsed] == [
        ("q", 0, 9),
        ("o", 2, 5),
    ]


def test_cursors_are_checked(ira: Any) -> None:
    page = mentions(ira, per_page=3, sort="engagement")
    assert page.next is not None
    values = decode_cursor(page.next, "engagement")
    assert encode_cursor("engagement", values) == page.next
    with pytest.raises(InvalidInputError, match="sorted by newest"):
        mentions(ira, per_page=3, sort="newest", after=page.next)
    for bad in ("garbage", encode_cursor("newest", ["x", "y"]), "W10"):
        with pytest.raises(InvalidInputError, match="start again"):
            mentions(ira, after=bad)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": MentionFilters(tier="huge")}, "tier 'huge'"),
        ({"filters": MentionFilters(relation="like")}, "relation 'like'"),
        ({"filters": MentionFilters(author="twitter:")}, "PLATFORM:ID"),
        ({"filters": MentionFilters(tag="x")}, "tags"),
        ({"sort": "oldest"}, "sort 'oldest'"),
        ({"per_page": 0}, "per_page"),
    ],
    ids=["tier", "relation", "author", "tag-without-table", "sort", "per-page"],
)
def test_bad_input_is_named(ira: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        mentions(ira, **kwargs)


@pytest.fixture
def tag_ws(tmp_path: Path, ira_arrow: pa.Table) -> Any:
    db = store_file(tmp_path / "tags.duckdb", ira_arrow.slice(0, 300))
    with agorascope.open(db) as ws:
        yield ws


def test_tags_on_posts_and_the_tag_filter(tag_ws: Any) -> None:
    ws = tag_ws
    assert add_tag(ws.store, "twitter:ira-3", " To-Check ") == ("twitter", "ira-3", "to-check")
    add_tag(ws.store, "ira-5", "to-check")  # an id unique across platforms
    add_tag(ws.store, "twitter:ira-5", "to-check")  # twice: nothing changes
    add_tag(ws.store, "twitter:ira-5", "bot")
    assert tagged(ws.store, "to-check") == [("twitter", "ira-3"), ("twitter", "ira-5")]
    assert post_tags(ws.store, [("twitter", "ira-5"), ("twitter", "ira-9")]) == {
        ("twitter", "ira-5"): ["bot", "to-check"]
    }
    result = ws.listen.mentions(tag="to-check")
    assert [r["id"] for r in result.rows] == ["ira-5", "ira-3"] or sorted(
        r["id"] for r in result.rows
    ) == ["ira-3", "ira-5"]
    assert {r["id"]: r["tags"] for r in result.rows}["ira-5"] == ["bot", "to-check"]
    remove_tag(ws.store, "twitter:ira-5", "to-check")
    assert [r["id"] for r in ws.listen.mentions(tag="to-check").rows] == ["ira-3"]
    with pytest.raises(NotFoundError):
        add_tag(ws.store, "twitter:nope", "x")
    for bad in ("", "two words", "x" * 51, "-lead"):
        with pytest.raises(InvalidInputError, match="tag"):
            check_tag(bad)


def test_totals_are_counted_once_per_list_and_store_state(tag_ws: Any, ira_arrow: pa.Table) -> None:
    from agorascope.listen.mentions import _counts

    ws = tag_ws
    d = ira_arrow.slice(0, 300).to_pandas()
    english = d[d.lang == "en"]
    assert len(english) > 2
    first = ws.listen.mentions(lang="en", per_page=2)
    assert first.meta["total"] == len(english)
    hits = _counts().hits
    second = ws.listen.mentions(lang="en", per_page=2, after=first.meta["next"])
    assert second.meta["total"] == len(english)
    assert _counts().hits == hits + 1  # the next page reuses the count
    assert not {r["id"] for r in first.rows} & {r["id"] for r in second.rows}
    ws.store.execute("DELETE FROM posts WHERE id = ?", [english.id.iloc[0]])
    assert ws.listen.mentions(lang="en").meta["total"] == len(english) - 1
    # collapsed on a store (NOT NULL columns): one row per group of pandas
    rest = d[d.id != english.id.iloc[0]]
    repost = rest.relation == "repost"
    key = rest.root_id.fillna(rest.parent_id).fillna(rest.id).where(repost, rest.id)
    groups = set(zip(rest.platform, key, strict=True))
    assert ws.listen.mentions(collapse=True).meta["total"] == len(groups)
    add_tag(ws.store, f"twitter:{english.id.iloc[1]}", "seen")
    assert ws.listen.mentions(tag="seen").meta["total"] == 1
    add_tag(ws.store, f"twitter:{english.id.iloc[2]}", "seen")
    assert ws.listen.mentions(tag="seen").meta["total"] == 2  # tags are never cached
