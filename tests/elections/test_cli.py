from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.elections.states import STATES

runner = CliRunner()


def _args(data_dir: Path, *extra: str) -> list[str]:
    return [
        "--polls", str(data_dir / "polls_2016_economist_oct.csv"),
        "--results", str(data_dir / "potus_results_1976_2016.csv"),
        "--year", "2016", "--sims", "20000", *extra,
    ]  # fmt: skip


def test_forecast_json_and_report(data_dir: Path, tmp_path: Path) -> None:
    rep = tmp_path / "r.html"
    rej = tmp_path / "rejects.csv"
    extra = ("--json", "--report", str(rep), "--rejects", str(rej), "--as-of", "2016-11-01")
    res = runner.invoke(app, ["elections", "forecast", *_args(data_dir, *extra)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["simulations"] == 20000 and data["as_of"] == "2016-11-01"
    assert 0 < data["dem_ec_win"] < 1
    assert len(data["units"]) == 56
    assert rep.read_text().count("plotly-graph-div") >= 4
    assert "subpopulation" in rej.read_text()


def test_forecast_text(data_dir: Path) -> None:
    res = runner.invoke(app, ["elections", "forecast", *_args(data_dir)])
    assert res.exit_code == 0, res.output
    assert "Electoral College" in res.stdout and "tipping" in res.stdout


def test_backtest(data_dir: Path) -> None:
    res = runner.invoke(
        app, ["elections", "backtest", *_args(data_dir, "--as-of", "2016-11-08", "--json")]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) >= {"brier", "brier_ev_weighted", "log_loss", "states_called", "calibration"}
    assert 0 <= data["brier"] <= 1 and data["n_states"] == 51
    text = runner.invoke(app, ["elections", "backtest", *_args(data_dir)])
    assert text.exit_code == 0 and "Brier" in text.stdout and "calibration" in text.stdout


def test_simulate(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    rows = ["state,mean,sd"] + [f"{s},{50 + (i - 25) * 0.4:.2f},3" for i, s in enumerate(STATES)]
    p.write_text("\n".join(rows) + "\n")
    res = runner.invoke(
        app,
        [
            "elections",
            "simulate",
            "--states",
            str(p),
            "--sims",
            "20000",
            "--year",
            "2016",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    probs = {u["unit"]: u["dem_win"] for u in data["units"]}
    assert probs["WY"] > probs["AL"]  # later in alphabetical order = higher mean here
    assert np.isclose(data["dem_ec_win"] + data["rep_ec_win"] + data["tie"], 1.0)


def test_errors_are_reported(data_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["elections", "forecast", *_args(data_dir, "--as-of", "2016-13-01")])
    assert res.exit_code == 1 and "YYYY-MM-DD" in res.stderr
    res = runner.invoke(app, ["elections", "backtest", *_args(data_dir, "--as-of", "2015-01-01")])
    assert res.exit_code == 1 and "no usable polls" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    res = runner.invoke(
        app, ["elections", "forecast", "--polls", str(bad), "--results", str(bad), "--year", "2016"]
    )
    assert res.exit_code == 1 and "not a known poll format" in res.stderr
