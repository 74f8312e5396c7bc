"""Metrics cross-checked against GerryChain 1.0.0 on the same real graphs and plans."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from gerrychain import Election as GCElection
from gerrychain import Graph, Partition
from gerrychain.metrics import efficiency_gap, mean_median, partisan_bias, polsby_popper
from gerrychain.updaters import (
    Tally,
    boundary_nodes,
    county_splits,
    cut_edges,
    cut_edges_by_part,
    exterior_boundaries,
    interior_boundaries,
    perimeter,
)

from agorascope.districts import (
    DistrictGraph,
    Election,
    plan_from_attribute,
    plan_metrics,
)


def _partition(g: nx.Graph, plan: str, elections: dict[str, tuple[str, str]]) -> Partition:
    updaters = {
        "population": Tally("TOTPOP", alias="population"),
        "cut_edges": cut_edges,
        "cut_edges_by_part": cut_edges_by_part,
        "area": Tally("area", alias="area"),
        "perimeter": perimeter,
        "exterior_boundaries": exterior_boundaries,
        "interior_boundaries": interior_boundaries,
        "boundary_nodes": boundary_nodes,
    }
    for name, (a, b) in elections.items():
        updaters[name] = GCElection(name, {"A": a, "B": b})
    return Partition(Graph.from_networkx(g), plan, updaters)


PA_ELECTIONS = {"SEN10": ("SEN10D", "SEN10R"), "PRES16": ("T16PRESD", "T16PRESR")}


@pytest.fixture(scope="module")
def pa_nx(load_nx: Callable[[str], nx.Graph]) -> nx.Graph:
    return load_nx("PA_vtd_9059")


@pytest.mark.parametrize("plan_col", ["CD_2011", "REMEDIAL", "GOV"])
def test_pennsylvania_metrics_match_gerrychain(
    pa: DistrictGraph, pa_nx: nx.Graph, plan_col: str
) -> None:
    gc = _partition(pa_nx, plan_col, PA_ELECTIONS)
    plan = plan_from_attribute(pa, plan_col)
    ours = plan_metrics(
        pa, plan, "TOTPOP", [Election(n, a, b) for n, (a, b) in PA_ELECTIONS.items()]
    )
    assert ours["cut_edges"] == len(gc["cut_edges"])
    labels = [int(x) for x in ours["districts"]]
    pops = dict(zip(labels, ours["population"]["populations"], strict=True))
    for d, p in gc["population"].items():
        assert pops[d] == pytest.approx(p, abs=1e-6)
    pp = dict(zip(labels, ours["compactness"]["polsby_popper"], strict=True))
    for d, value in polsby_popper(gc).items():
        assert pp[d] == pytest.approx(value, rel=1e-9)
    for name in PA_ELECTIONS:
        s = ours["elections"][name]
        assert s["seats_a"] == gc[name].seats("A")
        assert s["efficiency_gap"] == pytest.approx(efficiency_gap(gc[name]), abs=1e-12)
        assert s["mean_median"] == pytest.approx(mean_median(gc[name]), abs=1e-12)
        assert s["partisan_bias"] == pytest.approx(partisan_bias(gc[name]), abs=1e-12)


def test_2011_map_against_remedial_direction(pa: DistrictGraph) -> None:
    """The 2011 map was struck down as a Republican gerrymander: with Democrats as party A,
    its efficiency gap and mean-median are more negative than the remedial map's."""
    el = [Election("SEN10", "SEN10D", "SEN10R", "D", "R")]
    old = plan_metrics(pa, plan_from_attribute(pa, "CD_2011"), "TOTPOP", el)
    new = plan_metrics(pa, plan_from_attribute(pa, "REMEDIAL"), "TOTPOP", el)
    assert old["elections"]["SEN10"]["efficiency_gap"] < new["elections"]["SEN10"]["efficiency_gap"]
    assert old["elections"]["SEN10"]["seats_a"] < new["elections"]["SEN10"]["seats_a"]


def test_iowa_counties_match_gerrychain(
    ia: DistrictGraph, load_nx: Callable[[str], nx.Graph]
) -> None:
    elections = {f"PRES{y}": (f"PRES{y}D", f"PRES{y}R") for y in ("00", "08", "16")}
    g = load_nx("IA_counties")
    # GerryChain needs boundary_perim on every node; the Iowa file has it only on some.
    for _, data in g.nodes(data=True):
        data.setdefault("boundary_perim", 0.0)
    gc = _partition(g, "CD", elections)
    ours = plan_metrics(
        ia,
        plan_from_attribute(ia, "CD"),
        "TOTPOP",
        [Election(n, a, b) for n, (a, b) in elections.items()],
        minority=["BVAP", "HVAP"],
        minority_total="VAP",
    )
    assert ours["cut_edges"] == len(gc["cut_edges"])
    for name in elections:
        s = ours["elections"][name]
        assert s["seats_a"] == gc[name].seats("A")
        assert s["efficiency_gap"] == pytest.approx(efficiency_gap(gc[name]), abs=1e-12)
        assert s["mean_median"] == pytest.approx(mean_median(gc[name]), abs=1e-12)
        assert s["partisan_bias"] == pytest.approx(partisan_bias(gc[name]), abs=1e-12)
    pp = dict(zip(ours["districts"], ours["compactness"]["polsby_popper"], strict=True))
    for d, value in polsby_popper(gc).items():
        assert pp[str(d)] == pytest.approx(value, rel=1e-9)
    assert ours["majority_minority"]["coalition_districts"] == 0


def test_county_splits_match_gerrychain(
    gerrymandria: DistrictGraph, load_nx: Callable[[str], nx.Graph]
) -> None:
    g = Graph.from_networkx(load_nx("gerrymandria"))
    gc = Partition(g, "district", {"splits": county_splits("splits", "county")})
    split_gc = sorted(str(c) for c, info in gc["splits"].items() if info.split)
    ours = plan_metrics(
        gerrymandria, plan_from_attribute(gerrymandria, "district"), county="county"
    )
    assert ours["county_splits"]["split_names"] == split_gc
    assert ours["county_splits"]["split_counties"] == len(split_gc)
