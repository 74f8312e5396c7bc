"""Every platform sample through ``agorascope import FILE`` (no --format), and the cascade
analyses on an edge list, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from platform_check import DATA
from typer.testing import CliRunner

from agorascope.cli.app import app

runner = CliRunner()
SAMPLES = {
    "reddit/RC_sample.zst": "reddit",
    "reddit/RS_sample.jsonl": "reddit",
    "mastodon/statuses.json": "mastodon",
    "bluesky/jetstream.jsonl": "bluesky",
    "youtube/comment_threads_video.json": "youtube",
    "telegram/result_all_chats.json": "telegram",
    "edges/twitter15_edges_root.csv": "edges",
}


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.mark.parametrize(("name", "fmt"), SAMPLES.items(), ids=list(SAMPLES))
def test_import_detects_the_platform(tmp_path: Path, name: str, fmt: str) -> None:
    db = str(tmp_path / "s.duckdb")
    code, out = _run("--db", db, "import", str(DATA / name), "--json")
    assert code == 0, out
    summary = json.loads(out)
    (f,) = summary["files"]
    assert f["format"] == fmt and f["imported"] > 0
    assert f["read"] == f["imported"] + f["duplicates"] + f["rejected"]


def test_cascades_and_accounts_run_on_an_edge_list(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    path = DATA / "edges" / "twitter15_edges_root.csv"
    assert _run("--db", db, "import", str(path), "--json")[0] == 0
    code, out = _run("--db", db, "listen", "cascades", "--json")
    assert code == 0, out
    rows = json.loads(out)["items"]
    assert len(rows) == 2 and all(r["size"] > 10 for r in rows)
    code, out = _run("--db", db, "listen", "accounts", "--json")
    assert code == 0, out
    started = {r["author_id"] for r in json.loads(out)["items"] if r["started"]}
    assert started == {r["root_author"] for r in rows}
