"""The ``search``, ``index`` and ``topic`` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agorascope.cli import app
from agorascope.query import reference_filter
from agorascope.store import Store

from ._query_corpus import make_posts
from .conftest import insert_posts

runner = CliRunner()


def _store(path: Path) -> list[dict[str, object]]:
    with Store.open(path) as store:
        insert_posts(store, make_posts(120, seed=12))
        return store.posts().to_pyarrow().to_pylist()


def test_search_count_json_and_table(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    rows = _store(db)
    expected = len(reference_filter("améri* -politique", rows))
    out = runner.invoke(app, ["--db", str(db), "search", "--count", "améri* -politique"])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == str(expected)
    assert (tmp_path / "s.duckdb.index").is_dir()  # created and filled on first use
    out = runner.invoke(
        app, ["--db", str(db), "search", "améri*", "--json", "--limit", "2", "--sort", "newest"]
    )
    payload = json.loads(out.output)
    assert payload["sort"] == "newest" and payload["used_index"] and len(payload["hits"]) == 2
    out = runner.invoke(app, ["--db", str(db), "search", "amerique", "-n", "3"])
    assert out.exit_code == 0 and "posts match" in out.output


def test_search_syntax_error_shows_a_caret(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _store(db)
    out = runner.invoke(app, ["--db", str(db), "search", "amerique AND (lang:"])
    assert out.exit_code == 1
    assert "expected a value" in out.output and "^" in out.output


def test_index_check_and_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _store(db)
    out = runner.invoke(app, ["--db", str(db), "index", "--check", "--no-repair"])
    assert out.exit_code == 1 and "stale" in out.output  # empty index, posts in the store
    out = runner.invoke(app, ["--db", str(db), "index", "--check", "--json"])
    report = json.loads(out.output)
    assert report["repaired"] and report["reindexed"] == 120
    out = runner.invoke(app, ["--db", str(db), "index", "--check", "--no-repair"])
    assert out.exit_code == 0 and "in step" in out.output
    out = runner.invoke(app, ["--db", str(db), "index", "--rebuild"])
    assert out.exit_code == 0 and "indexed 120 posts" in out.output
    out = runner.invoke(app, ["--db", str(db), "index"])
    assert out.exit_code == 1 and "exactly one" in out.output


def test_topic_commands(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _store(db)
    base = ["--db", str(db), "topic"]
    out = runner.invoke(app, [*base, "add", "usa", "amerique OR #vote", "-d", "US"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, [*base, "list", "--json"])
    assert [t["name"] for t in json.loads(out.output)] == ["usa"]
    out = runner.invoke(app, [*base, "add", "bad", "(a"])
    assert out.exit_code == 1 and "^" in out.output
    out = runner.invoke(app, [*base, "list"])
    assert "usa" in out.output and "bad" not in out.output
    assert runner.invoke(app, [*base, "remove", "usa"]).exit_code == 0
    out = runner.invoke(app, [*base, "remove", "usa"])
    assert out.exit_code == 1 and "no topic" in out.output
