"""Retention rules per source: ``--keep 365d`` deletes older posts, with the erasure's proof.

A post is older than the rule when its ``created_at`` is more than the kept span before now.
Applying the rules deletes those posts (with the reposts rule of
:mod:`agorascope.privacy.store_places`), removes profiles left without posts, rewrites the
store file, rebuilds the index and scans the file's bytes for the deleted texts. The
background scheduler of ``agorascope serve`` runs :func:`retention_job` every round: it applies
the rules once a day.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.privacy.rewrite import rebuild_index, rewrite_store, scan_files
from agorascope.privacy.store_places import erase_post_keys
from agorascope.store.store import utcnow

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = [
    "RETENTION_EVERY",
    "apply_retention",
    "parse_span",
    "retention_due",
    "retention_job",
    "retention_rules",
    "set_retention",
]

_SPAN = re.compile(r"^\s*(\d{1,6})\s*([dwy])\s*$")
_DAYS = {"d": 1, "w": 7, "y": 365}


def parse_span(text: str) -> int:
    """Days in a span written ``365d``, ``12w`` or ``2y``.

    Raises:
        InvalidInputError: another spelling, or zero.

    Examples:
        >>> parse_span("365d"), parse_span("2y")
        (365, 730)
    """
    m = _SPAN.match(text)
    if not m or int(m.group(1)) == 0:
        raise InvalidInputError(f"--keep {text!r}: write a positive span such as 365d, 12w or 2y")
    return int(m.group(1)) * _DAYS[m.group(2)]


def set_retention(ws: Workspace, source: str, keep: str) -> dict[str, Any]:
    """Set the retention of a source (its name as in ``posts.source``).

    Raises:
        InvalidInputError: a bad span.
        NotFoundError: no post or source of that name.
    """
    days = parse_span(keep)
    known = ws.store.execute(
        "SELECT (SELECT count(*) FROM sources WHERE name = ?) + "
        "(SELECT count(*) FROM (SELECT 1 FROM posts WHERE source = ? LIMIT 1))",
        [source, source],
    )[0][0]
    if not known:
        raise NotFoundError(f"no source {source!r}")
    ws.store.execute(
        "INSERT OR REPLACE INTO privacy_retention VALUES (?, ?, ?)", [source, days, utcnow()]
    )
    ws.store.audit("privacy.retention.set", source, json.dumps({"keep_days": days}))
    return {"source": source, "keep_days": days}


def retention_rules(ws: Workspace) -> list[dict[str, Any]]:
    """Every rule: source, days kept, when set."""
    rows = ws.store.execute("SELECT source, keep_days, set_at FROM privacy_retention ORDER BY 1")
    return [{"source": s, "keep_days": d, "set_at": t.isoformat()} for s, d, t in rows]


def apply_retention(ws: Workspace, now: datetime | None = None) -> dict[str, Any]:
    """Delete the posts older than their source's rule, and prove it.

    Args:
        ws: the workspace.
        now: the reference instant (UTC, naive); default now.

    Returns:
        Posts deleted per source, the rewrite, the index rebuild and the byte scan.
    """
    now = now or utcnow()
    deleted: dict[str, int] = {}
    keys: list[tuple[str, str]] = []
    texts: set[str] = set()
    authors: set[tuple[str, str]] = set()
    for rule in retention_rules(ws):
        cutoff = now - timedelta(days=rule["keep_days"])
        rows = ws.store.execute(
            "SELECT platform, id, text, author_id FROM posts WHERE source = ? AND created_at < ?",
            [rule["source"], cutoff],
        )
        deleted[rule["source"]] = len(rows)
        keys.extend((p, i) for p, i, _, _ in rows)
        texts.update(t for _, _, t, _ in rows if t and len(t) >= 12)
        authors.update((p, a) for p, _, _, a in rows if a is not None)
    result: dict[str, Any] = {"deleted": deleted, "proven": True}
    if not keys:
        return result
    with ws.store.transaction():
        erase_post_keys(ws.store, keys)
        removed = 0
        for platform, author_id in sorted(authors):  # profiles left without any post
            removed += int(
                ws.store.execute(
                    "DELETE FROM authors a WHERE platform = ? AND id = ? AND NOT EXISTS (SELECT 1 "
                    "FROM posts p WHERE p.platform = a.platform AND p.author_id = a.id)",
                    [platform, author_id],
                )[0][0]
            )
        result["profiles_removed"] = removed
    if ws.store.path is not None:
        result["rewrite"] = rewrite_store(ws.store)
        result["index"] = rebuild_index(ws.store, ws.index_dir)
        db = ws.store.path
        scan = scan_files([db, ws.index_dir], sorted(texts))
        result["scan"] = scan.to_dict()
        result["proven"] = scan.clean
    ws.cache.clear()
    ws.store.audit(
        "privacy.retention.apply",
        None,
        json.dumps({"deleted": deleted, "proven": result["proven"]}),
    )
    return result


RETENTION_EVERY = timedelta(days=1)
"""How often the scheduler's ``retention`` job applies the rules."""


def retention_due(ws: Workspace, now: datetime | None = None) -> bool:
    """Whether rules exist and :data:`RETENTION_EVERY` has passed since they were last applied
    (read from the audit trail, so a restart does not apply them again early)."""
    if not retention_rules(ws):
        return False
    last = ws.store.execute(
        "SELECT max(logged_at) FROM audit_log WHERE action = 'privacy.retention.apply'"
    )[0][0]
    return last is None or (now or utcnow()) - last >= RETENTION_EVERY


def retention_job(ws: Workspace) -> dict[str, Any]:
    """The scheduler's job: apply the retention rules once a day (``{"due": False}`` when it
    is not time yet)."""
    if not retention_due(ws):
        return {"due": False}
    return {"due": True, **apply_retention(ws)}
