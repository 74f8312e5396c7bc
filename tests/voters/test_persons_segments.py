"""Persons (best values, provenance), segments with suppressions, find and erase."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.errors import NotFoundError, QuerySyntaxError
from agorascope.store.store import Store
from agorascope.voters import (
    add_segment,
    count,
    decide,
    export_links,
    export_segment,
    import_people,
    link,
    person,
    persons,
)
from agorascope.voters.people import erase, find
from agorascope.voters.segments import parse

REGISTER = [  # a voter register: consent is not asked, the legal basis is the register
    {"record_id": "r1", "first_name": "Robert", "last_name": "Smith", "dob": "1980-03-07",
     "state": "PA", "party": "DEM", "legal_basis": "public register", "city": "Erie"},
    {"record_id": "r2", "first_name": "Ann", "last_name": "Lee", "dob": "1950-01-02",
     "state": "PA", "party": "DEM", "legal_basis": "public register", "city": "York"},
    {"record_id": "r3", "first_name": "Carl", "last_name": "Diaz", "dob": "2001-06-30",
     "state": "PA", "party": "REP", "legal_basis": "public register", "city": "Erie"},
]  # fmt: skip
SIGNUPS = [  # a sign-up form: consent and interests
    {"record_id": "s1", "first_name": "Bob", "last_name": "Smith", "dob": "1980-03-07",
     "email": "bob@x.org", "consent": "yes", "attr.issue": "healthcare", "city": "Erie"},
    {"record_id": "s2", "first_name": "Ann", "last_name": "Lee", "dob": "1950-01-02",
     "email": "ann@x.org", "opted_out": "yes", "attr.issue": "healthcare", "city": "York"},
]  # fmt: skip


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    keys = sorted({k for r in rows for k in r})
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, keys)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def people(store: Store, tmp_path: Path) -> Store:
    """Three registered voters, two of whom signed up; linked by reviewers' decisions (too
    few records to train a model on, so the decisions make the links)."""
    import_people(store, _csv(tmp_path / "reg.csv", REGISTER), source="register")
    import_people(store, _csv(tmp_path / "web.csv", SIGNUPS), source="signup")
    decide(store, "register/r1", "signup/s1", "match")
    decide(store, "register/r2", "signup/s2", "match")
    link(store, threshold=1.0)
    return store


def _pid(store: Store, record_id: str) -> str:
    return str(store.execute(
        "SELECT person_id FROM voter_records WHERE record_id = ?", [record_id]
    )[0][0])  # fmt: skip


def test_best_values_and_their_provenance(people: Store) -> None:
    rows = {r["person_id"]: r for r in persons(people, as_of=date(2024, 3, 7))}
    bob = rows[_pid(people, "r1")]
    assert bob["records"] == 2 and bob["sources"] == ["register", "signup"]
    # one each: the latest import wins (the sign-up), so "bob"; the party only the register has
    assert (bob["first_name"], bob["first_name_from"]) == ("bob", "signup/s1")
    assert (bob["party"], bob["party_from"]) == ("DEM", "register/r1")
    assert bob["email"] == "bob@x.org" and bob["age"] == 44  # 44 on his birthday
    assert rows[_pid(people, "r3")]["age"] == 22  # 23 only on 2024-06-30
    detail = person(people, bob["person_id"])
    assert [(r["source"], r["record_id"], r["line"]) for r in detail["records"]] == [
        ("register", "r1", 2), ("signup", "s1", 2)]  # fmt: skip
    with pytest.raises(NotFoundError):
        person(people, "P99999999")


def test_export_links(people: Store, tmp_path: Path) -> None:
    n = export_links(people, tmp_path / "links.parquet")
    table = pq.read_table(tmp_path / "links.parquet").to_pylist()
    assert n == 5 and list(table[0]) == ["person_id", "source", "record_id", "match_probability"]
    assert {r["record_id"] for r in table if r["person_id"] == _pid(people, "r1")} == {"r1", "s1"}


def test_segment_counts_apply_suppressions(people: Store, tmp_path: Path) -> None:
    day = date(2024, 7, 1)
    # PA democrats: Bob (register basis + consent) and Ann (opted out on the sign-up form)
    assert count(people, "state:PA party:DEM", as_of=day).__dict__ == {
        "name": "",
        "query": "state:PA party:DEM",
        "matched": 2,
        "suppressed": 1,
        "contactable": 1,
    }
    assert count(people, "attr.issue:healthcare age:>=40", as_of=day).matched == 2
    assert count(people, "age:<30", as_of=day).matched == 1
    assert count(people, "-party:dem", as_of=day).matched == 1
    assert count(people, "city:erie,york source:signup", as_of=day).matched == 2
    add_segment(people, "pa-dem", "state:PA party:DEM")
    got = export_segment(people, "pa-dem", tmp_path / "out.csv", as_of=day)
    with open(tmp_path / "out.csv", encoding="utf-8") as fh:
        out = list(csv.DictReader(fh))
    assert [r["person_id"] for r in out] == [_pid(people, "r1")] and got.suppressed == 1


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [("state:PA shoe:9", 10, "unknown field"), ("age:>=old", 5, "bad age"),
     ("state:PA hello", 10, "not a field:value"), ("  ", 1, "empty segment")],
    ids=["field", "age", "bare-word", "empty"],
)  # fmt: skip
def test_bad_segment_queries_point_at_the_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as e:
        parse(query)
    assert f"column {column}" in str(e.value)


def test_find_every_way_and_erase_everywhere(people: Store) -> None:
    bob = _pid(people, "r1")
    assert find(people, person_id=bob) == [bob]
    assert find(people, email="BOB@X.ORG") == [bob]
    assert find(people, name="Bob Smith", dob="03/07/1980") == [bob]
    assert find(people, name="Smith, Robert", dob="1980-03-07") == [bob]
    uids = [r[0] for r in people.execute("SELECT uid FROM voter_records WHERE person_id = ?",
                                         [bob])]  # fmt: skip
    counts = erase(people, [bob])
    assert counts["voter_records"] == 2 and counts["voter_decisions"] == 1
    for table, cols in [("voter_records", ["uid"]), ("voter_memberships", ["uid"]),
                        ("voter_pairs", ["uid_l", "uid_r"]),
                        ("voter_decisions", ["uid_l", "uid_r"])]:  # fmt: skip
        for col in cols:
            left = people.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, {col})",
                                  [uids])  # fmt: skip
            assert left == [(0,)], table
    assert find(people, email="bob@x.org") == []
    assert people.execute("SELECT count(*) FROM voter_records") == [(3,)]


_FIELDS = st.sampled_from(["state", "party", "sex", "city", "postcode", "attr.issue"])
_VALUES = st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3)


@given(st.lists(st.tuples(st.booleans(), _FIELDS, _VALUES), min_size=1, max_size=5))
def test_segment_queries_parse_back_to_their_terms(
    terms: list[tuple[bool, str, list[str]]],
) -> None:
    text = " ".join(f"{'-' if neg else ''}{f}:{','.join(vs)}" for neg, f, vs in terms)
    got = parse(text)
    assert [(t.negate, t.field, list(t.values)) for t in got] == terms
