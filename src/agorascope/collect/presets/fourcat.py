"""4CAT CSV exports (Digital Methods Initiative's capture and analysis toolkit).

Every 4CAT data source maps its items to a flat row with at least ``id, thread_id, timestamp,
body, author`` and usually ``unix_timestamp, subject``; the rest depends on the data source
(Twitter v2 adds ``link, author_fullname, author_id, language_guess, like_count,
retweet_count, reply_count, quote_count, impression_count, is_retweet, is_quote_tweet,
is_reply, hashtags, urls, mentions, place_name, ...``; Reddit adds ``subreddit, score, url``;
4chan adds ``country_code, country_name``).

Mapping: platform from a ``platform`` or ``datasource`` column, else from the file name
(4CAT names exports ``<datasource>-...``: ``twitterv2`` / ``twitter`` -> ``x``, ``reddit``,
``4chan``, ``telegram``, ``tiktok``, ``instagram``, ...), else ``4cat``. ``id``; ``thread_id``
-> root_id; ``unix_timestamp`` (else ``timestamp``, UTC) -> created_at; ``body`` -> text (the
``subject`` is used when the body is blank); ``author_id`` (else ``author``) -> author_id;
``author`` -> author_handle; ``author_fullname`` -> author_name; ``link`` / ``url`` -> url;
``language_guess`` / ``lang`` -> lang; ``country_code`` -> country; ``like_count`` / ``score``
-> likes, ``retweet_count`` -> reposts, ``reply_count`` / ``num_comments`` -> replies,
``impression_count`` / ``views`` -> views; ``is_retweet`` / ``is_quote_tweet`` / ``is_reply``
(``yes``) -> relation (the parent id is not exported); comma-separated ``hashtags``,
``mentions``, ``urls`` -> lists.

Lost: ``subject`` when there is a body, images, videos, sensitivity flags, coordinates and all
other data-source-specific columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe, blank_to_none, split_list
from agorascope.collect.readers import Item
from agorascope.errors import ImportFormatError

__all__ = ["FourCatPreset", "platform_from_name"]

_REQUIRED = ("id", "thread_id", "body", "author")
_PLATFORMS = {
    "twitterv2": "x",
    "twitter": "x",
    "x": "x",
    "reddit": "reddit",
    "4chan": "4chan",
    "fourchan": "4chan",
    "8kun": "8kun",
    "telegram": "telegram",
    "tiktok": "tiktok",
    "instagram": "instagram",
    "facebook": "facebook",
    "youtube": "youtube",
    "bsky": "bluesky",
    "bluesky": "bluesky",
    "mastodon": "mastodon",
    "linkedin": "linkedin",
    "threads": "threads",
    "weibo": "weibo",
    "douyin": "douyin",
    "gab": "gab",
    "truthsocial": "truthsocial",
}


def platform_from_name(name: str) -> str | None:
    """The platform a 4CAT data-source name or export file name points at, if known."""
    token = re.split(r"[-_. ]", Path(name).name.lower(), maxsplit=1)[0]
    return _PLATFORMS.get(token)


def _first(row: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = blank_to_none(row.get(key))
        if value is not None:
            return value
    return None


class FourCatPreset(Preset):
    """4CAT CSV export of any data source."""

    name: ClassVar[str] = "4cat"
    description: ClassVar[str] = "4CAT CSV export (id, thread_id, timestamp, body, author, ...)"
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "parquet"})

    def matches(self, probe: Probe) -> bool:
        cols = set(probe.columns or ())
        return set(_REQUIRED) <= cols and bool(cols & {"timestamp", "unix_timestamp"})

    def check(self, probe: Probe) -> None:
        super().check(probe)
        missing = [c for c in _REQUIRED if c not in (probe.columns or ())]
        if missing:
            raise ImportFormatError(f"{probe.path}: not a 4CAT export, missing {missing}")

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        row: dict[str, Any] = item.data
        post_id = blank_to_none(row.get("id"))
        if post_id is None:
            raise FieldError("id", "empty id")
        platform = _first(row, "platform", "datasource")
        if platform is not None:
            platform = _PLATFORMS.get(str(platform).lower(), str(platform).lower())
        else:
            platform = platform_from_name(item.path) or "4cat"
        created: Any = _first(row, "unix_timestamp", "timestamp")
        if created is None:
            raise FieldError("timestamp", "no timestamp")
        if isinstance(created, str) and created.lstrip("-").isdigit():
            created = int(created)  # epoch seconds
        relation = "original"
        for column, name in (
            ("is_retweet", "repost"),
            ("is_reply", "reply"),
            ("is_quote_tweet", "quote"),
        ):
            if str(row.get(column, "")).strip().lower() in ("yes", "true", "1"):
                relation = name
                break
        author = blank_to_none(row.get("author"))
        body = blank_to_none(row.get("body"))
        return [
            {
                "platform": platform,
                "id": str(post_id),
                "author_id": _first(row, "author_id"),  # else the handle
                "created_at": created,
                "text": body if body is not None else blank_to_none(row.get("subject")),
                "lang": _first(row, "language_guess", "lang"),
                "country": _first(row, "country_code"),
                "url": _first(row, "link", "url"),
                "root_id": blank_to_none(row.get("thread_id")),
                "relation": relation,
                "likes": _first(row, "like_count", "score"),
                "reposts": _first(row, "retweet_count"),
                "replies": _first(row, "reply_count", "num_comments"),
                "views": _first(row, "impression_count", "views"),
                "hashtags": split_list(row["hashtags"]) if "hashtags" in row else None,
                "mentions": split_list(row["mentions"]) if "mentions" in row else None,
                "urls": split_list(row["urls"]) if "urls" in row else None,
                "author_handle": author,
                "author_name": _first(row, "author_fullname"),
            }
        ]
