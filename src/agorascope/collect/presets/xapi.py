"""X API v2 responses (``x-v2``) and twarc2 output (``twarc``), platform ``x``.

A response page holds ``data`` (a tweet or a list of tweets), ``includes.users``,
``includes.tweets`` (the referenced tweets), ``includes.places`` and ``errors``. Every tweet of
``data`` and of ``includes.tweets`` becomes a record; an entry of ``errors`` (a deleted or
protected tweet) becomes a reject naming the resource. twarc2 writes one page per line with
a ``__twarc`` key; its ``flatten`` output writes one tweet per line with the author embedded
(``author``) and referenced tweets embedded (``referenced_tweets[].tweet``), which also become
records.

Tweet fields: ``id``, ``author_id``, ``created_at`` (ISO, UTC), ``text``, ``lang`` (``und`` ->
None), ``conversation_id`` -> root_id; ``referenced_tweets``: the first of ``retweeted``,
``replied_to``, ``quoted`` (in that order) gives relation repost / reply / quote and parent_id;
``public_metrics`` like / retweet / reply / impression counts -> likes / reposts / replies /
views; ``entities`` hashtags (``tag``), mentions (``username``), urls (``expanded_url``, else
``url``) -> lists (no ``entities`` -> None, extracted later from the text);
``geo.place_id`` -> the place's ``country_code`` -> country; url built as
``https://x.com/<username>/status/<id>``. Author (from ``includes.users`` or ``author``):
username, name, followers / following / tweet counts, verified, location, created_at.

Lost: quote counts, bookmark counts, attachments and media, context annotations, edit history,
coordinates, withheld information, ``meta`` (pagination) and the ``__twarc`` metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe, blank_to_none
from agorascope.collect.readers import Item, Record, Reject, truncate_raw
from agorascope.errors import ImportFormatError

__all__ = ["TwarcPreset", "XV2Preset", "convert_tweet", "entity_values", "is_page", "is_tweet"]

_RELATION_ORDER = (("retweeted", "repost"), ("replied_to", "reply"), ("quoted", "quote"))


def is_page(value: Any) -> bool:
    """Whether a JSON value looks like an X API v2 response page."""
    if not isinstance(value, Mapping):
        return False
    data = value.get("data")
    return (isinstance(data, list | Mapping) and ("meta" in value or "includes" in value)) or (
        isinstance(data, list) and all(isinstance(t, Mapping) and "id" in t for t in data[:5])
    ) or (isinstance(data, Mapping) and "id" in data and "text" in data) or (
        "errors" in value and "data" not in value and "title" not in value
    )  # fmt: skip


def is_tweet(value: Any) -> bool:
    """Whether a JSON value looks like one X API v2 tweet object."""
    return (
        isinstance(value, Mapping)
        and "id" in value
        and "text" in value
        and ("author_id" in value or "edit_history_tweet_ids" in value or "author" in value)
        and "platform" not in value
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _entities(tweet: Mapping[str, Any], kind: str, key: str) -> list[str] | None:
    return entity_values(tweet.get("entities"), kind, key)


def entity_values(entities: Any, kind: str, key: str) -> list[str] | None:
    """The ``key`` of every entity of ``kind`` (``url`` for urls without it); None when
    ``entities`` is not an object (the pipeline then extracts them from the text)."""
    if not isinstance(entities, Mapping):
        return None
    out: list[str] = []
    for entity in entities.get(kind) or []:
        if isinstance(entity, Mapping):
            value = entity.get(key) or (entity.get("url") if kind == "urls" else None)
            if value:
                out.append(str(value))
    return out


def convert_tweet(
    tweet: Any,
    users: Mapping[str, Mapping[str, Any]],
    places: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """One canonical record from a v2 tweet object.

    Raises:
        FieldError: the tweet is not an object or has no id.
    """
    if not isinstance(tweet, Mapping):
        raise FieldError("data", f"a tweet must be a JSON object, not {type(tweet).__name__}")
    post_id = _str(tweet.get("id"))
    if not post_id or not post_id.strip():
        raise FieldError("id", "missing tweet id")
    author_id = _str(tweet.get("author_id"))
    embedded = tweet.get("author")
    user: Mapping[str, Any] = (
        embedded if isinstance(embedded, Mapping) else users.get(author_id or "", {})
    )
    author_id = author_id or _str(user.get("id"))
    relation, parent_id = "original", None
    refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, Mapping)]
    for kind, name in _RELATION_ORDER:
        ref = next((r for r in refs if r.get("type") == kind), None)
        if ref is not None:
            relation, parent_id = name, _str(ref.get("id"))
            break
    metrics = tweet.get("public_metrics")
    metrics = metrics if isinstance(metrics, Mapping) else {}
    umetrics = user.get("public_metrics")
    umetrics = umetrics if isinstance(umetrics, Mapping) else {}
    geo = tweet.get("geo")
    place: Mapping[str, Any] = {}
    if isinstance(geo, Mapping):
        embedded_place = geo.get("place")
        place = embedded_place if isinstance(embedded_place, Mapping) else {}
        place = place or places.get(str(geo.get("place_id")), {})
    handle = _str(user.get("username"))
    lang = blank_to_none(tweet.get("lang"))
    return {
        "platform": "x",
        "id": post_id.strip(),
        "author_id": author_id,
        "created_at": tweet.get("created_at"),
        "text": tweet.get("text"),
        "lang": None if lang in ("und", "qme", "qht", "zxx") else lang,
        "country": blank_to_none(place.get("country_code")),
        "url": f"https://x.com/{handle or 'i/web'}/status/{post_id.strip()}",
        "parent_id": parent_id,
        "root_id": _str(tweet.get("conversation_id")),
        "relation": relation,
        "likes": metrics.get("like_count"),
        "reposts": metrics.get("retweet_count"),
        "replies": metrics.get("reply_count"),
        "views": metrics.get("impression_count"),
        "hashtags": _entities(tweet, "hashtags", "tag"),
        "mentions": _entities(tweet, "mentions", "username"),
        "urls": _entities(tweet, "urls", "expanded_url"),
        "author_handle": handle,
        "author_name": _str(user.get("name")),
        "author_followers": umetrics.get("followers_count"),
        "author_following": umetrics.get("following_count"),
        "author_posts_count": umetrics.get("tweet_count"),
        "author_location": blank_to_none(user.get("location")),
        "author_verified": user.get("verified"),
        "author_created_at": user.get("created_at"),
    }


def _index(objects: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(objects, list):
        return {}
    return {str(o["id"]): o for o in objects if isinstance(o, Mapping) and "id" in o}


class XV2Preset(Preset):
    """X API v2 JSON or JSONL: response pages, or one tweet object per value."""

    name: ClassVar[str] = "x-v2"
    description: ClassVar[str] = "X API v2 responses (JSON or JSONL pages, or tweet objects)"
    containers: ClassVar[frozenset[str]] = frozenset({"json", "jsonl"})

    def matches(self, probe: Probe) -> bool:
        first = probe.first
        if isinstance(first, Mapping) and "__twarc" in first:
            return False
        return is_page(first) or is_tweet(first)

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if probe.first is not None and not (is_page(probe.first) or is_tweet(probe.first)):
            raise ImportFormatError(
                f"{probe.path}: the first value is neither an X API v2 response page "
                "(data / includes / meta) nor a tweet object (id, text, author_id)"
            )

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        value = item.data
        if is_page(value):
            includes = value.get("includes")
            includes = includes if isinstance(includes, Mapping) else {}
            users, places = _index(includes.get("users")), _index(includes.get("places"))
            data = value.get("data")
            tweets = data if isinstance(data, list) else [] if data is None else [data]
            tweets = tweets + list(includes.get("tweets") or [])
            return [convert_tweet(t, users, places) for t in tweets]
        if is_tweet(value):
            out = [convert_tweet(value, {}, {})]
            for ref in value.get("referenced_tweets") or []:
                if isinstance(ref, Mapping) and isinstance(ref.get("tweet"), Mapping):
                    out.append(convert_tweet(ref["tweet"], {}, {}))
            return out
        raise FieldError("", "neither a response page nor a tweet object")

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        for item in items:
            if isinstance(item, Item) and isinstance(item.data, Mapping):
                for error in item.data.get("errors") or []:
                    yield self._api_error(item, error)
            yield from super().records(iter([item]))

    @staticmethod
    def _api_error(item: Item, error: Any) -> Reject:
        if not isinstance(error, Mapping):
            return Reject(item.path, item.line, "errors", "API error", truncate_raw(str(error)))
        what = error.get("resource_id") or error.get("value") or ""
        reason = f"API error: {error.get('title') or 'error'}: {error.get('detail') or ''}"
        return Reject(item.path, item.line, "errors", reason.strip(), truncate_raw(str(what)))


class TwarcPreset(XV2Preset):
    """twarc2 JSONL: raw response pages or flattened tweets, both with ``__twarc`` metadata."""

    name: ClassVar[str] = "twarc"
    description: ClassVar[str] = "twarc2 JSONL (response pages, or flattened tweets)"
    containers: ClassVar[frozenset[str]] = frozenset({"jsonl", "json"})

    def matches(self, probe: Probe) -> bool:
        first = probe.first
        return isinstance(first, Mapping) and "__twarc" in first
