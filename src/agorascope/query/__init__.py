"""Boolean query language: parser, syntax tree, compilers (full-text index, Ibis), topics.

A query such as ``(Améri* OR "big data") -politique lang:fr since:2024-07-19`` is parsed
once (:func:`parse`) and compiled either to a tantivy query on the index beside the store or to
an Ibis predicate (:func:`filter_posts`) that runs on DuckDB or Spark; both return the same
posts, which the reference evaluator (:func:`matches`) defines. See ``docs/query.md``.
"""

from __future__ import annotations

from agorascope.query.highlight import Snippet, snippet
from agorascope.query.index import IndexReport, SearchIndex
from agorascope.query.parser import parse
from agorascope.query.reference import matches, reference_filter
from agorascope.query.search import (
    Hit,
    SearchResults,
    check_index,
    count,
    index_dir_for,
    index_posts,
    open_index,
    rebuild_index,
    search,
)
from agorascope.query.to_ibis import WORDS_COLUMN, filter_posts, search_words_column
from agorascope.query.topics import Topic, add_topic, get_topic, list_topics, remove_topic
from agorascope.text import normalize, words

__all__ = [
    "WORDS_COLUMN",
    "Hit",
    "IndexReport",
    "SearchIndex",
    "SearchResults",
    "Snippet",
    "Topic",
    "add_topic",
    "check_index",
    "count",
    "filter_posts",
    "get_topic",
    "index_dir_for",
    "index_posts",
    "list_topics",
    "matches",
    "normalize",
    "open_index",
    "parse",
    "rebuild_index",
    "reference_filter",
    "remove_topic",
    "search",
    "search_words_column",
    "snippet",
    "words",
]
