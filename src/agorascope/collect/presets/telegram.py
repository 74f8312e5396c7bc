"""Telegram Desktop exports (``telegram``), platform ``telegram``.

Reads the ``result.json`` that Telegram Desktop writes ("Export chat history" of one chat, or
"Export Telegram data" of all chats: ``chats.list`` and ``left_chats.list``). Channels, groups
and private chats are read alike. Messages are streamed one at a time, so an export of any size
is read in bounded memory; each message's chat (``name``, ``type``, ``id``) is the chat object
around it.

Identity: ``<chat id>/<message id>`` (message ids are numbered per chat). url
``https://t.me/c/<chat id>/<message id>`` (opens for members of the chat).

Fields: ``date_unixtime`` (UTC epoch seconds; older exports only have ``date``, the exporting
computer's local time without an offset, read as UTC) -> created_at; ``text`` is a string or a
list of strings and entity objects (``{"type", "text", "href"}``): their texts joined;
``text_entities`` (else the entity objects of ``text``): ``hashtag`` -> hashtags, ``mention``
-> mentions, ``link`` and ``text_link`` (its ``href``) -> urls (with no entities at all, the
lists are extracted later from the text); ``from_id`` (``user123``, ``channel456``) ->
author_id and ``from`` -> author name (a channel post without them is the channel's:
``channel<chat id>`` and the chat name); ``views`` where the export has them.

Relations: ``reply_to_message_id`` -> reply to ``<chat id>/<that id>`` (``root_id`` left
empty: the export does not name thread roots). A **forward** (``forwarded_from``) is a
repost: the message becomes a repost by its sender, and the forwarded original becomes a post
of its own, ``<chat id>/<message id>/original``, authored by the original channel or user
(``forwarded_from_id`` when the export has it, else the ``forwarded_from`` name; no time), with
the same text; the repost's parent is that original. The export does not say which message was
forwarded, so two forwards of one message give two originals.

Service messages (joins, pins, calls, title changes...) are not posts: each one is rejected
with the reason "service message: <action>", so they are counted, not silently dropped.

Lost: media files, stickers, polls, reactions, ``edited`` dates, ``via_bot``, inline buttons,
signatures, personal information and contacts of an all-chats export.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.presets.social import mapping, need_id, str_or_none
from agorascope.collect.readers import MAX_FIELD_BYTES, Item, Progress, Reject, truncate_raw
from agorascope.collect.readers.base import _Opened
from agorascope.errors import ImportFormatError

__all__ = ["TelegramPreset", "convert_message", "iter_export", "message_text"]

_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_HEAD = {
    "name": re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*"|null)'),
    "type": re.compile(r'"type"\s*:\s*("(?:[^"\\]|\\.)*")'),
    "id": re.compile(r'"id"\s*:\s*(-?\d+)'),
}
_CHUNK = 1 << 20
_TELEGRAM_MESSAGE = re.compile(r'"type"\s*:\s*"(message|service)"')
"""A message as Telegram Desktop types it (other chat exporters use other types)."""


def is_export(value: Any) -> bool:
    """Whether a JSON value is a Telegram Desktop export (one chat, or all chats)."""
    if not isinstance(value, Mapping):
        return False
    if isinstance(value.get("messages"), list) and "type" in value and "id" in value:
        return True
    return isinstance(mapping(value.get("chats")).get("list"), list)


def _chat_head(text: str) -> dict[str, Any]:
    """The ``name``, ``type`` and ``id`` keys of a chat, written before its messages (the text
    from the chat object's ``{`` to ``"messages"``)."""
    head: dict[str, Any] = {}
    for key, pattern in _HEAD.items():
        found = list(pattern.finditer(text))
        if found:
            head[key] = json.loads(found[-1].group(1))
    return head


def iter_export(path: Path, progress: Progress) -> Iterator[Item | Reject]:
    """Stream the messages of every chat of an export, each as ``{"chat", "message"}``.

    The export is scanned for ``"messages": [`` arrays; the chat's name, type and id are the
    last ones written before its array (Telegram Desktop writes them first). Messages are
    decoded one at a time.
    """
    name = str(path)
    decoder = json.JSONDecoder()
    with _Opened(path) as opened:
        utf8 = codecs.getincrementaldecoder("utf-8-sig")("replace")
        buf, pos, line, eof = "", 0, 1, False

        def fill() -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            chunk = opened.stream.read(_CHUNK)
            eof = not chunk
            buf = buf[pos:] + utf8.decode(chunk, final=eof)
            pos = 0
            progress.bytes_read = opened.count
            return True

        def skip(chars: str) -> None:
            nonlocal pos, line
            while True:
                while pos < len(buf) and buf[pos] in chars:
                    line += buf[pos] == "\n"
                    pos += 1
                if pos < len(buf) or not fill():
                    return

        fill()
        while True:
            found = _MESSAGES.search(buf, pos)
            while found is None and not eof:
                keep = max(pos, len(buf) - 4096)  # the chat head is just before "messages"
                line += buf.count("\n", pos, keep)
                pos = keep
                fill()
                found = _MESSAGES.search(buf, pos)
            if found is None:
                break
            before = buf[pos : found.start()]
            chat = _chat_head(before[before.rfind("{") + 1 :])
            line += buf.count("\n", pos, found.end())
            pos = found.end()
            while True:
                skip(" \t\r\n,")
                if pos >= len(buf) or buf[pos] == "]":
                    pos += 1
                    break
                try:
                    message, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as e:
                    if len(buf) - pos > MAX_FIELD_BYTES:
                        yield Reject(name, line, "", "message longer than the limit", "")
                        return
                    if fill():
                        continue
                    yield Reject(name, line, "", f"truncated or invalid JSON: {e.msg}",
                                 truncate_raw(buf[pos : pos + 200]))  # fmt: skip
                    return
                raw = buf[pos:end]
                yield Item(line, {"chat": chat, "message": message}, truncate_raw(raw), name)
                line += raw.count("\n")
                pos = end
        progress.bytes_read = opened.count


def message_text(text: Any) -> str | None:
    """The plain text of a message's ``text`` (a string, or a list of strings and entities)."""
    if isinstance(text, list):
        text = "".join(str(p.get("text", "")) if isinstance(p, Mapping) else str(p) for p in text)
    return str_or_none(text) if isinstance(text, str) else None


def _entities(message: Mapping[str, Any]) -> dict[str, list[str] | None]:
    entities = message.get("text_entities")
    if not isinstance(entities, list):
        text = message.get("text")
        entities = [p for p in text if isinstance(p, Mapping)] if isinstance(text, list) else []
        if not entities:
            return {"hashtags": None, "mentions": None, "urls": None}
    tags, mentions, urls = [], [], []
    for entity in entities:
        kind, value = mapping(entity).get("type"), str(mapping(entity).get("text") or "")
        if kind == "hashtag":
            tags.append(value.lstrip("#"))
        elif kind == "mention":
            mentions.append(value.lstrip("@"))
        elif kind == "link":
            urls.append(value)
        elif kind == "text_link" and mapping(entity).get("href"):
            urls.append(str(entity["href"]))
    return {"hashtags": tags, "mentions": mentions, "urls": urls}


def convert_message(chat: Mapping[str, Any], message: Any) -> list[dict[str, Any]]:
    """Records for one message of ``chat``: the message, and the original of a forward.

    Raises:
        FieldError: not an object, no id, or a service message (not a post).
    """
    if not isinstance(message, Mapping):
        raise FieldError("messages", f"expected a message, got {type(message).__name__}")
    if message.get("type") == "service":
        raise FieldError("type", f"service message: {message.get('action') or 'unknown'}")
    chat_id = need_id(chat.get("id"), "chat.id")
    msg_id = need_id(message.get("id"), "id")
    post_id = f"{chat_id}/{msg_id}"
    channel = str(chat.get("type", "")).endswith("channel")
    author = str_or_none(message.get("from_id")) or (f"channel{chat_id}" if channel else None)
    author_name = str_or_none(message.get("from")) or (
        str_or_none(chat.get("name")) if channel else None
    )
    reply_to = str_or_none(message.get("reply_to_message_id"))
    text = message_text(message.get("text"))
    fields: dict[str, Any] = {
        "platform": "telegram",
        "id": post_id,
        "author_id": author,
        "author_name": author_name,
        "created_at": _when(message),
        "text": text,
        "url": f"https://t.me/c/{chat_id}/{msg_id}",
        "parent_id": f"{chat_id}/{reply_to}" if reply_to else None,
        "relation": "reply" if reply_to else "original",
        "views": message.get("views"),
        **_entities(message),
    }
    forwarded = str_or_none(message.get("forwarded_from"))
    forwarded_id = str_or_none(message.get("forwarded_from_id"))
    if not (forwarded or forwarded_id) or reply_to:
        return [fields]
    original = {k: fields[k] for k in ("platform", "text", "hashtags", "mentions", "urls")}
    original |= {
        "id": f"{post_id}/original",
        "author_id": forwarded_id or forwarded,
        "author_name": forwarded,
        "relation": "original",
    }
    fields |= {"relation": "repost", "parent_id": original["id"], "root_id": original["id"]}
    return [original, fields]


def _when(message: Mapping[str, Any]) -> Any:
    unix = str_or_none(message.get("date_unixtime"))
    if unix and unix.lstrip("-").isdigit():
        return int(unix)
    return message.get("date")


class TelegramPreset(Preset):
    """Telegram Desktop ``result.json`` exports: one chat, or all chats."""

    name: ClassVar[str] = "telegram"
    description: ClassVar[str] = "Telegram Desktop export result.json (one chat or all chats)"
    containers: ClassVar[frozenset[str]] = frozenset({"json"})

    def matches(self, probe: Probe) -> bool:
        return probe.container == "json" and _looks_like_export(probe.path)

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if not _looks_like_export(probe.path):
            raise ImportFormatError(
                f"{probe.path}: not a Telegram Desktop export (a chat with name, type, id and "
                "messages, or chats.list)"
            )

    def items(self, path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
        return iter_export(path, progress)

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        data = mapping(item.data)
        return convert_message(mapping(data.get("chat")), data.get("message"))


def _looks_like_export(path: Path) -> bool:
    """Whether the start of a JSON file is that of a Telegram Desktop export."""
    from agorascope.collect.readers import read_sample

    head = read_sample(path, 1 << 16).decode("utf-8", errors="replace")
    if not head.lstrip("\ufeff \t\r\n").startswith("{"):
        return False
    single = _MESSAGES.search(head) is not None and _TELEGRAM_MESSAGE.search(head) is not None
    every = '"about"' in head and ('"personal_information"' in head or '"chats"' in head)
    return single or every
