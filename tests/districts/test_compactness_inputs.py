"""Compactness inputs: named or detected area and perimeter attributes, and the reason given
when Polsby-Popper cannot be computed (checked against GerryChain on the bundled Iowa graph)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from gerrychain import Graph, Partition
from gerrychain.metrics import polsby_popper
from gerrychain.updaters import (
    Tally,
    boundary_nodes,
    cut_edges,
    cut_edges_by_part,
    exterior_boundaries,
    interior_boundaries,
    perimeter,
)

from agorascope.districts import (
    DistrictGraph,
    bundled_graph_path,
    graph_from_networkx,
    plan_from_attribute,
    plan_metrics,
    read_graph,
)
from agorascope.errors import NotFoundError


@pytest.fixture(scope="module")
def ia_nx(load_nx: Callable[[str], nx.Graph]) -> nx.Graph:
    return load_nx("IA_counties")


@pytest.fixture(scope="module")
def gerrychain_pp(ia_nx: nx.Graph) -> dict[int, float]:
    updaters = {
        "area": Tally("area", alias="area"),
        "cut_edges": cut_edges,
        "cut_edges_by_part": cut_edges_by_part,
        "perimeter": perimeter,
        "exterior_boundaries": exterior_boundaries,
        "interior_boundaries": interior_boundaries,
        "boundary_nodes": boundary_nodes,
    }
    gc = Partition(Graph.from_networkx(ia_nx), "CD", updaters)
    return {int(d): float(v) for d, v in polsby_popper(gc).items()}


def _renamed(g: nx.Graph, old: str, new: str) -> DistrictGraph:
    h = g.copy()
    for _, data in h.nodes(data=True):
        if old in data:
            data[new] = data.pop(old)
    return graph_from_networkx(h)


def _pp(metrics: dict[str, object]) -> dict[int, float]:
    comp = metrics["compactness"]
    assert isinstance(comp, dict) and "polsby_popper" in comp, comp
    labels = [int(str(x)) for x in metrics["districts"]]  # type: ignore[attr-defined]
    return dict(zip(labels, comp["polsby_popper"], strict=True))


def test_area_renamed_areas_is_detected(ia_nx: nx.Graph, gerrychain_pp: dict[int, float]) -> None:
    g = _renamed(ia_nx, "area", "areas")
    ours = _pp(plan_metrics(g, plan_from_attribute(g, "CD"), "TOTPOP"))
    assert ours == pytest.approx(gerrychain_pp, rel=1e-9)


def test_area_named_explicitly(ia_nx: nx.Graph, gerrychain_pp: dict[int, float]) -> None:
    g = _renamed(ia_nx, "area", "surface")
    plan = plan_from_attribute(g, "CD")
    without = plan_metrics(g, plan, "TOTPOP")["compactness"]
    # ALAND10 (square metres) is detected in place of the missing one: another unit, so say
    # which attribute to name when it is not the intended one
    assert "polsby_popper" in without
    named = _pp(plan_metrics(g, plan, "TOTPOP", area="surface"))
    assert named == pytest.approx(gerrychain_pp, rel=1e-9)


def test_perimeter_renamed(ia_nx: nx.Graph, gerrychain_pp: dict[int, float]) -> None:
    g = _renamed(ia_nx, "boundary_perim", "outer_len")
    plan = plan_from_attribute(g, "CD")
    comp = plan_metrics(g, plan, "TOTPOP")["compactness"]
    assert "boundary_perim" in comp["unavailable"]
    assert "name it with perimeter" in comp["unavailable"]
    named = _pp(plan_metrics(g, plan, "TOTPOP", perimeter="outer_len"))
    assert named == pytest.approx(gerrychain_pp, rel=1e-9)


def test_unknown_attribute_named_is_an_error(ia_nx: nx.Graph) -> None:
    g = graph_from_networkx(ia_nx)
    with pytest.raises(NotFoundError, match=r"no node attribute 'AREA_X'.*ALAND10"):
        plan_metrics(g, plan_from_attribute(g, "CD"), area="AREA_X")


def test_whole_perimeter_gives_the_outer_part(ia_nx: nx.Graph) -> None:
    """A unit's whole perimeter minus its shared borders is its outer border (hand-made:
    PERIM = boundary_perim + the sum of shared_perim), so the scores are unchanged."""
    h = ia_nx.copy()
    for u, data in h.nodes(data=True):
        shared = sum(h.edges[u, v].get("shared_perim", 0.0) for v in h.neighbors(u))
        outer = data.pop("boundary_perim") if data.get("boundary_node") else 0.0
        data.pop("boundary_perim", None)
        data["PERIM"] = outer + shared
    g = graph_from_networkx(h)
    orig = graph_from_networkx(ia_nx)
    plan = plan_from_attribute(g, "CD")
    assert _pp(plan_metrics(g, plan)) == pytest.approx(
        _pp(plan_metrics(orig, plan_from_attribute(orig, "CD"))), rel=1e-9
    )


def test_missing_everything_says_why(gerrymandria: DistrictGraph) -> None:
    comp = plan_metrics(gerrymandria, plan_from_attribute(gerrymandria, "district"))["compactness"]
    assert set(comp) == {"unavailable"}
    assert "no edge has a shared perimeter" in comp["unavailable"]
    assert "no area attribute" in comp["unavailable"]


def test_shared_perimeter_edge_attribute_renamed(
    tmp_path: Path, gerrychain_pp: dict[int, float]
) -> None:
    with gzip.open(bundled_graph_path("IA_counties"), "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    for row in data["adjacency"]:
        for entry in row:
            entry["border_km"] = entry.pop("shared_perim")
    path = tmp_path / "ia.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    g = read_graph(path)
    comp = plan_metrics(g, plan_from_attribute(g, "CD"))["compactness"]
    assert "no edge has a shared perimeter" in comp["unavailable"]
    g = read_graph(path, shared_perimeter="border_km")
    assert _pp(plan_metrics(g, plan_from_attribute(g, "CD"))) == pytest.approx(
        gerrychain_pp, rel=1e-9
    )
    with pytest.raises(NotFoundError, match="no edge has the attribute 'nope'"):
        read_graph(path, shared_perimeter="nope")


def test_cli_area_option(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agorascope.cli.app import app

    with gzip.open(bundled_graph_path("IA_counties"), "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    for node in data["nodes"]:
        node["areas"] = node.pop("area")
        node["surface"] = node["areas"]
    path = tmp_path / "ia.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    args = ["districts", "metrics", str(path), "--plan", "CD", "--json"]
    detected = json.loads(CliRunner().invoke(app, args).output)
    named = json.loads(CliRunner().invoke(app, [*args, "--area", "surface"]).output)
    pp = detected["meta"]["compactness"]["polsby_popper"]
    assert pp == pytest.approx(named["meta"]["compactness"]["polsby_popper"])
    assert all(0 < x < 1 for x in pp)
