"""Twitter API v1.1 statuses (``x-v1``), platform ``x``.

twarc 1, Hydrator, stream dumps and most datasets collected before 2021 (PHEME...) hold v1.1
"status" objects: one per line (JSONL), a JSON array of them, one per file, or search response
pages (``statuses`` and ``search_metadata``; each status becomes a record). The embedded
``retweeted_status`` and ``quoted_status`` objects become records too. Stream notices
(``delete``, ``limit``, ``scrub_geo``, ``status_withheld``...) become rejects naming the notice.

Status fields: ``id_str`` (else ``id``), ``created_at`` (``Wed Oct 10 20:19:24 +0000 2018``,
parsed by the normaliser); text from ``full_text`` (extended mode), else
``extended_tweet.full_text`` (streaming, truncated statuses), else ``text`` (a retweet keeps its
own ``RT @user: ...`` text); ``lang`` (``und``, ``qme``... -> None; the normaliser reads
the withdrawn codes ``in`` and ``iw``).
Relation: ``retweeted_status`` -> repost, parent_id and root_id the retweeted status (v1.1
flattens retweets, so a retweet of a retweet points at the original); else
``in_reply_to_status_id_str`` -> reply, root_id None (v1.1 has no conversation id); else
``is_quote_status`` with ``quoted_status_id_str`` -> quote; else original. ``favorite_count`` /
``retweet_count`` / ``reply_count`` (premium APIs only) -> likes / reposts / replies (a retweet
carries the original's retweet count), views None; entities (``extended_tweet.entities`` first)
hashtags (``text``), ``user_mentions`` (``screen_name``), urls (``expanded_url``, else ``url``)
-> lists (no ``entities`` -> None, extracted later from the text); ``place.country_code`` ->
country; url built as ``https://x.com/<screen_name>/status/<id>``. Author (``user``):
``id_str``, screen_name, name, followers_count, friends_count -> following, statuses_count ->
posts count, location, verified, created_at.

Lost: coordinates, ``geo`` and the rest of ``place``, media and ``extended_entities``,
``display_text_range``, ``withheld_*``, ``source`` (the client), quote counts,
``possibly_sensitive``, ``in_reply_to_user_id`` / ``in_reply_to_screen_name``, the collecting
account's ``favorited`` / ``retweeted`` flags, other profile fields (description, url, images,
protected), ``timestamp_ms``, ``search_metadata`` and the content of stream notices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe, blank_to_none
from agorascope.collect.presets.xapi import entity_values
from agorascope.collect.readers import Item, Record, Reject
from agorascope.errors import ImportFormatError

__all__ = ["XV1Preset", "convert_status", "is_search_page", "is_status", "stream_notice"]

_NO_LANG = ("und", "qme", "qht", "qam", "qct", "qst", "zxx")
_NOTICES = (
    "delete",
    "scrub_geo",
    "limit",
    "status_withheld",
    "user_withheld",
    "disconnect",
    "warning",
    "friends",
    "friends_str",
    "event",
    "for_user",
    "control",
)
_V2_KEYS = ("author_id", "edit_history_tweet_ids", "data")


def _looks_like_status(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("user"), Mapping)
        and ("text" in value or "full_text" in value)
        and not any(k in value for k in _V2_KEYS)
    )


def is_status(value: Any) -> bool:
    """Whether a JSON value looks like one Twitter API v1.1 status object."""
    return _looks_like_status(value) and ("id_str" in value or "id" in value)


def is_search_page(value: Any) -> bool:
    """Whether a JSON value looks like a v1.1 search response page (``statuses``)."""
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("statuses"), list)
        and "data" not in value
    )


def stream_notice(value: Any) -> str | None:
    """The kind of a streaming API notice (``delete``, ``limit``...), or None."""
    if not isinstance(value, Mapping) or "user" in value or "id_str" in value or "id" in value:
        return None
    return next((k for k in _NOTICES if k in value), None)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _id(obj: Mapping[str, Any], key: str = "id") -> str | None:
    """``<key>_str``, else ``<key>`` as a string; None when both are missing or blank."""
    for name in (f"{key}_str", key):
        value = blank_to_none(_str(obj.get(name)))
        if value is not None:
            return str(value)
    return None


def convert_status(status: Any) -> dict[str, Any]:
    """One canonical record from a v1.1 status object (embedded statuses not included).

    Raises:
        FieldError: the status is not an object or has no id.
    """
    if not isinstance(status, Mapping):
        raise FieldError("", f"a status must be a JSON object, not {type(status).__name__}")
    post_id = _id(status)
    if post_id is None:
        raise FieldError("id_str", "missing tweet id")
    user = status.get("user")
    user = user if isinstance(user, Mapping) else {}
    extended = status.get("extended_tweet")
    extended = extended if isinstance(extended, Mapping) else {}
    text = status.get("full_text")
    if text is None:
        text = extended.get("full_text", status.get("text"))
    relation, parent_id, root_id = "original", None, None
    retweeted, quoted = status.get("retweeted_status"), status.get("quoted_status")
    if isinstance(retweeted, Mapping):
        relation, parent_id = "repost", _id(retweeted)
        root_id = parent_id
    elif _id(status, "in_reply_to_status_id") is not None:
        relation, parent_id = "reply", _id(status, "in_reply_to_status_id")
    elif status.get("is_quote_status") is True:
        parent_id = _id(status, "quoted_status_id")
        if parent_id is None and isinstance(quoted, Mapping):
            parent_id = _id(quoted)
        relation = "original" if parent_id is None else "quote"
    entities = extended.get("entities")
    if not isinstance(entities, Mapping):
        entities = status.get("entities")
    entities = entities if isinstance(entities, Mapping) else None
    place = status.get("place")
    place = place if isinstance(place, Mapping) else {}
    handle = blank_to_none(_str(user.get("screen_name")))
    lang = blank_to_none(status.get("lang"))
    return {
        "platform": "x",
        "id": post_id,
        "author_id": _id(user),
        "created_at": status.get("created_at"),
        "text": text,
        "lang": None if lang in _NO_LANG else lang,
        "country": blank_to_none(place.get("country_code")),
        "url": f"https://x.com/{handle or 'i/web'}/status/{post_id}",
        "parent_id": parent_id,
        "root_id": root_id,
        "relation": relation,
        "likes": status.get("favorite_count"),
        "reposts": status.get("retweet_count"),
        "replies": status.get("reply_count"),
        "views": None,
        "hashtags": entity_values(entities, "hashtags", "text"),
        "mentions": entity_values(entities, "user_mentions", "screen_name"),
        "urls": entity_values(entities, "urls", "expanded_url"),
        "author_handle": handle,
        "author_name": _str(user.get("name")),
        "author_followers": user.get("followers_count"),
        "author_following": user.get("friends_count"),
        "author_posts_count": user.get("statuses_count"),
        "author_location": blank_to_none(user.get("location")),
        "author_verified": user.get("verified"),
        "author_created_at": user.get("created_at"),
    }


def _with_embedded(status: Any) -> list[dict[str, Any]]:
    """The status, then its embedded retweeted / quoted statuses (depth first, each id once)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    stack = [status]
    while stack:
        current = stack.pop()
        record = convert_status(current)
        if record["id"] in seen:
            continue
        seen.add(record["id"])
        out.append(record)
        for key in ("quoted_status", "retweeted_status"):  # popped retweeted first
            if isinstance(current.get(key), Mapping):
                stack.append(current[key])
    return out


