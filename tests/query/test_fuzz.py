"""Fuzzing: any text is either a query that runs everywhere or a QuerySyntaxError."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import ibis
import pytest

from agorascope.errors import QuerySyntaxError, QueryTooBroadError
from agorascope.query import SearchIndex, filter_posts, parse, reference_filter

from ._query_corpus import fuzz_query, make_posts


def _fuzz(
    n: int, seed: int, tmp_path: Path, build_every: int, execute_every: int
) -> tuple[int, int]:
    """Run ``n`` generated queries through the parser, the index and the reference.

    Every ``build_every``-th valid query also becomes an Ibis expression, and every
    ``execute_every``-th runs on DuckDB (building Ibis expressions is the slow part).
    """
    posts = make_posts(60, seed=seed)
    rows = posts.to_pylist()
    index = SearchIndex.open(tmp_path / "idx")
    index.add_posts(posts)
    con = ibis.duckdb.connect()
    table = con.create_table("posts", posts)
    rng = random.Random(seed)
    valid = rejected = 0
    for _ in range(n):
        query = fuzz_query(rng)
        try:
            node = parse(query)
        except QuerySyntaxError as e:
            assert 0 <= e.position <= len(query) and e.expected
            rejected += 1
            continue
        valid += 1
        expected = {(r["platform"], r["id"]) for r in reference_filter(node, rows)}
        assert set(index.keys(node)) == expected, query
        if valid % build_every == 0:
            expr = filter_posts(table, node)
            if valid % execute_every == 0:
                out = expr.select("platform", "id").to_pyarrow()
                got = set(zip(out["platform"].to_pylist(), out["id"].to_pylist(), strict=True))
                assert got == expected, query
    con.disconnect()
    return valid, rejected


def test_fuzz_quick(tmp_path: Path) -> None:
    valid, rejected = _fuzz(600, seed=1, tmp_path=tmp_path, build_every=5, execute_every=50)
    assert valid > 150 and rejected > 150  # both paths are exercised


@pytest.mark.slow
def test_fuzz_100k(tmp_path: Path) -> None:
    valid, rejected = _fuzz(100_000, seed=2, tmp_path=tmp_path, build_every=20, execute_every=400)
    assert valid + rejected == 100_000


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        '"',
        '""',
        '"a" "',
        "NEAR/",
        "a NEAR/3",
        "-",
        "--a",
        "((((",
        "))))",
        "lang:fr:en",
        "url:",
        "#",
        "a" * 2000,
        "é\u0301" * 300,
        "' OR 1=1; DROP TABLE posts; --",
        '"); DELETE FROM posts; --',
        'title:"x" AND body:(y)',
        "\\* \\?",
        "a ~3",
        "since:0000-01-01",
        "until:9999-12-31",
        "followers:>999999999999999",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        # issue 18: within every syntax limit, yet costly, malformed or once a traceback
        '"*e* *a* *o*"~30',
        "*e* NEAR/50 *a*",
        "?" * 53 + "a",
        '"' + "?" * 53 + 'a b"',
        "lang:\ud800",
        "abc\udfff",
        'lang:"fr"',
        'author:"a b"',
        "a NEAR/\u0665 b",
    ],
    ids=lambda q: repr(q[:20]),
)
def test_hostile_queries(query: str, tmp_path: Path) -> None:
    posts = make_posts(20, seed=3)
    index = SearchIndex.open(tmp_path / "idx")
    index.add_posts(posts)
    try:
        node = parse(query)
    except QuerySyntaxError:
        return
    expected = {(r["platform"], r["id"]) for r in reference_filter(node, posts.to_pylist())}
    # refused by the work limits of the index: the predicate must still be right
    with contextlib.suppress(QueryTooBroadError):
        assert set(index.keys(node)) == expected
    table = ibis.duckdb.connect().create_table("p", posts)
    out = filter_posts(table, node).select("platform", "id").to_pyarrow()
    assert set(zip(out["platform"].to_pylist(), out["id"].to_pylist(), strict=True)) == expected
