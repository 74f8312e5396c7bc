"""From estimates to a forecast: build the simulation, run it, summarise it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agorascope.elections.correlation import economist_correlation, historical_correlation
from agorascope.elections.model import StateEstimates
from agorascope.elections.results import ResultSet
from agorascope.elections.simulate import (
    N_BINS,
    SimulationInput,
    SimulationTotals,
    run_simulations,
)
from agorascope.elections.states import NAMES, STATES, Unit, electoral_units
from agorascope.errors import InvalidInputError, NotFoundError

__all__ = ["Forecast", "simulate_forecast"]


@dataclass
class Forecast:
    """Summaries of a simulated election, from the Democrat's point of view.

    Attributes:
        n: number of simulations.
        dem_ec_win: chance the Democrat wins a majority of electoral votes.
        rep_ec_win: chance the Republican does.
        tie: chance of no majority (269-269 with 538 votes).
        dem_pv_win: chance the Democrat wins the national two-party vote.
        split: chance the Electoral College winner loses the popular vote.
        ev_mean: expected Democratic electoral votes.
        ev_percentiles: Democratic electoral votes at percentiles 5, 10, 25, 50, 75, 90, 95.
        ev_distribution: probability of each Democratic electoral-vote total (0..total).
        units: one row per state or district (see :meth:`units_table`).
        pv_mean: expected national two-party Democratic share.
        pv_interval: 80 % interval of that share.
    """

    n: int
    dem_ec_win: float
    rep_ec_win: float
    tie: float
    dem_pv_win: float
    split: float
    ev_mean: float
    ev_percentiles: dict[int, int]
    ev_distribution: np.ndarray
    units: pd.DataFrame
    pv_mean: float
    pv_interval: tuple[float, float]

    def win_probabilities(self) -> dict[str, float]:
        """Democratic win probability of every state (not districts)."""
        df = self.units[self.units["kind"] == "state"]
        return dict(zip(df["unit"], df["dem_win"].astype(float), strict=True))

    def conditional(self, unit: str) -> dict[str, float]:
        """Chances of the Electoral College given the unit's result ("wins if she wins PA")."""
        df = self.units[self.units["unit"] == unit]
        if df.empty:
            raise NotFoundError(f"no state or district {unit!r} in this forecast")
        return {
            "dem_ec_if_dem_wins": float(df["dem_ec_if_win"].iloc[0]),
            "rep_ec_if_rep_wins": float(df["rep_ec_if_win"].iloc[0]),
        }

    def snake(self) -> pd.DataFrame:
        """Snake-chart data: units from the Democrat's safest to the Republican's safest, with
        cumulative electoral votes and the unit where the majority line is crossed."""
        df = self.units.sort_values("margin", ascending=False).reset_index(drop=True)
        out = df[["unit", "name", "ev", "margin", "dem_win"]].copy()
        out["cum_ev"] = out["ev"].cumsum()
        total = int(out["ev"].sum())
        out["crosses_majority"] = (out["cum_ev"] >= total // 2 + 1) & (
            out["cum_ev"] - out["ev"] < total // 2 + 1
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "simulations": self.n,
            "dem_ec_win": self.dem_ec_win,
            "rep_ec_win": self.rep_ec_win,
            "tie": self.tie,
            "dem_pv_win": self.dem_pv_win,
            "split": self.split,
            "ev_mean": self.ev_mean,
            "ev_percentiles": {str(k): v for k, v in self.ev_percentiles.items()},
            "pv_mean": self.pv_mean,
            "pv_interval_80": list(self.pv_interval),
            "units": self.units.replace({np.nan: None}).to_dict(orient="records"),
        }


