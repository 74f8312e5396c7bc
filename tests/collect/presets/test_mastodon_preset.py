"""The ``mastodon`` preset on real API responses recorded by Mastodon.py's test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from platform_check import DATA, authors, import_one, orphans, rejects, split, stored

from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.presets.mastodon import qualified
from agorascope.workspace import Workspace

ARRAY, LINES = DATA / "mastodon" / "statuses.json", DATA / "mastodon" / "statuses.jsonl"


def _statuses() -> list[dict[str, Any]]:
    lines = LINES.read_text(encoding="utf-8").splitlines()
    return json.loads(ARRAY.read_text(encoding="utf-8")) + [json.loads(x) for x in lines if x]


def _ids(statuses: list[dict[str, Any]]) -> set[str]:
    """Every status id in the files, reblogged and quoted statuses included."""
    out = set()
    for s in statuses:
        out.add(s["id"])
        if s.get("reblog"):
            out.add(s["reblog"]["id"])
        quoted = (s.get("quote") or {}).get("quoted_status")
        if quoted:
            out.add(quoted["id"])
    return out


@pytest.mark.parametrize("path", [ARRAY, LINES], ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert detect_format(path) == "mastodon"


def test_counts_relations_and_parents(ws: Workspace) -> None:
    statuses = _statuses()
    s1, s2 = import_one(ws, ARRAY), import_one(ws, LINES)
    assert s1.rejected == s2.rejected == 0
    posts = stored(ws, "mastodon")
    assert set(posts) == _ids(statuses)
    assert s1.imported + s2.imported == len(posts)
    for s in statuses:
        post = posts[s["id"]]
        if s["reblog"]:
            assert (post["relation"], post["parent_id"], post["text"]) == (
                "repost",
                s["reblog"]["id"],
                None,
            )
            assert posts[s["reblog"]["id"]]["relation"] != "repost"  # the reblogged status
        elif s["in_reply_to_id"]:
            assert (post["relation"], post["parent_id"]) == ("reply", s["in_reply_to_id"])
        assert post["likes"] == s["favourites_count"] and post["reposts"] == s["reblogs_count"]
    assert orphans(ws, "mastodon") == set()
    reply = posts["117020583258292382"]  # known item: a reply from 'admin' mentioning the author
    assert reply["mentions"] == ["mastodonpy_test_2@localhost"]
    assert reply["lang"] == "en" and "<" not in reply["text"]


def test_instance_qualified_handles(ws: Workspace) -> None:
    import_one(ws, ARRAY)
    statuses = json.loads(ARRAY.read_text(encoding="utf-8"))
    accounts = [s["account"] for s in statuses] + [s["reblog"]["account"] for s in statuses
                                                   if s["reblog"]]  # fmt: skip
    expected = {
        a["id"]: a["acct"] if "@" in a["acct"] else f"{a['acct']}@{urlsplit(a['url']).hostname}"
        for a in accounts
    }
    assert {i: a["handle"] for i, a in authors(ws, "mastodon").items()} == expected
    assert qualified("alice@example.social", "https://other.host/@alice") == (
        "alice@example.social"
    )
    assert qualified("bob", "https://mastodon.social/@bob") == "bob@mastodon.social"


def test_html_content_to_text() -> None:
    status = json.loads(LINES.read_text(encoding="utf-8").splitlines()[1])
    records, _ = split(open_source(LINES))
    text = next(r.fields["text"] for r in records if r.fields["id"] == status["id"])
    assert "<" not in text and "&" not in text
    assert [t["name"] for t in status["tags"]] == next(
        r.fields["hashtags"] for r in records if r.fields["id"] == status["id"]
    )


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = import_one(ws, ARRAY)
    again = import_one(ws, ARRAY)
    assert again.imported == 0 and again.duplicates == first.read


def test_bad_statuses_are_rejected_with_line_and_field(ws: Workspace, tmp_path: Path) -> None:
    good = _statuses()[0]
    path = tmp_path / "bad.jsonl"
    no_id = {k: v for k, v in good.items() if k != "id"}
    bad_reblog = dict(_statuses()[8], id="9", reblog={"id": None, "account": {}})
    path.write_text("\n".join(json.dumps(x) for x in (good, no_id, bad_reblog)) + "\n", "utf-8")
    s = import_one(ws, path, format="mastodon")
    assert (s.read, s.imported, s.rejected) == (3, 1, 2)
    assert {(int(r["line"]), r["field"]) for r in rejects(s)} == {(2, "id"), (3, "reblog.id")}
