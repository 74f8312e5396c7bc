"""Topics before and around the pages: a query's preview before it is saved, topics by tag."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import ibis

from agorascope._json import records
from agorascope.store import run, to_pandas

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["PREVIEW_COLUMNS", "topic_preview", "topics_by_tag"]

PREVIEW_COLUMNS = ("platform", "id", "created_at", "author_handle", "text", "lang", "country")
"""The columns of the sample posts of a topic preview."""


def topic_preview(
    ws: Workspace,
    query: str,
    since: datetime | date | str | None = None,
    until: datetime | date | str | None = None,
    *,
    sample: int = 5,
) -> dict[str, Any]:
    """What ``query`` selects before it is saved: the count (as the topic page will count it:
    the same selection) and the newest ``sample`` posts.

    Raises:
        QuerySyntaxError: the query does not parse (the error points at the column).
        InvalidInputError: a bad window.
    """
    sel = ws.select(query=query, since=since, until=until)
    posts, w = sel.posts, sel.window
    if w.since is not None:
        posts = posts.filter(posts.created_at >= w.since)
    if w.until is not None:
        posts = posts.filter(posts.created_at < w.until)
    n = int(run(posts.count()).as_py())
    cols = [c for c in PREVIEW_COLUMNS if c in posts.columns]
    newest = posts.order_by([ibis.desc("created_at"), "platform", "id"]).select(*cols)
    return {
        "query": query,
        "posts": n,
        "since": None if w.since is None else w.since.isoformat(),
        "until": None if w.until is None else w.until.isoformat(),
        "sample": records(to_pandas(newest.limit(sample))),
    }


def topics_by_tag(topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Topics grouped by tag (a topic with two tags is in both groups), tags by name, the
    untagged last.

    Examples:
        >>> [(g["tag"], [t["name"] for t in g["topics"]]) for g in topics_by_tag(
        ...     [{"name": "a", "tags": ["news"]}, {"name": "b", "tags": []},
        ...      {"name": "c", "tags": ["news", "ads"]}])]
        [('ads', ['c']), ('news', ['a', 'c']), (None, ['b'])]
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in topics:
        for tag in t.get("tags") or []:
            groups.setdefault(tag, []).append(t)
    out: list[dict[str, Any]] = [{"tag": k, "topics": groups[k]} for k in sorted(groups)]
    untagged = [t for t in topics if not t.get("tags")]
    if untagged:
        out.append({"tag": None, "topics": untagged})
    return out
