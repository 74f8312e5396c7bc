"""Reddit dumps (``reddit``): Pushshift / Arctic Shift submissions and comments.

Platform ``reddit``.

The monthly dumps (``RS_2023-01.zst`` submissions, ``RC_2023-01.zst`` comments) and the
per-subreddit files cut from them are zstd-compressed JSON lines, one object per line (the
reader accepts their 2 GB zstd windows); the same objects as plain or gzipped JSONL, or a
JSON array, read the same way. Reddit API listings (``{"kind": "Listing", "data":
{"children": [...]}}``, what ``reddit.com/....json`` returns) are read too: each ``t3``
(submission) and ``t1`` (comment) child becomes a record, comment trees (``replies``)
included.

Identity: the *fullname*, ``t3_<id>`` for a submission and ``t1_<id>`` for a comment (the two
id sequences are separate, so the prefix keeps them apart). A comment's ``parent_id`` is
already a fullname (``t1_`` a comment, ``t3_`` the submission): it becomes ``parent_id`` as it
is, with relation ``reply``; ``link_id`` (the submission) becomes ``root_id``, so a thread is a
reply cascade rooted at its submission.

Fields: ``created_utc`` (epoch seconds, number or string) -> created_at; submission text is
the ``title``, then a blank line and ``selftext`` when there is one; comment text is
``body``; ``score`` -> likes; ``num_comments`` -> replies (submissions); a link submission's
``url`` -> urls (self posts: None, links extracted later from the text); url
``https://www.reddit.com`` + ``permalink`` (or built from subreddit, link and id); author
``author`` (the user name, unique and permanent on Reddit) -> author_id and handle, with
``author_created_utc`` when the dump has it. The subreddit is in the url
(``/r/<subreddit>/...``).

Deleted and removed items: an ``author`` of ``[deleted]`` (or none) leaves the post without
an author; a ``body`` / ``selftext`` of ``[deleted]`` or ``[removed]`` leaves no text (the
title of a submission stays). The post is kept: its place in the thread still counts.

Lost: votes split (``ups`` / ``downs``), awards, flair, ``edited``, ``stickied``,
``distinguished``, ``over_18``, media and previews, ``subreddit_id``, ``retrieved_on`` and the
subreddit as a column of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Probe
from agorascope.collect.presets.social import JsonPreset, mapping, need_id, str_or_none
from agorascope.collect.readers import Item

__all__ = ["RedditPreset", "convert_thing", "is_listing", "is_thing"]

_GONE = ("[deleted]", "[removed]")
_PREFIXES = ("t1_", "t3_")


def is_thing(value: Any) -> bool:
    """Whether a JSON value looks like a dumped Reddit submission or comment."""
    return (
        isinstance(value, Mapping)
        and "subreddit" in value
        and "created_utc" in value
        and ("link_id" in value or "selftext" in value or "num_comments" in value)
    )


def is_listing(value: Any) -> bool:
    """Whether a JSON value is a Reddit API listing (or a ``t1`` / ``t3`` thing wrapper)."""
    return (
        isinstance(value, Mapping)
        and value.get("kind") in ("Listing", "t1", "t3")
        and (isinstance(value.get("data"), Mapping))
    )


def _fullname(value: Any, prefix: str, field: str) -> str:
    text = need_id(value, field)
    return text if text.startswith(_PREFIXES) else prefix + text


def _created(value: Any) -> Any:
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return float(value)  # older dumps write epoch seconds as strings
    return value


def _flag(value: Any) -> bool:
    """A boolean as the dumps write it: true / false, or the strings "true" / "false"."""
    return value is True or str(value).strip().lower() == "true"


def _text(value: Any) -> str | None:
    text = str_or_none(value)
    return None if text in _GONE else text


def convert_thing(thing: Mapping[str, Any]) -> dict[str, Any]:
    """One canonical record from a submission or comment object.

    Raises:
        FieldError: no id, or a comment whose parent is not a fullname.
    """
    is_comment = "link_id" in thing or "body" in thing
    post_id = _fullname(thing.get("name") or thing.get("id"), "t1_" if is_comment else "t3_", "id")
    author = str_or_none(thing.get("author"))
    author = None if author in _GONE else author
    subreddit = str_or_none(thing.get("subreddit"))
    permalink = str_or_none(thing.get("permalink"))
    link = str_or_none(thing.get("link_id"))
    if permalink:
        url: str | None = "https://www.reddit.com" + permalink
    elif subreddit and (link or not is_comment):
        short = (link or post_id)[3:]
        tail = f"/_/{post_id[3:]}/" if is_comment else "/"
        url = f"https://www.reddit.com/r/{subreddit}/comments/{short}{tail}"
    else:
        url = None
    fields: dict[str, Any] = {
        "platform": "reddit",
        "id": post_id,
        "author_id": author,
        "author_handle": author,
        "author_created_at": _created(thing.get("author_created_utc")),
        "created_at": _created(thing.get("created_utc")),
        "url": url,
        "likes": thing.get("score"),
    }
    if is_comment:
        parent = str_or_none(thing.get("parent_id"))
        if parent is not None and not parent.startswith(_PREFIXES):
            raise FieldError("parent_id", f"not a t1_ / t3_ fullname: {parent[:40]!r}")
        fields |= {
            "text": _text(thing.get("body")),
            "parent_id": parent,
            "root_id": link if link and link.startswith("t3_") else None,
            "relation": "reply" if parent else "original",
        }
    else:
        title, body = str_or_none(thing.get("title")), _text(thing.get("selftext"))
        link_url = str_or_none(thing.get("url"))
        fields |= {
            "text": "\n\n".join(t for t in (title, body) if t) or None,
            "relation": "original",
            "root_id": post_id,
            "replies": thing.get("num_comments"),
            "urls": [link_url] if link_url and not _flag(thing.get("is_self")) else None,
        }
    return fields


def _things(value: Any) -> Iterator[Mapping[str, Any]]:
    """Submissions and comments of an API listing, comment trees included, in order."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, Mapping):
            data = mapping(node.get("data"))
            if node.get("kind") in ("t1", "t3"):
                yield data
                stack.append(data.get("replies"))
            elif node.get("kind") == "Listing":
                stack.append(data.get("children"))


class RedditPreset(JsonPreset):
    """Pushshift / Arctic Shift dumps (zstd JSONL) and Reddit API listings."""

    name: ClassVar[str] = "reddit"
    description: ClassVar[str] = (
        "Reddit: Pushshift / Arctic Shift dumps (.zst JSONL submissions, comments), API listings"
    )
    expected: ClassVar[str] = (
        "a Reddit submission or comment (subreddit, created_utc...) or an API listing"
    )

    def matches(self, probe: Probe) -> bool:
        return is_thing(probe.first) or is_listing(probe.first)

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        value = item.data
        if is_listing(value):
            return [convert_thing(t) for t in _things(value)]
        if not isinstance(value, Mapping):
            raise FieldError("", f"expected a JSON object, got {type(value).__name__}")
        return [convert_thing(value)]
