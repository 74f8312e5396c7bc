"""Segments: saved filters over persons, counted live, exported with suppressions applied.

A segment's query uses the field syntax of the query language: terms ``field:value``
separated by spaces, all of which must hold (``state:PA party:DEM age:>=30
attr.issue:healthcare``). A value may list alternatives (``party:DEM,IND``) and be quoted
(``city:"new york"``); ``-field:value`` excludes; ``age`` takes ``>=``, ``<=``, ``>``, ``<`` or
``=`` before a number. Text compares without regard to case. A bad query raises a
:class:`~agorascope.errors.QuerySyntaxError` that points at the column.

Suppressions: a person's consent to ``targeting`` (the vocabulary of
:mod:`agorascope.privacy.consent`) is ``refused`` when one of their records refuses consent or
opts out, else ``given`` when one gives consent (``granted``), else ``not_required`` when one
carries a legal basis, else ``unknown``. Counts and exports keep the persons that
:func:`~agorascope.privacy.consent.consent_filter` keeps (the one rule) and report how many
matching persons were left out; erased
persons are gone from the tables altogether (:func:`agorascope.voters.people.erase`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.privacy.consent import consent_filter
from agorascope.query.lexer import syntax_error
from agorascope.store.export import record_export
from agorascope.store.store import Store, utcnow
from agorascope.voters.persons import persons_table
from agorascope.voters.privacy_place import SEGMENT_EXPORT

__all__ = [
    "FIELDS",
    "Segment",
    "SegmentCount",
    "Term",
    "add_segment",
    "count",
    "export_segment",
    "get_segment",
    "list_segments",
    "parse",
    "remove_segment",
]

FIELDS = ("state", "party", "sex", "city", "postcode", "voter_status", "first_name",
          "last_name", "source", "age")  # fmt: skip
"""Fields a segment can filter on, besides ``attr.NAME``."""

_TERM = re.compile(r'(-?)([A-Za-z_][\w.]*):("(?:[^"]*)"|\S+)')
_AGE = re.compile(r"^(>=|<=|>|<|=)?(\d{1,3})$")
_ATTR = re.compile(r"^attr\.([a-z0-9_]{1,64})$")
_NAME = re.compile(r"^[A-Za-z0-9][\w.-]{0,63}$")


@dataclass(frozen=True)
class Term:
    """One ``field:value`` term: the field, the values (any of), the comparison (age) and
    whether it excludes."""

    field: str
    values: tuple[str, ...]
    op: str = "="
    negate: bool = False


def parse(query: str) -> list[Term]:
    """The terms of a segment query.

    Raises:
        QuerySyntaxError: text that is no term, an unknown field, a bad age (the message
            points at the column).
    """
    terms: list[Term] = []
    pos = 0
    if not query.strip():
        raise syntax_error(query, "empty segment", 0, "field:value")
    while pos < len(query):
        if query[pos].isspace():
            pos += 1
            continue
        m = _TERM.match(query, pos)
        if m is None:
            raise syntax_error(query, "not a field:value term", pos, "field:value")
        negate, field, raw = m.group(1) == "-", m.group(2).lower(), m.group(3)
        fpos, vpos = m.start(2), m.start(3)
        if field not in FIELDS and not _ATTR.match(field):
            raise syntax_error(
                query,
                f"unknown field {field!r}",
                fpos,
                "one of " + ", ".join(FIELDS) + ", attr.NAME",
            )
        value = raw[1:-1] if raw.startswith('"') else raw
        if field == "age":
            a = _AGE.match(value)
            if a is None:
                raise syntax_error(query, f"bad age {value!r}", vpos, "a number, e.g. >=30")
            terms.append(Term(field, (a.group(2),), a.group(1) or "=", negate))
        else:
            values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
            if not values:
                raise syntax_error(query, "empty value", vpos, "a value")
            terms.append(Term(field, values, "=", negate))
        pos = m.end()
    return terms


def _where(terms: list[Term]) -> tuple[str, list[Any]]:
    """A parameterised condition over ``p`` (persons); field names come from the whitelist."""
    parts: list[str] = []
    params: list[Any] = []
    for t in terms:
        if t.field == "age":
            cond = f"p.age {t.op} ?"  # op is one of the five the parser admits
            params.append(int(t.values[0]))
        elif t.field == "source":
            cond = (
                "p.person_id IN (SELECT person_id FROM voter_records "
                "WHERE list_contains(?, lower(source)))"
            )
            params.append(list(t.values))
        elif t.field.startswith("attr."):
            cond = (
                "p.person_id IN (SELECT person_id FROM voter_records "
                "WHERE list_contains(?, json_extract_string(attrs, ?)))"
            )
            params += [list(t.values), "$." + t.field[5:]]
        else:
            cond = f"list_contains(?, lower(p.{t.field}))"
            params.append(list(t.values))
        parts.append(f"NOT coalesce({cond}, false)" if t.negate else f"coalesce({cond}, false)")
    return " AND ".join(parts) or "true", params


_STATUS = (
    "CASE WHEN p.person_id IN (SELECT person_id FROM voter_records WHERE opted_out "
    "OR consent = 'refused') THEN 'refused' WHEN p.person_id IN (SELECT person_id FROM "
    "voter_records WHERE consent = 'granted') THEN 'given' WHEN p.person_id IN (SELECT "
    "person_id FROM voter_records WHERE legal_basis IS NOT NULL) THEN 'not_required' "
    "ELSE 'unknown' END"
)
"""A person's consent to targeting, in the vocabulary of :mod:`agorascope.privacy.consent`."""


