from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.districts import bundled_graph_path, read_graph

runner = CliRunner()


def _json(args: list[str], code: int = 0) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["districts", *args])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_check_valid_graph_and_plan() -> None:
    out = _json(["check", "IA_counties", "--pop", "TOTPOP", "--plan", "CD", "--k", "4", "--json"])
    assert out["graph"]["ok"] is True
    assert out["graph"]["n_nodes"] == 99
    assert out["plan"]["valid"] is True


def test_check_reports_and_repairs(tmp_path: Path) -> None:
    src = json.loads(bundled_graph_path("gerrymandria").read_text())
    src["nodes"].append({"id": 999, "TOTPOP": None, "x": 20, "y": 20})
    src["adjacency"].append([])
    path = tmp_path / "g.json"
    path.write_text(json.dumps(src))
    out = _json(["check", str(path), "--pop", "TOTPOP", "--json"], code=2)
    assert out["graph"]["islands"] == ["999"]
    assert out["graph"]["missing"] == {"TOTPOP": ["999"]}
    fixed = tmp_path / "fixed.json"
    out = _json(
        [
            "check",
            str(path),
            "--pop",
            "TOTPOP",
            "--connect",
            "x,y",
            "--fill",
            "TOTPOP=0",
            "--output",
            str(fixed),
            "--json",
        ],
    )
    assert out["graph"]["ok"] is True
    assert read_graph(fixed).n_edges == 113


def test_metrics_json() -> None:
    out = _json(
        [
            "metrics",
            "IA_counties",
            "--plan",
            "CD",
            "--pop",
            "TOTPOP",
            "-e",
            "PRES16=PRES16D,PRES16R",
            "--minority",
            "HVAP",
            "--minority-total",
            "VAP",
            "--json",
        ],
    )
    assert out["k"] == 4
    assert out["contiguous"] is True
    s = out["elections"]["PRES16"]
    assert s["seats_a"] + s["seats_b"] == 4
    assert "polsby_popper" in out["compactness"]


def test_metrics_text_and_errors() -> None:
    result = runner.invoke(
        app, ["districts", "metrics", "gerrymandria", "--plan", "district", "--county", "county"]
    )
    assert result.exit_code == 0, result.output
    assert "counties split" in result.stdout
    bad = runner.invoke(app, ["districts", "metrics", "gerrymandria", "--plan", "nope"])
    assert bad.exit_code == 1
    assert "no node attribute 'nope'" in bad.output


def test_ensemble_and_report(tmp_path: Path) -> None:
    stats = tmp_path / "s.parquet"
    out = _json(
        [
            "ensemble",
            "IA_counties",
            "--plan",
            "CD",
            "--pop",
            "TOTPOP",
            "-e",
            "P16=PRES16D,PRES16R",
            "--steps",
            "60",
            "--chains",
            "2",
            "--tolerance",
            "0.05",
            "--seed",
            "3",
            "--burn-in",
            "10",
            "--out",
            str(stats),
            "--json",
        ],
    )
    assert out["kept"] == 100
    assert set(out["statistics"]) >= {"cut_edges", "seats_P16", "efficiency_gap_P16"}
    assert "rhat" in out["statistics"]["cut_edges"]
    again = _json(
        [
            "ensemble",
            "IA_counties",
            "--plan",
            "CD",
            "--pop",
            "TOTPOP",
            "-e",
            "P16=PRES16D,PRES16R",
            "--steps",
            "60",
            "--chains",
            "2",
            "--tolerance",
            "0.05",
            "--seed",
            "3",
            "--burn-in",
            "10",
            "--out",
            str(tmp_path / "t.parquet"),
            "--json",
        ],
    )
    assert again["statistics"] == out["statistics"]
    html = tmp_path / "r.html"
    rep = _json(
        [
            "report",
            "IA_counties",
            "--stats",
            str(stats),
            "--plan",
            "CD",
            "--pop",
            "TOTPOP",
            "-e",
            "P16=PRES16D,PRES16R",
            "--html",
            str(html),
            "--json",
        ],
    )
    metrics = {r["metric"] for r in rep["rows"]}
    assert metrics >= {"cut_edges", "seats_P16", "max_deviation"}
    assert all(0 <= r["percentile"] <= 100 for r in rep["rows"])
    assert html.exists()
    text = runner.invoke(
        app,
        [
            "districts",
            "report",
            "IA_counties",
            "--stats",
            str(stats),
            "--plan",
            "CD",
            "--pop",
            "TOTPOP",
            "-e",
            "OTHER=PRES16D,PRES16R",
        ],
    )
    assert text.exit_code == 1
    assert "not in the ensemble" in text.output


@pytest.mark.parametrize("command", ["check", "metrics", "ensemble", "report"])
def test_help(command: str) -> None:
    result = runner.invoke(app, ["districts", command, "--help"])
    assert result.exit_code == 0
