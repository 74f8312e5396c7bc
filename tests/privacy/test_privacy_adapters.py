"""The privacy CLI and REST routes: JSON output, exit codes, admin-only access, the page."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agorascope.api import create_app
from agorascope.api.security import create_token
from agorascope.cli.app import app as cli_app
from agorascope.config import Settings
from agorascope.store import Store
from agorascope.workspace import Workspace

from .conftest import ERASED

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

runner = CliRunner()
LOCAL = "http://127.0.0.1:8000"


@pytest.fixture
def db(ws: Workspace) -> Path:
    path = ws.settings.db
    ws.close()
    return path


def _cli(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        cli_app,
        ["--db", str(db), "privacy", *args],
        env={"COLUMNS": "200", "AGORASCOPE_DETECT_LANGUAGE": "false"},
    )
    return result.exit_code, result.stdout


def test_cli_find_erase_and_audit(db: Path, tmp_path: Path) -> None:
    code, out = _cli(db, "find", f"@{ERASED}", "--json")
    assert code == 0 and json.loads(out)["accounts"] == [
        {"platform": "twitter", "author_id": ERASED}
    ]
    code, out = _cli(db, "access", f"@{ERASED}", "--out", str(tmp_path / "pkg"), "--json")
    assert code == 0 and "index.html" in json.loads(out)["files"]
    code, out = _cli(db, "erase", f"@{ERASED}", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"] is True
    code, out = _cli(db, "erase", f"@{ERASED}", "--json")
    assert code == 0 and json.loads(out)["proven"] is True
    code, out = _cli(db, "requests", "--json")
    assert code == 0 and [r["kind"] for r in json.loads(out)] == ["erase", "access"]
    code, out = _cli(db, "audit", "--verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    with Store.open(db) as store:  # someone edits an entry behind agorascope's back
        store.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    code, out = _cli(db, "audit", "--verify", "--json")
    assert code == 1 and json.loads(out)["problems"] == [
        "entry 1: content does not match its hash (edited)"
    ]


def test_cli_errors_are_messages(db: Path) -> None:
    code, _ = _cli(db, "find", "not an identifier")
    assert code == 1
    code, _ = _cli(db, "retention", "set", "ira.csv", "--keep", "forever")
    assert code == 1


def test_rest_routes_are_admin_only_and_prove_erasure(db: Path) -> None:
    with Store.open(db) as store:
        _, analyst = create_token(store, "analyst", "a")
        _, admin = create_token(store, "admin", "b")
    app = create_app(Settings(db=db, detect_language=False))
    with TestClient(app, base_url=LOCAL) as client:
        as_analyst = {"Authorization": f"Bearer {analyst}"}
        as_admin = {"Authorization": f"Bearer {admin}"}
        r = client.get("/api/privacy/find", params={"identifier": f"@{ERASED}"}, headers=as_analyst)
        assert r.status_code == 403
        r = client.get("/api/privacy/find", params={"identifier": f"@{ERASED}"}, headers=as_admin)
        assert r.status_code == 200 and r.json()["counts"]["authors"] == 1
        r = client.post("/api/privacy/access", json={"identifier": f"@{ERASED}"}, headers=as_admin)
        assert r.status_code == 200 and r.json()["records"]["authors"][0]["id"] == ERASED
        r = client.post("/api/privacy/erase", json={"identifier": f"@{ERASED}"}, headers=as_admin)
        assert r.status_code == 200 and r.json()["proven"] is True
        # the store file was replaced: token checks and reads go on working
        r = client.get("/api/privacy/requests", headers=as_admin)
        assert r.status_code == 200 and r.json()[0]["status"] == "done"
        r = client.get("/api/privacy/audit", headers=as_admin)
        assert r.json()["ok"] is True
        r = client.post("/api/privacy/erase", json={"identifier": "garbage"}, headers=as_admin)
        assert r.status_code == 422
        page = client.get("/privacy", headers=as_admin)
        assert page.status_code == 200 and "Hash chain intact" in page.text
        assert client.get("/privacy", headers=as_analyst).status_code == 403
