"""The registered election analyses: Python, command line and REST give the same rows."""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.api import create_app
from agorascope.cli.app import app
from agorascope.config import Settings
from agorascope.elections.states import STATES

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's import-time notice
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"
POLLS, RESULTS = "polls_2016_economist_oct.csv", "potus_results_1976_2016.csv"


@pytest.fixture(scope="module")
def folder(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the polls, the results and a states table."""
    out = tmp_path_factory.mktemp("elections-data")
    for name in (POLLS, RESULTS):
        shutil.copy(data_dir / name, out / name)
    rows = ["state,mean,sd"] + [f"{s},{50 + (i - 25) * 0.4:.2f},3" for i, s in enumerate(STATES)]
    (out / "states.csv").write_text("\n".join(rows) + "\n")
    return out


@pytest.fixture(scope="module")
def client(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("elections-db") / "s.duckdb"
    with TestClient(create_app(Settings(db=db, data_dir=folder)), base_url=LOCAL) as c:
        yield c


CASES = {
    "forecast": {"polls": POLLS, "results": RESULTS, "year": 2016, "as_of": "2016-11-01",
                 "sims": 3000, "seed": 7},
    "simulate": {"states": "states.csv", "year": 2016, "sims": 3000, "seed": 7},
    "backtest": {"polls": POLLS, "results": RESULTS, "year": 2016, "sims": 3000, "seed": 7},
}  # fmt: skip
FILES = {"polls", "results", "states"}


def _python(folder: Path, tmp_path: Path, name: str, seed: int | None = None) -> Any:
    params = {k: folder / v if k in FILES else v for k, v in CASES[name].items()}
    if seed is not None:
        params["seed"] = seed
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        return getattr(ws.elections, name)(**params)


@pytest.mark.parametrize("name", sorted(CASES))
def test_python_cli_and_rest_agree(
    name: str, folder: Path, tmp_path: Path, client: TestClient
) -> None:
    result = _python(folder, tmp_path, name)
    args = [name]
    for k, v in CASES[name].items():
        args += ["--" + k.replace("_", "-"), str(folder / v) if k in FILES else str(v)]
    res = CliRunner().invoke(app, ["--db", str(tmp_path / "c.duckdb"), "elections", *args,
                                   "--limit", "1000", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    rest = client.get(f"/api/elections/{name}", params={**CASES[name], "limit": 1000})
    assert rest.status_code == 200, rest.text
    page = rest.json()
    assert result.rows and cli["items"] == result.rows and page["items"] == result.rows
    assert cli["meta"] == page["meta"] == json.loads(json.dumps(result.meta))
    assert page["total"] == len(result.rows) == (51 if name == "backtest" else 56)


def test_same_seed_same_forecast_other_seed_differs(folder: Path, tmp_path: Path) -> None:
    a = _python(folder, tmp_path, "simulate")
    assert _python(folder, tmp_path, "simulate").rows == a.rows
    assert _python(folder, tmp_path, "simulate", seed=8).rows != a.rows


@pytest.mark.parametrize("path", ["../x.csv", "/etc/passwd", "../../etc/passwd", "absent.csv"])
def test_rest_reads_files_only_inside_the_data_folder(client: TestClient, path: str) -> None:
    r = client.get("/api/elections/simulate", params={"states": path, "sims": 100})
    assert r.status_code == (404 if path == "absent.csv" else 403), r.text
    r = client.get("/api/elections/forecast", params={**CASES["forecast"], "results": path})
    assert r.status_code == (404 if path == "absent.csv" else 403), r.text


def test_rest_without_a_data_folder_refuses_files(tmp_path: Path) -> None:
    app_ = create_app(Settings(db=tmp_path / "s.duckdb"))
    with TestClient(app_, base_url=LOCAL) as c:
        r = c.get("/api/elections/simulate", params={"states": "states.csv"})
    assert r.status_code == 403 and "AGORASCOPE_DATA_DIR" in r.text


def test_simulations_are_bounded(client: TestClient) -> None:
    r = client.get("/api/elections/simulate", params={"states": "states.csv", "sims": 1_000_001})
    assert r.status_code == 422
    from agorascope.elections.analyses import MAX_SIMS, SimulateParams

    assert SimulateParams.model_fields["sims"].default == MAX_SIMS == 1_000_000


def test_defaults_are_those_of_the_library() -> None:
    import inspect

    from agorascope.elections import run_forecast, simulate_table
    from agorascope.elections.analyses import ForecastParams, SimulateParams

    def defaults(fn: Any) -> dict[str, object]:
        return {n: p.default for n, p in inspect.signature(fn).parameters.items()}

    f, s = defaults(run_forecast), defaults(simulate_table)
    fp, sp = ForecastParams.model_fields, SimulateParams.model_fields
    assert fp["sims"].default == f["n"] and fp["seed"].default == f["seed"]
    assert fp["correlation"].default == f["correlation"]
    assert fp["fundamentals"].default == f["fundamentals"]
    for name in ("national_sd", "df", "year", "seed"):
        assert sp[name].default == s[name], name
    assert sp["sims"].default == s["n"]