def _quantiles(hist: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of a histogram of shares on N_BINS equal bins over 0-1 (bin midpoints)."""
    cum = np.cumsum(hist) / hist.sum()
    return [float((np.searchsorted(cum, q) + 0.5) / N_BINS) for q in qs]


def build_input(
    est: StateEstimates,
    ev_by_state: dict[str, int],
    *,
    correlation: np.ndarray | None = None,
    split_districts: bool = True,
    district_lean: dict[str, float] | None = None,
) -> SimulationInput:
    """Assemble the simulation input from state estimates and electoral votes."""
    corr = economist_correlation() if correlation is None else correlation
    if corr.shape != (len(STATES), len(STATES)):
        raise InvalidInputError("the correlation matrix must be 51 x 51")
    units = electoral_units(
        ev_by_state, split_districts=split_districts, district_lean=district_lean
    )
    cov = corr * np.outer(est.lean_sd, est.lean_sd)
    return SimulationInput(
        units=units,
        state_mean=est.mean,
        state_cov=cov,
        national_sd=est.national_sd,
        district_sd=est.config.district_sd,
        df=est.config.df,
        turnout=est.turnout,
    )


def summarise(totals: SimulationTotals, units: list[Unit], turnout: np.ndarray) -> Forecast:
    """Turn simulation counts into probabilities, intervals, tipping points and power."""
    n = totals.n
    dist = totals.ev_hist / n
    evs = np.arange(len(dist))
    cum = np.cumsum(dist)
    pct = {q: int(np.searchsorted(cum, q / 100)) for q in (5, 10, 25, 50, 75, 90, 95)}
    j = totals.ec_pv_joint / n
    dem_ec, rep_ec, tie = float(j[1].sum()), float(j[0].sum()), float(j[2].sum())
    p_win = totals.unit_wins / n
    with np.errstate(divide="ignore", invalid="ignore"):
        dem_if = np.where(totals.unit_wins > 0, totals.unit_wins_and_ec / totals.unit_wins, np.nan)
        losses = n - totals.unit_wins
        rep_if = np.where(losses > 0, totals.unit_losses_and_ec_rep / losses, np.nan)
    tip = totals.tipping / max(1, int(totals.tipping.sum()))
    # voter power: chance of being the tipping point per vote cast, relative to the average
    # voter (a district's voters are its state's divided by the number of districts)
    n_dist = {u.state: 0 for u in units}
    for u in units:
        if u.code != u.state:
            n_dist[u.state] += 1
    votes = np.array(
        [
            turnout[STATES.index(u.state)] / (1 if u.code == u.state else n_dist[u.state])
            for u in units
        ]
    )
    raw = tip / votes
    vpi = raw / (tip.sum() / votes.sum()) if tip.sum() > 0 else raw
    rows = []
    for k, u in enumerate(units):
        q10, q50, q90 = _quantiles(totals.share_hist[k], (0.1, 0.5, 0.9))
        mean_share = float((totals.share_hist[k] * (np.arange(N_BINS) + 0.5) / N_BINS).sum() / n)
        rows.append(
            {
                "unit": u.code, "name": NAMES.get(u.code, u.code), "state": u.state,
                "kind": "state" if u.code == u.state else "district", "ev": u.ev,
                "dem_win": float(p_win[k]), "dem_share": mean_share,
                "margin": 2 * mean_share - 1, "margin_lo80": 2 * q10 - 1,
                "margin_median": 2 * q50 - 1, "margin_hi80": 2 * q90 - 1,
                "tipping_point": float(tip[k]), "voter_power": float(vpi[k]),
                "dem_ec_if_win": float(dem_if[k]), "rep_ec_if_win": float(rep_if[k]),
            }
        )  # fmt: skip
    pv_lo, pv_hi = _quantiles(totals.pv_hist, (0.1, 0.9))
    pv_mean = float((totals.pv_hist * (np.arange(N_BINS) + 0.5) / N_BINS).sum() / n)
    return Forecast(
        n=n,
        dem_ec_win=dem_ec,
        rep_ec_win=rep_ec,
        tie=tie,
        dem_pv_win=totals.pv_wins / n,
        split=float(j[1, 0] + j[0, 1]),
        ev_mean=float((evs * dist).sum()),
        ev_percentiles=pct,
        ev_distribution=dist,
        units=pd.DataFrame(rows),
        pv_mean=pv_mean,
        pv_interval=(pv_lo, pv_hi),
    )


def simulate_forecast(
    est: StateEstimates,
    ev_by_state: dict[str, int],
    *,
    n: int = 1_000_000,
    seed: int | None = 0,
    correlation: np.ndarray | str = "economist",
    results: ResultSet | None = None,
    split_districts: bool = True,
    district_lean: dict[str, float] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Forecast:
    """Simulate the election from state estimates and summarise it.

    Args:
        est: the model's state estimates.
        ev_by_state: electoral votes per state.
        n: simulations (1,000,000 by default).
        seed: random seed; the same seed gives the same forecast.
        correlation: "economist", "historical" (needs ``results``) or a 51 x 51 matrix.
        results: results file, for the historical correlation.
        split_districts: award Maine's and Nebraska's district votes separately.
        district_lean: district share minus state share (default: 2016 values).
        progress: callback with the simulations done so far.
    """
    if isinstance(correlation, str):
        if correlation == "economist":
            corr = economist_correlation()
        elif correlation == "historical":
            if results is None:
                raise InvalidInputError("the historical correlation needs the results")
            corr = historical_correlation(results, est.election.year)
        else:
            raise InvalidInputError(f"unknown correlation {correlation!r}")
    else:
        corr = np.asarray(correlation, dtype=float)
    inp = build_input(
        est, ev_by_state, correlation=corr, split_districts=split_districts,
        district_lean=district_lean,
    )  # fmt: skip
    totals = run_simulations(inp, n, seed=seed, progress=progress)
    return summarise(totals, inp.units, est.turnout)
