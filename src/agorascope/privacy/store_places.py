"""The places of personal data inside the store: posts, authors and the privacy records.

Rules for other people's posts when an author is erased (docs/privacy.md, "Reposts"):

- a **repost** of an erased post, or a repost whose copied text mentions the erased handle,
  keeps its row (who shared, when, counts: the other person's act) but loses the copied text,
  its hashtags, mentions and links, and its parent link;
- a **reply or quote** keeps its own text but loses its parent and root links;
- every other **mention** of the erased handle in remaining posts becomes ``@erased``, and
  links whose path names the account (``x.com/<handle>/...``) are dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from agorascope.privacy.places import Change, Needles, Place, register_place
from agorascope.store.store import Store, utcnow

if TYPE_CHECKING:
    from agorascope.privacy.identity import Subject
    from agorascope.workspace import Workspace

__all__ = [
    "AUTHOR_FIELDS",
    "ERASED_MENTION",
    "apply_rectifications",
    "erase_post_keys",
    "mention_pattern",
]

AUTHOR_FIELDS = ("name", "location", "country", "category")
"""Author profile fields that ``privacy rectify`` may change."""
ERASED_MENTION = "erased"
_HANDLE = re.compile(r"^[\w.-]+$")
_AUTHORS_SCHEMA = pa.schema([("platform", pa.string()), ("author_id", pa.string())])


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        out.append({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()})
    return out


def _with_authors(store: Store, subject: Subject, sql: str, params: list[Any]) -> pa.Table:
    """Run ``sql`` with the subject's accounts registered as ``_subject_authors``."""
    table = pa.table(
        {"platform": [a[0] for a in subject.authors], "author_id": [a[1] for a in subject.authors]},
        schema=_AUTHORS_SCHEMA,
    )
    store.con.register("_subject_authors", table)
    try:
        return store.arrow(sql, params)
    finally:
        store.con.unregister("_subject_authors")


_OWN_POSTS = """SELECT p.* FROM posts p JOIN _subject_authors s
    ON s.platform = p.platform AND s.author_id = p.author_id ORDER BY p.created_at, p.id"""


