"""Seeded starting plans (recursive spanning-tree cuts) on the bundled real graphs: populations
and contiguity checked independently (pandas sums, networkx), validity compared with
GerryChain's recursive_tree_part on the same graph."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from gerrychain import Graph
from gerrychain.partition.initial_partition_generators import recursive_tree_part
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.districts import (
    DistrictGraph,
    graph_from_networkx,
    plan_from_csv,
    tree_plan,
    write_plan_csv,
)
from agorascope.errors import InvalidInputError, NotFoundError


def _assignment(g: DistrictGraph, plan_values: list[Hashable]) -> dict[Hashable, Hashable]:
    return dict(zip(g.node_ids, plan_values, strict=True))


def _check_valid(
    gnx: nx.Graph, assignment: dict[Hashable, Hashable], k: int, tolerance: float
) -> float:
    """Every unit assigned, k districts, each connected and within the tolerance; the
    largest deviation."""
    assert set(assignment) == set(gnx.nodes)
    df = pd.DataFrame(
        {"district": list(assignment.values()), "pop": [gnx.nodes[u]["TOTPOP"] for u in assignment]}
    )
    pops = df.groupby("district")["pop"].sum()
    assert len(pops) == k
    ideal = df["pop"].sum() / k
    worst = float(((pops - ideal).abs() / ideal).max())
    assert worst <= tolerance + 1e-12
    for d in pops.index:
        members = [u for u, x in assignment.items() if x == d]
        assert nx.is_connected(gnx.subgraph(members)), f"district {d} is not connected"
    return worst


def _ours(g: DistrictGraph, k: int, tol: float, seed: int) -> dict[Hashable, Hashable]:
    plan = tree_plan(g, "TOTPOP", k, tol, seed)
    return _assignment(g, [plan.labels[int(d)] for d in plan.assignment])


@pytest.mark.parametrize(
    ("name", "k", "tol"), [("IA_counties", 4, 0.01), ("PA_vtd_9059", 18, 0.02)], ids=["IA", "PA"]
)
def test_valid_and_seeded(
    name: str,
    k: int,
    tol: float,
    load_nx: Callable[[str], nx.Graph],
    request: pytest.FixtureRequest,
) -> None:
    g = request.getfixturevalue("ia" if name == "IA_counties" else "pa")
    gnx = load_nx(name)
    for seed in (0, 1, 2):
        _check_valid(gnx, _ours(g, k, tol, seed), k, tol)
    assert _ours(g, k, tol, 5) == _ours(g, k, tol, 5)
    assert _ours(g, k, tol, 5) != _ours(g, k, tol, 6)


def test_as_valid_as_gerrychain(ia: DistrictGraph, load_nx: Callable[[str], nx.Graph]) -> None:
    gnx = load_nx("IA_counties")
    theirs = recursive_tree_part(
        Graph.from_networkx(gnx), range(4), sum(gnx.nodes[u]["TOTPOP"] for u in gnx) / 4,
        "TOTPOP", 0.01, rng=3,
    )  # fmt: skip
    _check_valid(gnx, theirs, 4, 0.01)
    _check_valid(gnx, _ours(ia, 4, 0.01, 3), 4, 0.01)


def test_bad_requests(ia: DistrictGraph, gerrymandria: DistrictGraph) -> None:
    with pytest.raises(InvalidInputError, match="between 2 and 99"):
        tree_plan(ia, "TOTPOP", 1)
    with pytest.raises(InvalidInputError, match="tolerance"):
        tree_plan(ia, "TOTPOP", 4, 0.0)
    two = nx.disjoint_union(nx.path_graph(4), nx.path_graph(4))
    nx.set_node_attributes(two, 1, "TOTPOP")
    with pytest.raises(InvalidInputError, match="2 disconnected parts"):
        tree_plan(graph_from_networkx(two), "TOTPOP", 2, 0.5)
    with pytest.raises(NotFoundError, match="TOTPOP_X"):
        tree_plan(gerrymandria, "TOTPOP_X", 2)


def test_plan_csv_round_trip(ia: DistrictGraph, tmp_path: Path) -> None:
    plan = tree_plan(ia, "TOTPOP", 4, 0.01, seed=9)
    back = plan_from_csv(ia, write_plan_csv(ia, plan, tmp_path / "p.csv"))
    assert back.labels == plan.labels
    assert (back.assignment == plan.assignment).all()


def test_cli_plan_new_then_ensemble(tmp_path: Path, load_nx: Callable[[str], nx.Graph]) -> None:
    runner = CliRunner()
    out = tmp_path / "start.csv"
    args = ["districts", "plan", "new", "IA_counties", "--districts", "4", "--seed", "4"]
    res = runner.invoke(app, [*args, "--tolerance", "0.01", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["max_abs_deviation"] <= 0.01
    plan = pd.read_csv(out)
    gnx = load_nx("IA_counties")
    assert _check_valid(gnx, dict(zip(plan["id"], plan["district"], strict=True)), 4, 0.01) == (
        pytest.approx(summary["max_abs_deviation"])
    )
    again = json.loads(runner.invoke(app, [*args, "--tolerance", "0.01", "--json"]).output)
    assert again["assignment"] == {
        str(i): d for i, d in zip(plan["id"], plan["district"], strict=True)
    }
    ens = ["districts", "ensemble", "IA_counties", "--pop", "TOTPOP", "--steps", "20"]
    res = runner.invoke(app, [*ens, "--plan-csv", str(out), "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*ens, "--start", "new", "--districts", "4", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["meta"]["kept"] == 40
    res = runner.invoke(app, [*ens, "--start", "new", "--json"])
    assert res.exit_code != 0
    assert "needs the number of districts" in res.output
