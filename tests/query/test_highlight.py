"""Snippets hold and mark what matched, hashtags included; unknown topic names are explained."""

from __future__ import annotations

import pyarrow as pa
import pytest

from agorascope.errors import NotFoundError
from agorascope.query import add_topic, get_topic, parse, rebuild_index, snippet
from agorascope.report.search import search_page

from ._query_corpus import POST_VIEW_SCHEMA, make_posts
from .conftest import StoreFactory

LONG = "The network was slow all morning and nobody knew why. " * 8 + "Later: #CrowdStrike"


def marked(html: str) -> list[str]:
    return [part.split("</mark>")[0] for part in html.split("<mark>")[1:]]


def test_a_hashtag_at_the_end_of_a_long_post_is_inside_the_snippet_and_marked() -> None:
    snip = snippet(LONG, parse("#crowdstrike"))
    assert len(snip.text) == 200 and snip.truncated_left and not snip.truncated_right
    assert marked(snip.to_html()) == ["#CrowdStrike"]
    assert [snip.text[s:e] for s, e in snip.spans] == ["#CrowdStrike"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("#crowdstrike OR outage", ["#CrowdStrike"]),
        # overlapping matches give one mark; the word matches after the address too
        ("crowdstrike #crowdstrike", ["#CrowdStrike", "crowdstrike"]),
        ("crowdstrike", ["CrowdStrike", "crowdstrike"]),  # the word, without the sign
        ("slow -#crowdstrike", ["slow"]),  # a hashtag under NOT is never marked
        ("#crowd", []),  # another tag
    ],
    ids=["or", "word-and-tag", "word", "negated", "prefix-is-another-tag"],
)
def test_hashtags_are_marked_as_written(query: str, shown: list[str]) -> None:
    text = "slow #CrowdStrike update, #crowdstrikes too, mail@x.org#crowdstrike"
    assert marked(snippet(text, parse(query)).to_html()) == shown


def test_the_window_holds_the_most_distinct_matched_terms() -> None:
    text = "alpha " + "filler " * 60 + "beta filler gamma " + "filler " * 60
    snip = snippet(text, parse("alpha OR (beta gamma)"), max_chars=80)
    assert set(marked(snip.to_html())) == {"beta", "gamma"}


def test_search_hit_of_a_hashtag_only_match_shows_it(make_store: StoreFactory) -> None:
    row = make_posts(1, seed=3).to_pylist()[0]
    row.update(text=LONG, hashtags=["crowdstrike"], created_at=row["created_at"] or None)
    store = make_store(pa.Table.from_pylist([row], schema=POST_VIEW_SCHEMA))
    rebuild_index(store)
    page = search_page(store, "#crowdstrike", facets=False)
    assert page.results.total == 1
    hit = page.results.hits[0]
    assert hit.snippet is not None and marked(hit.snippet.to_html()) == ["#CrowdStrike"]


def test_require_topic_names_the_topic_and_close_matches(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    with pytest.raises(NotFoundError, match="no topic is saved yet"):
        get_topic(store, "it_outage")
    add_topic(store, "it_outage", "outage")
    add_topic(store, "olympics", "#paris2024")
    assert get_topic(store, "it_outage").query == "outage"
    with pytest.raises(NotFoundError, match=r"no topic named 'it_outge'; did you mean 'it_outage'"):
        get_topic(store, "it_outge")
    with pytest.raises(NotFoundError, match=r"'zzz'; saved topics: it_outage, olympics"):
        get_topic(store, "zzz")
