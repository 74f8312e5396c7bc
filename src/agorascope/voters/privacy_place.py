"""The voters tables as places of personal data, and the identifiers that name a voter.

Registered with the privacy domain when imported (:data:`agorascope.privacy.places.PLACE_MODULES`
lists this module; the privacy domain never imports voters otherwise):

- resolver: ``person:ID``, ``email:ADDRESS`` and ``name:NAME;dob:DATE`` -> person ids
  (:func:`agorascope.voters.people.find`);
- ``voters``: source records, memberships, scored pairs, review decisions and id events of
  the persons, erased in the store transaction; the records' keys, e-mails and names with
  dates of birth go on the suppression list, so a re-import leaves them out;
- ``voter_exports``: segment exports (recorded in the export registry) that list the persons,
  deleted after the store rewrite.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from agorascope.privacy.file_places import recorded_exports, register_export_place
from agorascope.privacy.identity import Identifier, Subject, register_resolver
from agorascope.privacy.keys import project_key
from agorascope.privacy.places import Needles, Place, register_place
from agorascope.store.store import Store, utcnow
from agorascope.voters import people

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["SEGMENT_EXPORT", "suppressed_keys", "voter_keys"]

SEGMENT_EXPORT = "voters.segment"
"""Kind of a segment export in the export registry."""
_LINK_TABLES = {
    "voter_memberships": "SELECT 'voter_memberships' AS table_name, m.* FROM voter_memberships m "
    "JOIN _subject_uids s ON s.uid = m.uid ORDER BY m.uid",
    "voter_pairs": "SELECT 'voter_pairs' AS table_name, p.* FROM voter_pairs p "
    "WHERE p.uid_l IN (SELECT uid FROM _subject_uids) OR p.uid_r IN (SELECT uid FROM "
    "_subject_uids) ORDER BY p.uid_l, p.uid_r",
    "voter_decisions": "SELECT 'voter_decisions' AS table_name, d.* FROM voter_decisions d "
    "WHERE d.uid_l IN (SELECT uid FROM _subject_uids) OR d.uid_r IN (SELECT uid FROM "
    "_subject_uids) ORDER BY d.uid_l, d.uid_r",
}
_CLEAR = ("first_name_raw", "middle_name_raw", "last_name_raw", "full_name_raw", "dob_raw",
          "voter_id", "address_raw", "email_raw", "email", "phone_raw", "phone")  # fmt: skip
"""Columns whose clear values must not be found in the store's bytes after an erasure."""


def voter_keys(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``(kind, value)`` pairs hashed into the suppression list for one source record:
    its key in its source, its e-mail, its name with its date of birth."""
    out = [("voter_record", f"{record['source']}|{record['record_id']}")]
    if record.get("email"):
        out.append(("voter_email", str(record["email"])))
    if record.get("last_name") and record.get("dob_text"):
        name = f"{record.get('first_name') or ''}|{record['last_name']}|{record['dob_text']}"
        out.append(("voter_name_dob", name))
    return out


def suppressed_keys(store: Store) -> tuple[Any, set[str]] | None:
    """The project key and the hashes of suppressed voters (None when there are none)."""
    rows = store.execute("SELECT hash FROM privacy_suppressions WHERE kind LIKE 'voter\\_%' "
                         "ESCAPE '\\'")  # fmt: skip
    if not rows:
        return None
    return project_key(store), {r[0] for r in rows}


def _resolve(ws: Workspace, ident: Identifier, subject: Subject) -> None:
    found: list[str] = []
    if ident.kind == "email":
        found = people.find(ws.store, email=ident.value)
    elif ident.kind == "name_dob" and ident.dob is not None:
        found = people.find(ws.store, name=ident.value, dob=ident.dob.isoformat())
    subject.person_ids.extend(p for p in found if p not in subject.person_ids)


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r.items()} for r in rows
    ]


def _records(store: Store, subject: Subject) -> list[dict[str, Any]]:
    if not subject.person_ids:
        return []
    rows = store.arrow(
        "SELECT 'voter_records' AS table_name, * FROM voter_records "
        "WHERE list_contains(?, person_id) ORDER BY person_id, source, record_id",
        [sorted(subject.person_ids)],
    ).to_pylist()
    return _plain(rows)


def _find(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    records = _records(ws.store, subject)
    if not records:
        return records
    uids = pa.table({"uid": pa.array([r["uid"] for r in records], pa.string())})
    ws.store.con.register("_subject_uids", uids)
    try:
        for sql in _LINK_TABLES.values():  # fixed SQL
            records.extend(_plain(ws.store.arrow(sql).to_pylist()))
    finally:
        ws.store.con.unregister("_subject_uids")
    events = ws.store.arrow(
        "SELECT 'voter_id_events' AS table_name, * FROM voter_id_events "
        "WHERE list_contains(?, person_id) OR len(list_intersect(related, ?)) > 0",
        [sorted(subject.person_ids)] * 2,
    ).to_pylist()
    return records + _plain(events)


def _needles(ws: Workspace, subject: Subject, needles: Needles) -> None:
    values = {str(r[c]) for r in _records(ws.store, subject) for c in _CLEAR if r.get(c)}
    columns = ", ".join(_CLEAR)  # fixed names
    for value in sorted(values):
        held = ws.store.execute(
            f"SELECT count(*) FROM voter_records WHERE NOT list_contains(?, person_id) "
            f"AND contains(concat_ws('|', {columns}, first_name, last_name, street, city), ?)",
            [sorted(subject.person_ids), value],
        )[0][0]
        needles.identifiers.add(value)
        if held:  # another person's record holds it as their own
            needles.shared.add(value)


def _erase(ws: Workspace, subject: Subject, needles: Needles) -> int:
    records = _records(ws.store, subject)
    if not records:
        return 0
    key = project_key(ws.store)
    now = utcnow()
    rows = [(k, key.hash(k, v), now, None) for r in records for k, v in voter_keys(r)]
    con = ws.store.con
    # every record gives at least its own key: rows is never empty
    con.executemany("INSERT OR IGNORE INTO privacy_suppressions VALUES (?, ?, ?, ?)", rows)
    return sum(people.erase_rows(con, sorted(subject.person_ids)).values())


def _prove(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    left = len(_find(ws, subject))
    return [f"{left} voters rows of the persons remain"] if left else []


register_resolver(_resolve)
register_place(
    Place(
        "voters",
        "Voter and supporter records, their links into persons, scored pairs and reviews.",
        "store",
        find=_find,
        erase=_erase,
        prove=_prove,
        needles=_needles,
    )
)


def _exported_ids(path: Path) -> set[str]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return {str(v) for v in pq.read_table(path, columns=["person_id"])["person_id"].to_pylist()}
    with path.open(newline="", encoding="utf-8") as fh:
        return {row.get("person_id") or "" for row in csv.DictReader(fh)}


def _segment_exports(
    ws: Workspace, subject: Subject, needles: Needles | None = None
) -> list[tuple[int, str, Path]]:
    wanted = set(subject.person_ids)
    if not wanted:
        return []
    found = recorded_exports(ws.store, SEGMENT_EXPORT)
    return [e for e in found if _exported_ids(e[2]) & wanted]


register_export_place(
    "voter_exports",
    "Segment exports (recorded files) that list the persons.",
    _segment_exports,
    "segment exports",
)
