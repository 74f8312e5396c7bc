"""The data commands through the CLI: import, stats, export, demo-data, errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agorascope import __version__
from agorascope.cli.app import app
from agorascope.demo.load import BUNDLED, bundled_path

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_version() -> None:
    code, out = _run("--version")
    assert code == 0 and __version__ in out


def test_import_then_stats_json_agree(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    with bundled_path(BUNDLED["ira"]) as path:
        code, out = _run("--db", db, "import", str(path), "--json")
        assert code == 0, out
        first = json.loads(out)["totals"]
        code, out = _run("--db", db, "import", str(path), "--json")
    assert json.loads(out)["totals"]["imported"] == 0
    code, out = _run("--db", db, "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["posts"] == first["imported"]
    assert sum(d["posts"] for d in stats["by_platform"]) == stats["posts"]


def test_import_table_for_people(tmp_path: Path) -> None:
    with bundled_path(BUNDLED["ira"]) as path:
        code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(path), "--no-progress")
    assert code == 0
    assert "imported" in out and "ira" in out


def test_env_var_chooses_the_store(tmp_path: Path) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    try:
        db = tmp_path / "env.duckdb"
        mp.setenv("AGORASCOPE_DB", str(db))
        code, _ = _run("stats", "--json")
        assert code == 0 and db.exists()
    finally:
        mp.undo()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(tmp_path / "nope.csv"))
    assert code == 1
    assert "no such file" in out


def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("a,b\n1,2\n")
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(f), "--format", "nope")
    assert code == 1
    assert "unknown format" in out and "ira" in out


def test_mapping_option(tmp_path: Path) -> None:
    f = tmp_path / "forum.csv"
    f.write_text("post,who,body,when\n1,ann,Hello #world,2024-07-19 10:00\n2,bob,Hi,2024-07-19\n")
    db = str(tmp_path / "s.duckdb")
    code, out = _run(
        "--db", db, "import", str(f), "--json", "--map", "platform==forum", "--map", "id=post",
        "--map", "author_id=who", "--map", "text=body", "--map", "created_at=when",
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["totals"]["imported"] == 2
    code, out = _run("--db", db, "stats", "--json")
    assert json.loads(out)["by_platform"] == [{"value": "forum", "posts": 2}]


def test_bad_mapping_pair(tmp_path: Path) -> None:
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", "x.csv", "--map", "oops")
    assert code == 1 and "FIELD=COLUMN" in out


def test_export_and_demo_data(tmp_path: Path) -> None:
    out = tmp_path / "w.jsonl"
    code, text = _run("demo-data", "--posts", "500", "--seed", "2", "--out", str(out), "--json")
    assert code == 0, text
    assert len(out.read_text(encoding="utf-8").splitlines()) == 500
    db = str(tmp_path / "s.duckdb")
    code, text = _run("--db", db, "import", str(out), "--json")
    assert json.loads(text)["totals"]["imported"] == 500
    exported = tmp_path / "back.parquet"
    code, text = _run("--db", db, "export", str(exported), "--json")
    assert code == 0 and json.loads(text)["posts"] == 500


def test_import_reports_author_fields_without_an_author(tmp_path: Path) -> None:
    f = tmp_path / "h.csv"
    f.write_text("platform,id,author_handle,author_name\nx,1,@ann,Ann\nx,2,,Bob\n")
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(f), "--no-progress")
    assert code == 0, out
    assert "1 posts without author_id or author_handle" in out and "(author_name)" in out
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "stats", "--json")
    assert json.loads(out)["authors"] == 1


def test_mapping_file_with_a_mapping_table(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[1] / "collect" / "fixtures"
    db = str(tmp_path / "s.duckdb")
    code, out = _run(
        "--db", db, "import", str(fixtures / "tiktok.jsonl"),
        "--mapping-file", str(fixtures / "mapping.toml"), "--json",
    )  # fmt: skip
    assert code == 0, out
    totals = json.loads(out)["totals"]
    assert totals["read"] == totals["imported"] > 0 and totals["rejected"] == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 3\n")
    code, out = _run(
        "--db", db, "import", str(fixtures / "tiktok.jsonl"), "--mapping-file", str(bad)
    )
    assert code == 1 and "flat table" in out
    code, out = _run("--db", db, "import", str(fixtures / "tiktok.jsonl"),
                     "--mapping-file", str(tmp_path / "missing.toml"))  # fmt: skip
    assert code == 1 and "cannot read the mapping" in out
