"""Find, access, rectify and erase on real data (IRA slice): exact packages, proven erasure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.privacy.access import access
from agorascope.privacy.requests import erase, find, rectify
from agorascope.privacy.rewrite import scan_files
from agorascope.store.audit import verify
from agorascope.text import words
from agorascope.workspace import Workspace

from .conftest import ERASED, THREAD, ira_rows


def _own_texts(account: str) -> set[str]:
    """The texts of an account, read straight from the source file (the reference)."""
    return {r["content"] for r in ira_rows((account,)) if r["content"]}


def _bytes_hold(paths: list[Path], value: str) -> bool:
    """Independent of the scanner: a plain search of every file's bytes."""
    needle = value.encode("utf-8")
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return any(needle in f.read_bytes() for f in files)


def test_find_resolves_every_form_to_the_account(ws: Workspace) -> None:
    for ident in (f"twitter:@{ERASED}", f"@{ERASED.lower()}", f"twitter:id:{ERASED}"):
        found = find(ws, ident)
        assert found.subject.authors == [("twitter", ERASED)]
        assert {p["text"] for p in found.records["posts"]} == _own_texts(ERASED)
    assert not find(ws, "@nobody_here").subject.found


def test_access_package_holds_exactly_the_persons_records(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "package"
    package = access(ws, f"twitter:@{ERASED}", out)
    data = json.loads((out / "records.json").read_text(encoding="utf-8"))
    posts = data["records"]["posts"]
    assert {p["text"] for p in posts} == _own_texts(ERASED)
    assert {p["author_id"] for p in posts} == {ERASED}
    assert [a["id"] for a in data["records"]["authors"]] == [ERASED]
    assert all(p["_source"] == "ira.csv" and p["_legal_basis"] for p in posts)
    with (out / "posts.csv").open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(posts) == package.counts["posts"]
    rejects = data["records"]["rejects"]
    assert len(rejects) == 1 and "not a date" in rejects[0]["raw"]
    others = {r["content"] for r in ira_rows() if r["author_id"] != ERASED} - _own_texts(ERASED)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert not any(t in html for t in list(others)[:50] if len(t) > 30)
    assert "<script" not in html


def test_the_html_summary_escapes_hostile_values(ws: Workspace, tmp_path: Path) -> None:
    rectify(ws, f"@{ERASED}", "name", "<script>alert(1)</script>")
    access(ws, f"@{ERASED}", tmp_path / "p")
    html = (tmp_path / "p" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rectification_survives_a_reimport_and_keeps_the_old_value_hashed(
    ws: Workspace, ira_file: Path
) -> None:
    result = rectify(ws, f"@{ERASED}", "location", "Corrected City")
    assert result["changes"][0]["old"] is None and result["changes"][0]["new"] == "Corrected City"
    rectify(ws, f"@{ERASED}", "name", "Amy Corrected")
    ws.import_files([ira_file], format="ira")
    row = ws.store.execute("SELECT name, location FROM authors WHERE id = ?", [ERASED])[0]
    assert row == ("Amy Corrected", "Corrected City")
    detail = ws.store.execute(
        "SELECT detail FROM audit_log WHERE action = 'privacy.rectify.values' ORDER BY seq DESC"
    )[0][0]
    assert ERASED not in detail and "old_hashes" in json.loads(detail)
    assert verify(ws.store.con, ws.store.path).ok


def test_rectify_refuses_unknown_fields_and_people(ws: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="cannot rectify"):
        rectify(ws, f"@{ERASED}", "followers", "1")
    with pytest.raises(NotFoundError):
        rectify(ws, "@nobody_here", "name", "x")


def test_dry_run_changes_nothing(ws: Workspace) -> None:
    before = ws.store.execute("SELECT count(*) FROM posts")[0][0]
    result = erase(ws, f"@{ERASED}", dry_run=True)
    assert result.request is None and result.counts["posts"] == len(_own_texts(ERASED))
    assert ws.store.execute("SELECT count(*) FROM posts")[0][0] == before


def test_deleted_rows_stay_in_the_file_until_it_is_rewritten(ws: Workspace) -> None:
    """Why the rewrite is needed, and that the scanner sees what a plain search sees."""
    texts = sorted(_own_texts(ERASED))
    ws.store.execute("DELETE FROM posts WHERE author_id = ?", [ERASED])
    ws.store.con.execute("CHECKPOINT")
    db = ws.store.path
    assert db is not None
    scan = scan_files([db], texts)
    leftover = [t for t in texts if _bytes_hold([db], t)]
    assert leftover and scan.hits == {db.name: len(leftover)}


def test_erasure_is_proven_everywhere(ws: Workspace, ira_file: Path, tmp_path: Path) -> None:
    db, index = ws.store.path, ws.index_dir
    assert db is not None
    texts = _own_texts(ERASED)
    others = [r["content"] for r in ira_rows() if r["author_id"] != ERASED]
    own_words = sorted(
        {w for t in texts for w in words(t) if w.isalpha() and len(w) > 6}
        - {w for t in others for w in words(t)}
    )
    assert own_words and all(ws.search.count(w) > 0 for w in own_words[:5])
    package = access(ws, f"@{ERASED}", tmp_path / "pkg")
    result = erase(ws, f"twitter:@{ERASED}")
    assert result.proven, result.problems
    assert result.removed["posts"] >= len(texts) and result.removed["authors"] == 1
    assert result.removed["exports"] == len(package.files)  # the access package was removed
    assert not (tmp_path / "pkg" / "records.json").exists()
    # no trace in the bytes of the store file, the index files or the rejects files
    folder = ws.settings.rejects_folder()
    for value in [*texts, ERASED]:
        assert not _bytes_hold([db, index, *folder.glob("rejects-*.csv")], value), value[:40]
    # nothing found through the store or the search index
    assert not find(ws, f"@{ERASED}").subject.found
    assert ws.store.execute("SELECT count(*) FROM posts WHERE author_id = ?", [ERASED])[0][0] == 0
    assert ws.search.count(f"author:{ERASED.lower()}") == 0
    assert all(ws.search.count(w) == 0 for w in own_words[:5])
    # the other accounts are untouched
    kept = {r[0] for r in ws.store.execute("SELECT DISTINCT author_id FROM posts")}
    assert kept == {"10_gop", "Johns_Gavin_"}
    # re-importing the same file brings none of it back, and says so
    summary = ws.import_files([ira_file], format="ira")
    assert summary.totals["suppressed"] == len(ira_rows((ERASED,)))
    assert summary.totals["imported"] == 0
    assert ws.store.execute("SELECT count(*) FROM authors WHERE id = ?", [ERASED])[0][0] == 0
    # the log and the request hold a keyed hash, never the identifier
    assert verify(ws.store.con, ws.store.path).ok
    logged = ws.store.execute(
        "SELECT string_agg(coalesce(target, '') || coalesce(detail, '')) FROM audit_log"
    )[0][0]
    assert ERASED.lower() not in logged.lower()
    suppressed = ws.store.execute("SELECT string_agg(hash) FROM privacy_suppressions")[0][0]
    assert ERASED.lower() not in suppressed.lower()


def test_reposts_and_replies_of_an_erased_post_follow_the_rule(
    ws: Workspace, thread_file: Path
) -> None:
    ws.import_files([thread_file], format="native")
    result = erase(ws, "x:@erasedone")
    assert result.proven, result.problems
    rows = {
        r[0]: r[1:]
        for r in ws.store.execute(
            "SELECT id, text, parent_id, root_id, relation, author_id FROM posts "
            "WHERE platform = 'x'"
        )
    }
    assert set(rows) == {"p2", "p3", "p4"}
    assert rows["p2"] == (None, None, None, "repost", "u_other")  # row kept, copy blanked
    assert rows["p3"] == ("I disagree with @erased about this", None, None, "reply", "u_other")
    assert rows["p4"][0] == THREAD[3]["text"]
    # a re-import keeps the erased post out and does not restore the blanked copy
    again = ws.import_files([thread_file], format="native")
    assert again.totals["suppressed"] == 1
    assert ws.store.execute("SELECT text FROM posts WHERE id = 'p2'")[0][0] is None


def test_an_unknown_person_cannot_be_erased(ws: Workspace) -> None:
    with pytest.raises(NotFoundError):
        erase(ws, "@nobody_here")