def _contactable(rows: list[Any]) -> tuple[list[Any], int]:
    """The rows (person id first, consent status last) that :func:`consent_filter` keeps for
    targeting, and how many it left out."""
    kept = consent_filter(
        [r[0] for r in rows], {r[0]: {"targeting": r[-1]} for r in rows}, "targeting"
    )
    ids = set(kept.kept)
    return [r for r in rows if r[0] in ids], kept.left_out


@dataclass(frozen=True)
class SegmentCount:
    """A segment's live count: persons matching, left out by suppressions, contactable."""

    name: str
    query: str
    matched: int
    suppressed: int
    contactable: int


def _select(store: Store, query: str, columns: str, as_of: date | None) -> Any:
    where, params = _where(parse(query))
    table = persons_table(store, as_of=as_of)
    if "age" not in table.column_names:  # no persons yet
        return [], []
    store.con.register("_persons", table)
    try:
        rel = store.con.execute(
            f"SELECT {columns}, ({_STATUS}) AS targeting FROM _persons p WHERE {where} "
            "ORDER BY p.person_id",
            params,
        )
        names = [d[0] for d in rel.description]
        return names, rel.fetchall()
    finally:
        store.con.unregister("_persons")


def count(store: Store, query: str, *, name: str = "", as_of: date | None = None) -> SegmentCount:
    """Count the persons of a segment query now (see the module docstring)."""
    _, rows = _select(store, query, "p.person_id", as_of)
    kept, left_out = _contactable(rows)
    return SegmentCount(name, query, len(rows), left_out, len(kept))


@dataclass(frozen=True)
class Segment:
    """A saved segment."""

    name: str
    query: str
    description: str | None
    created_at: Any


def add_segment(
    store: Store, name: str, query: str, description: str | None = None, *, replace: bool = False
) -> Segment:
    """Save a segment (the query is parsed first).

    Raises:
        InvalidInputError: a bad name, or the name is taken and ``replace`` is False.
        QuerySyntaxError: the query does not parse.
    """
    if not _NAME.match(name):
        raise InvalidInputError(f"segment name {name!r}: letters, digits, . _ - (64 at most)")
    parse(query)
    if not replace and store.execute("SELECT 1 FROM voter_segments WHERE name = ?", [name]):
        raise InvalidInputError(f"segment {name!r} exists (replace it explicitly)")
    store.execute(
        "INSERT OR REPLACE INTO voter_segments VALUES (?, ?, ?, ?)",
        [name, query, description, utcnow()],
    )
    return get_segment(store, name)


def get_segment(store: Store, name: str) -> Segment:
    """The segment ``name``.

    Raises:
        NotFoundError: no such segment.
    """
    rows = store.execute("SELECT * FROM voter_segments WHERE name = ?", [name])
    if not rows:
        raise NotFoundError(f"no segment {name!r}")
    return Segment(*rows[0])


def list_segments(store: Store) -> list[Segment]:
    """Every segment, by name."""
    return [Segment(*r) for r in store.execute("SELECT * FROM voter_segments ORDER BY name")]


def remove_segment(store: Store, name: str) -> None:
    """Delete the segment ``name`` (:class:`NotFoundError` if there is none)."""
    get_segment(store, name)
    store.execute("DELETE FROM voter_segments WHERE name = ?", [name])


_EXPORT = ("person_id", "first_name", "last_name", "email", "phone", "house_number", "street",
           "unit", "city", "postcode", "state", "party", "age")  # fmt: skip


def export_segment(
    store: Store, name: str, out: str | Path, *, as_of: date | None = None
) -> SegmentCount:
    """Write the contactable persons of a segment (CSV or Parquet, by suffix).

    Returns:
        The counts, ``suppressed`` being the matching persons left out.

    Raises:
        InvalidInputError: a suffix other than .csv or .parquet.
    """
    import pyarrow as pa

    path = Path(out)
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InvalidInputError(f"{path}: write .csv or .parquet")
    seg = get_segment(store, name)
    names, rows = _select(store, seg.query, ", ".join(f"p.{c}" for c in _EXPORT), as_of)
    contactable, left_out = _contactable(rows)
    kept = [r[:-1] for r in contactable]
    columns = {c: [r[i] for r in kept] for i, c in enumerate(_EXPORT)}
    table = (
        pa.table(columns) if names else pa.table({c: pa.array([], pa.string()) for c in _EXPORT})
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
    else:
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    record_export(store, SEGMENT_EXPORT, path, len(kept), pseudonymised=False)
    store.audit("voters.segment.export", target=name, detail=f"{len(kept)} persons")
    return SegmentCount(name, seg.query, len(rows), left_out, len(kept))
