"""Import people from CSV, Parquet or JSONL files into ``voter_records``.

Each input row becomes one source record identified by ``(source, record_id)``, with its
provenance (file and line), the raw value of every field beside its standard form
(:mod:`agorascope.voters.standardize`) and a person id (a new record starts as a person of its
own; ``voters link`` then merges records into persons). A row whose value cannot be read is
rejected with its file, line and field and written to the rejects file; the other rows are
imported. Importing the same file again changes nothing (rows with the same content are
counted as unchanged; a record whose content changed is updated in place and keeps its
person id). The whole file is written in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from agorascope.collect.rejects import RejectsWriter
from agorascope.errors import ImportFormatError, InvalidInputError
from agorascope.privacy.keys import ProjectKey
from agorascope.store.store import Store, utcnow
from agorascope.voters import standardize as std
from agorascope.voters.privacy_place import suppressed_keys, voter_keys

__all__ = ["FIELDS", "VoterImport", "import_people", "parse_mapping"]

FIELDS: dict[str, str] = {
    "record_id": "the record's id in its source (required, unique within the source)",
    "voter_id": "an id of the person shared across sources (state voter number, national id)",
    "first_name": "given name",
    "middle_name": "middle name(s)",
    "last_name": "family name",
    "full_name": "whole name, 'First Middle Last' or 'Last, First Middle' (split when the "
    "parts are not given)",
    "dob": "date of birth (see --date-format; partial dates such as 1980-05 or 1980 are kept)",
    "sex": "m/male, f/female, x/other, u/unknown",
    "address": "street address line (house number, street, unit)",
    "house_number": "house number, when given apart from the address line",
    "city": "city or town",
    "postcode": "postal code (ZIP+4 is cut to the ZIP)",
    "state": "state or region code",
    "email": "e-mail address",
    "phone": "phone number (read in --region when it has no country code)",
    "party": "party affiliation or registration",
    "voter_status": "voter status (active, inactive ...)",
    "vote_history": "elections voted in, as written",
    "consent": "consent to be contacted: yes/no, true/false, 1/0, granted/refused, opt-in/opt-out",
    "legal_basis": "legal basis of the processing (consent, legitimate interest, ...)",
    "opted_out": "the person asked not to be contacted: yes/no",
}
"""Fields of a person record and their meaning; any ``attr.NAME`` is a free attribute."""

_ATTR = re.compile(r"^attr\.([a-z0-9_]{1,64})$")
_INSERT_COLUMNS = (
    "uid", "source", "record_id", "person_id", "file", "line", "first_name_raw", "first_name",
    "first_name_aliases", "middle_name_raw", "middle_name", "last_name_raw", "last_name",
    "full_name_raw", "dob_raw", "dob", "dob_text", "birth_year", "sex", "voter_id",
    "address_raw", "house_number", "street", "unit", "city_raw", "city", "postcode", "state",
    "email_raw", "email", "phone_raw", "phone", "party", "voter_status", "vote_history",
    "consent", "legal_basis", "opted_out", "attrs", "row_hash", "imported_at",
)  # fmt: skip


@dataclass
class VoterImport:
    """What one import did.

    Attributes:
        source: the source name.
        file: the file read.
        rows_read: rows in the file.
        added: new records.
        updated: records whose content changed.
        unchanged: records already imported with the same content.
        rejected: rows rejected (see ``rejects_path``).
        invalid_dates: dates of birth that do not exist (kept as written, standard form empty).
        suppressed: rows left out because the person was erased (privacy suppression list).
        rejects_path: the rejects file, when rows were rejected.
    """

    source: str
    file: str
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    invalid_dates: int = 0
    suppressed: int = 0
    rejects_path: str | None = None


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["first_name=GivenName", ...]`` -> ``{"first_name": "GivenName"}``.

    Raises:
        InvalidInputError: an item has no ``=``, or names an unknown field.
    """
    out: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise InvalidInputError(f"--map {item!r}: expected FIELD=COLUMN")
        if field not in FIELDS and not _ATTR.match(field):
            raise InvalidInputError(
                f"--map {item!r}: unknown field {field!r} (fields: {', '.join(FIELDS)}, attr.NAME)"
            )
        out[field] = column.strip()
    return out


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, row)`` of a CSV (line in the file), JSONL (line) or Parquet (row number)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        for i, row in enumerate(pq.read_table(path).to_pylist(), start=1):
            yield i, row
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as fh:
            for i, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as e:
                    raise ImportFormatError(f"{path}, line {i}: not JSON ({e.msg})") from e
                if not isinstance(row, dict):
                    raise ImportFormatError(f"{path}, line {i}: not a JSON object")
                yield i, row
    elif suffix in (".csv", ".tsv", ".txt"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, {k.strip(): v for k, v in row.items() if k is not None}
    else:
        raise ImportFormatError(f"{path}: unknown format {suffix!r} (CSV, Parquet or JSONL)")


def _columns_for(header: Sequence[str], mapping: Mapping[str, str], path: Path) -> dict[str, str]:
    """Field -> column: the mapping, then columns named as a field (any case) or ``attr.*``."""
    by_lower = {h.lower(): h for h in header}
    out: dict[str, str] = {}
    for field, column in mapping.items():
        if column not in header:
            raise InvalidInputError(f"{path}: --map {field}={column}: no column {column!r}")
        out[field] = column
    used = set(out.values())
    for low, column in by_lower.items():
        if column in used:
            continue
        if (low in FIELDS or _ATTR.match(low)) and low not in out:
            out[low] = column
    if "record_id" not in out:
        raise InvalidInputError(f"{path}: no record_id column (name one with --map record_id=COL)")
    return out


class _Reject(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _voter_id(raw: str | None) -> str | None:
    return std.fold(raw).replace(" ", "") if raw else None


def _record(raw: dict[str, str | None], formats: tuple[str, ...], region: str) -> dict[str, Any]:
    """The standard columns of one row (raises :class:`_Reject` naming the field)."""

    def read(field: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(raw.get(field), *args)
        except ValueError as e:
            raise _Reject(field, str(e)) from e

    first, middle, last = raw.get("first_name"), raw.get("middle_name"), raw.get("last_name")
    if raw.get("full_name") and not (first or last):
        first, middle, last = std.split_full_name(raw["full_name"] or "")
    dob = read("dob", std.birth_date, formats)
    addr = std.address(raw.get("address"), raw.get("house_number"))
    first_std = std.name(first)
    opted = read("opted_out", std.yes_no)
    attrs = {k[5:]: v for k, v in raw.items() if k.startswith("attr.") and v is not None}
    return {
        "first_name_raw": first, "first_name": first_std,
        "first_name_aliases": std.first_name_aliases(first_std),
        "middle_name_raw": middle, "middle_name": std.name(middle),
        "last_name_raw": last, "last_name": std.name(last),
        "full_name_raw": raw.get("full_name"),
        "dob_raw": raw.get("dob"), "dob": dob.iso if dob else None,
        "dob_text": dob.text if dob else None, "birth_year": dob.year if dob else None,
        "sex": read("sex", std.sex), "voter_id": _voter_id(raw.get("voter_id")),
        "address_raw": raw.get("address"), "house_number": addr.house_number,
        "street": addr.street, "unit": addr.unit,
        "city_raw": raw.get("city"), "city": std.name(raw.get("city")),
        "postcode": std.postcode(raw.get("postcode")), "state": std.state(raw.get("state")),
        "email_raw": raw.get("email"), "email": read("email", std.email),
        "phone_raw": raw.get("phone"), "phone": read("phone", std.phone, region),
        "party": std.state(raw.get("party")), "voter_status": raw.get("voter_status"),
        "vote_history": raw.get("vote_history"), "consent": read("consent", std.consent),
        "legal_basis": raw.get("legal_basis"), "opted_out": bool(opted),
        "attrs": json.dumps({k: v.lower() for k, v in sorted(attrs.items())}) if attrs else None,
    }  # fmt: skip


def import_people(
    store: Store,
    path: str | Path,
    *,
    source: str,
    mapping: Mapping[str, str] | None = None,
    date_formats: Sequence[str] | None = None,
    region: str = "US",
    rejects: str | Path | None = None,
) -> VoterImport:
    """Import the people of one file as records of ``source``.

    Args:
        store: the store.
        path: a CSV, Parquet or JSONL file.
        source: the source's name (a register, a party list, a sign-up form...).
        mapping: field -> column, for columns not named as the field.
        date_formats: ``strftime`` formats of the date of birth, tried in order (default
            :data:`~agorascope.voters.standardize.DATE_FORMATS`).
        region: the country (ISO 3166 code) of phone numbers written without one.
        rejects: where to write rejected rows (default ``<file>.rejects.csv`` beside it).

    Raises:
        InvalidInputError: no record_id column, a mapped column is missing, an empty source.
        ImportFormatError: the file cannot be read.
    """
    file = Path(path)
    if not source.strip():
        raise InvalidInputError("the source needs a name")
    if not file.is_file():
        raise InvalidInputError(f"{file}: no such file")
    formats = tuple(date_formats) if date_formats else std.DATE_FORMATS
    writer = RejectsWriter(Path(rejects) if rejects else file.with_suffix(".rejects.csv"))
    summary = VoterImport(source=source, file=str(file))
    known = {
        r[0]: (r[1], r[2])
        for r in store.execute(
            "SELECT record_id, row_hash, person_id FROM voter_records WHERE source = ?", [source]
        )
    }
    now = utcnow()
    suppressed = suppressed_keys(store)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    columns: dict[str, str] | None = None
    for line, row in _rows(file):
        summary.rows_read += 1
        if columns is None:
            columns = _columns_for(list(row), mapping or {}, file)
        raw = {field: _clean(row.get(col)) for field, col in columns.items()}
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False)
        record_id = raw.get("record_id")
        try:
            if record_id is None:
                raise _Reject("record_id", "empty")
            if record_id in seen:
                raise _Reject("record_id", f"{record_id!r} appears twice in the file")
            seen.add(record_id)
            record = _record(raw, formats, region)
        except _Reject as e:
            writer.write(str(file), line, e.field, e.reason, text)
            continue
        record.update(source=source, record_id=record_id)
        if suppressed is not None and _is_suppressed(record, *suppressed):
            summary.suppressed += 1
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        old = known.get(record_id)
        if old is not None and old[0] == digest:
            summary.unchanged += 1
            continue
        if record["dob_raw"] and record["dob"] is None and record["dob_text"]:
            summary.invalid_dates += 1
        record.update(
            uid=f"{source}|{record_id}", source=source, record_id=record_id,
            person_id=old[1] if old else None, file=file.name, line=line, row_hash=digest,
            imported_at=now,
        )  # fmt: skip
        rows.append(record)
        if old is None:
            summary.added += 1
        else:
            summary.updated += 1
    writer.close()
    summary.rejected = writer.count
    summary.rejects_path = str(writer.path) if writer.count else None
    _write(store, rows, summary)
    return summary


def _is_suppressed(record: dict[str, Any], key: ProjectKey, hashes: set[str]) -> bool:
    return any(key.hash(kind, value) in hashes for kind, value in voter_keys(record))


def _write(store: Store, rows: list[dict[str, Any]], summary: VoterImport) -> None:
    table = pa.Table.from_pylist(
        [{c: r.get(c) for c in _INSERT_COLUMNS} for r in rows],
        schema=pa.schema(
            [(c, pa.list_(pa.string()) if c == "first_name_aliases" else
              pa.int64() if c in ("line", "birth_year") else pa.bool_() if c == "opted_out"
              else pa.timestamp("us") if c == "imported_at" else pa.string())
             for c in _INSERT_COLUMNS]
        ),
    )  # fmt: skip
    names = ", ".join(_INSERT_COLUMNS)
    with store.transaction() as con:
        con.register("_voter_rows", table)
        try:
            con.execute(
                "DELETE FROM voter_records WHERE uid IN "
                "(SELECT uid FROM _voter_rows WHERE person_id IS NOT NULL)"
            )
            con.execute(
                f"INSERT INTO voter_records ({names}) SELECT "
                + ", ".join(
                    "coalesce(person_id, 'P' || lpad(nextval('voter_person_seq')::VARCHAR, 8, '0'))"
                    if c == "person_id"
                    else c
                    for c in _INSERT_COLUMNS
                )
                + " FROM _voter_rows"
            )
            con.execute(
                "INSERT INTO voter_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [summary.source, summary.file, utcnow(), summary.rows_read, summary.added,
                 summary.updated, summary.unchanged, summary.rejected, summary.invalid_dates],
            )  # fmt: skip
        finally:
            con.unregister("_voter_rows")
