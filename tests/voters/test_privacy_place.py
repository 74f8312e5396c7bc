"""The voters tables as a place of personal data: find, access, erase with proof, re-import.

FEBRL4 slices (tests/data/voters); an e-mail column is derived from each record's names
(``given.surname@example.org``) so that the e-mail identifier can be tested on them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.privacy.access import access
from agorascope.privacy.requests import erase, find
from agorascope.privacy.rewrite import scan_files
from agorascope.voters import add_segment, export_segment, import_people, link
from agorascope.workspace import Workspace

from ._febrl import DATA, FEBRL_MAP

PERSON = "rec-4641"  # jessica weller, born 1960-09-19, in both slices
EMAIL = "jessica.weller@example.org"


def with_emails(src: Path, out: Path) -> Path:
    """``src`` with an ``email`` column derived from the names."""
    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["email"] = f"{r['given_name']}.{r['surname']}@example.org" if r["surname"] else ""
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("febrl_email")
    return {n: with_emails(DATA / f"febrl4_{n}.csv", folder / f"{n}.csv") for n in ("a", "b")}


@pytest.fixture
def ws(tmp_path: Path, files: dict[str, Path]) -> Iterator[Workspace]:
    workspace = Workspace(Settings(db=tmp_path / "s.duckdb", detect_language=False))
    for name, path in files.items():
        import_people(workspace.store, path, source=name, mapping=FEBRL_MAP,
                      rejects=tmp_path / f"{name}.rejects.csv")  # fmt: skip
    link(workspace.store, threshold=0.9, seed=1)
    yield workspace
    workspace.close()


def _records(ws: Workspace) -> set[str]:
    rows = ws.store.execute(
        "SELECT record_id FROM voter_records WHERE record_id LIKE ? ORDER BY 1", [PERSON + "-%"]
    )
    return {r[0] for r in rows}


def test_find_by_email_and_name_dob(ws: Workspace) -> None:
    found = find(ws, f"email:{EMAIL}")
    records = [r for r in found.records["voters"] if r["table_name"] == "voter_records"]
    assert {r["record_id"] for r in records} == {"rec-4641-org", "rec-4641-dup-0"}
    assert len(found.subject.person_ids) == 1  # linked into one person
    by_name = find(ws, "name:Jessica Weller;dob:1960-09-19")
    assert by_name.subject.person_ids == found.subject.person_ids
    by_id = find(ws, f"person:{found.subject.person_ids[0]}")
    assert by_id.counts["voters"] == found.counts["voters"]
    pairs = [r for r in found.records["voters"] if r["table_name"] == "voter_pairs"]
    assert pairs and all("4641" in r["uid_l"] + r["uid_r"] for r in pairs)


def test_access_holds_exactly_the_records(ws: Workspace, tmp_path: Path) -> None:
    access(ws, EMAIL, tmp_path / "pkg")
    data = json.loads((tmp_path / "pkg" / "records.json").read_text(encoding="utf-8"))
    held = data["records"]["voters"] if "records" in data else data["voters"]
    ids = {r["record_id"] for r in held if r["table_name"] == "voter_records"}
    assert ids == _records(ws) == {"rec-4641-org", "rec-4641-dup-0"}
    assert (tmp_path / "pkg" / "voters.csv").is_file()


def test_erase_is_proven_and_survives_reimport(
    ws: Workspace, files: dict[str, Path], tmp_path: Path
) -> None:
    pid = find(ws, EMAIL).subject.person_ids[0]
    add_segment(ws.store, "nsw", "state:nsw")
    ws.store.execute("UPDATE voter_records SET consent = 'granted'")
    out = tmp_path / "nsw.csv"
    assert export_segment(ws.store, "nsw", out).contactable > 0
    assert pid in out.read_text(encoding="utf-8")
    assert ws.store.path is not None
    ws.store.con.execute("CHECKPOINT")
    assert not scan_files([ws.store.path], ["4837774"]).clean  # the voter id, before

    result = erase(ws, EMAIL)
    assert result.proven, result.problems
    assert result.removed["voters"] >= 2
    # the export registry's own place (a clear value) or the voters one (a person id)
    assert result.removed["exports"] + result.removed["voter_exports"] == 1
    assert not out.exists()
    assert _records(ws) == set()
    for table in ("voter_pairs", "voter_decisions"):
        n = ws.store.execute(
            f"SELECT count(*) FROM {table} WHERE uid_l LIKE '%4641%' OR uid_r LIKE '%4641%'"
        )[0][0]
        assert n == 0
    n = ws.store.execute("SELECT count(*) FROM voter_memberships WHERE uid LIKE '%4641%'")[0][0]
    assert n == 0
    assert scan_files([ws.store.path], ["4837774", "weller", EMAIL]).clean

    again = import_people(ws.store, files["a"], source="a", mapping=FEBRL_MAP,
                          rejects=tmp_path / "r.csv")  # fmt: skip
    assert again.suppressed == 1 and again.added == 0
    other = import_people(ws.store, files["b"], source="new", mapping=FEBRL_MAP,
                          rejects=tmp_path / "r2.csv")  # fmt: skip
    assert other.suppressed == 1  # same e-mail and name + date of birth, another source
    assert _records(ws) == set()


def test_segments_use_the_privacy_consent_rule(tmp_path: Path) -> None:
    """Four hand-made people, one per consent state: the segment keeps consent given and a
    legal basis (consent not required), leaves out the refusal and the unknown, and counts them."""
    from agorascope.privacy.consent import consent_filter
    from agorascope.voters import count

    rows = [
        ("1", "Ann", "Lee", "granted", "", "no"),  # given
        ("2", "Bob", "Ray", "", "legitimate interest", "no"),  # not required
        ("3", "Cy", "Doe", "granted", "", "yes"),  # opted out: refused
        ("4", "Di", "Fox", "", "", "no"),  # unknown
    ]
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "first_name", "last_name", "consent", "legal_basis", "opted_out",
                    "state"])  # fmt: skip
        w.writerows([(*r, "pa") for r in rows])
    workspace = Workspace(Settings(db=tmp_path / "c.duckdb", detect_language=False))
    try:
        import_people(workspace.store, path, source="s")
        c = count(workspace.store, "state:pa")
        assert (c.matched, c.contactable, c.suppressed) == (4, 2, 2)
        statuses = {"a": {"targeting": "given"}, "b": {"targeting": "not_required"},
                    "c": {"targeting": "refused"}, "d": {}}  # fmt: skip
        assert consent_filter("abcd", statuses, "targeting").left_out == 2
    finally:
        workspace.close()


def test_a_segment_export_is_found_by_person_id(tmp_path: Path) -> None:
    """Short names (nothing long enough to search as bytes): the voters place finds the
    export by its person_id column."""
    path = tmp_path / "people.csv"
    path.write_text("record_id,first_name,last_name,consent,state\n1,Ann,Lee,yes,pa\n"
                    "2,Bo,Ray,yes,pa\n", encoding="utf-8")  # fmt: skip
    workspace = Workspace(Settings(db=tmp_path / "e.duckdb", detect_language=False))
    try:
        import_people(workspace.store, path, source="s")
        add_segment(workspace.store, "pa", "state:pa")
        out = tmp_path / "pa.parquet"
        assert export_segment(workspace.store, "pa", out).contactable == 2
        pid = workspace.store.execute("SELECT person_id FROM voter_records WHERE record_id = '1'")[
            0
        ][0]
        found = find(workspace, f"person:{pid}")
        assert [r["file"] for r in found.records["voter_exports"]] == ["pa.parquet"]
        result = erase(workspace, f"person:{pid}")
        assert result.proven, result.problems
        assert result.removed["voter_exports"] == 1 and result.removed["exports"] == 0
        assert not out.exists()
    finally:
        workspace.close()
