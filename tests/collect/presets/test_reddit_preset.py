"""The ``reddit`` preset on a real thread (graw's test data) in the dump layouts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import zstandard
from platform_check import DATA, authors, import_one, orphans, rejects, split, stored

from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.presets.reddit import convert_thing
from agorascope.workspace import Workspace

REDDIT = DATA / "reddit"
RC, RS, LISTING = REDDIT / "RC_sample.zst", REDDIT / "RS_sample.jsonl", REDDIT / "api_listing.json"


def _comments() -> list[dict[str, object]]:
    """The comment objects of the dump, decompressed here with the zstandard library alone."""
    raw = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(
        io.BytesIO(RC.read_bytes())
    )
    return [json.loads(line) for line in raw.read().decode("utf-8").splitlines() if line.strip()]


def test_the_sample_needs_a_long_zstd_window() -> None:
    with pytest.raises(zstandard.ZstdError, match="too much memory"):
        zstandard.ZstdDecompressor().stream_reader(io.BytesIO(RC.read_bytes())).read()


@pytest.mark.parametrize("path", [RC, RS, LISTING], ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert detect_format(path) == "reddit"


def test_thread_counts_relations_and_parents(ws: Workspace) -> None:
    comments = _comments()
    with open(RS, encoding="utf-8") as f:
        submissions = [json.loads(line) for line in f if line.strip()]
    s_rc, s_rs = import_one(ws, RC), import_one(ws, RS)
    assert (s_rc.format, s_rc.read, s_rc.imported, s_rc.rejected) == (
        "reddit",
        len(comments),
        len({c["id"] for c in comments}),
        0,
    )
    assert (s_rs.read, s_rs.imported, s_rs.rejected) == (len(submissions), len(submissions), 0)
    posts = stored(ws, "reddit")
    assert len(posts) == len(comments) + len(submissions)
    for c in comments:
        post = posts[f"t1_{c['id']}"]
        assert (post["relation"], post["parent_id"], post["root_id"]) == (
            "reply",
            c["parent_id"],
            c["link_id"],
        )
        assert post["likes"] == c["score"]
    # the thread is whole: every comment's parent is stored (the submission included)
    assert orphans(ws, "reddit") == set()
    root = posts["t3_1cebxh"]
    assert root["relation"] == "original" and root["replies"] == submissions[0]["num_comments"]
    assert root["text"].startswith(submissions[0]["title"] + "\n\n")
    assert root["url"] == "https://www.reddit.com" + submissions[0]["permalink"]
    first = posts["t1_c9ftsjg"]  # known item: the first top-level comment
    assert first["author_id"] == "bacon_cake" and first["created_at"].isoformat() == (
        "2013-04-15T20:51:28"
    )


def test_deleted_and_removed_items_are_kept_without_author_or_text(ws: Workspace) -> None:
    comments = _comments()
    import_one(ws, RC)
    posts = stored(ws, "reddit")
    gone_author = {f"t1_{c['id']}" for c in comments if c["author"] == "[deleted]"}
    gone_body = {f"t1_{c['id']}" for c in comments if c["body"] in ("[deleted]", "[removed]")}
    assert gone_author and gone_body
    assert {i for i, p in posts.items() if p["author_id"] is None} == gone_author
    assert {i for i, p in posts.items() if p["text"] is None} == gone_body
    assert "[deleted]" not in authors(ws, "reddit")
    assert posts["t1_c9fsi2e"]["parent_id"] == "t1_c9fs6hy"  # a removed reply still in place


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = import_one(ws, RC)
    again = import_one(ws, RC)
    assert (again.imported, again.duplicates) == (0, first.imported)


def test_api_listing_of_submissions() -> None:
    listing = json.loads(LISTING.read_text(encoding="utf-8"))
    children = [c["data"] for c in listing["data"]["children"] if c["kind"] == "t3"]
    records, bad = split(open_source(LISTING))
    assert bad == []
    assert [r.fields["id"] for r in records] == [f"t3_{c['id']}" for c in children]
    assert [r.fields["likes"] for r in records] == [c["score"] for c in children]


def test_plain_jsonl_and_bad_lines(ws: Workspace, tmp_path: Path) -> None:
    good = json.loads(RS.read_text(encoding="utf-8").splitlines()[0])
    no_id = {k: v for k, v in _comments()[0].items() if k not in ("id", "name")}
    bad_parent = dict(_comments()[1], parent_id="c9ftsjg")
    path = tmp_path / "RC_mixed.jsonl"
    lines = [json.dumps(good), json.dumps(no_id), "{not json", json.dumps(bad_parent)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = import_one(ws, path)
    assert (s.read, s.imported, s.rejected) == (4, 1, 3)
    found = {(int(r["line"]), r["field"]) for r in rejects(s)}
    assert found == {(2, "id"), (3, ""), (4, "parent_id")}
    assert all(r["file"].endswith("RC_mixed.jsonl") for r in rejects(s))


def test_truncated_dump_is_reported(ws: Workspace, tmp_path: Path) -> None:
    cut = tmp_path / "RS_cut.zst"  # two frames: a whole one, then one cut short
    comp = zstandard.ZstdCompressor()
    whole = comp.compress(RS.read_bytes())
    cut.write_bytes(comp.compress(b"".join(RS.read_bytes().splitlines(True)[:2])) + whole[:-20])
    s = import_one(ws, cut, format="reddit")
    assert s.imported == 2  # the complete first frame is kept
    assert any("truncated zstd" in r["reason"] for r in rejects(s))


@pytest.mark.parametrize(("is_self", "link"), [(False, True), ("false", True), (True, False),
                                               ("true", False)])  # fmt: skip
def test_link_submissions_keep_their_link(is_self: object, link: bool) -> None:
    thing = {"id": "x1", "subreddit": "s", "created_utc": 1676253906, "title": "t",
             "url": "https://example.org/a", "is_self": is_self}  # fmt: skip
    urls = convert_thing(thing)["urls"]
    assert urls == (["https://example.org/a"] if link else None)
