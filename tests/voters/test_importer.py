"""Import: formats, mapping, rejects with file/line/field, idempotence, provenance."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agorascope.errors import InvalidInputError
from agorascope.store.store import Store
from agorascope.voters import import_people, parse_mapping

ROWS = [
    {"id": "1", "first_name": "Bob", "last_name": "Smith", "dob": "1980-03-07",
     "email": "BOB@x.org", "phone": "(215) 555-0123", "state": "pa", "party": "dem",
     "consent": "yes", "attr.issue": "Healthcare"},
    {"id": "2", "first_name": "Ann", "last_name": "Lee", "dob": "tomorrow", "email": "",
     "phone": "", "state": "PA", "party": "REP", "consent": "", "attr.issue": ""},
    {"id": "3", "first_name": "Zoë", "last_name": "Ruiz", "dob": "1990", "email": "z@x.org",
     "phone": "", "state": "NJ", "party": "", "consent": "no", "attr.issue": "jobs"},
]  # fmt: skip


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_csv_rows_rejects_and_provenance(store: Store, tmp_path: Path) -> None:
    f = _csv(tmp_path / "people.csv", ROWS)
    got = import_people(store, f, source="reg", mapping={"record_id": "id"})
    assert (got.rows_read, got.added, got.rejected) == (3, 2, 1)
    with open(got.rejects_path or "", encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["file"], r["line"], r["field"]) for r in rejects] == [(str(f), "3", "dob")]
    rows = store.execute(
        "SELECT record_id, file, line, first_name_raw, first_name, email, phone, state, party, "
        "consent, attrs, dob, person_id FROM voter_records ORDER BY record_id"
    )
    want = ("1", "people.csv", 2, "Bob", "bob", "bob@x.org", "+12155550123", "PA", "DEM",
            "granted", json.dumps({"issue": "healthcare"}))  # fmt: skip
    assert rows[0][:11] == want
    assert rows[1][:2] == ("3", "people.csv") and rows[1][11] == "1990"
    assert rows[0][12] != rows[1][12]  # each new record is a person of its own


def test_reimport_is_idempotent_and_updates_keep_the_person(store: Store, tmp_path: Path) -> None:
    f = _csv(tmp_path / "p.csv", ROWS)
    import_people(store, f, source="reg", mapping={"record_id": "id"})
    before = store.execute("SELECT * EXCLUDE (imported_at) FROM voter_records ORDER BY uid")
    again = import_people(store, f, source="reg", mapping={"record_id": "id"})
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert store.execute("SELECT * EXCLUDE (imported_at) FROM voter_records ORDER BY uid") == before
    changed = [dict(ROWS[0], email="bob@new.org"), ROWS[2]]
    got = import_people(store, _csv(tmp_path / "p2.csv", changed), source="reg",
                        mapping={"record_id": "id"})  # fmt: skip
    assert (got.added, got.updated, got.unchanged) == (0, 1, 1)
    after = store.execute("SELECT person_id, email FROM voter_records WHERE record_id = '1'")
    assert after == [(before[0][3], "bob@new.org")]


def test_jsonl_and_parquet_read_the_same(store: Store, tmp_path: Path) -> None:
    good = [r for r in ROWS if r["id"] != "2"]
    j = tmp_path / "p.jsonl"
    j.write_text("\n".join(json.dumps(r) for r in good) + "\n", encoding="utf-8")
    p = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist(good), p)
    import_people(store, j, source="j", mapping={"record_id": "id"})
    import_people(store, p, source="q", mapping={"record_id": "id"})
    cols = "record_id, first_name, dob, email, phone, attrs"
    a = store.execute(f"SELECT {cols} FROM voter_records WHERE source = 'j' ORDER BY 1")
    b = store.execute(f"SELECT {cols} FROM voter_records WHERE source = 'q' ORDER BY 1")
    assert a == b and len(a) == 2


def test_full_names_are_split(store: Store, tmp_path: Path) -> None:
    f = _csv(tmp_path / "n.csv", [{"record_id": "1", "full_name": "Lee, Ann Marie"},
                                  {"record_id": "2", "full_name": "Bob J Smith"}])  # fmt: skip
    import_people(store, f, source="s")
    assert store.execute(
        "SELECT first_name, middle_name, last_name FROM voter_records ORDER BY record_id"
    ) == [("ann", "marie", "lee"), ("bob", "j", "smith")]


@pytest.mark.parametrize(
    ("items", "message"),
    [(["first_name"], "FIELD=COLUMN"), (["shoe_size=x"], "unknown field")],
    ids=["no-equals", "unknown"],
)
def test_bad_mappings(items: list[str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_mapping(items)


def test_missing_record_id_and_duplicates(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="record_id"):
        import_people(store, _csv(tmp_path / "a.csv", [{"name": "x"}]), source="s")
    f = _csv(tmp_path / "d.csv", [{"record_id": "1"}, {"record_id": "1"}])
    got = import_people(store, f, source="s")
    assert got.added == 1 and got.rejected == 1
