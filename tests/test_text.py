"""The text kernel: hand-computed cases, and the Python and DuckDB forms agree on any text."""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any

import duckdb
import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agorascope.text import (
    fold_case,
    hashtags,
    hashtags_sql,
    hosts,
    normalize_hashtag,
    url_host,
    url_host_expr,
    without_links,
    without_links_expr,
    words,
    words_expr,
    words_string,
)

# Any Unicode text, and texts made mostly of the characters the rules care about.
ANY = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SHAPED = st.lists(
    st.sampled_from(
        [
            *"aZ09_#@&/:.?[]-' \t\n\x0bhtpsw",
            "http://",
            "HTTPS://",
            "www.",
            "//",
            "É",
            "İ",
            "Σ",
            "ß",
            "\u0301",
            "東",
            "²",
            "\xa0",
        ]
    ),
    max_size=30,
).map("".join)
TEXTS = st.lists(st.one_of(ANY, SHAPED), min_size=1, max_size=20)


@pytest.fixture(scope="module")
def con() -> Any:
    return ibis.duckdb.connect()


def _run(con: Any, texts: list[str], expr: Any) -> list[Any]:
    """``expr(column)`` evaluated by DuckDB over ``texts``, in order."""
    t = ibis.memtable({"i": list(range(len(texts))), "x": texts}, schema={"i": "int64", "x": "str"})
    return list(con.execute(t.mutate(y=expr(t.x)).order_by("i")).y)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'Amérique, c'est 2024!", ["l", "amerique", "c", "est", "2024"]),
        ("ﬁn Straße x_y nai\u0308ve", ["fin", "strasse", "x", "y", "naive"]),
        ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),
        ("a" * 1001 + " b", ["b"]),
        (None, []),
    ],
    ids=["french", "nfkd-casefold-marks", "cjk", "too-long", "none"],
)
def test_words_hand_cases(text: str | None, expected: list[str]) -> None:
    assert words(text) == expected


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_words_backend_form_equals_python(con: Any, texts: list[str]) -> None:
    assert _run(con, texts, words_expr) == [words_string(t) for t in texts]


def test_words_backend_form_long_and_null_texts(con: Any) -> None:
    texts = ["Ab " * 400, "x" * 1001 + " y", "é" * 1001 + " É"]
    assert _run(con, texts, words_expr) == [words_string(t) for t in texts]
    t = ibis.memtable({"x": [None]}, schema={"x": "str"})
    assert con.execute(t.mutate(y=words_expr(t.x))).y.tolist() == [" "]


@pytest.mark.parametrize(
    ("text", "mentions", "tags", "expected"),
    [
        ("RT @ana: vu (https://t.co/x) #Paris", True, False, "RT  vu  #Paris"),
        ("RT @ana: vu (https://t.co/x) #Paris", False, True, "RT @ana: vu  "),
        ("WWW.x.org/a b\thttp://y\nc", True, True, "  b \nc"),
        ("foohttps://x a@b.org", True, True, "foohttps://x a@b.org"),
    ],
    ids=["links-mentions", "links-hashtags", "any-case-and-spaces", "not-chunk-starts"],
)
def test_without_links_hand_cases(text: str, mentions: bool, tags: bool, expected: str) -> None:
    assert without_links(text, mentions=mentions, hashtags=tags) == expected


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.booleans(), st.booleans())
def test_without_links_backend_form_equals_python(
    con: Any, texts: list[str], mentions: bool, tags: bool
) -> None:
    got = _run(con, texts, lambda x: without_links_expr(x, mentions=mentions, hashtags=tags))
    assert got == [without_links(t, mentions=mentions, hashtags=tags) for t in texts]


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_no_word_crosses_a_removed_chunk(texts: list[str]) -> None:
    for text in texts:
        kept = words(without_links(text, mentions=True, hashtags=True))
        assert set(kept) <= set(words(text))


EVERY_CHAR = "".join(chr(c) for c in range(1, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_fold_case_is_duckdb_lower_on_every_code_point() -> None:
    spaced = " ".join(EVERY_CHAR)  # a final sigma too
    got = duckdb.sql("SELECT lower($1)", params=[spaced]).fetchall()[0][0]
    assert got == fold_case(spaced)
    assert fold_case("İSTANBUL ΟΔΟΣ") == "istanbul οδοσ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("café #Été #2024 #a_1 a#b &#x /#y", ["été", "a_1"]),
        ("(#İstanbul)#Deux,#TROIS", ["istanbul", "deux", "trois"]),
        ("#東京 #١٢ #٢x", ["東京", "٢x"]),
        (None, []),
    ],
    ids=["rules", "case-and-neighbours", "scripts", "none"],
)
def test_hashtags_hand_cases(text: str | None, expected: list[str]) -> None:
    assert hashtags(text) == expected
    assert normalize_hashtag("#İstanbul") == "istanbul"


def _sql_hashtags(texts: list[str]) -> list[list[str]]:
    sql = f"SELECT list_transform($1, lambda t: {hashtags_sql('t')})"
    return list(duckdb.sql(sql, params=[texts]).fetchall()[0][0])


ASSIGNED = st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(ASSIGNED, SHAPED), min_size=1, max_size=20))
def test_hashtags_sql_form_equals_python(texts: list[str]) -> None:
    assert _sql_hashtags(texts) == [hashtags(t) for t in texts]


def test_hashtags_differ_only_on_code_points_python_does_not_know() -> None:
    """The documented boundary: letters and digits newer than Python's Unicode database."""
    from agorascope.text import _category_class

    for major, sql in (("LN", r"[\p{L}\p{N}]"), ("L", r"\p{L}")):
        got = duckdb.sql("SELECT regexp_extract_all($1, $2)", params=[EVERY_CHAR, sql])
        engine = set(got.fetchall()[0][0])
        python = set(re.findall(f"[{_category_class(major)}]", EVERY_CHAR))
        assert python <= engine
        assert {unicodedata.category(c) for c in engine - python} <= {"Cn"}
    texts = [f"#{c}" for c in EVERY_CHAR[::101] if unicodedata.category(c) != "Cn"]
    assert _sql_hashtags(texts) == [hashtags(t) for t in texts]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (" HTTPS://ana@www.LeMonde.fr.:443/x ", "www.lemonde.fr"),
        ("//cdn.Example.org?x", "cdn.example.org"),
        ("http://[2001:DB8::1]:80/", "2001:db8::1"),
        ("lemonde.fr/a#b", "lemonde.fr"),
        ("mailto:x@y", "y"),
        ("", ""),
    ],
    ids=["full", "scheme-relative", "ipv6", "no-scheme", "no-slashes", "empty"],
)
def test_url_host_hand_cases(url: str, host: str) -> None:
    assert url_host(url) == host


def test_hosts_are_domain_suffixes() -> None:
    got = hosts("https://www.LeMonde.fr/x", ["http://a b.fr/", None])
    assert got == ["fr", "lemonde.fr", "www.lemonde.fr"]  # "a b.fr" holds a space
    assert hosts(None, None) == []


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_url_host_backend_form_equals_python(con: Any, texts: list[str]) -> None:
    assert _run(con, texts, url_host_expr) == [url_host(t) for t in texts]
