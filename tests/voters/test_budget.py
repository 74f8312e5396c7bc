"""Budget: tipping points and voter power by hand on three states, consistency with the
elections forecast on real 2016 numbers, a seeded and reproducible allocation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.cli import app
from agorascope.elections.pipeline import simulate_table, table_input
from agorascope.elections.states import STATES
from agorascope.errors import InvalidInputError
from agorascope.voters.budget import SpendingModel, allocate, plan_budget, state_power
from agorascope.voters.experiments_charts import budget_chart

RESULTS = Path(__file__).parents[1] / "elections" / "data" / "potus_results_1976_2016.csv"

# three states (3, 5 and 7 electoral votes: 8 to win) and four simulations
SHARES = np.array(
    [
        [0.52, 0.492, 0.505],  # Dem wins A + C = 10; C tips it
        [0.40, 0.60, 0.495],  # Rep wins A + C = 10; C tips it
        [0.505, 0.55, 0.45],  # Dem wins A + B = 8 exactly; A tips it
        [0.60, 0.495, 0.58],  # Dem wins A + C = 10; C tips it
    ]
)
EV = np.array([3, 5, 7])
NAMES3 = ["A", "B", "C"]
VOTERS = np.array([1000.0, 2000.0, 4000.0])


def test_tipping_points_and_voter_power_by_hand() -> None:
    out = state_power(SHARES, EV, NAMES3, NAMES3, VOTERS, bandwidth=0.01).set_index("state")
    assert list(out["tipping_point"]) == [0.25, 0.0, 0.75]
    # within 0.01 of a half: A in sim 3; B in sims 1 and 4; C in sims 1 and 2
    assert list(out["p_close"]) == [0.25, 0.5, 0.5]
    # A decides sim 3 (5 votes without it, 8 with); B never decides; C decides sims 1 and 2
    assert list(out["p_decisive_if_close"]) == [1.0, 0.0, 1.0]
    # P(one vote decides) = density at 1/2 (p_close / 2h) x P(decisive | close) / voters
    want = np.array([0.25 / 0.02 / 1000, 0.0, 0.5 / 0.02 / 4000])
    assert out["p_vote_decides"].to_numpy() == pytest.approx(want, rel=1e-12)
    per_voter = (want * VOTERS).sum() / VOTERS.sum()
    assert out["power_index"].to_numpy() == pytest.approx(want / per_voter, rel=1e-12)
    assert out.loc["A", "power_index"] == pytest.approx(7 / 3)


def test_one_chunk_goes_where_it_wins_most_by_hand() -> None:
    # $40,000 in C (4,000 voters, b = $10) moves it 0.01 ln 2 = 0.0069: sim 2 flips (0.495 ->
    # 0.502) and the Democrat wins all four; no other state can flip a lost simulation
    spend, path = allocate(SHARES, EV, NAMES3, NAMES3, VOTERS, 40_000, steps=1)
    assert list(spend) == [0, 0, 40_000]
    assert path == [{"state": 2.0, "win": 1.0, "ev": pytest.approx((10 + 12 + 8 + 10) / 4)}]
    assert SpendingModel().shift(np.array([40_000.0]), np.array([4000.0]))[0] == pytest.approx(
        0.01 * np.log(2)
    )


def test_greedy_steps_equal_a_brute_force_search() -> None:
    rng = np.random.default_rng(4)
    shares = rng.normal(0.5, 0.03, (300, 3))
    model = SpendingModel(0.02, 5.0)
    spend, path = allocate(shares, EV, NAMES3, NAMES3, VOTERS, 90_000, model=model, steps=6)
    mine = np.zeros(3)
    for step in path:
        chunk = 15_000
        gains = []
        for s in range(3):
            trial = mine.copy()
            trial[s] += chunk
            moved = shares + model.shift(trial, VOTERS)[None, :]
            gains.append((((moved > 0.5) @ EV) >= 8).mean())
        assert step["win"] == pytest.approx(max(gains))
        mine[int(step["state"])] += chunk
    assert list(spend) == list(mine) and spend.sum() == pytest.approx(90_000)


@pytest.fixture(scope="module")
def states_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2016's real two-party shares and turnout per state, with a 3-point sd."""
    r = pd.read_csv(RESULTS)
    r = r[r["year"] == 2016]
    two = r["dem"] / (r["dem"] + r["rep"])
    out = tmp_path_factory.mktemp("budget") / "states.csv"
    pd.DataFrame({"state": r["state"], "mean": two, "sd": 0.03, "votes": r["total_votes"]}).to_csv(
        out, index=False
    )
    return out


def test_the_draws_are_the_elections_forecast(states_csv: Path) -> None:
    fc = simulate_table(states_csv, year=2016, n=5000, seed=3)
    plan = plan_budget(table_input(states_csv, year=2016), 1e6, sims=5000, seed=3, steps=5)
    assert plan.meta["win_before"] == pytest.approx(fc.dem_ec_win, abs=1e-12)
    assert plan.meta["ev_before"] == pytest.approx(fc.ev_mean, abs=1e-9)
    units = fc.units.groupby("state")["tipping_point"].sum()
    got = {r["state"]: r["tipping_point"] for r in plan.rows}
    assert [got[s] for s in STATES] == pytest.approx([units[s] for s in STATES], abs=1e-12)
    wins = fc.win_probabilities()
    assert [r["win_prob"] for r in plan.rows] == pytest.approx([wins[s] for s in STATES])


def test_plan_is_seeded_and_spends_the_total(states_csv: Path) -> None:
    inp = table_input(states_csv, year=2016)
    a = plan_budget(inp, 5e6, sims=4000, seed=1, steps=20)
    b = plan_budget(inp, 5e6, sims=4000, seed=1, steps=20)
    c = plan_budget(inp, 5e6, sims=4000, seed=2, steps=20)
    assert a.rows == b.rows and a.meta == b.meta
    assert a.rows != c.rows
    assert sum(r["spend"] for r in a.rows) == pytest.approx(5e6)
    assert a.meta["win_after"] >= a.meta["win_before"]
    rep = plan_budget(inp, 5e6, sims=4000, seed=1, steps=20, party="rep")
    assert rep.meta["win_before"] == pytest.approx(1 - a.meta["win_before"], abs=0.01)
    fig = budget_chart(a.rows)
    assert fig["data"][0]["type"] == "choropleth" and fig["layout"]["geo"]["scope"] == "usa"
    assert fig["layout"]["yaxis"]["title"]["text"] == "dollars"


def test_budget_needs_turnout(tmp_path: Path) -> None:
    rows = ["state,mean,sd"] + [f"{s},0.5,0.03" for s in STATES]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(InvalidInputError, match="number of voters"):
        plan_budget(table_input(tmp_path / "s.csv"), 1e6, sims=200)


def test_python_and_cli_agree(states_csv: Path, tmp_path: Path) -> None:
    args = {"total": 2e6, "states": states_csv, "year": 2016, "sims": 2000, "steps": 10}
    with agorascope.open(tmp_path / "b.duckdb") as ws:
        py = ws.voters.budget(**args)
    cli_args = ["--db", str(tmp_path / "c.duckdb"), "voters", "budget"]
    for k, v in args.items():
        cli_args += [f"--{k}", str(v)]
    out = CliRunner().invoke(app, [*cli_args, "--limit", "100", "--json"])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    assert cli["items"] == py.rows and cli["meta"] == py.meta
    bad = CliRunner().invoke(app, ["voters", "budget", "--total", "5"])
    assert bad.exit_code == 1 and "give either states, or polls and results" in bad.output
