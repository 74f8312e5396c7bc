"""Bluesky posts (``bluesky``), platform ``bluesky``.

Two sources give the same records:

- **API responses** (``app.bsky.feed.getAuthorFeed``, ``getTimeline``, ``getFeed``: a ``feed``
  of items ``{post, reply, reason}``; ``searchPosts``, ``getPosts``: ``posts``), as JSON, or
  JSON lines of responses, feed items or post views. Every post view becomes a record, and so
  do the posts it embeds: the parent and root of a feed item's ``reply``, a quoted post's
  ``embed`` view. A feed item whose ``reason`` is ``#reasonRepost`` also gives the repost.
- **Firehose dumps** from Jetstream (JSON lines ``{did, time_us, kind, commit}``):
  ``app.bsky.feed.post`` and ``app.bsky.feed.repost`` creations become records; every other
  event (likes, follows, deletions, identity and account events) is rejected with the reason
  "not a post: <collection or kind>", so the counts add up.

Identity: the post's ``at://`` URI (``at://<did>/app.bsky.feed.post/<rkey>``), as the network
names it in replies, quotes and reposts; ``url`` is ``https://bsky.app/profile/<did>/post/
<rkey>``. A repost record is ``at://<did>/app.bsky.feed.repost/<rkey>``; a repost known only
from a feed reason without its URI is ``<post uri>#repost/<reposter did>`` (an account reposts
a post once).

Record fields (``record`` of a post view, ``commit.record`` of an event): ``createdAt`` ->
created_at; ``text``; ``langs[0]`` -> lang; ``reply.parent.uri`` -> parent_id with relation
reply, ``reply.root.uri`` -> root_id; else an embedded record (``app.bsky.embed.record``, or
the ``record`` of ``recordWithMedia``) -> parent_id with relation quote; facets ->
hashtags (``#tag``, plus the record's ``tags``), mentions (``#mention``: the mentioned DID) and
urls (``#link``, plus an external embed's ``uri``); a record without facets leaves the lists to
be extracted from the text. Post view counts: ``likeCount``, ``repostCount``, ``replyCount``.
Author: ``author.did`` -> author_id, ``handle``, ``displayName``, ``createdAt``; a firehose
event gives the DID only.

Lost: images and video, labels, threadgates, quote counts, the viewer's state, ``via`` of a
repost, the CIDs (content hashes) and edits (updates) from the firehose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Probe
from agorascope.collect.presets.social import (
    OnceRecords,
    Pairs,
    each,
    mapping,
    need_id,
    str_or_none,
)
from agorascope.collect.readers import Item

__all__ = ["BlueskyPreset", "bsky_url", "convert_post_view", "convert_record", "split_at_uri"]

_POST = "app.bsky.feed.post"
_REPOST = "app.bsky.feed.repost"
_FACET = "app.bsky.richtext.facet#"


def split_at_uri(uri: str) -> tuple[str, str, str] | None:
    """``(authority, collection, rkey)`` of an ``at://`` URI, or None for other strings."""
    if not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def bsky_url(uri: str) -> str | None:
    """The ``https://bsky.app`` link of a post URI (None for other records)."""
    parts = split_at_uri(uri)
    if parts is None or parts[1] != _POST:
        return None
    return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"


def _uri(value: Any, field: str) -> str:
    uri = need_id(value, field)
    if split_at_uri(uri) is None:
        raise FieldError(field, f"not an at:// URI: {uri[:60]!r}")
    return uri


def _facets(record: Mapping[str, Any]) -> dict[str, list[str] | None]:
    facets = record.get("facets")
    extra = [str(t) for t in record.get("tags") or [] if isinstance(t, str)]
    external = mapping(mapping(record.get("embed")).get("external")).get("uri")
    if not isinstance(facets, list):
        return {
            "hashtags": extra or None,
            "mentions": None,
            "urls": [str(external)] if external else None,
        }
    tags, mentions, links = list(extra), [], []
    for facet in facets:
        for feature in mapping(facet).get("features") or []:
            kind = str(mapping(feature).get("$type", "")).removeprefix(_FACET)
            if kind == "tag" and feature.get("tag"):
                tags.append(str(feature["tag"]))
            elif kind == "mention" and feature.get("did"):
                mentions.append(str(feature["did"]))
            elif kind == "link" and feature.get("uri"):
                links.append(str(feature["uri"]))
    if external and str(external) not in links:
        links.append(str(external))
    return {"hashtags": tags, "mentions": mentions, "urls": links}


def _quoted_uri(embed: Mapping[str, Any]) -> str | None:
    kind = str(embed.get("$type", ""))
    inner = mapping(embed.get("record"))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        inner = mapping(inner.get("record"))
    elif not kind.startswith("app.bsky.embed.record"):
        return None
    uri = str_or_none(inner.get("uri"))
    return uri if uri and split_at_uri(uri) else None


