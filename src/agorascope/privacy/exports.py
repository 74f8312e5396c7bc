"""Safe exports: pseudonymised posts, and aggregates checked for k-anonymity.

- :func:`export_pseudonymised` writes posts with every identifier of a person replaced by a
  keyed pseudonym (stable for one project key, so that analyses can still join and count
  per author): post, author, parent and root ids, mentions (in the list and in the text).
  Links are left out (they name accounts); texts may also be redacted of e-mails, phone,
  card and social-security numbers and IBANs (:mod:`agorascope.privacy.pii`).
- :func:`k_anonymous_counts` counts posts per cell and suppresses every cell with fewer than
  ``k`` distinct authors (the count is blanked, the cell kept and flagged).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from agorascope.errors import InvalidInputError
from agorascope.privacy.file_places import record_export
from agorascope.privacy.keys import ProjectKey, project_key
from agorascope.privacy.pii import redact

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = [
    "AGGREGATE_COLUMNS",
    "PSEUDONYMISED_COLUMNS",
    "export_pseudonymised",
    "k_anonymous_counts",
]

PSEUDONYMISED_COLUMNS = (
    "platform",
    "post",
    "author",
    "created_at",
    "text",
    "lang",
    "country",
    "parent",
    "root",
    "relation",
    "likes",
    "reposts",
    "replies",
    "views",
    "hashtags",
    "mentions",
    "author_followers",
    "author_verified",
    "author_category",
)
AGGREGATE_COLUMNS = ("platform", "lang", "country", "relation", "author_category", "day", "month")
"""Columns an aggregate export may group by."""
_MENTION = re.compile(r"@(\w{1,50})")
_SELECT = """SELECT platform, id, author_id, created_at, text, lang, country, parent_id, root_id,
    relation, likes, reposts, replies, views, hashtags, mentions, author_followers,
    author_verified, author_category FROM post_view ORDER BY ingest_seq, platform, id"""


def _pseudonymise(row: dict[str, Any], key: ProjectKey, pii: bool) -> dict[str, Any]:
    p = row["platform"]

    def alias(kind: str, value: Any) -> str | None:
        return None if value is None else key.pseudonym(kind, f"{p}|{value}")

    text = row["text"]
    if text:
        text = _MENTION.sub(lambda m: "@" + (alias("handle", m.group(1).lower()) or ""), text)
        text = redact(text) if pii else text
    created = row["created_at"]
    return {
        "platform": p,
        "post": alias("post", row["id"]),
        "author": alias("author", row["author_id"]),
        "created_at": created.isoformat() if created is not None else None,
        "text": text,
        "lang": row["lang"],
        "country": row["country"],
        "parent": alias("post", row["parent_id"]),
        "root": alias("post", row["root_id"]),
        "relation": row["relation"],
        "likes": row["likes"],
        "reposts": row["reposts"],
        "replies": row["replies"],
        "views": row["views"],
        "hashtags": row["hashtags"] or [],
        "mentions": [alias("handle", m) for m in row["mentions"] or []],
        "author_followers": row["author_followers"],
        "author_verified": row["author_verified"],
        "author_category": row["author_category"],
    }


def export_pseudonymised(
    ws: Workspace, out: str | Path, *, redact_pii: bool = False
) -> dict[str, Any]:
    """Write every post, pseudonymised, to ``out`` (``.csv``, ``.jsonl`` or ``.parquet``).

    Returns:
        The path, the number of posts and whether texts were redacted.

    Raises:
        InvalidInputError: an unknown file suffix.
    """
    path = Path(out)
    fmt = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}.get(path.suffix)
    if fmt is None:
        raise InvalidInputError(f"{path}: write .csv, .jsonl or .parquet")
    key = project_key(ws.store)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [_pseudonymise(r, key, redact_pii) for r in ws.store.arrow(_SELECT).to_pylist()]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, PSEUDONYMISED_COLUMNS)
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()}
                )
    record_export(ws.store, "pseudonymised", path, len(rows), pseudonymised=True)
    ws.store.audit(
        "privacy.export", path.name, json.dumps({"rows": len(rows), "pii_redacted": redact_pii})
    )
    return {"path": str(path), "posts": len(rows), "pii_redacted": redact_pii}


def k_anonymous_counts(ws: Workspace, by: list[str], k: int = 5) -> dict[str, Any]:
    """Posts and distinct authors per cell of ``by``; cells with fewer than ``k`` authors are
    suppressed (``posts`` and ``authors`` blanked, ``suppressed`` true).

    Args:
        ws: the workspace.
        by: columns of :data:`AGGREGATE_COLUMNS` (``day``, ``month``: of ``created_at``).
        k: the smallest number of distinct authors a published cell may hold.

    Returns:
        ``rows`` (one per cell), ``suppressed`` (cells), ``k``.

    Raises:
        InvalidInputError: an unknown column, or ``k`` below 2.
    """
    bad = [c for c in by if c not in AGGREGATE_COLUMNS]
    if bad or not by:
        raise InvalidInputError(
            f"group by one or more of: {', '.join(AGGREGATE_COLUMNS)} (not {bad})"
        )
    if k < 2:
        raise InvalidInputError("k must be at least 2")
    exprs = {
        "day": "CAST(date_trunc('day', created_at) AS DATE)",
        "month": "CAST(date_trunc('month', created_at) AS DATE)",
    }
    cols = ", ".join(f"{exprs.get(c, c)} AS {c}" for c in by)  # whitelisted names only
    sql = (
        f"SELECT {cols}, count(*) AS posts, count(DISTINCT author_id) AS authors "
        f"FROM post_view GROUP BY ALL ORDER BY ALL"
    )
    rows = ws.store.arrow(sql).to_pylist()
    suppressed = 0
    for r in rows:
        r["suppressed"] = r["authors"] < k
        if r["suppressed"]:
            suppressed += 1
            r["posts"] = r["authors"] = None
        for c in ("day", "month"):
            if c in r and r[c] is not None:
                r[c] = r[c].isoformat()
    return {"k": k, "rows": rows, "suppressed": suppressed}
