"""``agorascope token``, ``agorascope report``, ``agorascope serve`` and ``demo --no-serve``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import build_store
from typer.testing import CliRunner

from agorascope.cli import serve as serve_cli
from agorascope.cli.app import app
from agorascope.store import Store

if not any(c.name == "report" for c in app.registered_commands):
    serve_cli.register(app)  # until cli/app.py registers the module itself

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_token_create_list_revoke(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    made = invoke("--db", db, "token", "create", "--role", "analyst", "--name", "ci", "--json")
    assert made.exit_code == 0, made.output
    info = json.loads(made.output)
    assert info["role"] == "analyst" and info["token"].startswith("ags_")
    listed = json.loads(invoke("--db", db, "token", "list", "--json").output)
    assert [t["id"] for t in listed] == [info["id"]]
    assert "token" not in listed[0]
    assert invoke("--db", db, "token", "revoke", info["id"]).exit_code == 0
    assert json.loads(invoke("--db", db, "token", "list", "--json").output) == []
    again = runner.invoke(app, ["--db", db, "token", "revoke", info["id"]])
    assert again.exit_code == 1 and "no active token" in again.output
    bad = runner.invoke(app, ["--db", db, "token", "create", "--role", "root"])
    assert bad.exit_code == 1 and "unknown role" in bad.output


def test_report_writes_one_self_contained_file(tmp_path: Path) -> None:
    # a store of its own: two Ibis connections to one database clash on the query UDFs
    demo_db = build_store(tmp_path, posts=1500)
    out = tmp_path / "hoax.html"
    r = invoke(
        "--db",
        str(demo_db),
        "report",
        "--topic",
        "it_outage",
        "--out",
        str(out),
        "--since",
        "2024-07-18",
        "--until",
        "2024-07-22",
    )
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "window.PlotlyGeoAssets" in html
    assert not re.search(r"<(script|link)[^>]*(src|href)=", html)
    assert "realinsidernews" in html
    bad = runner.invoke(
        app, ["--db", str(demo_db), "report", "--topic", "(oops", "--out", str(tmp_path / "x.html")]
    )
    assert bad.exit_code == 1
    out = tmp_path / "none.html"
    for name, hint in (("it_outag", "did you mean 'it_outage'"), ("nope_topic", "saved topics")):
        unknown = runner.invoke(
            app, ["--db", str(demo_db), "report", "--topic", name, "--out", str(out)]
        )
        assert unknown.exit_code == 1, unknown.output
        said = " ".join(unknown.output.split())  # whatever the terminal's width
        assert f"no topic named '{name}'" in said and hint in said
        assert not out.exists()


def test_serve_builds_the_app_and_hands_it_to_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app_: Any, host: str, port: int, log_level: str) -> None:
        seen.update(app=app_, host=host, port=port)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = str(tmp_path / "s.duckdb")
    r = invoke("--db", db, "serve", "--port", "8765")
    assert r.exit_code == 0, r.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8765
    assert "http://127.0.0.1:8765/" in r.output
    assert not seen["app"].state.agorascope.require_tokens
    r = invoke("--db", db, "serve", "--host", "0.0.0.0", "--port", "8766")
    assert seen["app"].state.agorascope.require_tokens


def test_demo_no_serve_loads_topics(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    r = invoke("--db", str(db), "demo", "--no-serve", "--posts", "800", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output[r.output.index("{") :])["posts"] > 800
    store = Store.open(db)
    names = {row[0] for row in store.execute("SELECT name FROM topics")}
    store.close()
    assert {"it_outage", "olympics", "boycott", "trend"} <= names
