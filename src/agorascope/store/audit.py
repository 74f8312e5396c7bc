"""The audit log: append-only and hash-chained.

Each entry holds its position (``seq``, 1, 2, ...), the hash of the previous entry
(``prev_hash``; 64 zeros for the first) and its own ``hash``: the SHA-256 of the canonical JSON
(sorted keys, no spaces, UTF-8) of ``seq, logged_at, actor, action, target, detail,
prev_hash``. Editing an entry breaks its hash; inserting or removing one breaks the sequence
and the next entry's ``prev_hash``. Removing the last entries is caught by the *head file*
beside the store (``<store>.audit-head``: the last ``seq`` and hash), rewritten at every append.

Entries written before the chain existed (schema version < 8) are sealed into it, in their
order of writing, by the first append after the upgrade.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["GENESIS", "AuditCheck", "append", "entry_hash", "head_path", "verify"]

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""

_LOCK = threading.Lock()
_FIELDS = ("seq", "logged_at", "actor", "action", "target", "detail", "prev_hash")


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's chained fields.

    Examples:
        >>> entry_hash({"seq": 1, "logged_at": None, "actor": None, "action": "a",
        ...             "target": None, "detail": None, "prev_hash": GENESIS})[:12]
        '706de6f89024'
    """
    body = {k: entry.get(k) for k in _FIELDS}
    if isinstance(body["logged_at"], datetime):
        body["logged_at"] = body["logged_at"].isoformat()
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def head_path(db: Path | None) -> Path | None:
    """The head file of the store file ``db`` (None for an in-memory store)."""
    return None if db is None else db.with_name(db.name + ".audit-head")


def _last(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    rows = con.execute(
        "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchall()
    return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)


def _seal_legacy(con: duckdb.DuckDBPyConnection, seq: int, prev: str) -> tuple[int, str]:
    """Chain the entries that have no ``seq`` yet (written before version 8)."""
    legacy = con.execute(
        "SELECT rowid, logged_at, actor, action, target, detail FROM audit_log "
        "WHERE seq IS NULL ORDER BY rowid"
    ).fetchall()
    for rowid, logged_at, actor, action, target, detail in legacy:
        seq += 1
        entry = dict(
            zip(_FIELDS, (seq, logged_at, actor, action, target, detail, prev), strict=True)
        )
        digest = entry_hash(entry)
        con.execute(
            "UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE rowid = ?",
            [seq, prev, digest, rowid],
        )
        prev = digest
    return seq, prev


def append(
    con: duckdb.DuckDBPyConnection,
    db: Path | None,
    logged_at: datetime,
    action: str,
    target: str | None,
    detail: str | None,
    actor: str | None,
    in_transaction: bool = False,
) -> int:
    """Append one chained entry and move the head file. Returns its ``seq``.

    Called outside a transaction, the entry commits on its own and the head file moves. Called
    inside the caller's transaction, the entry commits (or rolls back) with it and the head
    file moves at the next append made outside a transaction, so that a rolled-back entry
    never leaves the head ahead of the chain.
    """
    with _LOCK:
        own = not in_transaction
        if own:
            con.execute("BEGIN TRANSACTION")
        try:
            seq, prev = _last(con)
            seq, prev = _seal_legacy(con, seq, prev)
            values = (seq + 1, logged_at, actor, action, target, detail, prev)
            digest = entry_hash(dict(zip(_FIELDS, values, strict=True)))
            con.execute(
                "INSERT INTO audit_log (logged_at, actor, action, target, detail, seq, "
                "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [logged_at, actor, action, target, detail, seq + 1, prev, digest],
            )
        except BaseException:
            if own:
                con.execute("ROLLBACK")
            raise
        if own:
            con.execute("COMMIT")
            _write_head(head_path(db), seq + 1, digest)
        return seq + 1


def _write_head(path: Path | None, seq: int, digest: str) -> None:
    if path is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"seq": seq, "hash": digest}) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class AuditCheck:
    """The result of :func:`verify`.

    Attributes:
        entries: entries read.
        ok: whether the chain is intact.
        problems: one sentence per break found (the ``seq`` it concerns first).
        head: the last ``seq`` and hash of the chain.
    """

    entries: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    head: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "entries": self.entries,
            "ok": self.ok,
            "problems": self.problems,
            "head": self.head,
        }


def verify(con: duckdb.DuckDBPyConnection, db: Path | None = None) -> AuditCheck:
    """Recompute the chain and compare it with the stored hashes and the head file.

    Args:
        con: the store's connection.
        db: the store file (to read its head file); None skips that check.
    """
    rows = con.execute(
        "SELECT seq, logged_at, actor, action, target, detail, prev_hash, hash "
        "FROM audit_log ORDER BY seq NULLS LAST, rowid"
    ).fetchall()
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    for row in rows:
        entry = dict(zip(_FIELDS, row[:7], strict=True))
        stored = row[7]
        seq = entry["seq"]
        if seq is None:
            problems.append(f"an entry ({entry['action']!r}) is outside the chain (no seq)")
            continue
        if seq != expected_seq:
            problems.append(f"entry {seq}: expected entry {expected_seq} (removed or inserted)")
        if entry["prev_hash"] != prev:
            problems.append(f"entry {seq}: previous hash does not match entry {seq - 1}")
        if entry_hash(entry) != stored:
            problems.append(f"entry {seq}: content does not match its hash (edited)")
        prev, expected_seq = stored, seq + 1
    head = {"seq": expected_seq - 1, "hash": prev}
    path = head_path(db)
    if path is not None and path.exists():
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            problems.append(f"head file {path.name} is unreadable")
        else:
            if saved != head:
                problems.append(
                    f"the chain ends at entry {head['seq']} but the head file records entry "
                    f"{saved.get('seq')} (entries removed from the end, or the log replaced)"
                )
    elif path is not None and rows:
        problems.append(f"head file {path.name} is missing")
    return AuditCheck(len(rows), not problems, problems, head)
