"""The data model: table definitions shared by the store, importers and analyses.

Times are stored as naive ``TIMESTAMP`` values that mean UTC. Identity of a post or an author
is ``(platform, id)``; ids are strings (platform ids overflow int64 in some exports and some
formats have no numeric ids at all).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "AUTHORS_SCHEMA",
    "AUTHOR_COLUMNS",
    "POSTS_SCHEMA",
    "POST_COLUMNS",
    "POST_VIEW_AUTHOR_COLUMNS",
    "RELATIONS",
]

RELATIONS = ("original", "repost", "quote", "reply")
"""Allowed values of ``posts.relation``."""

_str_list = pa.list_(pa.string())

POSTS_SCHEMA = pa.schema(
    [
        pa.field("platform", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("author_id", pa.string()),
        pa.field("created_at", pa.timestamp("us")),  # UTC
        pa.field("text", pa.string()),
        pa.field("lang", pa.string()),  # ISO 639-1 where known ("en", "fr"), else null
        pa.field("country", pa.string()),  # ISO 3166-1 alpha-2 ("US", "TR"), else null
        pa.field("url", pa.string()),
        pa.field("parent_id", pa.string()),  # the post this one reposts / quotes / replies to
        pa.field("root_id", pa.string()),  # first post of its cascade or conversation
        pa.field("relation", pa.string()),  # one of RELATIONS
        pa.field("likes", pa.int64()),
        pa.field("reposts", pa.int64()),
        pa.field("replies", pa.int64()),
        pa.field("views", pa.int64()),
        pa.field("hashtags", _str_list),  # lower-case, without '#'
        pa.field("mentions", _str_list),  # lower-case handles, without '@'
        pa.field("urls", _str_list),  # normalised (lower-case host, tracking parameters removed)
        pa.field("source", pa.string()),  # which import or feed brought it
        pa.field("collected_at", pa.timestamp("us")),  # UTC
        pa.field("ingest_seq", pa.int64()),  # import batch that committed it (monotonic)
    ]
)
POST_COLUMNS = tuple(POSTS_SCHEMA.names)

AUTHORS_SCHEMA = pa.schema(
    [
        pa.field("platform", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("handle", pa.string()),
        pa.field("name", pa.string()),
        pa.field("followers", pa.int64()),
        pa.field("following", pa.int64()),
        pa.field("posts_count", pa.int64()),
        pa.field("country", pa.string()),  # ISO 3166-1 alpha-2
        pa.field("location", pa.string()),  # free-text profile location
        pa.field("verified", pa.bool_()),
        pa.field("category", pa.string()),  # e.g. an account classification from the data set
        pa.field("created_at", pa.timestamp("us")),
        pa.field("observed_at", pa.timestamp("us")),  # when these profile values were seen
    ]
)
AUTHOR_COLUMNS = tuple(AUTHORS_SCHEMA.names)

POST_VIEW_AUTHOR_COLUMNS = (
    "author_handle",
    "author_name",
    "author_followers",
    "author_following",
    "author_verified",
    "author_category",
)
"""Author columns that the ``post_view`` view adds to every post (a left join on
``(platform, author_id)``): analyses and queries read posts through that view."""
