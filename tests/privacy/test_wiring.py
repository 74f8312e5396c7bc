"""Files the project writes are recorded for erasure, and retention runs from the scheduler
(bundled IRA slice, see conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import agorascope.watch.watches  # noqa: F401  (registers the scheduler's jobs)
from agorascope.cli.app import app as cli_app
from agorascope.config import Settings
from agorascope.privacy.requests import erase
from agorascope.privacy.retention import set_retention
from agorascope.watch.scheduler import Scheduler
from agorascope.workspace import Workspace

from .conftest import ERASED

runner = CliRunner()
ENV = {"COLUMNS": "200", "AGORASCOPE_DETECT_LANGUAGE": "false"}


@pytest.fixture
def settings(ws: Workspace) -> Settings:
    s = ws.settings
    ws.close()
    return s


def test_export_and_report_are_recorded_and_erased(settings: Settings, tmp_path: Path) -> None:
    out, report = tmp_path / "posts.csv", tmp_path / "report.html"
    db = str(settings.db)
    done = runner.invoke(cli_app, ["--db", db, "export", str(out), "--json"], env=ENV)
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli_app, ["--db", db, "report", "--query", "music", "--out",
                                   str(report)], env=ENV)  # fmt: skip
    assert done.exit_code == 0, done.output
    with Workspace(settings) as ws:
        rows = ws.store.execute("SELECT kind, path FROM exports ORDER BY id")
        assert [(k, Path(p).name) for k, p in rows] == [
            ("posts", "posts.csv"),
            ("report", "report.html"),
        ]
        assert ERASED in out.read_text(encoding="utf-8")
        result = erase(ws, f"twitter:@{ERASED}")
        assert result.proven, result.problems
        assert result.removed["exports"] >= 1 and not out.exists()
        left = {Path(p).name for (p,) in ws.store.execute("SELECT path FROM exports")}
        assert "posts.csv" not in left


def test_the_scheduler_applies_retention_once_a_day(settings: Settings) -> None:
    with Workspace(settings) as ws:
        n = ws.store.execute("SELECT count(*) FROM posts WHERE source = 'ira.csv'")[0][0]
        newest = ws.store.execute("SELECT max(created_at) FROM posts")[0][0]
        assert n > 0 and newest.year < 2019  # every post is older than a year: all go
        set_retention(ws, "ira.csv", "365d")

    @contextmanager
    def open_ws() -> Iterator[Workspace]:
        with Workspace(settings) as w:
            yield w

    scheduler = Scheduler(open_ws)
    tick = scheduler.tick()
    assert "retention" not in tick.errors, tick.errors
    done = tick.results["retention"]
    assert done["due"] and done["deleted"] == {"ira.csv": n} and done["proven"]
    assert scheduler.tick().results["retention"] == {"due": False}  # not again the same day
    with Workspace(settings) as ws:
        assert ws.store.execute("SELECT count(*) FROM posts")[0][0] == 0
