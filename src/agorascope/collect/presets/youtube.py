"""YouTube Data API comments (``youtube``), platform ``youtube``.

Reads ``commentThreads.list`` responses (``youtube#commentThreadListResponse``: threads with
their top-level comment and, with ``part=replies``, some replies), ``comments.list`` responses
(``youtube#commentListResponse``: replies fetched with ``parentId``), and single
``youtube#commentThread`` / ``youtube#comment`` resources, as JSON documents or JSON lines
(one response or resource per line).

Records:

- the **video** (``snippet.videoId`` of a thread or comment) becomes a root post, once per
  file: id the video id, url ``https://www.youtube.com/watch?v=<id>``, author the thread's
  ``snippet.channelId`` (the channel the video belongs to) where given, no time or text (the
  API gives them with ``videos.list``, not here);
- a **top-level comment**: relation ``reply`` with parent_id and root_id the video (a channel
  discussion comment, without a video, is an ``original``); ``totalReplyCount`` -> replies;
- a **reply** (``snippet.parentId``): relation ``reply``, parent_id the top-level comment,
  root_id the video when the reply names it.

Comment fields: ``id``; ``textOriginal`` (else ``textDisplay`` as plain text) -> text;
``publishedAt`` -> created_at; ``likeCount`` -> likes; ``authorChannelId.value`` -> author_id;
``authorDisplayName`` -> author name (and handle, when it is an ``@handle``); url
``https://www.youtube.com/watch?v=<video>&lc=<comment id>``.

Lost: ``updatedAt``, ``viewerRating``, ``canRate`` / ``canReply``, moderation status, author
profile images and URLs, ETags and page tokens.
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
    html_text,
    mapping,
    need_id,
    str_or_none,
)
from agorascope.collect.readers import Item

__all__ = ["YouTubePreset", "convert_comment", "convert_thread"]

_KINDS = (
    "youtube#commentThreadListResponse",
    "youtube#commentListResponse",
    "youtube#commentThread",
    "youtube#comment",
)


def _video(video_id: str, channel: str | None) -> dict[str, Any]:
    return {
        "platform": "youtube",
        "id": video_id,
        "author_id": channel,
        "url": f"https://www.youtube.com/watch?v={video_id}",
        "root_id": video_id,
        "relation": "original",
    }


def convert_comment(
    comment: Any, video: str | None = None, replies: Any = None, field: str = "comment"
) -> dict[str, Any]:
    """One canonical record from a ``youtube#comment`` resource.

    Args:
        comment: the resource.
        video: the video id when the caller knows it (a thread's).
        replies: the thread's ``totalReplyCount`` for a top-level comment.
        field: where the comment is in the item, for error messages.

    Raises:
        FieldError: not an object, or no id.
    """
    if not isinstance(comment, Mapping):
        raise FieldError(field, f"expected a comment, got {type(comment).__name__}")
    comment_id = need_id(comment.get("id"), f"{field}.id")
    snippet = mapping(comment.get("snippet"))
    video = str_or_none(snippet.get("videoId")) or video
    parent = str_or_none(snippet.get("parentId"))
    name = str_or_none(snippet.get("authorDisplayName"))
    text = str_or_none(snippet.get("textOriginal")) or html_text(snippet.get("textDisplay"))
    return {
        "platform": "youtube",
        "id": comment_id,
        "author_id": str_or_none(mapping(snippet.get("authorChannelId")).get("value")),
        "author_name": name,
        "author_handle": name if name and name.startswith("@") else None,
        "created_at": snippet.get("publishedAt"),
        "text": text,
        "url": f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video else None,
        "parent_id": parent or video,
        "root_id": video,
        "relation": "reply" if parent or video else "original",
        "likes": snippet.get("likeCount"),
        "replies": replies,
    }


def convert_thread(thread: Any) -> Pairs:
    """Records for a ``youtube#commentThread``: the video, the top-level comment, the replies.

    Raises:
        FieldError: not an object, or a comment without an id.
    """
    if not isinstance(thread, Mapping):
        raise FieldError("items", f"expected a comment thread, got {type(thread).__name__}")
    snippet = mapping(thread.get("snippet"))
    video = str_or_none(snippet.get("videoId"))
    out: Pairs = []
    if video:
        out.append((_video(video, str_or_none(snippet.get("channelId"))), True))
    top = convert_comment(
        snippet.get("topLevelComment"), video, snippet.get("totalReplyCount"), "topLevelComment"
    )
    out.append((top, False))
    for reply in mapping(thread.get("replies")).get("comments") or []:
        fields = convert_comment(reply, video, field="replies.comments")
        if fields["parent_id"] in (None, video):
            fields["parent_id"] = top["id"]
        out.append((fields, False))
    return out


def _resource(value: Any) -> Pairs:
    kind = mapping(value).get("kind")
    if kind == "youtube#commentThread":
        return convert_thread(value)
    if kind == "youtube#comment":
        fields = convert_comment(value)
        video = fields["root_id"]
        out: Pairs = [(_video(video, None), True)] if video else []
        return [*out, (fields, False)]
    raise FieldError("kind", f"not a YouTube comment resource: {str(kind)[:60]!r}")


class YouTubePreset(OnceRecords):
    """YouTube Data API comment threads and comments."""

    name: ClassVar[str] = "youtube"
    description: ClassVar[str] = (
        "YouTube Data API comments (commentThreads / comments list responses, resources)"
    )
    expected: ClassVar[str] = (
        "a YouTube Data API comment resource or list response (kind youtube#comment...)"
    )

    def matches(self, probe: Probe) -> bool:
        return mapping(probe.first).get("kind") in _KINDS

    def convert_all(self, item: Item) -> Pairs:
        value = mapping(item.data)
        if str(value.get("kind", "")).endswith("ListResponse"):
            return each(value.get("items"), _resource)
        return _resource(item.data)