class XV1Preset(Preset):
    """Twitter API v1.1 JSON or JSONL: statuses, or search response pages."""

    name: ClassVar[str] = "x-v1"
    description: ClassVar[str] = "Twitter API v1.1 statuses (twarc 1, Hydrator, PHEME, streams)"
    containers: ClassVar[frozenset[str]] = frozenset({"json", "jsonl"})

    def matches(self, probe: Probe) -> bool:
        return is_status(probe.first) or is_search_page(probe.first)

    def check(self, probe: Probe) -> None:
        super().check(probe)
        first = probe.first
        if first is not None and not (
            _looks_like_status(first) or is_search_page(first) or stream_notice(first)
        ):
            raise ImportFormatError(
                f"{probe.path}: the first value is neither a Twitter API v1.1 status "
                "(id_str, user, text or full_text) nor a search response page (statuses)"
            )

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        value = item.data
        notice = stream_notice(value)
        if notice is not None:
            raise FieldError(notice, f"stream notice: {notice}")
        if isinstance(value, Mapping) and not (
            _looks_like_status(value) or "id_str" in value or "id" in value
        ):
            keys = ", ".join(list(value)[:8])
            raise FieldError("", f"not a v1.1 status (keys: {keys})")
        return _with_embedded(value)

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        return super().records(self._statuses(items))

    @staticmethod
    def _statuses(items: Iterator[Item | Reject]) -> Iterator[Item | Reject]:
        """Each status of a search page as an item of its own (rejected on its own)."""
        for item in items:
            if isinstance(item, Item) and is_search_page(item.data):
                for status in item.data["statuses"]:
                    yield Item(item.line, status, None, item.path)
            else:
                yield item
