"""Output that is not a terminal is never folded at the terminal's width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.cli.app import app

SRC = Path(agorascope.__file__).resolve().parents[1]  # the sources under test


def _cli(*args: str, columns: str = "40") -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (consoles read ``COLUMNS`` when they are created)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(COLUMNS=columns, PYTHONPATH=str(SRC), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "agorascope", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _long_folder(tmp_path: Path) -> Path:
    folder = tmp_path / ("d" * 120) / ("e" * 120)
    folder.mkdir(parents=True)
    return folder


def test_an_error_with_a_long_path_stays_on_one_line(tmp_path: Path) -> None:
    missing = _long_folder(tmp_path) / "nope.csv"
    assert len(str(missing)) > 200
    done = _cli("--db", str(tmp_path / "s.duckdb"), "import", str(missing))
    assert done.returncode == 1
    assert f"error: {missing}: no such file or folder" in done.stderr.splitlines()
    assert done.stdout == ""


def test_a_table_keeps_whole_cells_when_piped(tmp_path: Path) -> None:
    src = _long_folder(tmp_path) / ("f" * 60 + ".csv")
    src.write_text("platform,id,text\nx,1,hello\n", encoding="utf-8")
    done = _cli("--db", str(tmp_path / "s.duckdb"), "import", str(src), columns="30")
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if "format" in line)
    for name in ("file", "format", "read", "imported", "duplicates", "rejected"):
        assert f" {name} " in header
    assert any(src.name in line and "native" in line for line in done.stdout.splitlines())
    # the progress bar is for people: it goes to standard error
    assert done.stdout.splitlines()[0].strip() == "import" and done.stderr.strip()


@pytest.mark.parametrize("columns", ["20", "300"], ids=["narrow", "wide"])
def test_captured_output_does_not_depend_on_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    missing = _long_folder(tmp_path) / "nope.csv"
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "s.duckdb"), "import", str(missing)])
    assert result.exit_code == 1
    assert f"error: {missing}: no such file or folder" in result.output.splitlines()


def test_a_fresh_console_is_unwrapped_when_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agorascope.cli.common import UnwrappedConsole

    monkeypatch.setenv("COLUMNS", "20")
    out = UnwrappedConsole(force_terminal=False, color_system=None)
    with out.capture() as captured:
        out.print("word " * 30)
    assert captured.get().strip() == ("word " * 30).strip()
    term = UnwrappedConsole(force_terminal=True, color_system=None)
    with term.capture() as captured:
        term.print("word " * 30)
    assert len(captured.get().splitlines()) > 1  # a terminal still wraps at its width


def test_json_summary_is_valid_whatever_the_width(tmp_path: Path) -> None:
    src = _long_folder(tmp_path) / "a.csv"
    src.write_text("platform,id,text\nx,1,hello\n", encoding="utf-8")
    done = _cli("--db", str(tmp_path / "s.duckdb"), "import", str(src), "--json", columns="20")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["path"] == str(src)
