"""The seed's worked examples as named cases."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from agorascope.districts import (
    Election,
    EnsembleSettings,
    enumerate_partitions,
    grid_graph,
    house_seats_votes,
    outcome,
    outcome_distribution,
    plan_metrics,
    run_ensemble,
    seed_region,
    validate_plan,
)
from agorascope.errors import ImportFormatError, InvalidInputError


def test_region_has_20_red_and_30_blue() -> None:
    g, _ = seed_region()
    assert (g.n_nodes, g.numeric("red").sum(), g.numeric("blue").sum()) == (50, 20, 30)


@pytest.mark.parametrize(
    ("name", "red", "blue"),
    [("fair_3_2", 2, 3), ("blue_5_0", 0, 5), ("red_gerrymander", 3, 2)],
    ids=["fair", "five-nil", "gerrymander"],
)
def test_the_three_plans_of_the_seed(name: str, red: int, blue: int) -> None:
    g, plans = seed_region()
    plan = plans[name]
    assert validate_plan(g, plan, "population", k=5, tolerance=0.0).valid
    o = outcome(g, plan)
    assert (o.red, o.blue, o.ties) == (red, blue, 0)


def test_gerrymander_metrics_point_at_red() -> None:
    g, plans = seed_region()
    el = [Election("vote", "red", "blue", "red", "blue")]
    fair = plan_metrics(g, plans["fair_3_2"], "population", el)["elections"]["vote"]
    gerry = plan_metrics(g, plans["red_gerrymander"], "population", el)["elections"]["vote"]
    # By hand: three red wins 6-4 (red wastes 1 each, blue 4 each), two blue wins 10-0 and 8-2
    # (blue wastes 5 and 3, red 0 and 2): EG = ((12 + 8) - (3 + 2)) / 50
    assert gerry["efficiency_gap"] == pytest.approx(15 / 50)
    assert fair["efficiency_gap"] < gerry["efficiency_gap"]
    # a 1 x 10 row: area 10, perimeter 22; a 5 x 2 strip: area 10, perimeter 14
    pp_rows = plan_metrics(g, plans["fair_3_2"])["compactness"]["polsby_popper"]
    pp_strips = plan_metrics(g, plans["blue_5_0"])["compactness"]["polsby_popper"]
    assert pp_rows == pytest.approx([4 * math.pi * 10 / 22**2] * 5)
    assert pp_strips == pytest.approx([4 * math.pi * 10 / 14**2] * 5)


@pytest.mark.parametrize(("rows", "cols", "k", "count"), [(4, 4, 4, 117), (5, 5, 5, 4006)])
def test_enumeration_matches_published_counts(rows: int, cols: int, k: int, count: int) -> None:
    # OEIS A172477: partitions of an n x n grid into n connected pieces of n cells.
    assert sum(1 for _ in enumerate_partitions(grid_graph(rows, cols), k)) == count


def test_enumeration_outcomes_on_a_small_region() -> None:
    g = grid_graph(4, 4)
    red = (g.numeric("row") < 1).astype(float)
    g = g.with_attrs(red=red, blue=1 - red)
    dist = outcome_distribution(g, 4)
    assert sum(dist.values()) == 117
    # 4 red voters in districts of 4 can win at most one district (3 of 4 needs 3 red)
    assert max(r for r, _, _ in dist) == 1
    with pytest.raises(InvalidInputError):
        next(enumerate_partitions(g, 3))


def test_sampled_range_of_outcomes_includes_the_extremes() -> None:
    g, plans = seed_region()
    ens = run_ensemble(
        g,
        plans["fair_3_2"],
        "population",
        [Election("v", "red", "blue", "red", "blue")],
        EnsembleSettings(steps=1500, chains=2, tolerance=0.0, seed=3),
    )
    counts = ens.stats["seats_v"].value_counts()
    # every outcome from a blue sweep to the 3-2 red gerrymander, and nothing beyond: with 20
    # voters red cannot reach 6 in more than three districts of ten
    assert set(counts.index) == {0, 1, 2, 3}
    assert counts.idxmax() == 2  # the proportional outcome is the most common


def test_house_2016_seats_votes(tmp_path: Path) -> None:
    path = tmp_path / "house.csv"
    path.write_text(
        "state,district,winner,REP,DEM,OTHER\n"
        "AA,1,REP,60,40,0\nAA,2,REP,55,45,10\nBB,1,DEM,10,90,0\n"
    )
    out = house_seats_votes(path)
    assert (out["seats"], out["seats_a"], out["seats_b"]) == (3, 2, 1)
    assert out["vote_share_a"] == pytest.approx(125 / 310)
    assert out["two_party_share_a"] == pytest.approx(125 / 300)
    path.write_text("state,district,winner,REP,DEM\nAA,1,GRN,1,2\n")
    with pytest.raises(ImportFormatError, match="line 2, field winner"):
        house_seats_votes(path)
