"""The data subject's requests: find, rectify and erase (access is in :mod:`.access`).

Every request is recorded in ``privacy_requests`` (its kind, the keyed hash of the
identifier, status and proof, never a clear identifier) and in the audit trail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.privacy.identity import Subject, resolve
from agorascope.privacy.keys import project_key
from agorascope.privacy.places import Change, Needles, places
from agorascope.privacy.rewrite import rewrite_store, scan_files
from agorascope.store.store import utcnow

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["Erasure", "Found", "erase", "find", "list_requests", "rectify"]


@dataclass
class Found:
    """Every record of a person, by place.

    Attributes:
        subject: what the identifier resolved to.
        records: place name -> records.
    """

    subject: Subject
    records: dict[str, list[dict[str, Any]]]

    @property
    def counts(self) -> dict[str, int]:
        """Records per place."""
        return {k: len(v) for k, v in self.records.items()}

    def to_dict(self, with_records: bool = True) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = {
            "identifier": self.subject.identifier.canonical(),
            "subject_hash": self.subject.hash,
            "accounts": [{"platform": p, "author_id": a} for p, a in self.subject.authors],
            "person_ids": self.subject.person_ids,
            "counts": self.counts,
        }
        if with_records:
            out["records"] = self.records
        return out


def start_request(ws: Workspace, kind: str, subject: Subject, actor: str | None) -> int:
    """Record a request as running; returns its id."""
    rid = int(ws.store.execute("SELECT nextval('privacy_requests_id_seq')")[0][0])
    ws.store.execute(
        "INSERT INTO privacy_requests (id, kind, subject_hash, status, requested_at, actor) "
        "VALUES (?, ?, ?, 'running', ?, ?)",
        [rid, kind, subject.hash, utcnow(), actor],
    )
    return rid


def finish_request(
    ws: Workspace,
    rid: int,
    subject: Subject,
    kind: str,
    status: str,
    proof: dict[str, Any],
    actor: str | None,
) -> None:
    """Record the outcome of a request and append it to the audit trail."""
    text = json.dumps(proof, default=str, sort_keys=True)
    ws.store.execute(
        "UPDATE privacy_requests SET status = ?, finished_at = ?, proof = ? WHERE id = ?",
        [status, utcnow(), text, rid],
    )
    summary = {"request": rid, "status": status}
    if kind != "rectify":  # a rectification's audit detail is written by rectify()
        summary |= {k: v for k, v in proof.items() if k in ("counts", "proven", "out")}
    ws.store.audit(f"privacy.{kind}", subject.hash, json.dumps(summary, default=str), actor)


def find(ws: Workspace, identifier: str, actor: str | None = None) -> Found:
    """Every record of the person that ``identifier`` names, in every place.

    The lookup is itself logged (``privacy.find``, keyed hash only).

    Raises:
        InvalidInputError: the identifier cannot be read.
    """
    subject = resolve(ws, identifier)
    records = {p.name: p.find(ws, subject) for p in places()}
    found = Found(subject, records)
    ws.store.audit("privacy.find", subject.hash, json.dumps({"counts": found.counts}), actor)
    return found


def rectify(
    ws: Workspace, identifier: str, field_name: str, value: str, actor: str | None = None
) -> dict[str, Any]:
    """Change one field of the person's records; the change survives re-imports.

    The old value is kept in the request's record (erased with the person) and its keyed
    hash in the audit trail.

    Raises:
        InvalidInputError: no place has that field.
        NotFoundError: the identifier names nobody.
    """
    subject = resolve(ws, identifier)
    if not subject.found:
        raise NotFoundError(f"nobody found for {identifier!r}")
    fields = sorted({f for p in places() for f in p.fields})
    if field_name not in fields:
        raise InvalidInputError(f"cannot rectify {field_name!r} (fields: {', '.join(fields)})")
    rid = start_request(ws, "rectify", subject, actor)
    changes: list[Change] = []
    with ws.store.transaction():
        for place in places():
            if place.rectify is not None and field_name in place.fields:
                changes.extend(place.rectify(ws, subject, field_name, value))
    key = project_key(ws.store)
    proof = {"changes": [c.__dict__ for c in changes]}
    detail = {
        "request": rid,
        "field": field_name,
        "records": len(changes),
        "old_hashes": sorted({key.hash("value", str(c.old)) for c in changes}),
        "new_hash": key.hash("value", value),
    }
    ws.store.audit("privacy.rectify.values", subject.hash, json.dumps(detail), actor)
    finish_request(ws, rid, subject, "rectify", "done", proof, actor)
    ws.cache.clear()
    return {"request": rid, "changes": proof["changes"]}


@dataclass
class Erasure:
    """What an erasure did and the proof that it worked.

    Attributes:
        request: the request id (None for a dry run).
        dry_run: nothing was changed.
        counts: records found per place before erasure.
        removed: records removed or blanked per place.
        problems: place -> what is left (empty lists everywhere: proven).
        rewrite: the store file rewrite (sizes, seconds).
        scan: the byte scan of the store file.
        suppressed: keyed hashes added to the suppression list.
        shared_values: erased values that other people's remaining records also hold as
            their own (not searched in the bytes: see docs/privacy.md).
        timings: seconds per step (``erase:<place>``, ``prove:<place>``, ``store``, ...).
        seconds: total time.
    """

    request: int | None
    dry_run: bool
    counts: dict[str, int]
    removed: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    rewrite: dict[str, Any] = field(default_factory=dict)
    scan: dict[str, Any] = field(default_factory=dict)
    suppressed: int = 0
    shared_values: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        """Whether every place proved the erasure."""
        return not self.dry_run and not any(self.problems.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (counts and sizes only: no erased value)."""
        return {**self.__dict__, "proven": self.proven}