def _subject_rows(ws: Workspace, subject: Subject, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` (joined with ``_subject_authors``) as plain values."""
    if not subject.authors:
        return []
    return _plain(_with_authors(ws.store, subject, sql, []).to_pylist())


def _find_posts(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return _subject_rows(ws, subject, _OWN_POSTS)


def _posts_needles(ws: Workspace, subject: Subject, needles: Needles) -> None:
    for row in _find_posts(ws, subject):
        needles.keys.add((row["platform"], row["id"]))
        if row["text"]:
            needles.texts.add(row["text"])


def mention_pattern(handle: str) -> str:
    """The RE2 pattern of a mention of ``handle`` (``@handle`` as a whole word, any case)."""
    # handles are word characters, dots and dashes: escape the two that RE2 reads
    return "(?i)@" + handle.replace(".", r"\.").replace("-", r"\-") + r"\b"


_BLANK = "text = NULL, hashtags = [], mentions = [], urls = [], parent_id = NULL"


def erase_post_keys(store: Store, keys: Iterable[tuple[str, str]]) -> int:
    """Delete posts by ``(platform, id)`` with the reposts rule (module docstring) and their
    cascade labels and tags. Run inside a transaction. Returns the posts deleted."""
    con = store.con
    keys = list(keys)
    table = pa.table(
        {"platform": [k[0] for k in keys], "id": [k[1] for k in keys]},
        schema=pa.schema([("platform", pa.string()), ("id", pa.string())]),
    )
    con.register("_erased_view", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _erased AS SELECT * FROM _erased_view")
    finally:
        con.unregister("_erased_view")
    con.execute(
        f"""UPDATE posts p SET {_BLANK}, root_id = NULL FROM _erased e
        WHERE p.platform = e.platform AND p.parent_id = e.id AND p.relation = 'repost'"""
    )
    for column in ("parent_id", "root_id"):  # fixed names
        con.execute(
            f"""UPDATE posts p SET {column} = NULL FROM _erased e
            WHERE p.platform = e.platform AND p.{column} = e.id"""
        )
    con.execute(
        "DELETE FROM cascades c USING _erased e WHERE c.platform = e.platform AND c.root_id = e.id"
    )
    con.execute(  # analysts' tags name the post (mentions list)
        "DELETE FROM post_tags t USING _erased e WHERE t.platform = e.platform AND t.post_id = e.id"
    )
    n = int(
        con.execute(
            "DELETE FROM posts p USING _erased e WHERE p.platform = e.platform AND p.id = e.id"
        ).fetchall()[0][0]
    )
    con.execute("DROP TABLE _erased")
    return n


def _erase_posts(ws: Workspace, subject: Subject, needles: Needles) -> int:
    if not subject.authors:
        return 0
    n = erase_post_keys(ws.store, needles.keys)
    platforms = sorted({a[0] for a in subject.authors})
    for handle in subject.handles:
        if _HANDLE.match(handle):
            for platform in platforms:
                n += _redact_mentions(ws.store, platform, handle)
    return n


def _link_pattern(handle: str) -> str:
    # a link whose path names the account (x.com/<handle>/status/...)
    return "(?i)/" + handle.replace(".", r"\.").replace("-", r"\-") + r"(/|\?|#|$)"


def _redact_mentions(store: Store, platform: str, handle: str) -> int:
    """Blank reposts that quote the handle, redact its mentions and drop links to it."""
    mentions = "(list_contains(mentions, ?) OR regexp_matches(text, ?))"
    pattern, link = mention_pattern(handle), _link_pattern(handle)
    reposts = store.execute(
        f"UPDATE posts SET {_BLANK} WHERE platform = ? AND relation = 'repost' AND {mentions}",
        [platform, handle, pattern],
    )[0][0]
    others = store.execute(
        "UPDATE posts SET text = regexp_replace(text, ?, ?, 'g'), "
        "mentions = list_transform(mentions, lambda m: CASE WHEN m = ? THEN ? ELSE m END) "
        f"WHERE platform = ? AND {mentions}",
        [pattern, "@" + ERASED_MENTION, handle, ERASED_MENTION, platform, handle, pattern],
    )[0][0]
    links = store.execute(
        "UPDATE posts SET url = CASE WHEN regexp_matches(url, $1) THEN NULL ELSE url END, "
        "urls = list_filter(urls, lambda u: NOT regexp_matches(u, $1)) WHERE platform = $2 "
        "AND (regexp_matches(url, $1) OR list_bool_or(list_transform(urls, "
        "lambda u: regexp_matches(u, $1))))",
        [link, platform],
    )[0][0]
    return int(reposts) + int(others) + int(links)


def _prove_posts(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    problems = []
    if subject.authors:
        left = _with_authors(ws.store, subject, _OWN_POSTS, []).num_rows
        if left:
            problems.append(f"{left} posts of the person remain")
    for handle in subject.handles:
        n = ws.store.execute(
            "SELECT count(*) FROM posts WHERE regexp_matches(text, ?)", [mention_pattern(handle)]
        )[0][0]
        if n:
            problems.append(f"{n} posts still mention the handle")
        n = ws.store.execute(
            "SELECT count(*) FROM posts WHERE regexp_matches(url, $1) OR "
            "list_bool_or(list_transform(urls, lambda u: regexp_matches(u, $1)))",
            [_link_pattern(handle)],
        )[0][0]
        if n:
            problems.append(f"{n} posts still link to the account")
    return problems


register_place(
    Place(
        "posts",
        "Posts written by the person's accounts (and mentions of them in other posts).",
        "store",
        find=_find_posts,
        erase=_erase_posts,
        prove=_prove_posts,
        needles=_posts_needles,
    )
)

_OWN_AUTHORS = """SELECT a.* FROM authors a JOIN _subject_authors s
    ON s.platform = a.platform AND s.author_id = a.id ORDER BY a.platform, a.id"""


def _find_authors(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return _subject_rows(ws, subject, _OWN_AUTHORS)


def _authors_needles(ws: Workspace, subject: Subject, needles: Needles) -> None:
    for row in _find_authors(ws, subject):
        for k in ("id", "handle", "name", "location"):
            if row.get(k):
                needles.identifiers.add(str(row[k]))


def _erase_authors(ws: Workspace, subject: Subject, needles: Needles) -> int:
    n = 0
    for platform, author_id in subject.authors:
        n += int(
            ws.store.execute(
                "DELETE FROM authors WHERE platform = ? AND id = ?", [platform, author_id]
            )[0][0]
        )
    return n


def _prove_authors(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    left = len(_find_authors(ws, subject))
    return [f"{left} author profiles remain"] if left else []


def _rectify_author(ws: Workspace, subject: Subject, fld: str, value: str) -> list[Change]:
    if fld not in AUTHOR_FIELDS:
        return []
    changes = []
    for row in _find_authors(ws, subject):
        changes.append(Change("authors", row["platform"], row["id"], fld, row.get(fld), value))
        ws.store.execute(
            f"UPDATE authors SET {fld} = ? WHERE platform = ? AND id = ?",
            [value, row["platform"], row["id"]],
        )
        ws.store.execute(
            "INSERT OR REPLACE INTO privacy_rectifications VALUES (?, ?, ?, ?, ?, ?)",
            ["authors", row["platform"], row["id"], fld, value, utcnow()],
        )
    return changes


register_place(
    Place(
        "authors",
        "Profiles of the person's accounts (handle, name, counts, location).",
        "store",
        find=_find_authors,
        erase=_erase_authors,
        prove=_prove_authors,
        needles=_authors_needles,
        rectify=_rectify_author,
        fields=AUTHOR_FIELDS,
    )
)


def apply_rectifications(store: Store) -> int:
    """Re-apply stored rectifications to ``authors`` (the import pipeline calls this inside
    each batch's transaction, so a re-import of the original file does not undo them).

    Returns:
        Rows updated.
    """
    fields = [
        r[0]
        for r in store.con.execute(
            "SELECT DISTINCT field FROM privacy_rectifications WHERE place = 'authors'"
        ).fetchall()
    ]
    n = 0
    for fld in fields:
        if fld not in AUTHOR_FIELDS:
            continue
        n += int(
            store.con.execute(
                f"""UPDATE authors a SET {fld} = r.value FROM privacy_rectifications r
            WHERE r.place = 'authors' AND r.field = ? AND r.platform = a.platform
            AND r.id = a.id AND a.{fld} IS DISTINCT FROM r.value""",
                [fld],
            ).fetchall()[0][0]
        )
    return n


def _find_records(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    rows = []
    for platform, author_id in subject.authors:
        got = ws.store.arrow(
            "SELECT 'rectification' AS record, place, field, value, rectified_at AS at "
            "FROM privacy_rectifications WHERE platform = ? AND id = ?",
            [platform, author_id],
        )
        rows.extend(got.to_pylist())
    got = ws.store.arrow(
        "SELECT 'request' AS record, kind, status, requested_at AS at, id "
        "FROM privacy_requests WHERE subject_hash = ? ORDER BY id",
        [subject.hash],
    )
    rows.extend(got.to_pylist())
    return _plain(rows)


def _erase_records(ws: Workspace, subject: Subject, needles: Needles) -> int:
    n = 0
    for platform, author_id in subject.authors:
        n += int(
            ws.store.execute(
                "DELETE FROM privacy_rectifications WHERE platform = ? AND id = ?",
                [platform, author_id],
            )[0][0]
        )
    # past requests keep their status and proof (no clear values) but lose rectified values
    n += int(
        ws.store.execute(
            "UPDATE privacy_requests SET proof = ? WHERE subject_hash = ? AND kind = 'rectify'",
            [json.dumps({"erased": True}), subject.hash],
        )[0][0]
    )
    return n


def _prove_records(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    left = [r for r in _find_records(ws, subject) if r["record"] == "rectification"]
    return [f"{len(left)} rectifications remain"] if left else []


register_place(
    Place(
        "privacy_records",
        "Rectified values and the person's past requests (the requests stay, by keyed hash).",
        "store",
        find=_find_records,
        erase=_erase_records,
        prove=_prove_records,
    )
)


def _find_audit(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    got = ws.store.arrow(
        "SELECT seq, logged_at, actor, action, detail FROM audit_log WHERE target = ? ORDER BY seq",
        [subject.hash],
    )
    return _plain(got.to_pylist())


def _prove_audit(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    n = 0
    for s in needles.strings():
        n += int(
            ws.store.execute(
                "SELECT count(*) FROM audit_log WHERE contains(detail, ?) OR contains(target, ?)",
                [s, s],
            )[0][0]
        )
    return [f"{n} audit entries hold a clear value of the person"] if n else []


register_place(
    Place(
        "audit_log",
        "Audit entries about the person's requests (keyed hash only; kept as proof).",
        "store",
        find=_find_audit,
        erase=lambda ws, subject, needles: 0,
        prove=_prove_audit,
    )
)
