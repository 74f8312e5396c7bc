"""Backtests: score a forecast's state win probabilities against what happened."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agorascope.elections.pipeline import ForecastRun
from agorascope.elections.results import ResultSet
from agorascope.elections.states import STATES

__all__ = ["BacktestScore", "score_forecast"]

#: Published scores of other models (Brier of state win probabilities).
PUBLISHED: dict[int, dict[str, float]] = {
    2008: {"economist_brier": 0.0290},
    2012: {"economist_brier": 0.0193},
    2016: {
        "economist_brier": 0.0508,
        "economist_brier_ev_weighted": 0.0726,
        "fivethirtyeight_brier": 0.0672,
    },
}


@dataclass
class BacktestScore:
    """Scores of one forecast (51 jurisdictions: 50 states and DC).

    Attributes:
        brier: mean squared error of the Democratic win probabilities (unweighted).
        brier_ev_weighted: the same, each state weighted by its electoral votes.
        log_loss: mean negative log-likelihood of the outcomes (probabilities clipped at 1e-6).
        states_called: states whose favourite (p > 0.5) won.
        n_states: states scored.
        missed: states whose favourite lost.
        calibration: bins of predicted probability with forecasts and observed frequency.
        ec_pred: predicted chance of the Democrat winning the Electoral College; ``ec_actual``
            whether the Democrat won the most electoral votes among states (1/0).
        per_state: probability, outcome and squared error of each state.
    """

    brier: float
    brier_ev_weighted: float
    log_loss: float
    states_called: int
    n_states: int
    missed: list[str]
    calibration: pd.DataFrame
    ec_pred: float
    ec_actual: int
    per_state: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "brier": self.brier,
            "brier_ev_weighted": self.brier_ev_weighted,
            "log_loss": self.log_loss,
            "states_called": self.states_called,
            "n_states": self.n_states,
            "missed": self.missed,
            "dem_ec_win_predicted": self.ec_pred,
            "dem_ec_win_actual": self.ec_actual,
            "calibration": self.calibration.to_dict(orient="records"),
            "per_state": self.per_state.to_dict(orient="records"),
        }


def calibration_table(p: np.ndarray, outcome: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Forecasts grouped by predicted probability: count, mean forecast, observed frequency."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        m = which == b
        rows.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "count": int(m.sum()),
                "mean_forecast": float(p[m].mean()) if m.any() else math.nan,
                "observed": float(outcome[m].mean()) if m.any() else math.nan,
            }
        )
    return pd.DataFrame(rows)


def score_forecast(run: ForecastRun, results: ResultSet) -> BacktestScore:
    """Score a forecast's state win probabilities against the results of its year.

    Raises:
        NotFoundError: the results have no rows for the forecast's year.
    """
    act = results.year(run.year).reindex(list(STATES))
    probs = run.forecast.win_probabilities()
    ok = act["dem2"].notna().to_numpy()
    states = [s for s, k in zip(STATES, ok, strict=True) if k]
    p = np.array([probs[s] for s in states])
    o = (act.loc[states, "dem2"].to_numpy() > 0.5).astype(float)
    ev = np.array([run.ev[s] for s in states], dtype=float)
    err = (p - o) ** 2
    pc = np.clip(p, 1e-6, 1 - 1e-6)
    ll = -(o * np.log(pc) + (1 - o) * np.log(1 - pc))
    called = (p != 0.5) & ((p > 0.5) == (o == 1))  # a 50 % forecast calls nothing
    dem_ev = float((ev * o).sum())
    per = pd.DataFrame(
        {"state": states, "dem_win_prob": p, "dem_won": o.astype(int), "squared_error": err,
         "actual_dem_share": act.loc[states, "dem2"].to_numpy()}
    )  # fmt: skip
    return BacktestScore(
        brier=float(err.mean()),
        brier_ev_weighted=float((err * ev).sum() / ev.sum()),
        log_loss=float(ll.mean()),
        states_called=int(called.sum()),
        n_states=len(states),
        missed=[s for s, c in zip(states, called, strict=True) if not c],
        calibration=calibration_table(p, o),
        ec_pred=run.forecast.dem_ec_win,
        ec_actual=int(dem_ev > ev.sum() / 2),
        per_state=per,
    )