def erase(
    ws: Workspace, identifier: str, *, dry_run: bool = False, actor: str | None = None
) -> Erasure:
    """Erase a person everywhere, then prove it (docs/privacy.md, "Erasure").

    Steps: find the records and the values that must vanish; suppress the person's accounts
    and posts (keyed hashes); delete in the store (one transaction); rewrite the store file;
    rebuild the index and clean the files; prove every place and scan the store's bytes.

    Raises:
        NotFoundError: the identifier names nobody.
        StoreError: the store is in memory (there is no file to prove anything on).
    """
    started = time.perf_counter()
    subject = resolve(ws, identifier)
    if not subject.found:
        raise NotFoundError(f"nobody found for {identifier!r}")
    all_places = places()
    needles = Needles()
    for place in all_places:
        if place.needles is not None:
            place.needles(ws, subject, needles)
    counts = {p.name: len(p.find(ws, subject)) for p in all_places}
    if dry_run:
        return Erasure(None, True, counts, seconds=round(time.perf_counter() - started, 3))
    rid = start_request(ws, "erase", subject, actor)
    result = Erasure(rid, False, counts)
    clock = _Clock(result.timings)
    with clock("store"), ws.store.transaction():
        result.suppressed = _suppress(ws, subject, needles, rid)
        for place in all_places:
            if place.kind == "store":
                result.removed[place.name] = place.erase(ws, subject, needles)
    with clock("shared"):
        _mark_shared(ws, needles)
    result.shared_values = len(needles.shared)
    if ws.store.path is not None:
        with clock("rewrite"):
            result.rewrite = rewrite_store(ws.store)
    for place in all_places:
        if place.kind == "files":
            with clock(f"erase:{place.name}"):
                result.removed[place.name] = place.erase(ws, subject, needles)
    for place in all_places:
        with clock(f"prove:{place.name}"):
            result.problems[place.name] = place.prove(ws, subject, needles)
    with clock("scan"):
        result.scan = _scan_store(ws, needles)
    if result.scan.get("hits"):
        result.problems.setdefault("store_file", []).append(
            f"{sum(result.scan['hits'].values())} erased values found in the store file's bytes"
        )
    result.seconds = round(time.perf_counter() - started, 3)
    status = "done" if result.proven else "incomplete"
    proof = {k: v for k, v in result.to_dict().items() if k != "request"}
    finish_request(ws, rid, subject, "erase", status, proof, actor)
    return result


class _Clock:
    """Times named steps into a dict (seconds, rounded to the millisecond)."""

    def __init__(self, into: dict[str, float]):
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.into[name] = round(time.perf_counter() - t0, 3)


def _suppress(ws: Workspace, subject: Subject, needles: Needles, rid: int) -> int:
    from agorascope.privacy.gate import suppression_keys

    key = project_key(ws.store)
    pairs = [p for platform, a in subject.authors for p in suppression_keys(platform, a)]
    pairs += [p for platform, pid in needles.keys for p in suppression_keys(platform, None, pid)]
    now = utcnow()
    rows = [(kind, key.hash(kind, value), now, rid) for kind, value in pairs]
    if rows:  # a person of the voters domain may have no account
        ws.store.con.executemany(
            "INSERT OR IGNORE INTO privacy_suppressions VALUES (?, ?, ?, ?)", rows
        )
    return len(rows)


def _mark_shared(ws: Workspace, needles: Needles) -> None:
    """Find the needles that remain as other people's own texts, names or locations."""
    import pyarrow as pa

    values = pa.table({"v": pa.array(sorted(needles.texts | needles.identifiers), pa.string())})
    ws.store.con.register("_needles", values)
    try:
        rows = ws.store.execute(
            "SELECT v FROM _needles n WHERE EXISTS (SELECT 1 FROM posts p WHERE p.text = n.v) "
            "OR EXISTS (SELECT 1 FROM authors a WHERE a.name = n.v OR a.location = n.v)"
        )
    finally:
        ws.store.con.unregister("_needles")
    needles.shared.update(r[0] for r in rows)


def _scan_store(ws: Workspace, needles: Needles) -> dict[str, Any]:
    if ws.store.path is None:
        return {}
    ws.store.con.execute("CHECKPOINT")
    db = ws.store.path
    files = [db, db.with_name(db.name + ".wal")]
    return scan_files(files, needles.strings()).to_dict()


def list_requests(ws: Workspace, limit: int = 100) -> list[dict[str, Any]]:
    """The latest requests, newest first (proofs parsed)."""
    rows: list[dict[str, Any]] = ws.store.arrow(
        "SELECT id, kind, subject_hash, status, requested_at, finished_at, actor, proof "
        "FROM privacy_requests ORDER BY id DESC LIMIT ?",
        [limit],
    ).to_pylist()
    for row in rows:
        row["proof"] = json.loads(row["proof"]) if row["proof"] else None
        for k in ("requested_at", "finished_at"):
            row[k] = row[k].isoformat() if row[k] is not None else None
    return rows
