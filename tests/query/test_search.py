"""Search, ranking, snippets, topics and resolve() on a store."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pyarrow as pa
import pytest

from agorascope.errors import InvalidInputError, NotFoundError, QuerySyntaxError
from agorascope.query import (
    add_topic,
    count,
    get_topic,
    list_topics,
    parse,
    rebuild_index,
    reference_filter,
    remove_topic,
    search,
    snippet,
)
from agorascope.store import Store

from ._query_corpus import POST_VIEW_SCHEMA, make_posts
from .conftest import StoreFactory


def _keys(table: pa.Table) -> set[tuple[str, str]]:
    return set(zip(table["platform"].to_pylist(), table["id"].to_pylist(), strict=True))


@pytest.fixture
def store(make_store: StoreFactory) -> Store:
    s = make_store(make_posts(200, seed=8))
    rebuild_index(s)
    return s


def test_index_and_fallback_give_the_same_answer(store: Store) -> None:
    rows = store.posts().to_pyarrow().to_pylist()
    for q in ("améri* -politique", '"big data"~2', "url:lemonde.fr OR #vote"):
        expected = reference_filter(q, rows)
        fast = search(store, q, limit=500, sort="newest")
        slow = search(store, q, limit=500, sort="newest", use_index=False)
        assert fast.used_index and not slow.used_index
        assert fast.total == slow.total == len(expected) == count(store, q)
        assert {(h.platform, h.id) for h in fast.hits} == {(h.platform, h.id) for h in slow.hits}
        assert count(store, q, use_index=False) == len(expected)


def test_newest_first(store: Store) -> None:
    result = search(store, "NOT zzz", limit=30, sort="newest")
    stamps = [h.created_at for h in result.hits]
    assert all(a is not None and b is not None and a >= b for a, b in pairwise(stamps))
    fallback = search(store, "NOT zzz", limit=30, sort="newest", use_index=False)
    assert [h.created_at for h in fallback.hits] == stamps


def test_relevance_ranks_more_occurrences_first(make_store: StoreFactory) -> None:
    posts = make_posts(3, seed=1)
    texts = ["vote once and nothing else here", "vote vote vote", "nothing"]
    posts = posts.set_column(posts.schema.get_field_index("text"), "text", pa.array(texts))
    s = make_store(posts)
    rebuild_index(s)
    result = search(s, "vote", sort="relevance")
    assert result.total == 2 and result.sort == "relevance"
    assert result.hits[0].id == "p1"
    assert result.hits[0].score is not None and result.hits[0].score > result.hits[1].score  # type: ignore[operator]


def test_snippets_mark_matches_and_escape_html() -> None:
    text = "<script>alert(1)</script> L'Amérique & la POLITIQUE, amer"
    snip = snippet(text, parse("améri* politique -amer"))
    marked = [snip.text[a:b] for a, b in snip.spans]
    assert marked == ["Amérique", "POLITIQUE"]
    html = snip.to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Amérique</mark>" in html and "&amp;" in html
    with pytest.raises(ValueError):
        snip.to_html(tag="script onload=x")


def test_long_snippets_are_cut_around_the_first_match() -> None:
    text = "filler " * 100 + "Amérique" + " tail" * 100
    snip = snippet(text, parse("amerique"), max_chars=80)
    assert len(snip.text) == 80 and snip.truncated_left and snip.truncated_right
    (a, b), *_ = snip.spans
    assert snip.text[a:b] == "Amérique"
    assert snip.to_html().startswith("…")


def test_search_results_carry_text_and_snippets(store: Store) -> None:
    result = search(store, "amerique", limit=3)
    assert result.hits
    for hit in result.hits:
        assert hit.text is not None and hit.snippet is not None
        assert hit.snippet.spans
    payload = result.to_dict()
    assert payload["total"] == result.total and len(payload["hits"]) == len(result.hits)


def test_bad_arguments(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        search(store, "a AND")
    with pytest.raises(InvalidInputError):
        search(store, "a", sort="oldest")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        search(store, "a", limit=-1)
    assert search(store, "amerique", limit=0).hits == []


def test_topics_round_trip(store: Store) -> None:
    topic = add_topic(store, "usa", "amerique OR #politique", "the US")
    assert topic.query == "amerique OR #politique" and topic.created_at is not None
    assert [t.name for t in list_topics(store)] == ["usa"]
    with pytest.raises(InvalidInputError, match="exists"):
        add_topic(store, "usa", "x")
    updated = add_topic(store, "usa", "amerique", replace=True)
    assert get_topic(store, "usa").query == "amerique" == updated.query
    with pytest.raises(QuerySyntaxError):
        add_topic(store, "broken", "(a")
    with pytest.raises(InvalidInputError, match="bad topic name"):
        add_topic(store, "'; DROP TABLE posts; --", "a")
    remove_topic(store, "usa")
    assert list_topics(store) == []
    with pytest.raises(NotFoundError):
        remove_topic(store, "usa")


def test_select_topic_or_query(store: Store) -> None:
    from agorascope.config import Settings
    from agorascope.workspace import Workspace

    rows = store.posts().to_pyarrow().to_pylist()
    expected = {(r["platform"], r["id"]) for r in reference_filter("amerique OR #vote", rows)}
    add_topic(store, "watch", "amerique OR #vote")
    assert store.path is not None
    ws = Workspace(Settings(db=store.path), store=store)
    by_topic = ws.select(topic="watch", use_index=True)
    assert by_topic.is_topic and by_topic.query == "amerique OR #vote"
    assert _keys(by_topic.posts.to_pyarrow()) == expected
    assert by_topic.posts.schema().names == tuple(store.posts().columns)
    assert _keys(ws.select("watch").posts.to_pyarrow()) == expected  # a topic name wins
    by_query = ws.select(query="amerique OR #vote")
    assert not by_query.is_topic and _keys(by_query.posts.to_pyarrow()) == expected
    with pytest.raises(QuerySyntaxError):
        ws.select(query="(")
    with pytest.raises(NotFoundError, match="did you mean 'watch'"):
        ws.select(topic="wach")
    with pytest.raises(InvalidInputError, match="not both"):
        ws.select(topic="watch", query="x")


def test_fields_on_a_store(make_store: StoreFactory) -> None:
    row = {name: None for name in POST_VIEW_SCHEMA.names}
    row.update(
        platform="x",
        id="1",
        author_id="a1",
        text="Hello",
        created_at=datetime(2024, 7, 19, 12),
        ingest_seq=1,
        author_handle="Bob",
        author_followers=20_000,
    )
    s = make_store(pa.Table.from_pylist([row], schema=POST_VIEW_SCHEMA))
    rebuild_index(s)
    for q, n in [
        ("author:@bob followers:>10000 since:2024-07-19 until:2024-07-19", 1),
        ("until:2024-07-18 OR followers:<10000", 0),
        ("hello -lang:fr", 1),
    ]:
        assert count(s, q) == n == count(s, q, use_index=False), q