def convert_record(uri: str, record: Mapping[str, Any], did: str) -> dict[str, Any]:
    """One canonical record from a post or repost record at ``uri`` by ``did``.

    Raises:
        FieldError: a reply or repost subject that is not an at:// URI.
    """
    if str(record.get("$type", _POST)) == _REPOST:
        subject = _uri(mapping(record.get("subject")).get("uri"), "subject.uri")
        return {
            "platform": "bluesky",
            "id": uri,
            "author_id": did,
            "created_at": record.get("createdAt"),
            "parent_id": subject,
            "root_id": subject,
            "relation": "repost",
        }
    reply = mapping(record.get("reply"))
    relation, parent, root = "original", None, None
    if reply:
        relation = "reply"
        parent = _uri(mapping(reply.get("parent")).get("uri"), "reply.parent.uri")
        root = _uri(mapping(reply.get("root")).get("uri"), "reply.root.uri")
    elif (quoted := _quoted_uri(mapping(record.get("embed")))) is not None:
        relation, parent = "quote", quoted
    langs = record.get("langs")
    return {
        "platform": "bluesky",
        "id": uri,
        "author_id": did,
        "created_at": record.get("createdAt"),
        "text": str_or_none(record.get("text")),
        "lang": str_or_none(langs[0]) if isinstance(langs, list) and langs else None,
        "url": bsky_url(uri),
        "parent_id": parent,
        "root_id": root,
        "relation": relation,
        **_facets(record),
    }


def _author(author: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "author_handle": str_or_none(author.get("handle")),
        "author_name": str_or_none(author.get("displayName")),
        "author_created_at": author.get("createdAt"),
    }


def convert_post_view(view: Any, embedded: bool = False) -> Pairs:
    """Records for a post view (``uri``, ``author``, ``record``) and the posts it embeds.

    Raises:
        FieldError: not an object, no URI or no author DID.
    """
    if not isinstance(view, Mapping):
        raise FieldError("post", f"expected a post view, got {type(view).__name__}")
    uri = _uri(view.get("uri"), "uri")
    author = mapping(view.get("author"))
    record = mapping(view.get("record") or view.get("value"))
    fields = convert_record(uri, record, need_id(author.get("did"), "author.did"))
    fields |= _author(author) | {
        "likes": view.get("likeCount"),
        "reposts": view.get("repostCount"),
        "replies": view.get("replyCount"),
    }
    out: Pairs = [(fields, embedded)]
    shown = mapping(mapping(view.get("embed")).get("record"))
    shown = mapping(shown.get("record")) if "record" in shown and "uri" not in shown else shown
    if "author" in shown and ("value" in shown or "record" in shown):
        out += convert_post_view(shown, True)
    return out


def _feed_item(item: Any) -> Pairs:
    item = mapping(item)
    post = mapping(item.get("post"))
    out: Pairs = []
    for key in ("root", "parent"):
        ref = mapping(mapping(item.get("reply")).get(key))
        if "author" in ref and "record" in ref:
            out += convert_post_view(ref, True)
    out = convert_post_view(post) + out
    reason = mapping(item.get("reason"))
    if str(reason.get("$type", "")).endswith("#reasonRepost"):
        by = mapping(reason.get("by"))
        did = need_id(by.get("did"), "reason.by.did")
        uri = _uri(post.get("uri"), "uri")
        repost = str_or_none(reason.get("uri")) or f"{uri}#repost/{did}"
        fields = {
            "platform": "bluesky",
            "id": repost,
            "author_id": did,
            "created_at": reason.get("indexedAt"),
            "parent_id": uri,
            "root_id": uri,
            "relation": "repost",
            **_author(by),
        }
        out.insert(0, (fields, False))
    return out


def _event(event: Mapping[str, Any]) -> Pairs:
    commit = mapping(event.get("commit"))
    collection = str(commit.get("collection") or event.get("kind") or "?")
    if event.get("kind") != "commit" or collection not in (_POST, _REPOST):
        raise FieldError("kind", f"not a post: {collection}")
    if commit.get("operation") != "create":
        raise FieldError("commit.operation", f"not a post: {collection} {commit.get('operation')}")
    did = need_id(event.get("did"), "did")
    uri = f"at://{did}/{collection}/{need_id(commit.get('rkey'), 'commit.rkey')}"
    record = dict(mapping(commit.get("record")))
    record.setdefault("$type", collection)
    return [(convert_record(uri, record, did), False)]


def _kind(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    if "did" in value and "time_us" in value and "kind" in value:
        return "event"
    if isinstance(value.get("feed"), list) or isinstance(value.get("posts"), list):
        return "response"
    if isinstance(value.get("post"), Mapping):
        return "item"
    if "uri" in value and isinstance(value.get("author"), Mapping) and "record" in value:
        return "view"
    return None


class BlueskyPreset(OnceRecords):
    """Bluesky API feeds and post views, and Jetstream firehose dumps."""

    name: ClassVar[str] = "bluesky"
    description: ClassVar[str] = (
        "Bluesky posts: API feed / search responses or post views, Jetstream firehose JSONL"
    )
    expected: ClassVar[str] = (
        "a Bluesky API response (feed, posts), a feed item, a post view or a Jetstream event"
    )

    def matches(self, probe: Probe) -> bool:
        kind = _kind(probe.first)
        if kind == "response":
            items = probe.first.get("feed") or probe.first.get("posts") or []
            return all(_kind(i) in ("item", "view") for i in items[:3])
        return kind is not None

    def convert_all(self, item: Item) -> Pairs:
        value = item.data
        kind = _kind(value)
        if kind == "event":
            return _event(value)
        if kind == "item":
            return _feed_item(value)
        if kind == "view":
            return convert_post_view(value)
        if kind == "response":
            return each(value.get("feed"), _feed_item) + each(value.get("posts"), convert_post_view)
        raise FieldError("", "neither an API response, a feed item, a post view nor an event")
