"""Schema migrations: fresh stores, upgrades from version 1, refusals and rollbacks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from agorascope.errors import MigrationError
from agorascope.store import SCHEMA_VERSION, Store
from agorascope.store import store as store_module
from agorascope.store.migrations import MIGRATIONS, Migration
from agorascope.store.schema import (
    POST_VIEW_SCHEMA,
    POST_VIEW_SQL,
    TABLES,
    comment,
    comment_sql,
    create_table_sql,
    sql_type,
)

_COLUMNS = """SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns()
    WHERE table_name = ? AND database_name = current_database() ORDER BY column_index"""
_CHECKS = """SELECT expression FROM duckdb_constraints()
    WHERE table_name = ? AND constraint_type = 'CHECK' AND database_name = current_database()
    ORDER BY expression"""


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    return con.execute(_COLUMNS, [table]).fetchall()


def _shape(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Columns (name, type, nullable, comment) and checks of the declared tables and the view."""
    out: dict[str, Any] = {
        t: (_columns(con, t), con.execute(_CHECKS, [t]).fetchall()) for t in TABLES
    }
    out["post_view"] = [c[:2] for c in _columns(con, "post_view")]
    return out


def _declared() -> duckdb.DuckDBPyConnection:
    """A blank database holding the tables and view built from the declaration alone."""
    con = duckdb.connect(":memory:")
    for table in TABLES:
        con.execute(create_table_sql(table))
        for stmt in comment_sql(table):
            con.execute(stmt)
    con.execute(POST_VIEW_SQL)
    return con


def _make_v1(path: Path) -> None:
    """A store file as agorascope's first schema version wrote it, with a few rows."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version "
        "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    for stmt in MIGRATIONS[0].statements:
        con.execute(stmt)
    con.execute("INSERT INTO schema_version VALUES (1, 'v1', ?)", [datetime(2024, 1, 1)])
    con.execute(
        "INSERT INTO posts (platform, id, author_id, created_at, text, relation, hashtags, "
        "ingest_seq) VALUES ('x', '1', 'a', '2024-07-01 10:00:00', 'bonjour #vote', 'original', "
        "['vote'], 1)"
    )
    con.execute("INSERT INTO authors (platform, id, handle, followers) VALUES ('x', 'a', 'al', 5)")
    con.execute("INSERT INTO topics VALUES ('t', 'vote', NULL, '2024-01-01', '2024-01-01')")
    con.close()


def test_fresh_store_reaches_the_latest_version() -> None:
    store = Store.memory()
    assert store.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1].version
    versions = [r[0] for r in store.execute("SELECT version FROM schema_version ORDER BY 1")]
    # versions increase; a gap is allowed (numbers are assigned to changes made side by side)
    assert versions == [m.version for m in MIGRATIONS] == sorted(set(versions))
    assert versions[0] == 1 and versions[-1] == SCHEMA_VERSION


@pytest.mark.parametrize("table", list(TABLES), ids=list(TABLES))
def test_fresh_store_columns_are_the_declaration(table: str) -> None:
    store = Store.memory()
    expected = [(f.name, sql_type(f.type), f.nullable, comment(f)) for f in TABLES[table]]
    assert _columns(store.con, table) == expected


def test_fresh_store_equals_the_ddl_derived_from_the_declaration() -> None:
    store = Store.memory()
    assert _shape(store.con) == _shape(_declared())
    assert [c[0] for c in _columns(store.con, "post_view")] == POST_VIEW_SCHEMA.names
    assert store.posts().schema().to_pyarrow().names == POST_VIEW_SCHEMA.names


def test_version_1_store_upgrades_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    _make_v1(path)
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert _shape(store.con) == _shape(_declared())
        assert store.execute("SELECT platform, id, text, hashtags, ingest_seq FROM posts") == [
            ("x", "1", "bonjour #vote", ["vote"], 1)
        ]
        assert store.execute("SELECT author_handle, author_followers FROM post_view") == [("al", 5)]
        assert store.execute("SELECT name, query FROM topics") == [("t", "vote")]


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    with Store.open(path) as store:
        before = store.execute("SELECT * FROM schema_version ORDER BY version")
        assert store.migrate() == []
        assert store.execute("SELECT * FROM schema_version ORDER BY version") == before


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_newer_store_is_refused(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "future.duckdb"
    Store.open(path).close()
    newer = SCHEMA_VERSION + 7
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())", [newer])
    con.close()
    with pytest.raises(MigrationError) as info:
        Store.open(path, read_only=read_only)
    message = str(info.value)
    assert f"version {newer}" in message and f"({SCHEMA_VERSION})" in message


def test_failing_migration_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    broken = Migration(
        SCHEMA_VERSION + 1,
        "half applied",
        (
            "ALTER TABLE posts ADD COLUMN score DOUBLE",
            "CREATE TABLE extra (x INTEGER)",
            "ALTER TABLE no_such_table ADD COLUMN y INTEGER",
        ),
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", broken.version)
    with pytest.raises(MigrationError, match=f"migration {broken.version} failed"):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert "score" not in [c[0] for c in _columns(store.con, "posts")]
        assert store.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'extra'"
        ) == [(0,)]
