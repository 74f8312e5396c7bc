"""The registered redistricting analyses: Python, command line and REST give the same rows."""

from __future__ import annotations

import json
import shutil
import typing
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.api import create_app
from agorascope.cli.app import app
from agorascope.config import Settings
from agorascope.districts import BUNDLED_GRAPHS, Election, bundled_graph_path, stat_columns
from agorascope.districts.analyses import BundledName

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's import-time notice
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"
ELECTION = "P16=PRES16D,PRES16R"

CASES: dict[str, dict[str, Any]] = {
    "check": {"graph": "IA_counties", "pop": "TOTPOP", "plan": "CD", "k": 4, "tolerance": 1e-5},
    "metrics": {"graph": "IA_counties", "plan": "CD", "pop": "TOTPOP", "election": [ELECTION],
                "county": "COUNTYFP10"},
    "ensemble": {"graph": "IA_counties", "plan": "CD", "pop": "TOTPOP", "election": [ELECTION],
                 "steps": 30, "chains": 2, "tolerance": 0.05, "seed": 3, "burn_in": 5},
}  # fmt: skip


def test_bundled_names_are_the_bundled_graphs() -> None:
    assert typing.get_args(BundledName) == tuple(BUNDLED_GRAPHS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a graph file and a plan CSV."""
    out = tmp_path_factory.mktemp("districts-data")
    shutil.copy(bundled_graph_path("gerrymandria"), out / "g.json")
    nodes = json.loads((out / "g.json").read_text())["nodes"]
    (out / "plan.csv").write_text(
        "id,district\n" + "".join(f"{n['id']},{n['district']}\n" for n in nodes)
    )
    return out


@pytest.fixture(scope="module")
def client(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("districts-db") / "s.duckdb"
    with TestClient(create_app(Settings(db=db, data_dir=folder)), base_url=LOCAL) as c:
        yield c


def _cli(tmp_path: Path, name: str, params: dict[str, Any]) -> Any:
    args = [name, str(params["graph"])]
    for k, v in params.items():
        for item in v if isinstance(v, list) else [v]:
            args += [f"-{k}" if len(k) == 1 else "--" + k.replace("_", "-"), str(item)] * (
                k != "graph"
            )
    res = CliRunner().invoke(
        app, ["--db", str(tmp_path / "c.duckdb"), "districts", *args, "--limit", "1000", "--json"]
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize("name", sorted(CASES))
def test_python_cli_and_rest_agree(name: str, tmp_path: Path, client: TestClient) -> None:
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        result = getattr(ws.districts, name)(**CASES[name])
    cli = _cli(tmp_path, name, CASES[name])
    rest = client.get(f"/api/districts/{name}", params={**CASES[name], "limit": 1000})
    assert rest.status_code == 200, rest.text
    page = rest.json()
    assert cli["items"] == result.rows and page["items"] == result.rows
    assert cli["meta"] == page["meta"] == json.loads(json.dumps(result.meta))
    n_stats = len(stat_columns([Election.parse(ELECTION)]))
    assert (
        page["total"] == len(result.rows) == {"check": 1, "metrics": 1, "ensemble": n_stats}[name]
    )


def test_check_finds_the_plan_out_of_tolerance(tmp_path: Path) -> None:
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        result = ws.districts.check(**CASES["check"])
    assert result.meta["graph"]["ok"] is True and result.meta["plan"]["valid"] is False
    assert [r["subject"] for r in result.rows] == ["plan"]


def test_same_seed_same_ensemble(tmp_path: Path) -> None:
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        a = ws.districts.ensemble(**CASES["ensemble"])
        assert ws.districts.ensemble(**CASES["ensemble"]).rows == a.rows
        assert ws.districts.ensemble(**{**CASES["ensemble"], "seed": 4}).rows != a.rows


def test_bundled_graph_over_rest_needs_no_data_folder(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "s.duckdb")), base_url=LOCAL) as c:
        r = c.get("/api/districts/check", params={"graph": "gerrymandria", "pop": "TOTPOP"})
        assert r.status_code == 200, r.text
        nodes = json.loads(bundled_graph_path("gerrymandria").read_text())["nodes"]
        assert r.json()["meta"]["graph"]["n_nodes"] == len(nodes) == 64
        r = c.get("/api/districts/check", params={"graph": "g.json"})
        assert r.status_code == 403 and "AGORASCOPE_DATA_DIR" in r.text


def test_files_inside_the_data_folder(client: TestClient, folder: Path) -> None:
    r = client.get(
        "/api/districts/metrics",
        params={"graph": "g.json", "plan_csv": "plan.csv", "pop": "TOTPOP"},
    )
    assert r.status_code == 200, r.text
    nodes = json.loads((folder / "g.json").read_text())["nodes"]
    assert r.json()["meta"]["k"] == len({n["district"] for n in nodes}) == 8


@pytest.mark.parametrize("path", ["../g.json", "/etc/passwd", "sub/../../g.json"])
def test_files_outside_the_data_folder_are_refused(client: TestClient, path: str) -> None:
    r = client.get("/api/districts/check", params={"graph": path})
    assert r.status_code == 403, r.text
    r = client.get("/api/districts/check", params={"graph": "g.json", "plan_csv": path})
    assert r.status_code == 403, r.text


def test_ensemble_rows_summarise_the_drawn_states() -> None:
    from agorascope.districts.analyses import EnsembleParams, draw_ensemble

    ens = draw_ensemble(EnsembleParams(**CASES["ensemble"]))
    summary = ens.summary().set_index("statistic")
    diag = ens.diagnostics()
    for col in ("cut_edges", "seats_P16", "efficiency_gap_P16"):
        v = ens.stats[col].to_numpy(dtype=float)
        assert summary.loc[col, "mean"] == pytest.approx(np.mean(v))
        assert summary.loc[col, "sd"] == pytest.approx(np.std(v, ddof=1))
        assert (summary.loc[col, "min"], summary.loc[col, "max"]) == (v.min(), v.max())
        assert summary.loc[col, "rhat"] == diag[col]["rhat"]
    assert set(summary.index) == set(diag)


def test_defaults_are_those_of_the_library() -> None:
    import dataclasses
    import inspect

    from agorascope.districts import EnsembleSettings, plan_metrics
    from agorascope.districts.analyses import EnsembleParams, MetricsParams

    settings = {f.name: f.default for f in dataclasses.fields(EnsembleSettings)}
    for name in ("steps", "chains", "tolerance", "seed", "burn_in", "thin", "county_surcharge"):
        assert EnsembleParams.model_fields[name].default == settings[name], name
    band = inspect.signature(plan_metrics).parameters["competitive_band"].default
    assert MetricsParams.model_fields["competitive_band"].default == band
