"""The grammar, the word rule and the error messages."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agorascope.errors import QuerySyntaxError
from agorascope.query import normalize, parse, words
from agorascope.query.ast import (
    And,
    DateBound,
    Hashtag,
    Keyword,
    Near,
    Not,
    NumberCompare,
    Or,
    Phrase,
    Term,
    UrlHost,
)
from agorascope.query.lexer import MAX_QUERY_CHARS
from agorascope.query.parser import MAX_DEPTH, MAX_TERMS
from agorascope.text import hosts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'Amérique, c'est 2024!", ["l", "amerique", "c", "est", "2024"]),
        ("AMÉRIQUE amerique Amérique", ["amerique"] * 3),
        ("Straße STRASSE", ["strasse", "strasse"]),
        ("e\u0301te\u0301", ["ete"]),  # decomposed accents are deleted, not separators
        ("İstanbul", ["istanbul"]),
        ("ΟΔΟΣ οδος", ["οδοσ", "οδοσ"]),
        ("ﬁne ２０２４", ["fine", "2024"]),
        ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),
        ("big_data covid-19 #tag @bob", ["big", "data", "covid", "19", "tag", "bob"]),
        ("", []),
        (None, []),
        ("x" * 1001 + " ok", ["ok"]),
    ],
    ids=[
        "french",
        "case",
        "eszett",
        "decomposed",
        "dotted-i",
        "sigma",
        "compat",
        "cjk",
        "punctuation",
        "empty",
        "none",
        "too-long",
    ],
)
def test_word_rule(text: str | None, expected: list[str]) -> None:
    assert words(text) == expected


@settings(max_examples=200, derandomize=True)
@given(st.text(max_size=60))
def test_words_follow_the_documented_rule(text: str) -> None:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(c for c in folded if not unicodedata.category(c).startswith("M"))
    assert normalize(text) == stripped
    found = words(text)
    assert all(w.isalnum() and w == normalize(w) for w in found)
    assert words(" ".join(found)) == found


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Améri*", Term("ameri*")),
        ("am?r", Term("am?r")),
        ("a b", And((Term("a"), Term("b")))),
        ("a AND b OR c", Or((And((Term("a"), Term("b"))), Term("c")))),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("NOT a", Not(Term("a"))),
        ("-a -(b OR c)", And((Not(Term("a")), Not(Or((Term("b"), Term("c"))))))),
        ('"big data"', Phrase(("big", "data"), 0)),
        ('"big data"~5', Phrase(("big", "data"), 5)),
        ('"Data"~3', Term("data")),
        ("covid-19", Phrase(("covid", "19"), 0)),
        ("a NEAR/5 b", Near("a", "b", 5)),
        ("lang:FR", Keyword("lang", "fr")),
        ("Country:us", Keyword("country", "us")),
        ("platform:X", Keyword("platform", "x")),
        ("author:@Bob", Keyword("author_handle", "bob")),
        ("#Été", Hashtag("été")),
        ("hashtag:#Vote", Hashtag("vote")),
        ("#İstanbul", Hashtag("istanbul")),  # as the import lower-cases it
        ("#ΟΔΟΣ", Hashtag("οδοσ")),
        ("url:İzmir.GOV.tr", UrlHost("izmir.gov.tr")),
        ("url:https://LeMonde.fr/", UrlHost("lemonde.fr")),
        ("since:2024-07-19", DateBound(datetime(2024, 7, 19), lower=True)),
        ("until:2024-07-19", DateBound(datetime(2024, 7, 20), lower=False)),
        ("until:2024-07-19T10:30", DateBound(datetime(2024, 7, 19, 10, 30), lower=False)),
        ("until:2024-07-19T12:30+02:00", DateBound(datetime(2024, 7, 19, 10, 30), lower=False)),
        ("followers:>10000", NumberCompare("author_followers", ">", 10000)),
        ("likes:<=5", NumberCompare("likes", "<=", 5)),
        ("views:7", NumberCompare("views", "=", 7)),
        ("http://x.org", Phrase(("http", "x", "org"), 0)),
        ("and or not near", And((Term("and"), Term("or"), Term("not"), Term("near")))),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_parse(query: str, tree: object) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "position", "expected"),
    [
        ("", 0, "a term"),
        ("   ", 0, "a term"),
        ("a AND", 5, "a term, a phrase, a field or ("),
        ("(a OR b", 7, ")"),
        ("a)", 1, "a term, AND, OR or the end"),
        ("()", 1, "a term"),
        ('"big data', 0, 'a closing "'),
        ('"big data"~', 11, "a number after ~"),
        ("foo:bar", 0, "one of the fields"),
        ("lang:", 5, "a value"),
        ("a NEAR b", 2, "NEAR/<number>"),
        ("a NEAR/3 (b)", 9, "a word"),
        ('a NEAR/3 "b c"', 9, "a word"),
        ("a NEAR/2 b NEAR/2 c", 11, "AND, OR or )"),
        ("a NEAR/99 b", 2, "NEAR/0 to NEAR/50"),
        ("*", 0, "a word like Améri*"),
        ("!!!", 0, "a word"),
        ("a - b", 2, "a term after '-'"),
        ("since:2024-02-30", 6, "a date like 2024-07-19"),
        ("until:yesterday", 6, "a date like 2024-07-19"),
        ("followers:many", 10, "a number like >10000"),
        ("url:lemonde.fr/politique", 4, "a domain like lemonde.fr"),
        ("#", 0, "a hashtag like #politique"),
        ("author:@", 7, "a value"),
        ('"a b c d e"~50', 0, "fewer words or a smaller ~k"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_errors_point_at_the_column(query: str, position: int, expected: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    err = info.value
    assert err.position == position
    assert expected in err.expected
    assert f"expected {err.expected}" in str(err)
    if query.strip():
        lines = str(err).splitlines()
        assert lines[-2] == f"  {query}"
        assert lines[-1] == "  " + " " * position + "^"


def test_limits() -> None:
    with pytest.raises(QuerySyntaxError, match="too long") as info:
        parse("a " * (MAX_QUERY_CHARS // 2 + 1))
    assert info.value.position == MAX_QUERY_CHARS
    deep = "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse(deep)
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(ok) == Term("a")
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse("NOT " * (MAX_DEPTH + 1) + "a")
    with pytest.raises(QuerySyntaxError, match="too many terms"):
        parse(" ".join(["a"] * (MAX_TERMS + 1)))


def test_not_a_string() -> None:
    with pytest.raises(QuerySyntaxError):
        parse(42)  # type: ignore[arg-type]


def test_hosts_are_domain_suffixes() -> None:
    assert hosts("https://bob@www.LeMonde.fr:443/a?b", [None, "x.org/p", "//[::1]:8/"]) == [
        "::1",
        "fr",
        "lemonde.fr",
        "org",
        "www.lemonde.fr",
        "x.org",
    ]
    assert hosts("not a url", []) == []
    assert hosts(None, None) == []
