"""The ``youtube`` preset on real Data API responses (python-youtube's test data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from platform_check import DATA, import_one, orphans, rejects, stored

from agorascope.collect.presets import detect_format
from agorascope.workspace import Workspace

YT = DATA / "youtube"
VIDEO_THREADS = YT / "comment_threads_video.json"
CHANNEL_THREADS, REPLIES = YT / "comment_threads.json", YT / "comments.json"
ONE_THREAD = YT / "comment_thread_with_replies.json"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(YT.glob("*.json")), ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert detect_format(path) == "youtube"


def test_video_threads_counts_and_fields(ws: Workspace) -> None:
    items = _load(VIDEO_THREADS)["items"]
    videos = {t["snippet"]["videoId"] for t in items}
    s = import_one(ws, VIDEO_THREADS)
    assert (s.read, s.imported, s.rejected) == (len(items) + len(videos),) * 2 + (0,)
    posts = stored(ws, "youtube")
    for t in items:
        top = t["snippet"]["topLevelComment"]
        post = posts[top["id"]]
        sn = top["snippet"]
        assert (post["relation"], post["parent_id"], post["root_id"]) == (
            "reply",
            sn["videoId"],
            sn["videoId"],
        )
        assert (post["likes"], post["text"], post["author_id"]) == (
            sn["likeCount"],
            sn["textOriginal"],
            sn["authorChannelId"]["value"],
        )
        assert post["replies"] == t["snippet"]["totalReplyCount"]
        assert post["created_at"].isoformat() == sn["publishedAt"].replace(".000Z", "")
    for v in videos:
        assert posts[v]["relation"] == "original"
        assert posts[v]["url"] == f"https://www.youtube.com/watch?v={v}"
    assert orphans(ws, "youtube") == set()


def test_replies_fetched_apart_join_their_thread(ws: Workspace) -> None:
    threads, replies = _load(CHANNEL_THREADS)["items"], _load(REPLIES)["items"]
    import_one(ws, CHANNEL_THREADS)
    import_one(ws, REPLIES)
    posts = stored(ws, "youtube")
    for r in replies:
        assert (posts[r["id"]]["relation"], posts[r["id"]]["parent_id"]) == (
            "reply",
            r["snippet"]["parentId"],
        )
    discussion = [t["id"] for t in threads if "videoId" not in t["snippet"]]
    assert discussion and all(posts[i]["relation"] == "original" for i in discussion)
    assert orphans(ws, "youtube") == set()


def test_thread_with_its_replies(ws: Workspace) -> None:
    thread = _load(ONE_THREAD)
    import_one(ws, ONE_THREAD)
    posts = stored(ws, "youtube")
    top = thread["snippet"]["topLevelComment"]["id"]
    for r in thread["replies"]["comments"]:
        assert (posts[r["id"]]["parent_id"], posts[r["id"]]["root_id"]) == (
            top,
            thread["snippet"]["videoId"],
        )
    assert len(posts) == 2 + len(thread["replies"]["comments"])


def test_second_import_adds_nothing(ws: Workspace) -> None:
    first = import_one(ws, VIDEO_THREADS)
    again = import_one(ws, VIDEO_THREADS)
    assert (again.imported, again.duplicates) == (0, first.imported)


def test_one_bad_item_does_not_lose_the_page(ws: Workspace, tmp_path: Path) -> None:
    page = _load(VIDEO_THREADS)
    del page["items"][1]["snippet"]["topLevelComment"]["id"]
    path = tmp_path / "threads.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    s = import_one(ws, path, format="youtube")
    assert (s.imported, s.rejected) == (len(page["items"]), 1)  # 4 comments and the video
    assert [(r["line"], r["field"]) for r in rejects(s)] == [("1", "topLevelComment.id")]
