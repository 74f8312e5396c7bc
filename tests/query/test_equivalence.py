"""Two compilers, one meaning: the index and the Ibis predicate return the reference's posts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agorascope.query import (
    WORDS_COLUMN,
    SearchIndex,
    filter_posts,
    parse,
    reference_filter,
    search_words_column,
)

from ._query_corpus import FIELD_LEAVES, QUERY_WORDS, make_posts


class Corpus:
    """Posts as rows (reference), as an Ibis DuckDB table and in a full-text index."""

    def __init__(self, rows: list[dict[str, Any]], table: Any, index: SearchIndex) -> None:
        self.rows, self.table, self.index = rows, table, index

    def __repr__(self) -> str:
        return f"Corpus({len(self.rows)} posts)"

    def reference(self, query: str) -> set[tuple[str, str]]:
        return {(r["platform"], r["id"]) for r in reference_filter(query, self.rows)}

    def ibis(self, query: str) -> set[tuple[str, str]]:
        out = filter_posts(self.table, query).select("platform", "id").to_pyarrow()
        return set(zip(out["platform"].to_pylist(), out["id"].to_pylist(), strict=True))

    def tantivy(self, query: str) -> set[tuple[str, str]]:
        return set(self.index.keys(parse(query)))


@pytest.fixture(scope="module", params=[11, 22, 33], ids=lambda s: f"corpus{s}")
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    posts = make_posts(250, seed=request.param)
    con = ibis.duckdb.connect()
    table = con.create_table("posts", posts)
    index = SearchIndex.open(tmp_path_factory.mktemp("index") / "idx")
    index.add_posts(posts)
    yield Corpus(posts.to_pylist(), table, index)
    con.disconnect()


_plain = [w for w in QUERY_WORDS if "'" not in w and "-" not in w and "+" not in w]
_leaf = st.one_of(
    st.sampled_from(QUERY_WORDS),
    st.sampled_from(FIELD_LEAVES),
    st.builds(
        lambda ws, slop: '"' + " ".join(ws) + '"' + slop,
        st.lists(st.sampled_from(QUERY_WORDS), min_size=2, max_size=3),
        st.sampled_from(["", "~1", "~2", "~4"]),
    ),
    st.builds(
        lambda a, k, b: f"{a} NEAR/{k} {b}",
        st.sampled_from(_plain),
        st.integers(0, 3),
        st.sampled_from(_plain),
    ),
)
queries = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a} OR {b})", inner, inner),
        st.builds(lambda a, b: f"{a} AND {b}", inner, inner),
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a: f"NOT {a}", inner),
        st.builds(lambda a: f"-({a})", inner),
    ),
    max_leaves=6,
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=queries)
def test_index_and_ibis_equal_reference(corpus: Corpus, query: str) -> None:
    expected = corpus.reference(query)
    assert corpus.tantivy(query) == expected, query
    assert corpus.ibis(query) == expected, query


@pytest.mark.parametrize(
    ("query", "expected_min"),
    [
        ("amerique", 1),
        ("AMÉRIQUE", 1),
        ("améri*", 1),
        ('"big data"', 1),
        ("straße", 1),
        ("ete -politique", 1),
        ("#politique", 1),
        ("url:lemonde.fr", 1),
        ("東京", 1),
        ("istanbul", 1),
    ],
    ids=lambda v: str(v),
)
def test_known_queries_match_something(corpus: Corpus, query: str, expected_min: int) -> None:
    expected = corpus.reference(query)
    assert len(expected) >= expected_min
    assert corpus.tantivy(query) == expected
    assert corpus.ibis(query) == expected


def test_corpus_is_seeded() -> None:
    assert make_posts(30, seed=4).equals(make_posts(30, seed=4))
    assert not make_posts(30, seed=4).equals(make_posts(30, seed=5))


def test_empty_table(tmp_path: Path) -> None:
    posts = make_posts(0, seed=1)
    table = ibis.duckdb.connect().create_table("p", posts)
    assert filter_posts(table, "amerique OR url:x.com").count().to_pyarrow().as_py() == 0
    index = SearchIndex.open(tmp_path / "idx")
    assert index.count(parse("NOT amerique")) == 0
    assert isinstance(posts, pa.Table)


def test_a_precomputed_words_column_gives_the_same_posts(corpus: Corpus) -> None:
    posts = pa.Table.from_pylist(corpus.rows, schema=make_posts(0, seed=1).schema)
    posts = posts.append_column(WORDS_COLUMN, search_words_column(posts["text"]))
    table = ibis.duckdb.connect().create_table("with_words", posts)
    for query in ("améri* -politique", '"big data"~2', "vote NEAR/1 ab", "東京 OR c++"):
        out = filter_posts(table, query).select("platform", "id").to_pyarrow()
        got = set(zip(out["platform"].to_pylist(), out["id"].to_pylist(), strict=True))
        assert got == corpus.reference(query), query
        sql = str(ibis.to_sql(filter_posts(table, query))).lower()
        assert re.search(r"agorascope_words_\d*\(", sql) is None  # no UDF call


def test_two_connections_to_one_file_both_search(tmp_path: Path) -> None:
    """DuckDB keeps Python functions per database: a second connection in the same process
    must still run the UDF predicate (it once failed with "already exists")."""
    from agorascope.store.store import Store

    db = tmp_path / "twice.duckdb"
    first = Store.open(db)
    first.execute(
        "INSERT INTO posts (platform, id, text, created_at, source, collected_at, ingest_seq) "
        "VALUES ('x', '1', 'L''Amérique vote', TIMESTAMP '2024-01-01', 't', now()::TIMESTAMP, 1)"
    )
    second = Store.open(db)
    for store in (first, second, first):
        out = filter_posts(store.posts(), "amerique OR url:example.org").count().to_pyarrow()
        assert out.as_py() == 1
    second.close()
    first.close()
