"""The ``telegram`` preset on Telegram Desktop exports (constructed from the documented layout)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from platform_check import DATA, import_one, orphans, rejects, split, stored

from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.presets import telegram as telegram_module
from agorascope.collect.presets.telegram import message_text
from agorascope.workspace import Workspace

CHANNEL, ALL = (
    DATA / "telegram" / "result_channel.json",
    DATA / "telegram" / "result_all_chats.json",
)


def _chats(path: Path) -> list[dict[str, Any]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "messages" in doc:
        return [doc]
    return doc["chats"]["list"] + doc.get("left_chats", {}).get("list", [])


def _expected(path: Path) -> tuple[dict[str, tuple[str, str | None]], list[str]]:
    """Ids -> (relation, parent) and the service actions, counted here from the JSON."""
    posts: dict[str, tuple[str, str | None]] = {}
    services = []
    for chat in _chats(path):
        for m in chat["messages"]:
            if m["type"] == "service":
                services.append(m["action"])
                continue
            pid = f"{chat['id']}/{m['id']}"
            if "reply_to_message_id" in m:
                posts[pid] = ("reply", f"{chat['id']}/{m['reply_to_message_id']}")
            elif "forwarded_from" in m:
                posts[pid + "/original"] = ("original", None)
                posts[pid] = ("repost", pid + "/original")
            else:
                posts[pid] = ("original", None)
    return posts, services


@pytest.mark.parametrize("path", [CHANNEL, ALL], ids=lambda p: p.name)
def test_detected_counted_and_linked(ws: Workspace, path: Path) -> None:
    assert detect_format(path) == "telegram"
    expected, services = _expected(path)
    s = import_one(ws, path)
    assert (s.read, s.imported, s.rejected) == (
        len(expected) + len(services),
        len(expected),
        len(services),
    )
    assert sorted(r["reason"] for r in rejects(s)) == sorted(
        f"service message: {a}" for a in services
    )
    posts = stored(ws, "telegram")
    assert {i: (p["relation"], p["parent_id"]) for i, p in posts.items()} == expected
    assert orphans(ws, "telegram") == set()


def test_known_messages(ws: Workspace) -> None:
    import_one(ws, ALL)
    posts = stored(ws, "telegram")
    turnout = posts["1987654321/3"]  # text as a list of parts with entities
    assert turnout["hashtags"] == ["election2024"] and turnout["mentions"] == ["harbour_stats"]
    assert len(turnout["urls"]) == 2 and turnout["url"] == "https://t.me/c/1987654321/3"
    assert turnout["text"].startswith("Turnout so far: 31%. #election2024 Details from @harbour")
    assert turnout["created_at"].isoformat() == "2024-06-01T10:10:00"  # date_unixtime, UTC
    forward = posts["1555000111/13"]  # a forward naming its channel: that channel authors it
    assert posts[forward["parent_id"]]["author_id"] == "channel1987654321"
    assert forward["author_id"] == "user500001"
    assert posts["1987654321/2"]["author_id"] == "channel1987654321"


def test_streams_across_small_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    whole, _ = split(open_source(ALL))
    monkeypatch.setattr(telegram_module, "_CHUNK", 97)  # messages cut across many reads
    pieces, _ = split(open_source(ALL))
    assert [(r.line, r.fields) for r in pieces] == [(r.line, r.fields) for r in whole]


def test_text_forms() -> None:
    assert message_text("plain") == "plain"
    assert message_text(["a ", {"type": "bold", "text": "b"}, "!"]) == "a b!"
    assert message_text("") is None and message_text(None) is None


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = import_one(ws, CHANNEL)
    again = import_one(ws, CHANNEL)
    assert (again.imported, again.duplicates) == (0, first.imported)


def test_bad_message_and_truncated_export(ws: Workspace, tmp_path: Path) -> None:
    doc = json.loads(CHANNEL.read_text(encoding="utf-8"))
    del doc["messages"][1]["id"]
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    path = tmp_path / "result.json"
    path.write_text(text[: text.index('"id": 5')], encoding="utf-8")  # cut inside message 5
    s = import_one(ws, path, format="telegram")
    got = {(r["field"], r["reason"].split(":")[0]) for r in rejects(s)}
    assert ("id", "missing identifier") in got
    assert ("", "truncated or invalid JSON") in got
    assert s.imported == 3  # messages 3 and 4 (a forward gives two posts) before the cut


def test_other_chat_exports_are_not_taken_for_telegram(tmp_path: Path) -> None:
    path = tmp_path / "discord.json"  # DiscordChatExporter's layout: messages typed "Default"
    doc = {"guild": {"id": "1"}, "channel": {"id": "2", "type": "GuildTextChat"},
           "messages": [{"id": "3", "type": "Default", "content": "hi"}]}  # fmt: skip
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert not telegram_module._looks_like_export(path)
