"""The commands end to end, and the analyses alike from Python, the CLI, REST and the pages."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import agorascope
from agorascope import registry
from agorascope.api import create_app
from agorascope.cli import app
from agorascope.config import Settings

from .conftest import DATA, FEBRL_MAP

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"
MAPS = [x for field, col in FEBRL_MAP.items() for x in ("--map", f"{field}={col}")]


def _run(db: Path, *args: str) -> Any:
    out = CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout) if "--json" in args else out.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store built with the commands: two FEBRL slices imported, linked, a segment saved."""
    folder = tmp_path_factory.mktemp("voters-cli")
    db = folder / "v.duckdb"
    for name in ("a", "b"):
        _run(db, "voters", "import", str(DATA / f"febrl4_{name}.csv"), "--source", name, *MAPS,
             "--rejects", str(folder / f"{name}.rej.csv"))  # fmt: skip
    _run(db, "voters", "link", "--threshold", "0.9", "--json")
    _run(db, "voters", "segment", "add", "nsw", "state:NSW")
    yield db


def test_import_twice_changes_nothing_and_link_reports(db: Path, tmp_path: Path) -> None:
    again = _run(db, "voters", "import", str(DATA / "febrl4_a.csv"), "--source", "a", *MAPS,
                 "--rejects", str(tmp_path / "r.csv"), "--json")  # fmt: skip
    assert (again["added"], again["unchanged"], again["rejected"]) == (0, 295, 0)
    run = _run(db, "voters", "link-quality", "--json")["meta"]["run"]
    assert run["records"] == 590 and 295 <= run["persons"] <= 300


def test_export_review_and_pair(db: Path, tmp_path: Path) -> None:
    out = _run(db, "voters", "export", "--out", str(tmp_path / "links.csv"))
    assert "590 records" in out
    assert (tmp_path / "links.csv").read_text().startswith(
        '"person_id","source","record_id","match_probability"')  # fmt: skip
    pairs = _run(db, "voters", "review", "--low", "0", "--high", "1", "--limit", "3", "--json")
    assert len(pairs) == 3
    a, b = pairs[0]["a"], pairs[0]["b"]
    shown = _run(db, "voters", "pair", a, b, "--chart", str(tmp_path / "w.json"), "--json")
    # the waterfall adds up: prior + every comparison's weight = the pair's match weight
    assert shown["prior_weight"] + sum(shown["weights"].values()) == pytest.approx(
        shown["match_weight"], abs=1e-6)  # fmt: skip
    fig = json.loads((tmp_path / "w.json").read_text())
    assert fig["data"][0]["type"] == "waterfall"
    assert fig["layout"]["yaxis"]["title"]["text"].startswith("Match weight (bits")


def test_segment_commands(db: Path, tmp_path: Path) -> None:
    shown = _run(db, "voters", "segment", "show", "nsw", "--json")
    # FEBRL has no consent column and no legal basis: everyone is suppressed
    assert shown["matched"] > 0 and shown["contactable"] == 0
    assert shown["suppressed"] == shown["matched"]
    assert "nsw" in _run(db, "voters", "segment", "list")
    out = CliRunner().invoke(app, ["--db", str(db), "voters", "segment", "add", "x", "shoe:9"])
    assert out.exit_code == 1 and "column 1" in out.output


VOTERS = registry.analyses("voters")


def _params(spec: registry.Analysis, db: Path) -> dict[str, Any]:
    if spec.name != "person":
        return {}
    with agorascope.open(db, read_only=True) as ws:
        return {"person_id": ws.store.execute("SELECT min(person_id) FROM voter_records")[0][0]}


@pytest.mark.parametrize("spec", VOTERS, ids=lambda a: a.name)
def test_python_cli_rest_and_page_agree(db: Path, spec: registry.Analysis) -> None:
    params = _params(spec, db)
    with agorascope.open(db, read_only=True) as ws:
        py = ws.voters.run(spec.name, **params)
    assert py.rows, spec.name
    args = [spec.domain, spec.name, *params.values(), "--limit", "1000", "--json"]
    cli = _run(db, *args)
    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        rest = client.get(spec.path, params={**params, "limit": 1000}).json()
        page = client.get(f"/analyses/voters/{spec.name}", params={"run": 1, **params})
    assert cli["items"] == rest["items"] == py.rows[:1000]
    assert cli["meta"] == rest["meta"] == py.meta
    assert page.status_code == 200 and f"<b>{len(py.rows):,}</b> rows" in page.text


def test_dashboard_pages(db: Path) -> None:
    with agorascope.open(db, read_only=True) as ws:
        pid, a, b = ws.store.execute(
            "SELECT r.person_id, p.uid_l, p.uid_r FROM voter_pairs p "
            "JOIN voter_records r ON r.uid = p.uid_l ORDER BY p.uid_l LIMIT 1"
        )[0]
        sources = ws.voters.run("sources").rows
    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        home = client.get("/voters")
        person = client.get(f"/voters/persons/{pid}")
        pair = client.get("/voters/pair", params={"a": a, "b": b})
        missing = client.get("/voters/persons/P99999999")
        quality = client.get("/analyses/voters/link-quality", params={"run": 1})
    assert home.status_code == 200 and 'id="chart-probabilities"' in home.text
    assert all(f"<td>{s['source']}</td>" in home.text for s in sources)
    assert "<td>nsw</td>" in home.text  # the segment with its counts
    assert person.status_code == 200 and "febrl4_a.csv" in person.text
    assert pair.status_code == 200 and '"waterfall"' in pair.text
    assert missing.status_code == 404
    assert quality.status_code == 200 and "Match probability" in quality.text
