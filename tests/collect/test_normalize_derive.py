"""Hashtags, mentions and URLs derived from text (the documented rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agorascope.collect.derive import install_macros


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    install_macros(c)
    yield c
    c.close()


def derive(con: duckdb.DuckDBPyConnection, text: str) -> tuple[list[str], list[str], list[str]]:
    row = con.execute("SELECT ag_hashtags(?), ag_mentions(?), ag_urls(?)", [text] * 3).fetchall()
    return row[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("text", "hashtags"),
    [
        ("#Outage now", ["outage"]),
        ("café #Été #2024 #a_1", ["été", "a_1"]),  # all-digit tags are not hashtags
        ("x#no http://a.b/#frag &#39; #yes", ["yes"]),
        ("(#Boycott)", ["boycott"]),
    ],
)
def test_hashtags(con: duckdb.DuckDBPyConnection, text: str, hashtags: list[str]) -> None:
    assert derive(con, text)[0] == hashtags


def test_hashtag_after_punctuation(con: duckdb.DuckDBPyConnection) -> None:
    assert derive(con, "#one,#two.#three")[0] == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("@Bob and @alice_2", ["bob", "alice_2"]),
        ("write to a@b.com", []),
        ("RT @CNN: news", ["cnn"]),
        ("@@double", []),
    ],
)
def test_mentions(con: duckdb.DuckDBPyConnection, text: str, mentions: list[str]) -> None:
    assert derive(con, text)[1] == mentions


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        (
            "see https://Ex.COM/Path?utm_source=x&a=1&fbclid=2#frag.",
            ["https://ex.com/Path?a=1#frag"],
        ),
        ("(http://T.co/AbC)", ["http://t.co/AbC"]),
        ("https://x.org/?utm_medium=1&UTM_campaign=2", ["https://x.org/"]),
        ("https://news.site/a?id=5&si=abc", ["https://news.site/a?id=5"]),
        ("no url here www.example.com", []),
        ("two: https://a.com/x, https://b.com/y!", ["https://a.com/x", "https://b.com/y"]),
    ],
)
def test_urls(con: duckdb.DuckDBPyConnection, text: str, urls: list[str]) -> None:
    assert derive(con, text)[2] == urls


_WORDS = st.text(alphabet=st.characters(categories=["L", "Nd"]), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=5), st.lists(_WORDS, max_size=4))
def test_hashtags_written_into_text_are_found(
    con: duckdb.DuckDBPyConnection, tags: list[str], words: list[str]
) -> None:
    # tags whose lower-case form has another length (Turkish dotted I) are left out
    tags = [t for t in tags if not t.isdigit() and len(t.lower()) == len(t)]
    text = " ".join(words + ["#" + t for t in tags])
    found = derive(con, text)[0]
    assert found == [t.lower() for t in tags]
    assert all(re.fullmatch(r"\w+", f) for f in found)
