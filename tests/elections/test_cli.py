"""``agorascope elections ...``: the generated analysis commands and the report command."""

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


def _invoke(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run a command on a store path that does not exist (these analyses need no store)."""
    db = tmp_path / "absent.duckdb"
    res = runner.invoke(app, ["--db", str(db), "elections", *args])
    assert not db.exists()
    return res.exit_code, res.stdout, res.stderr


def test_forecast_json(data_dir: Path, tmp_path: Path) -> None:
    code, out, err = _invoke(
        tmp_path, "forecast", *_args(data_dir, "--as-of", "2016-11-01"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    meta = data["meta"]
    assert meta["simulations"] == 20000 and meta["as_of"] == "2016-11-01"
    assert 0 < meta["dem_ec_win"] < 1
    assert data["total"] == 56
    assert meta["polls_used"] > 0 and meta["polls_rejected"] > 0


def test_report_writes_html_and_rejects(data_dir: Path, tmp_path: Path) -> None:
    rep = tmp_path / "r.html"
    rej = tmp_path / "rejects.csv"
    extra = ("--html", str(rep), "--rejects", str(rej), "--as-of", "2016-11-01", "--json")
    code, out, err = _invoke(tmp_path, "report", *_args(data_dir, *extra))
    assert code == 0, err
    assert json.loads(out)["rows_rejected"] > 0
    assert rep.read_text().count("plotly-graph-div") >= 4
    assert "subpopulation" in rej.read_text()


def test_forecast_text(data_dir: Path, tmp_path: Path) -> None:
    code, out, err = _invoke(tmp_path, "forecast", *_args(data_dir))
    assert code == 0, err
    assert "\ndem_ec_win: " in out and "\npolls_used: " in out


def test_backtest(data_dir: Path, tmp_path: Path) -> None:
    code, out, err = _invoke(
        tmp_path, "backtest", *_args(data_dir, "--as-of", "2016-11-08", "--json")
    )
    assert code == 0, err
    data = json.loads(out)
    meta = data["meta"]
    assert set(meta) >= {"brier", "brier_ev_weighted", "log_loss", "states_called", "calibration"}
    assert 0 <= meta["brier"] <= 1 and meta["n_states"] == 51 and data["total"] == 51
    code, out, _ = _invoke(tmp_path, "backtest", *_args(data_dir))
    assert code == 0 and "\nbrier: " in out and "\ncalibration: " in out


def _states_csv(tmp_path: Path) -> Path:
    p = tmp_path / "s.csv"
    rows = ["state,mean,sd"] + [f"{s},{50 + (i - 25) * 0.4:.2f},3" for i, s in enumerate(STATES)]
    p.write_text("\n".join(rows) + "\n")
    return p


def test_simulate(tmp_path: Path) -> None:
    p = _states_csv(tmp_path)
    args = ["--states", str(p), "--sims", "20000", "--year", "2016", "--limit", "100", "--json"]
    code, out, err = _invoke(tmp_path, "simulate", *args)
    assert code == 0, err
    data = json.loads(out)
    probs = {u["unit"]: u["dem_win"] for u in data["items"]}
    assert probs["WY"] > probs["AL"]  # later in alphabetical order = higher mean here
    meta = data["meta"]
    assert np.isclose(meta["dem_ec_win"] + meta["rep_ec_win"] + meta["tie"], 1.0)


def test_report_of_a_simulation(tmp_path: Path) -> None:
    rep = tmp_path / "r.html"
    args = ["--states", str(_states_csv(tmp_path)), "--sims", "2000", "--html", str(rep)]
    code, out, err = _invoke(tmp_path, "report", *args)
    assert code == 0, err
    assert "report written" in out and rep.read_text().count("plotly-graph-div") >= 4


def test_errors_are_reported(data_dir: Path, tmp_path: Path) -> None:
    code, _, err = _invoke(tmp_path, "forecast", *_args(data_dir, "--as-of", "2016-13-01"))
    assert code == 1 and "as_of" in err
    code, _, err = _invoke(tmp_path, "backtest", *_args(data_dir, "--as-of", "2015-01-01"))
    assert code == 1 and "no usable polls" in err
    code, _, err = _invoke(tmp_path, "forecast", *_args(data_dir, "--sims", "1000001"))
    assert code == 1 and "sims" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = _invoke(
        tmp_path, "forecast", "--polls", str(bad), "--results", str(bad), "--year", "2016"
    )
    assert code == 1 and "not a known results layout" in err
    good = str(data_dir / "potus_results_1976_2016.csv")
    code, _, err = _invoke(
        tmp_path, "forecast", "--polls", str(bad), "--results", good, "--year", "2016"
    )
    assert code == 1 and "not a known poll format" in err
    code, _, err = _invoke(
        tmp_path, "report", "--html", str(tmp_path / "x.html"), "--states", str(bad),
        "--polls", str(bad),
    )  # fmt: skip
    assert code == 1 and "either --states" in err
