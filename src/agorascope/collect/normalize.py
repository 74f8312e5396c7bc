"""Turn a canonical record (raw values) into typed post and author rows.

This is the one place where values are parsed and checked; presets only rename fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agorascope.collect.canonical import AUTHOR_FIELDS, CANONICAL_FIELDS, FieldError
from agorascope.collect.names import is_no_value
from agorascope.collect.values import (
    parse_bool,
    parse_count,
    parse_country,
    parse_datetime,
    parse_lang,
    parse_text,
)
from agorascope.store.schema import RELATIONS
from agorascope.text import fold_case

__all__ = ["Normalized", "Warnings", "normalize"]

_PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_MAX_ID = 256
_RELATION_ALIASES = {
    "retweet": "repost",
    "retweeted": "repost",
    "rt": "repost",
    "r": "repost",  # FiveThirtyEight IRA post_type
    "q": "quote",
    "quote_tweet": "quote",
    "quoted_tweet": "quote",
    "reblogged": "repost",
    "share": "repost",
    "reblog": "repost",
    "quoted": "quote",
    "qt": "quote",
    "replied_to": "reply",
    "comment": "reply",
    "post": "original",
    "tweet": "original",
}
_NO_AUTHOR = "author"
"""Warnings kind: author fields on a post with no author_id nor author_handle (not stored)."""
_COUNTS = ("likes", "reposts", "replies", "views")
_LISTS = ("hashtags", "mentions", "urls")


@dataclass
class Warnings:
    """Values kept as missing because they were not recognised (reported, not fatal)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, value: Any) -> None:
        """Count one unrecognised value of ``kind`` (keeping a few examples)."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        ex = self.examples.setdefault(kind, [])
        shown = str(value)[:40]
        if len(ex) < 5 and shown not in ex:
            ex.append(shown)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Typed values of one record."""

    post: dict[str, Any]
    author: dict[str, Any] | None
    cascade_label: str | None


def _identifier(value: Any, name: str, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(name, "missing (required)")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace("\x00", "")
    if len(text) > _MAX_ID:
        raise FieldError(name, f"identifier longer than {_MAX_ID} characters")
    return text


def _string_list(value: Any, name: str, strip: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;|]+", value) if v]
    if not isinstance(value, list | tuple):
        raise FieldError(name, f"expected a list, got {type(value).__name__}")
    out = []
    for item in value:
        if item is None:
            continue
        text = str(item).strip().replace("\x00", "")
        if strip:
            text = text.lstrip(strip)
        if name != "urls":
            text = fold_case(text)  # as the import derivation lower-cases in the database
        if text:
            out.append(text)
    return out


def _relation(value: Any, has_parent: bool) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        # A parent without a stated relation is most often a reply (threads in forum exports).
        return "reply" if has_parent else "original"
    text = str(value).strip().lower()
    text = _RELATION_ALIASES.get(text, text)
    if text not in RELATIONS:
        raise FieldError("relation", f"expected one of {', '.join(RELATIONS)}, got {value!r}")
    return text


def normalize(
    fields: dict[str, Any],
    warnings: Warnings | None = None,
    date_formats: Mapping[str, str] | None = None,
) -> Normalized:
    """Parse and check one canonical record.

    Args:
        fields: canonical field name -> raw value (unknown keys are an error of the preset).
        warnings: collects unrecognised country / language values.
        date_formats: date field -> declared format (see :mod:`agorascope.timeutil`).

    Raises:
        FieldError: a required field is missing or a value is unusable.
    """
    unknown = set(fields) - set(CANONICAL_FIELDS)
    if unknown:
        raise FieldError(sorted(unknown)[0], "not a canonical field")
    platform = _identifier(fields.get("platform"), "platform", True)
    assert platform is not None
    platform = platform.lower()
    if not _PLATFORM.fullmatch(platform):
        raise FieldError("platform", f"not a platform name: {platform[:40]!r}")
    post_id = _identifier(fields.get("id"), "id", True)
    fmt = date_formats or {}
    handle = _handle(fields.get("author_handle"))
    author_id = _identifier(fields.get("author_id"), "author_id", False)
    if author_id is None and handle is not None:
        # an author known by handle only: the handle is the id (see docs/import.md)
        author_id = _identifier(handle, "author_handle", False)
    parent_id = _identifier(fields.get("parent_id"), "parent_id", False)
    post: dict[str, Any] = {
        "platform": platform,
        "id": post_id,
        "author_id": author_id,
        "created_at": parse_datetime(fields.get("created_at"), "created_at", fmt.get("created_at")),
        "text": parse_text(fields.get("text"), "text"),
        "lang": _coded(fields.get("lang"), parse_lang, "lang", warnings),
        "country": _coded(fields.get("country"), parse_country, "country", warnings),
        "url": parse_text(fields.get("url"), "url", 8192),
        "parent_id": parent_id,
        "root_id": _identifier(fields.get("root_id"), "root_id", False),
        "relation": _relation(fields.get("relation"), parent_id is not None),
    }
    for name in _COUNTS:
        post[name] = parse_count(fields.get(name), name)
    post["hashtags"] = _string_list(fields.get("hashtags"), "hashtags", "#")
    post["mentions"] = _string_list(fields.get("mentions"), "mentions", "@")
    post["urls"] = _string_list(fields.get("urls"), "urls", "")
    author = _author(fields, post, handle, warnings, fmt.get("author_created_at"))
    return Normalized(post, author, _label(fields))


def _coded(value: Any, parse: Any, kind: str, warnings: Warnings | None) -> str | None:
    code: str | None = parse(value)
    if (
        code is None
        and warnings is not None
        and str(value or "").strip()
        and not is_no_value(value)
    ):
        warnings.add(kind, value)
    return code


def _label(fields: dict[str, Any]) -> str | None:
    label = fields.get("cascade_label")
    return None if label in (None, "") else parse_text(label, "cascade_label", 64)


def _author(
    fields: dict[str, Any],
    post: dict[str, Any],
    handle: str | None,
    warnings: Warnings | None,
    created_format: str | None = None,
) -> dict[str, Any] | None:
    if post["author_id"] is None:
        given = [f for f in AUTHOR_FIELDS if fields.get(f) not in (None, "")]
        if given and warnings is not None:
            warnings.add(_NO_AUTHOR, ", ".join(given))
        return None
    observed: datetime | None = post["created_at"]
    return {
        "platform": post["platform"],
        "id": post["author_id"],
        "handle": handle,
        "name": parse_text(fields.get("author_name"), "author_name", 1000),
        "followers": parse_count(fields.get("author_followers"), "author_followers"),
        "following": parse_count(fields.get("author_following"), "author_following"),
        "posts_count": parse_count(fields.get("author_posts_count"), "author_posts_count"),
        "country": _coded(fields.get("author_country"), parse_country, "country", warnings),
        "location": parse_text(fields.get("author_location"), "author_location", 1000),
        "verified": parse_bool(fields.get("author_verified"), "author_verified"),
        "category": parse_text(fields.get("author_category"), "author_category", 200),
        "created_at": parse_datetime(
            fields.get("author_created_at"), "author_created_at", created_format
        ),
        "observed_at": observed,
    }


def _handle(value: Any) -> str | None:
    text = parse_text(value, "author_handle", 200)
    if text is None:
        return None
    text = text.strip().lstrip("@")
    return text or None
