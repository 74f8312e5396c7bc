"""The hash-chained audit log: appends, verification, and every kind of tampering."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from agorascope.store import Store
from agorascope.store.audit import GENESIS, entry_hash, verify


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "a.duckdb")
    for i in range(5):
        s.audit("test.action", f"target-{i}", json.dumps({"i": i}), "tester")
    return s


def test_entry_hash_is_sha256_of_the_canonical_json() -> None:
    entry = {
        "seq": 1,
        "logged_at": "2026-01-01T00:00:00",
        "actor": "a",
        "action": "x",
        "target": None,
        "detail": "é",
        "prev_hash": GENESIS,
    }
    text = (
        '{"action":"x","actor":"a","detail":"é","logged_at":"2026-01-01T00:00:00",'
        '"prev_hash":"' + GENESIS + '","seq":1,"target":null}'
    )
    assert entry_hash(entry) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_an_intact_chain_verifies(store: Store) -> None:
    check = verify(store.con, store.path)
    assert check.ok and check.entries == 5 and check.head is not None
    rows = store.execute("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq")
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0][1] == GENESIS
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, 5))


def test_an_edited_entry_is_detected(store: Store) -> None:
    store.execute("UPDATE audit_log SET detail = '{\"i\": 99}' WHERE seq = 3")
    check = verify(store.con, store.path)
    assert not check.ok
    assert check.problems == ["entry 3: content does not match its hash (edited)"]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    row = store.execute(
        "SELECT seq, logged_at, actor, action, target, detail, prev_hash "
        "FROM audit_log WHERE seq = 2"
    )[0]
    entry = dict(
        zip(
            ("seq", "logged_at", "actor", "action", "target", "detail", "prev_hash"),
            row,
            strict=True,
        )
    )
    entry["detail"] = "forged"
    store.execute(
        "UPDATE audit_log SET detail = 'forged', hash = ? WHERE seq = 2", [entry_hash(entry)]
    )
    check = verify(store.con, store.path)
    assert check.problems == ["entry 3: previous hash does not match entry 2"]


def test_a_removed_entry_is_detected(store: Store) -> None:
    store.execute("DELETE FROM audit_log WHERE seq = 2")
    problems = verify(store.con, store.path).problems
    assert "entry 3: expected entry 2 (removed or inserted)" in problems


def test_an_inserted_entry_is_detected(store: Store) -> None:
    store.execute(
        "INSERT INTO audit_log VALUES (now()::TIMESTAMP, 'x', 'fake', NULL, NULL, 6, ?, ?)",
        ["0" * 64, "f" * 64],
    )
    assert not verify(store.con, store.path).ok


def test_removing_the_last_entries_is_caught_by_the_head_file(store: Store) -> None:
    store.execute("DELETE FROM audit_log WHERE seq >= 4")
    problems = verify(store.con, store.path).problems
    assert len(problems) == 1 and "head file records entry 5" in problems[0]


def test_entries_written_before_the_chain_are_sealed_in_order(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))  # as a version-3 agorascope wrote them: no seq, no hash
    con.execute("INSERT INTO audit_log (logged_at, action) VALUES ('2025-01-01', 'old.one')")
    con.execute("INSERT INTO audit_log (logged_at, action) VALUES ('2025-01-02', 'old.two')")
    con.close()
    with Store.open(path) as s:
        assert not verify(s.con, s.path).ok  # outside the chain
        s.audit("new.one")
        actions = s.execute("SELECT action FROM audit_log ORDER BY seq")
        assert [a[0] for a in actions] == ["old.one", "old.two", "new.one"]
        assert verify(s.con, s.path).ok


def test_the_chain_survives_reopening(store: Store) -> None:
    path = store.path
    store.close()
    with Store.open(path) as s:
        s.audit("after.reopen")
        check = verify(s.con, s.path)
    assert check.ok and check.entries == 6


def test_an_entry_rolled_back_with_its_transaction_leaves_the_chain_valid(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.audit("inside.rolled.back")
        raise RuntimeError("the caller's write failed")
    assert verify(store.con, store.path).ok
    with store.transaction():
        store.audit("inside.committed")
    store.audit("outside")
    check = verify(store.con, store.path)
    assert check.ok and check.entries == 7
