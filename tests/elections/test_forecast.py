from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from agorascope.elections import (
    ForecastRun,
    calibration_table,
    read_results,
    run_forecast,
    score_forecast,
    time_for_change,
)
from agorascope.errors import NotFoundError

EDAY = date(2016, 11, 8)


@pytest.fixture(scope="module")
def run(data_dir: Path) -> ForecastRun:
    return run_forecast(
        data_dir / "polls_2016_economist_oct.csv", data_dir / "potus_results_1976_2016.csv",
        2016, EDAY, n=60_000, seed=3,
    )  # fmt: skip


def test_summaries_are_consistent(run: ForecastRun) -> None:
    fc = run.forecast
    assert fc.dem_ec_win + fc.rep_ec_win + fc.tie == pytest.approx(1.0)
    assert fc.ev_distribution.sum() == pytest.approx(1.0)
    assert fc.tie == pytest.approx(fc.ev_distribution[269])
    assert fc.dem_ec_win == pytest.approx(fc.ev_distribution[270:].sum())
    p = fc.ev_percentiles
    assert p[5] <= p[10] <= p[25] <= p[50] <= p[75] <= p[90] <= p[95]
    u = fc.units
    assert len(u) == 56 and u["ev"].sum() == 538
    assert u["tipping_point"].sum() == pytest.approx(1.0)
    assert (
        (u["margin_lo80"] <= u["margin_median"]) & (u["margin_median"] <= u["margin_hi80"])
    ).all()
    # voter power is relative to the average voter: the vote-weighted mean is 1
    votes = np.array(
        [run.estimates.turnout[list(run.estimates.states).index(s)] for s in u["state"]]
    )
    votes = votes / np.where(u["kind"] == "district", np.where(u["state"] == "ME", 2, 3), 1)
    assert (u["voter_power"] * votes).sum() / votes.sum() == pytest.approx(1.0)
    assert 0 <= fc.split <= 1 and 0 <= fc.dem_pv_win <= 1


def test_conditional_chances(run: ForecastRun) -> None:
    fc = run.forecast
    pa = fc.conditional("PA")
    p_pa = fc.win_probabilities()["PA"]
    assert pa["dem_ec_if_dem_wins"] > fc.dem_ec_win  # winning Pennsylvania helps
    # law of total probability: P(D wins EC) >= P(D wins EC and PA)
    assert pa["dem_ec_if_dem_wins"] * p_pa <= fc.dem_ec_win + 1e-12
    with pytest.raises(NotFoundError):
        fc.conditional("XX")


def test_snake(run: ForecastRun) -> None:
    sn = run.forecast.snake()
    assert sn["margin"].is_monotonic_decreasing
    assert sn["cum_ev"].iloc[-1] == 538
    assert sn["crosses_majority"].sum() == 1


def test_same_seed_same_forecast(data_dir: Path, run: ForecastRun) -> None:
    again = run_forecast(
        data_dir / "polls_2016_economist_oct.csv", data_dir / "potus_results_1976_2016.csv",
        2016, EDAY, n=60_000, seed=3,
    )  # fmt: skip
    pd.testing.assert_frame_equal(again.forecast.units, run.forecast.units)
    other = run_forecast(
        run.polls,
        read_results(data_dir / "potus_results_1976_2016.csv"),
        2016,
        EDAY,
        n=60_000,
        seed=4,
    )
    assert other.forecast.dem_ec_win != run.forecast.dem_ec_win


def test_backtest_2016_slice(data_dir: Path, run: ForecastRun) -> None:
    score = score_forecast(run, read_results(data_dir / "potus_results_1976_2016.csv"))
    assert score.n_states == 51
    assert score.ec_actual == 0  # Trump won
    per = score.per_state
    assert score.brier == pytest.approx(float(((per["dem_win_prob"] - per["dem_won"]) ** 2).mean()))
    assert score.states_called == 51 - len(score.missed)
    assert {"MI", "WI"} <= set(score.missed) or score.brier < 0.05
    assert score.calibration["count"].sum() == 51


def test_brier_by_hand() -> None:
    # three states: p = 0.9 (won), 0.2 (won), 0.5 (lost): Brier = (0.01 + 0.64 + 0.25) / 3
    units = pd.DataFrame({"unit": ["AA", "BB", "CC"], "kind": "state", "dem_win": [0.9, 0.2, 0.5]})
    fc = SimpleNamespace(
        win_probabilities=lambda: dict(zip(units["unit"], units["dem_win"], strict=True)),
        dem_ec_win=0.5,
    )
    res = SimpleNamespace(
        year=lambda y: pd.DataFrame({"dem2": [0.6, 0.55, 0.4]}, index=["AA", "BB", "CC"])
    )
    import agorascope.elections.backtest as bt

    old = bt.STATES
    bt.STATES = ("AA", "BB", "CC")  # type: ignore[misc]
    try:
        s = bt.score_forecast(
            SimpleNamespace(year=2000, forecast=fc, ev={"AA": 1, "BB": 2, "CC": 1}), res
        )  # type: ignore[arg-type]
    finally:
        bt.STATES = old  # type: ignore[misc]
    assert s.brier == pytest.approx(0.9 / 3)
    assert s.brier_ev_weighted == pytest.approx((0.01 + 2 * 0.64 + 0.25) / 4)
    assert s.log_loss == pytest.approx(-(np.log(0.9) + np.log(0.2) + np.log(0.5)) / 3)
    assert s.states_called == 1 and s.missed == ["BB", "CC"]


def test_calibration_table() -> None:
    t = calibration_table(np.array([0.05, 0.07, 0.95, 0.55]), np.array([0, 1, 1, 0]))
    assert t.loc[0, "count"] == 2 and t.loc[0, "observed"] == 0.5
    assert t.loc[9, "count"] == 1 and t.loc[5, "observed"] == 0.0


def test_time_for_change_is_fitted_on_earlier_years_only() -> None:
    mean, sd = time_for_change(2012)
    assert 0.45 < mean < 0.6 and 0.01 < sd < 0.05
    with pytest.raises(NotFoundError):
        time_for_change(2020)


@pytest.mark.parametrize(
    ("year", "polls", "economist"),
    [(2008, "polls_2008_economist.csv", 0.0290), (2012, "polls_2012_economist.csv", 0.0193)],
)
def test_election_day_backtests_beat_the_economist(
    data_dir: Path, year: int, polls: str, economist: float
) -> None:
    """Complete poll files of earlier cycles, unseen formats included (obama/mccain, 2/27/12)."""
    results = read_results(data_dir / "potus_results_1976_2016.csv")
    run = run_forecast(data_dir / polls, results, year, n=200_000, seed=0)
    score = score_forecast(run, results)
    assert score.n_states == 51
    assert score.ec_actual == 1
    assert score.brier < economist  # The Economist's published backtest (unweighted)
    if year == 2012:  # Vanderbilt's Tennessee poll (5/20/12-5/23/12) has no sample size
        assert any(r.field == "number.of.observations" for r in run.polls.rejects)
