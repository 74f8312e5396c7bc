"""``agorascope districts ...``: the generated analysis commands and the commands that write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.districts import bundled_graph_path, read_graph

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path) -> Any:
    """Invoke ``agorascope districts ...`` on a store path that does not exist."""
    db = tmp_path / "absent.duckdb"

    def invoke(args: list[str], code: int = 0) -> Any:
        result = runner.invoke(app, ["--db", str(db), "districts", *args])
        assert result.exit_code == code, result.output
        assert not db.exists()
        return result

    return invoke


def _json(run: Any, args: list[str], code: int = 0) -> Any:
    return json.loads(run([*args, "--json"], code).stdout)


def test_check_valid_graph_and_plan(run: Any) -> None:
    out = _json(run, ["check", "IA_counties", "--pop", "TOTPOP", "--plan", "CD", "-k", "4"])
    assert out["meta"]["graph"]["ok"] is True
    assert out["meta"]["graph"]["n_nodes"] == 99
    assert out["meta"]["plan"]["valid"] is True
    assert out["items"] == []


def test_check_reports_and_repair_fixes(run: Any, tmp_path: Path) -> None:
    src = json.loads(bundled_graph_path("gerrymandria").read_text())
    src["nodes"].append({"id": 999, "TOTPOP": None, "x": 20, "y": 20})
    src["adjacency"].append([])
    path = tmp_path / "g.json"
    path.write_text(json.dumps(src))
    out = _json(run, ["check", str(path), "--pop", "TOTPOP"])
    assert out["meta"]["graph"]["islands"] == ["999"]
    assert out["meta"]["graph"]["missing"] == {"TOTPOP": ["999"]}
    assert {r["subject"] for r in out["items"]} == {"graph"} and out["total"] == 3
    fixed = tmp_path / "fixed.json"
    args = ["repair", str(path), "--pop", "TOTPOP", "--connect", "x,y", "--fill", "TOTPOP=0"]
    out = _json(run, [*args, "--output", str(fixed)])
    assert out["graph"]["ok"] is True
    assert read_graph(fixed).n_edges == 113
    assert _json(run, ["check", str(fixed), "--pop", "TOTPOP"])["meta"]["graph"]["ok"] is True


def test_check_plan_csv(run: Any, tmp_path: Path) -> None:
    g = read_graph(bundled_graph_path("gerrymandria"))
    plan = tmp_path / "p.csv"
    plan.write_text("id,district\n" + "".join(f"{n},{i % 2}\n" for i, n in enumerate(g.node_ids)))
    out = _json(run, ["check", "gerrymandria", "--plan-csv", str(plan), "--pop", "TOTPOP"])
    assert out["meta"]["plan"]["k"] == 2
    assert out["meta"]["plan"]["valid"] is False
    assert {r["subject"] for r in out["items"]} == {"plan"}


def test_metrics_json(run: Any) -> None:
    out = _json(
        run,
        [
            "metrics", "IA_counties", "--plan", "CD", "--pop", "TOTPOP",
            "--election", "PRES16=PRES16D,PRES16R", "--minority", "HVAP", "--minority-total", "VAP",
        ],
    )  # fmt: skip
    meta = out["meta"]
    assert meta["k"] == 4
    assert meta["contiguous"] is True
    (s,) = out["items"]
    assert s["election"] == "PRES16"
    assert s["seats_a"] + s["seats_b"] == 4
    assert "polsby_popper" in meta["compactness"]


def test_metrics_text_and_errors(run: Any) -> None:
    result = run(["metrics", "gerrymandria", "--plan", "district", "--county", "county"])
    assert "\ncounty_splits: " in result.stdout
    bad = run(["metrics", "gerrymandria", "--plan", "nope"], code=1)
    assert "no node attribute 'nope'" in bad.output
    bad = run(["metrics", "gerrymandria"], code=1)
    assert "give one plan" in bad.output
    bad = run(["metrics", "not_a_graph"], code=1)
    assert "not_a_graph" in bad.output


_ENSEMBLE = [
    "IA_counties", "--plan", "CD", "--pop", "TOTPOP", "--election", "P16=PRES16D,PRES16R",
    "--steps", "60", "--chains", "2", "--tolerance", "0.05", "--seed", "3", "--burn-in", "10",
]  # fmt: skip


def test_ensemble_draw_and_report(run: Any, tmp_path: Path) -> None:
    out = _json(run, ["ensemble", *_ENSEMBLE, "--limit", "100"])
    assert out["meta"]["kept"] == 100
    stats = {r["statistic"]: r for r in out["items"]}
    assert set(stats) >= {"cut_edges", "seats_P16", "efficiency_gap_P16"}
    assert stats["cut_edges"]["rhat"] is not None
    path = tmp_path / "s.parquet"
    drawn = _json(run, ["draw", *_ENSEMBLE, "--out", str(path)])
    assert drawn["kept"] == 100
    from agorascope.districts import Ensemble

    summary = Ensemble.from_parquet(path).stats["cut_edges"]
    assert summary.mean() == pytest.approx(stats["cut_edges"]["mean"])  # same seed, same chain
    html = tmp_path / "r.html"
    rep = _json(
        run,
        [
            "report", "IA_counties", "--stats", str(path), "--plan", "CD", "--pop", "TOTPOP",
            "-e", "P16=PRES16D,PRES16R", "--html", str(html),
        ],
    )  # fmt: skip
    metrics = {r["metric"] for r in rep["rows"]}
    assert metrics >= {"cut_edges", "seats_P16", "max_deviation"}
    assert all(0 <= r["percentile"] <= 100 for r in rep["rows"])
    assert html.exists()
    text = run(
        [
            "report", "IA_counties", "--stats", str(path), "--plan", "CD", "--pop", "TOTPOP",
            "-e", "OTHER=PRES16D,PRES16R",
        ],
        code=1,
    )  # fmt: skip
    assert "not in the ensemble" in text.output


@pytest.mark.parametrize("command", ["check", "metrics", "ensemble", "draw", "repair", "report"])
def test_help(command: str) -> None:
    result = runner.invoke(app, ["districts", command, "--help"])
    assert result.exit_code == 0
