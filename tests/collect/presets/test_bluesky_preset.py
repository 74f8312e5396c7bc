"""The ``bluesky`` preset on real API post views (ATAT's tests) and Jetstream events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from platform_check import DATA, import_one, rejects, split, stored

from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.presets.bluesky import bsky_url, split_at_uri
from agorascope.workspace import Workspace

FEED, STREAM = DATA / "bluesky" / "author_feed.json", DATA / "bluesky" / "jetstream.jsonl"
_MAKES_POSTS = ("app.bsky.feed.post", "app.bsky.feed.repost")


def _feed() -> list[dict[str, Any]]:
    return list(json.loads(FEED.read_text(encoding="utf-8"))["feed"])


def _events() -> list[dict[str, Any]]:
    return [json.loads(x) for x in STREAM.read_text(encoding="utf-8").splitlines() if x]


def _quoted_view(post: dict[str, Any]) -> dict[str, Any] | None:
    embed = post.get("embed") or {}
    record = embed.get("record") or {}
    if embed.get("$type") == "app.bsky.embed.recordWithMedia#view":
        record = record.get("record") or {}
    return record if "value" in record else None


@pytest.mark.parametrize("path", [FEED, STREAM], ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert detect_format(path) == "bluesky"


def _relation(record: dict[str, Any]) -> tuple[str, str | None]:
    """Relation and parent of a post record, read here from the lexicon's fields."""
    embed = record.get("embed") or {}
    inner = embed.get("record") or {}
    quoted = inner.get("uri") or (inner.get("record") or {}).get("uri")
    if "reply" in record:
        return "reply", record["reply"]["parent"]["uri"]
    return ("quote", quoted) if quoted else ("original", None)


def test_feed_counts_and_relations(ws: Workspace) -> None:
    expected: dict[str, tuple[str, str | None]] = {}
    for item in _feed():
        post = item["post"]
        expected[post["uri"]] = _relation(post["record"])
        if (view := _quoted_view(post)) is not None:
            expected.setdefault(view["uri"], _relation(view["value"]))
        if "reason" in item:
            by = item["reason"]["by"]["did"]
            expected[f"{post['uri']}#repost/{by}"] = ("repost", post["uri"])
    s = import_one(ws, FEED)
    assert (s.read, s.imported, s.rejected) == (len(expected), len(expected), 0)
    posts = stored(ws, "bluesky")
    assert {i: (p["relation"], p["parent_id"]) for i, p in posts.items()} == expected


def test_known_post_fields(ws: Workspace) -> None:
    import_one(ws, FEED)
    posts = stored(ws, "bluesky")
    uri = "at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/3lhjnkjle5s2o"
    post = posts[uri]
    assert (
        post["url"]
        == "https://bsky.app/profile/did:plc:niay7ajcptgklwrhknvnhk44/post/3lhjnkjle5s2o"
    )
    assert (post["likes"], post["reposts"], post["replies"], post["lang"]) == (9, 7, 1, "en")
    assert post["created_at"].isoformat() == "2025-02-06T17:50:33.851000"
    quoted = posts[post["parent_id"]]  # the Washington Post article it quotes, stored too
    assert quoted["likes"] == 1700 and quoted["urls"][0].startswith(
        "https://www.washingtonpost.com/"
    )


def test_facets_give_hashtags_mentions_and_links() -> None:
    faceted = [i["post"] for i in _feed() if i["post"]["record"].get("facets")]
    assert faceted
    records, _ = split(open_source(FEED))
    by_id = {r.fields["id"]: r.fields for r in records}
    for post in faceted:
        features = [f for facet in post["record"]["facets"] for f in facet["features"]]
        tags = [f["tag"] for f in features if f["$type"].endswith("#tag")]
        links = [f["uri"] for f in features if f["$type"].endswith("#link")]
        fields = by_id[post["uri"]]
        assert fields["hashtags"] == tags
        assert fields["urls"][: len(links)] == links


def test_jetstream_posts_reposts_and_the_rest_rejected(ws: Workspace) -> None:
    events = _events()
    made = [e for e in events if e["commit"]["collection"] in _MAKES_POSTS]
    s = import_one(ws, STREAM)
    assert (s.read, s.imported, s.rejected) == (len(events), len(made), len(events) - len(made))
    reasons = sorted(r["reason"] for r in rejects(s))
    assert reasons == sorted(
        f"not a post: {e['commit']['collection']}" for e in events if e not in made
    )
    posts = stored(ws, "bluesky")
    for e in made:
        c = e["commit"]
        post = posts[f"at://{e['did']}/{c['collection']}/{c['rkey']}"]
        if c["collection"].endswith("repost"):
            assert (post["relation"], post["parent_id"]) == (
                "repost",
                c["record"]["subject"]["uri"],
            )
        elif "reply" in c["record"]:
            reply = c["record"]["reply"]
            assert (post["relation"], post["parent_id"], post["root_id"]) == (
                "reply",
                reply["parent"]["uri"],
                reply["root"]["uri"],
            )
    known = posts["at://did:plc:l5o3qjrmfztir54cpwlv2eme/app.bsky.feed.post/3lbhtytjqzk2q"]
    assert (known["lang"], known["created_at"].isoformat()) == ("en", "2024-11-21T16:09:27.254000")


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = import_one(ws, FEED)
    again = import_one(ws, FEED)
    assert (again.imported, again.duplicates) == (0, first.imported)


def test_bad_event_rejected_with_line_and_field(ws: Workspace, tmp_path: Path) -> None:
    events = _events()
    broken = json.loads(json.dumps(events[0]))
    broken["commit"]["record"]["reply"]["parent"]["uri"] = "https://bsky.app/x"
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in (events[4], broken)) + "\n", "utf-8")
    s = import_one(ws, path, format="bluesky")
    assert (s.imported, s.rejected) == (1, 1)
    assert [(r["line"], r["field"]) for r in rejects(s)] == [("2", "reply.parent.uri")]


def test_at_uris() -> None:
    assert split_at_uri("at://did:plc:abc/app.bsky.feed.post/3k") == (
        "did:plc:abc",
        "app.bsky.feed.post",
        "3k",
    )
    assert split_at_uri("at://did:plc:abc/app.bsky.feed.post") is None
    assert bsky_url("at://did:plc:abc/app.bsky.feed.repost/3k") is None
