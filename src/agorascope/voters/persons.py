"""Persons: the best value of each field over a person's source records, and where it came from.

The best value of a field is the standard value most of the person's records give; a tie
goes to the most recently imported record, then to the smaller source name and record id.
Its provenance is that record (``source`` and ``record_id``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store

__all__ = ["PERSON_FIELDS", "export_links", "person", "persons", "persons_table"]

PERSON_FIELDS = (
    "first_name", "middle_name", "last_name", "dob", "sex", "voter_id", "house_number",
    "street", "unit", "city", "postcode", "state", "email", "phone", "party", "voter_status",
)  # fmt: skip
"""Fields of the person table (each with its best value and provenance)."""

_BEST_SQL = (
    "WITH long AS (UNPIVOT (SELECT person_id, source, record_id, imported_at, "
    + ", ".join(f"{f}::VARCHAR AS {f}" for f in PERSON_FIELDS)
    + " FROM voter_records {where}) ON "
    + ", ".join(PERSON_FIELDS)
    + " INTO NAME field VALUE value), "
    "counted AS (SELECT *, count(*) OVER (PARTITION BY person_id, field, value) AS n FROM long), "
    "ranked AS (SELECT *, row_number() OVER (PARTITION BY person_id, field "
    "ORDER BY n DESC, imported_at DESC, source, record_id) AS r FROM counted) "
    "SELECT person_id, field, value, source, record_id FROM ranked WHERE r = 1"
)


def _best(store: Store, person_id: str | None = None) -> dict[str, dict[str, Any]]:
    where = "WHERE person_id = ?" if person_id is not None else ""
    params = [person_id] if person_id is not None else []
    out: dict[str, dict[str, Any]] = {}
    for pid, field, value, source, record_id in store.execute(
        _BEST_SQL.format(where=where), params
    ):
        out.setdefault(pid, {})[field] = (value, source, record_id)
    return out


def persons(store: Store, *, as_of: date | None = None) -> list[dict[str, Any]]:
    """One row per person: id, records, sources, best value of each field, its provenance
    (``<field>_from`` = ``source/record_id``) and age on ``as_of`` (default today)."""
    best = _best(store)
    counts = {
        pid: (n, srcs)
        for pid, n, srcs in store.execute(
            "SELECT person_id, count(*), list(DISTINCT source ORDER BY source) "
            "FROM voter_records GROUP BY person_id"
        )
    }
    out = []
    for pid in sorted(counts):
        row: dict[str, Any] = {"person_id": pid, "records": counts[pid][0],
                               "sources": counts[pid][1]}  # fmt: skip
        fields = best.get(pid, {})
        for f in PERSON_FIELDS:
            value, source, record_id = fields.get(f, (None, None, None))
            row[f] = value
            row[f + "_from"] = f"{source}/{record_id}" if source is not None else None
        row["age"] = age(row["dob"], as_of)
        out.append(row)
    return out


def age(dob: str | None, as_of: date | None = None) -> int | None:
    """Age in whole years on ``as_of`` of a (possibly partial) ISO date of birth; a partial
    date counts from its first possible day (``1980`` as 1980-01-01)."""
    if not dob:
        return None
    parts = [int(p) for p in dob.split("-")]
    born = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    today = as_of or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def persons_table(store: Store, *, as_of: date | None = None) -> pa.Table:
    """:func:`persons` as an Arrow table (the input of segments)."""
    rows = persons(store, as_of=as_of)
    return (
        pa.Table.from_pylist(rows) if rows else pa.table({"person_id": pa.array([], pa.string())})
    )


def person(store: Store, person_id: str) -> dict[str, Any]:
    """A person: best values with provenance, and every source record with its provenance
    (file, line) and match probability.

    Raises:
        NotFoundError: no such person.
    """
    cols = [
        "source", "record_id", "file", "line", "first_name_raw", "last_name_raw", "dob_raw",
        "address_raw", "city_raw", "postcode", "state", "email_raw", "phone_raw", "party",
        "voter_status", "consent", "opted_out", "imported_at",
    ]  # fmt: skip
    rows = store.execute(
        "SELECT " + ", ".join(f"r.{c}" for c in cols) + ", m.match_probability "
        "FROM voter_records r LEFT JOIN voter_memberships m USING (uid) "
        "WHERE r.person_id = ? ORDER BY r.source, r.record_id",
        [person_id],
    )
    if not rows:
        raise NotFoundError(f"no person {person_id!r}")
    records = [dict(zip([*cols, "match_probability"], r, strict=True)) for r in rows]
    best = _best(store, person_id).get(person_id, {})
    fields = [
        {"field": f, "value": v, "source": s, "record_id": rid}
        for f in PERSON_FIELDS
        if f in best
        for v, s, rid in [best[f]]
    ]
    return {"person_id": person_id, "fields": fields, "records": records}


def export_links(store: Store, out: str | Path) -> int:
    """Write one row per source record (person_id, source, record_id, match_probability) to a
    Parquet or CSV file, by its suffix. Returns the number of rows.

    Raises:
        InvalidInputError: a suffix other than .parquet or .csv.
    """
    path = Path(out)
    fmt = {".parquet": "parquet", ".csv": "csv"}.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(f"{path}: write .parquet or .csv")
    table = store.arrow(
        "SELECT r.person_id, r.source, r.record_id, m.match_probability "
        "FROM voter_records r LEFT JOIN voter_memberships m USING (uid) "
        "ORDER BY r.person_id, r.source, r.record_id"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
    return int(table.num_rows)
