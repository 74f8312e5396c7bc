"""Mastodon API statuses (``mastodon``), platform ``mastodon``.

Reads what the Mastodon REST API returns for statuses (timelines, account statuses, a status,
search, context), saved as a JSON array, JSON lines (one status per line, as Mastodon.py or
``toot`` dumps write them), one status per file, a search response (``statuses``) or a
context response (``ancestors`` and ``descendants``). Every status becomes a record, and so
do the reblogged status of a reblog and the quoted status of a quote (each once per file).

Identity: the status ``id``. Mastodon ids are those of the instance the statuses were fetched
from (the same remote status has another id on another instance): import statuses fetched
from one instance together, so that replies and reblogs find their parents.

Relation: ``reblog`` -> repost, parent_id and root_id the reblogged status (the reblog has no
text of its own); else ``in_reply_to_id`` -> reply; else ``quote.quoted_status`` (Mastodon
4.4+) -> quote; else original. Text: ``content`` (HTML) as plain text, after the content
warning (``spoiler_text``) when there is one; ``language``; ``url`` (else ``uri``);
``favourites_count`` / ``reblogs_count`` / ``replies_count`` -> likes / reposts / replies;
``tags[].name`` -> hashtags; ``mentions[].acct`` (qualified with the instance of the mention's
url) -> mentions; urls are extracted later from the text.

Author (``account``): ``id``; handle = ``acct`` qualified with its instance
(``user@instance``: a local account's ``acct`` has no instance, so the host of the account's
``url`` is added), so handles are the same whichever instance the data came from;
``display_name``, ``followers_count``, ``following_count``, ``statuses_count``,
``created_at``.

Lost: media attachments, polls, cards, emojis, visibility, ``sensitive``, ``edited_at``,
``application``, the viewer's flags (``favourited``, ``bookmarked``...), filters, profile
``note`` and ``fields``, ``bot`` / ``group`` flags and quote counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

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

__all__ = ["MastodonPreset", "convert_status", "is_status", "qualified"]

_CONTAINERS = ("statuses", "ancestors", "descendants")


def is_status(value: Any) -> bool:
    """Whether a JSON value looks like a Mastodon status."""
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("account"), Mapping)
        and "id" in value
        and ("content" in value or "reblog" in value)
        and ("visibility" in value or "uri" in value)
    )


def _is_response(value: Any) -> bool:
    return isinstance(value, Mapping) and any(
        isinstance(value.get(k), list) for k in _CONTAINERS
    ) and not is_status(value) and ("accounts" in value or "ancestors" in value)  # fmt: skip


def qualified(acct: Any, url: Any) -> str | None:
    """``user@instance``: ``acct`` as given when it names its instance, else with the host of
    ``url`` (a local account's profile or mention url)."""
    handle = str_or_none(acct)
    if handle is None:
        return None
    handle = handle.lstrip("@")
    if "@" in handle:
        return handle
    host = urlsplit(str_or_none(url) or "").hostname
    return f"{handle}@{host}" if host else handle


def _text(status: Mapping[str, Any]) -> str | None:
    body = html_text(status.get("content"))
    if body is None:
        body = str_or_none(status.get("text"))  # a deleted status gives its source text
    warning = str_or_none(status.get("spoiler_text"))
    return "\n\n".join(t for t in (warning, body) if t) or None


def _embedded(pairs: Pairs) -> Pairs:
    return [p if isinstance(p, FieldError) else (p[0], True) for p in pairs]


def convert_status(status: Any) -> Pairs:
    """Records for a status: itself, then a reblogged or quoted status embedded in it.

    Returns:
        ``(fields, embedded)`` pairs; ``embedded`` marks the reblogged / quoted status.

    Raises:
        FieldError: not an object, or no id.
    """
    if not isinstance(status, Mapping):
        raise FieldError("", f"a status must be a JSON object, not {type(status).__name__}")
    post_id = need_id(status.get("id"), "id")
    account = mapping(status.get("account"))
    reblog = status.get("reblog")
    quoted = mapping(mapping(status.get("quote")).get("quoted_status"))
    relation, parent, root = "original", None, None
    embedded: Pairs = []
    if isinstance(reblog, Mapping):
        relation, parent = "repost", need_id(reblog.get("id"), "reblog.id")
        root = parent
        embedded = _embedded(convert_status(reblog))
    elif str_or_none(status.get("in_reply_to_id")):
        relation, parent = "reply", str_or_none(status.get("in_reply_to_id"))
    elif quoted.get("id") is not None:
        relation, parent = "quote", need_id(quoted.get("id"), "quote.quoted_status.id")
    if quoted.get("id") is not None and not isinstance(reblog, Mapping):
        embedded += _embedded(convert_status(quoted))
    tags = status.get("tags")
    mentions = status.get("mentions")
    fields = {
        "platform": "mastodon",
        "id": post_id,
        "author_id": str_or_none(account.get("id")),
        "created_at": status.get("created_at"),
        "text": None if relation == "repost" else _text(status),
        "lang": str_or_none(status.get("language")),
        "url": str_or_none(status.get("url")) or str_or_none(status.get("uri")),
        "parent_id": parent,
        "root_id": root,
        "relation": relation,
        "likes": status.get("favourites_count"),
        "reposts": status.get("reblogs_count"),
        "replies": status.get("replies_count"),
        "hashtags": [str(mapping(t).get("name")) for t in tags if mapping(t).get("name")]
        if isinstance(tags, list)
        else None,
        "mentions": [
            h for m in mentions if (h := qualified(mapping(m).get("acct"), mapping(m).get("url")))
        ]
        if isinstance(mentions, list)
        else None,
        "author_handle": qualified(account.get("acct"), account.get("url")),
        "author_name": str_or_none(account.get("display_name")),
        "author_followers": account.get("followers_count"),
        "author_following": account.get("following_count"),
        "author_posts_count": account.get("statuses_count"),
        "author_created_at": account.get("created_at"),
    }
    return [(fields, False), *embedded]


class MastodonPreset(OnceRecords):
    """Mastodon API statuses: arrays, JSON lines, search and context responses."""

    name: ClassVar[str] = "mastodon"
    description: ClassVar[str] = (
        "Mastodon API statuses (JSON arrays, JSON lines, search or context responses)"
    )
    expected: ClassVar[str] = (
        "a Mastodon status (id, account, content, visibility), a search or a context response"
    )

    def matches(self, probe: Probe) -> bool:
        return is_status(probe.first) or _is_response(probe.first)

    def convert_all(self, item: Item) -> Pairs:
        value = item.data
        if _is_response(value):
            return [p for key in _CONTAINERS for p in each(value.get(key), convert_status)]
        return convert_status(value)
