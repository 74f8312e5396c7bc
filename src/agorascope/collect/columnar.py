"""The columnar path: native Parquet batches staged without a Python loop per row.

A batch takes this path only when every value already has its final form (types castable,
codes valid, counts non-negative, dates in range...). Otherwise :func:`stage_batch` returns
None and the caller sends that batch through the row path, which names each bad field in the
rejects file. Both paths produce the same staged tables, so what lands in the store is the same.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from agorascope.collect.canonical import AUTHOR_FIELDS, CANONICAL_FIELDS
from agorascope.collect.names import stored_codes
from agorascope.collect.values import MAX_TEXT_CHARS
from agorascope.store.schema import AUTHORS_SCHEMA, POSTS_SCHEMA, RELATIONS

__all__ = ["STAGE_AUTHORS", "STAGE_POSTS", "stage_batch"]

STAGE_POSTS = pa.schema(
    [f for f in POSTS_SCHEMA if f.name not in ("source", "collected_at", "ingest_seq")]
    + [pa.field("_line", pa.int64())]
)
STAGE_AUTHORS = pa.schema([*AUTHORS_SCHEMA, pa.field("_line", pa.int64())])

_MIN_DATE = pa.scalar(datetime(1990, 1, 1), pa.timestamp("us"))
_MAX_DATE = pa.scalar(datetime(2100, 1, 1), pa.timestamp("us"))
_TYPES = {f.name: f.type for f in STAGE_POSTS} | {
    "author_" + f.name: f.type for f in AUTHORS_SCHEMA if f.name not in ("platform", "id")
}


@cache
def _codes() -> tuple[pa.Array, pa.Array]:
    langs, countries = stored_codes()
    return pa.array(sorted(langs)), pa.array(sorted(countries))


def _cast(batch: pa.RecordBatch, name: str) -> pa.Array | None:
    n = batch.num_rows
    if name not in batch.schema.names:
        return pa.nulls(n, _TYPES[name])
    col = batch.column(name)
    target = _TYPES[name]
    if col.type == target:
        return col
    if pa.types.is_timestamp(target) and pa.types.is_timestamp(col.type):
        if col.type.tz is not None:  # aware -> naive UTC
            col = pc.cast(col, pa.timestamp(col.type.unit, "UTC")).cast(pa.timestamp("us"))
            return col
        return col.cast(target)
    try:
        return col.cast(target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(pc.fill_null(mask, True), min_count=0).as_py())  # True when empty


def stage_batch(batch: pa.RecordBatch, first_line: int) -> tuple[pa.Table, pa.Table] | None:
    """Staged (posts, authors) tables for a clean native batch, or None to use the row path."""
    names = set(batch.schema.names)
    if not names <= set(CANONICAL_FIELDS) or "cascade_label" in names:
        return None
    cols: dict[str, pa.Array] = {}
    for name in list(_TYPES):
        arr = _cast(batch, name)
        if arr is None:
            return None
        cols[name] = arr
    if not _valid(cols):
        return None
    # as on the row path: no relation means a reply when there is a parent, else an original
    relation = pc.if_else(pc.is_valid(cols["parent_id"]), "reply", "original")
    cols["relation"] = pc.coalesce(cols["relation"], relation)
    # an author known by handle only: the handle is the id, as on the row path
    cols["author_id"] = pc.coalesce(cols["author_id"], cols["author_handle"])
    n = batch.num_rows
    lines = pa.array(range(first_line, first_line + n), pa.int64())
    posts = pa.table(
        {f.name: cols[f.name] if f.name != "_line" else lines for f in STAGE_POSTS},
        schema=STAGE_POSTS,
    )
    has_author = pc.is_valid(cols["author_id"])
    author_cols = {
        "platform": cols["platform"],
        "id": cols["author_id"],
        **{
            f.name: cols["author_" + f.name]
            for f in AUTHORS_SCHEMA
            if "author_" + f.name in AUTHOR_FIELDS
        },
        "observed_at": cols["created_at"],
        "_line": lines,
    }
    authors = pa.table(author_cols, schema=STAGE_AUTHORS).filter(has_author)
    return posts, authors


# Longest text the row path accepts per column (values.parse_text limits in normalize).
_MAX_CHARS = {
    "text": MAX_TEXT_CHARS,
    "url": 8192,
    "author_handle": 200,
    "author_name": 1000,
    "author_location": 1000,
    "author_category": 200,
}


def _trimmed(col: pa.Array, max_chars: int) -> bool:
    """Whether every value is non-blank, trimmed and at most ``max_chars`` long (nulls pass)."""
    length = pc.utf8_length(col)
    return (
        _all(pc.equal(pc.utf8_trim_whitespace(col), col))
        and _all(pc.greater(length, 0))
        and _all(pc.less_equal(length, max_chars))
    )


def _valid(cols: dict[str, pa.Array]) -> bool:
    """Whether the row path would store these values unchanged (else it must decide)."""
    platform, ident = cols["platform"], cols["id"]
    if platform.null_count or ident.null_count:
        return False
    if not _all(pc.match_substring_regex(platform, r"^[a-z0-9][a-z0-9_.-]{0,31}$")):
        return False
    for name, col in cols.items():  # ids are at most 256 characters
        if pa.types.is_string(col.type) and not _trimmed(col, _MAX_CHARS.get(name, 256)):
            return False  # the row path strips text and makes blank values missing
    nameless = pc.and_(pc.is_null(cols["author_id"]), pc.is_null(cols["author_handle"]))
    profile = [pc.is_valid(cols[name]) for name in _TYPES if name.startswith("author_")]
    if pc.any(pc.and_(nameless, _any_of(profile))).as_py():
        return False  # the row path reports author fields without an author
    for name in (
        "likes",
        "reposts",
        "replies",
        "views",
        "author_followers",
        "author_following",
        "author_posts_count",
    ):
        if not _all(pc.greater_equal(cols[name], 0)):
            return False
    if not _in(cols["relation"], pa.array(RELATIONS)):
        return False
    for col in cols.values():  # every date, the author's too: the row path's range
        if pa.types.is_timestamp(col.type) and not (
            _all(pc.greater_equal(col, _MIN_DATE)) and _all(pc.less(col, _MAX_DATE))
        ):
            return False
    langs, countries = _codes()
    if not _in(cols["lang"], langs):
        return False
    for name in ("country", "author_country"):
        if not _in(cols[name], countries):
            return False
    for name in ("hashtags", "mentions", "urls"):
        flat = pc.list_flatten(cols[name])
        if flat.null_count or not _trimmed(flat, MAX_TEXT_CHARS) or _has_nul(flat):
            return False  # the row path drops blank items and trims the others
    for name, mark in (("hashtags", "#"), ("mentions", "@")):
        flat = pc.list_flatten(cols[name])
        if len(flat) and not _all(pc.equal(flat, pc.utf8_lower(flat))):
            return False
        if len(flat) and not _all(pc.invert(pc.starts_with(flat, mark))):
            return False
    if not _all(pc.invert(pc.starts_with(cols["author_handle"], "@"))):
        return False
    return not any(_has_nul(col) for col in cols.values() if pa.types.is_string(col.type))


def _in(col: pa.Array, values: pa.Array) -> bool:
    """Whether every value is missing or one of ``values`` (``is_in`` says False for nulls)."""
    return _all(pc.or_(pc.is_null(col), pc.is_in(col, values)))


def _any_of(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.or_(out, mask)
    return out


def _has_nul(col: pa.Array) -> bool:
    return bool(pc.any(pc.fill_null(pc.match_substring(col, "\x00"), False)).as_py())
