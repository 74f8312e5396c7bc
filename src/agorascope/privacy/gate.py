"""The import pipeline's privacy gate: suppressed people stay out, rectifications stay in.

:func:`screen` runs on every staged batch before it is written: posts of a suppressed account
and suppressed posts are dropped (counted in the import summary as ``suppressed``), the
profiles of suppressed accounts are dropped, and reposts of a suppressed post lose the copied
text and parent link (the rule of :mod:`agorascope.privacy.store_places`). It costs one query
when the suppression list is empty, and one keyed hash per row otherwise.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from agorascope.privacy.keys import project_key
from agorascope.privacy.store_places import apply_rectifications
from agorascope.store.store import Store

__all__ = ["apply_rectifications", "screen", "suppression_keys"]


def suppression_keys(
    platform: str, author_id: str | None = None, post_id: str | None = None
) -> list[tuple[str, str]]:
    """The ``(kind, value)`` pairs hashed into the suppression list for an account or a post."""
    out = []
    if author_id is not None:
        out.append(("author", f"{platform}|{author_id}"))
    if post_id is not None:
        out.append(("post", f"{platform}|{post_id}"))
    return out


def _hashed(store: Store) -> dict[str, set[str]]:
    rows = store.con.execute("SELECT kind, hash FROM privacy_suppressions").fetchall()
    out: dict[str, set[str]] = {}
    for kind, digest in rows:
        out.setdefault(kind, set()).add(digest)
    return out


def screen(store: Store, posts: pa.Table, authors: pa.Table) -> tuple[pa.Table, pa.Table, int]:
    """Drop suppressed accounts and posts from a staged batch.

    Args:
        store: the target store (its suppression list and project key).
        posts: staged posts (``STAGE_POSTS`` layout).
        authors: staged authors (``STAGE_AUTHORS`` layout).

    Returns:
        The posts and authors to write, and how many posts were suppressed.
    """
    hashed = _hashed(store)
    if not hashed:
        return posts, authors, 0
    key = project_key(store)
    bad_authors = hashed.get("author", set())
    bad_posts = hashed.get("post", set())

    def flags(table: pa.Table, kind: str, column: str, bad: set[str]) -> pa.Array:
        platforms = table["platform"].to_pylist()
        values = table[column].to_pylist()
        return pa.array(
            [
                v is not None and key.hash(kind, f"{p}|{v}") in bad
                for p, v in zip(platforms, values, strict=True)
            ],
            pa.bool_(),
        )

    drop = pc.or_(
        flags(posts, "author", "author_id", bad_authors), flags(posts, "post", "id", bad_posts)
    )
    suppressed = int(pc.sum(drop).as_py() or 0)
    posts = posts.filter(pc.invert(drop))
    authors = authors.filter(pc.invert(flags(authors, "author", "id", bad_authors)))
    orphan = flags(posts, "post", "parent_id", bad_posts)
    if pc.any(orphan).as_py():
        posts = _blank_reposts(posts, orphan)
    return posts, authors, suppressed


def _blank_reposts(posts: pa.Table, orphan: pa.Array) -> pa.Table:
    repost = pc.and_(orphan, pc.equal(posts["relation"], "repost"))
    for name in ("text", "parent_id", "root_id"):
        col = posts[name]
        cut = orphan if name != "text" else repost
        posts = posts.set_column(
            posts.schema.get_field_index(name),
            name,
            pc.if_else(cut, pa.scalar(None, col.type), col),
        )
    for name in ("hashtags", "mentions", "urls"):
        col = posts[name]
        posts = posts.set_column(
            posts.schema.get_field_index(name),
            name,
            pc.if_else(repost, pa.scalar([], col.type), col),
        )
    return posts
