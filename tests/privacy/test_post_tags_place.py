"""Analysts' tags on posts are found with the person's posts and erased with them."""

from __future__ import annotations

from agorascope.listen.tags import add_tag, post_tags
from agorascope.privacy.requests import erase, find
from agorascope.workspace import Workspace

from .conftest import ERASED


def _post_of(ws: Workspace, author: str) -> tuple[str, str]:
    platform, post_id = ws.store.execute(
        "SELECT platform, id FROM posts WHERE author_id = ? ORDER BY id LIMIT 1", [author]
    )[0]
    return str(platform), str(post_id)


def test_tags_of_the_persons_posts_are_found_and_erased(ws: Workspace) -> None:
    mine, other = _post_of(ws, ERASED), _post_of(ws, "10_gop")
    for key in (mine, other):
        add_tag(ws.store, f"{key[0]}:{key[1]}", "hoax")
    found = find(ws, f"twitter:@{ERASED}")
    tags = found.records["post_tags"]
    assert [(t["platform"], t["post_id"], t["tag"]) for t in tags] == [(*mine, "hoax")]

    result = erase(ws, f"twitter:@{ERASED}")
    assert result.proven, result.problems
    assert post_tags(ws.store, [mine, other]) == {other: ["hoax"]}
