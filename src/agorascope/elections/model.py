"""Poll aggregation and the prior: from raw polls to each state's expected vote and its error.

The model works on the Democratic share of the two-party vote. A state's expected share is the
national level plus the state's *lean* (its share minus the national share):

1. National trend: a Gaussian-kernel average over time of national polls, and of state polls
   turned into national equivalents by subtracting the state's prior lean (with the prior lean's
   uncertainty added to their variance). Source: the poll-of-polls practice of FiveThirtyEight
   and The Economist (Heidemanns, Gelman & Morris 2020, "An updated dynamic Bayesian forecasting
   model for the US presidential election").
2. House and population effects, estimated jointly and iteratively: each poll's residual from the
   trend plus its state's lean, averaged per pollster (per population) and shrunk towards 0 by a
   pseudo-count (FiveThirtyEight's house-effect adjustment; The Economist's ``mu_c`` and
   ``mu_b`` population terms).
3. State leans from the polls: every state poll moved to the forecast date through the national
   swing since it was taken, minus the national level, weighted by recency (half-life), sample
   size, population (likely > registered > adults) and partisanship, one pollster's many polls
   sharing one pollster's say.
4. Prior lean: the previous election's lean with the mean reversion estimated on all earlier
   pairs of elections in the results file ("previous result with uniform swing"); the national
   level of the prior is a fundamentals forecast when one is given.
5. Blend: polls and prior are combined by precision (inverse variance). Poll variances grow with
   the days left to the election (a random walk), so polls weigh more as election day nears.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from agorascope.elections.polls import PollSet
from agorascope.elections.results import ResultSet
from agorascope.elections.states import STATES
from agorascope.errors import ComputationError, InvalidInputError

__all__ = ["ModelConfig", "StateEstimates", "election_day", "estimate_states"]


@dataclass(frozen=True)
class ModelConfig:
    """Model settings (two-party shares, 0-1); docs/elections.md gives the source of each.

    Attributes:
        national_bandwidth: sd in days of the Gaussian kernel of the national trend.
        lean_half_life: half-life in days of a state poll's weight in its state's lean.
        population_weight: weight of a poll by population (lv, v, rv, a).
        partisan_weight: weight of a poll paid for by a campaign or party.
        design_effect: multiplies the binomial sampling variance of each poll.
        poll_extra_sd: non-sampling error of a single poll (differs from poll to poll).
        house_pseudocount: polls' worth of shrinkage of house and population effects to 0.
        state_error_sd: systematic state polling error left after averaging (correlated).
        national_error_sd: systematic national polling error on election day.
        national_drift_sd: sd per square-root day of the national random walk to election day.
        lean_drift_sd: sd per square-root day of a state lean's random walk.
        prior_lean_sd: sd of the prior lean when history is too short to estimate it.
        district_sd: sd of a district's own error around its state's.
        df: degrees of freedom of the Student-t errors (fat tails).
        max_days: polls that ended longer ago than this before the forecast date are ignored.
        state_trend_weight: weight of state polls (as national equivalents) in the national
            trend, relative to a national poll of the same precision.
    """

    national_bandwidth: float = 7.0
    lean_half_life: float = 42.0
    population_weight: tuple[float, float, float, float] = (1.0, 1.0, 0.7, 0.5)
    partisan_weight: float = 0.5
    design_effect: float = 1.5
    poll_extra_sd: float = 0.015
    house_pseudocount: float = 4.0
    state_error_sd: float = 0.0175
    national_error_sd: float = 0.015
    national_drift_sd: float = 0.0013
    lean_drift_sd: float = 0.0008
    prior_lean_sd: float = 0.03
    district_sd: float = 0.015
    df: float = 5.0
    max_days: int = 365
    state_trend_weight: float = 0.1

    def __post_init__(self) -> None:
        if self.df <= 2:
            raise InvalidInputError("df must be > 2 (the t variance must exist)")
        for name in ("national_bandwidth", "lean_half_life", "design_effect"):
            if getattr(self, name) <= 0:
                raise InvalidInputError(f"{name} must be positive")


@dataclass
class StateEstimates:
    """What the model believes about each state on the forecast date.

    Attributes:
        states: postal codes, in :data:`STATES` order.
        mean: expected two-party Democratic share per state.
        lean_sd: sd of each state's lean (state error before the national error).
        national_mean: expected national two-party Democratic share.
        national_sd: sd of the national share.
        prior_lean: the prior's lean per state; ``poll_lean`` the polls' (NaN without polls).
        poll_lean_sd: sd of the polls' lean (inf without polls); ``n_polls`` polls per state.
        house_effects: pollster -> estimated house effect (two-party share, + = pro-Democrat).
        population_effects: population -> effect relative to likely voters.
        trend: daily national trend (columns ``date, share``).
        turnout: total votes per state in the previous election (popular-vote weights).
        config: the settings used.
    """

    states: tuple[str, ...]
    mean: np.ndarray
    lean_sd: np.ndarray
    national_mean: float
    national_sd: float
    prior_lean: np.ndarray
    poll_lean: np.ndarray
    poll_lean_sd: np.ndarray
    n_polls: np.ndarray
    house_effects: dict[str, float]
    population_effects: dict[str, float]
    trend: pd.DataFrame
    turnout: np.ndarray
    as_of: date
    election: date
    config: ModelConfig = field(default_factory=ModelConfig)

    def table(self) -> pd.DataFrame:
        """One row per state with the estimate and its parts."""
        return pd.DataFrame(
            {
                "state": self.states, "mean": self.mean, "lean_sd": self.lean_sd,
                "prior_lean": self.prior_lean, "poll_lean": self.poll_lean,
                "poll_lean_sd": self.poll_lean_sd, "n_polls": self.n_polls,
            }
        )  # fmt: skip


def election_day(year: int) -> date:
    """The US general election day: the Tuesday after the first Monday of November."""
    d = date(year, 11, 2)
    while d.weekday() != 1:
        d += timedelta(days=1)
    return d


def _prior_leans(
    results: ResultSet, year: int, cfg: ModelConfig
) -> tuple[np.ndarray, float, float]:
    """Prior lean per state, the prior's lean sd, and the previous national share.

    The lean of the previous election is shrunk by the slope of a regression of each lean on the
    one four years before, fitted on every earlier pair in the file; the residual sd of that
    regression is the prior's sd.
    """
    prev = results.previous_year(year)

    def lean(y: int) -> tuple[pd.Series, float]:
        df = results.year(y).reindex(list(STATES))
        w = df["total_votes"].fillna(df["total_votes"].median())
        nat = float((df["dem2"] * w).sum() / w.sum())
        return df["dem2"] - nat, nat

    prev_lean, prev_nat = lean(prev)
    xs, ys = [], []
    for y in results.years:
        if y <= prev and y - 4 in results.years:
            try:
                a, _ = lean(y - 4)
                b, _ = lean(y)
            except Exception:
                continue
            ok = a.notna() & b.notna()
            xs.append(a[ok].to_numpy())
            ys.append(b[ok].to_numpy())
    if len(xs) >= 2:
        x, yv = np.concatenate(xs), np.concatenate(ys)
        slope = float((x * yv).sum() / (x * x).sum())
        sd = float(np.sqrt(np.mean((yv - slope * x) ** 2)))
    else:
        slope, sd = 1.0, cfg.prior_lean_sd
    if prev_lean.isna().any():
        raise ComputationError(f"incomplete results for {prev}")
    return slope * prev_lean.to_numpy(), sd, prev_nat


def _poll_frame(polls: PollSet, as_of: date, eday: date, cfg: ModelConfig) -> pd.DataFrame:
    df = polls.before(as_of).polls
    df = df[df["state"].isin([*STATES, "US"])].copy()
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=cfg.max_days)
    df = df[df["end"] >= cutoff]
    if df.empty:
        raise ComputationError(f"no usable polls ended before {as_of}")
    two = df["dem"] + df["rep"]
    df["p"] = df["dem"] / two
    df["n_eff"] = df["n"] * two / 100.0
    mid = df["start"] + (df["end"] - df["start"]) / 2
    df["t"] = (mid - pd.Timestamp(eday)).dt.days.astype(float)  # negative: days before
    df["age"] = (pd.Timestamp(as_of) - df["end"]).dt.days.astype(float)
    pop_w = dict(zip(("lv", "v", "rv", "a"), cfg.population_weight, strict=True))
    df["qual"] = df["population"].map(pop_w).astype(float) * np.where(
        df["partisan"], cfg.partisan_weight, 1.0
    )
    var = cfg.design_effect * df["p"] * (1 - df["p"]) / df["n_eff"] + cfg.poll_extra_sd**2
    df["var"] = var
    return df.reset_index(drop=True)


def estimate_states(
    polls: PollSet,
    results: ResultSet,
    year: int,
    as_of: date | None = None,
    *,
    fundamentals: tuple[float, float] | None = None,
    config: ModelConfig | None = None,
) -> StateEstimates:
    """Estimate every state's two-party Democratic share on election day.

    Args:
        polls: validated polls (only those that ended before ``as_of`` are used).
        results: state results including at least one complete earlier election.
        year: the election year.
        as_of: the forecast date (default: election day).
        fundamentals: optional (mean, sd) national two-party share from a fundamentals model.
        config: model settings.

    Returns:
        The per-state estimates.

    Raises:
        ComputationError: no usable poll, or no earlier results.
    """
    cfg = config or ModelConfig()
    eday = election_day(year)
    as_of = as_of or eday
    if as_of > eday:
        as_of = eday
    prior_lean, prior_sd, _prev_nat = _prior_leans(results, year, cfg)
    prev = results.year(results.previous_year(year)).reindex(list(STATES))
    turnout = prev["total_votes"].fillna(prev["total_votes"].median()).to_numpy(float)

    df = _poll_frame(polls, as_of, eday, cfg)
    # the random walk to election day starts at the latest information, not at the forecast
    # date: stale polls are uncertain however late the forecast is made
    latest = min(as_of, df["end"].max().date() + timedelta(days=1))
    days_left = float((eday - latest).days)
    idx = {s: i for i, s in enumerate(STATES)}
    is_nat = (df["state"] == "US").to_numpy()
    s_idx = np.array([idx.get(s, -1) for s in df["state"]])
    p = df["p"].to_numpy()
    var = df["var"].to_numpy()
    qual = df["qual"].to_numpy()
    t = df["t"].to_numpy()
    age = df["age"].to_numpy()
    pollster = df["pollster"].to_numpy()
    population = df["population"].to_numpy()

    t0 = min(float(t.min()), -days_left)
    grid = np.arange(math.floor(t0), -days_left + 1.0)
    house = dict.fromkeys(np.unique(pollster), 0.0)
    pop_eff = dict.fromkeys(("lv", "v", "rv", "a"), 0.0)
    lean = prior_lean.copy()
    lean_sd_poll = np.full(len(STATES), np.inf)
    poll_lean = np.full(len(STATES), np.nan)
    n_polls = np.zeros(len(STATES), dtype=int)
    bw = cfg.national_bandwidth
    for _ in range(4):
        adj = (
            p - np.array([house[h] for h in pollster]) - np.array([pop_eff[x] for x in population])
        )
        # national trend on a daily grid, from national and national-equivalent state polls
        st_lean = np.where(is_nat, 0.0, lean[np.maximum(s_idx, 0)])
        x_nat = adj - st_lean
        v_nat = var + np.where(is_nat, 0.0, prior_sd**2)
        w_nat = qual / v_nat * np.where(is_nat, 1.0, cfg.state_trend_weight)
        k = np.exp(-0.5 * ((grid[:, None] - t[None, :]) / bw) ** 2) * w_nat[None, :]
        ksum = k.sum(axis=1)
        if not np.all(ksum > 0):
            raise ComputationError("national trend undefined (no poll near some date)")
        trend = (k @ x_nat) / ksum
        trend_at = np.interp(t, grid, trend)
        nat_now = float(trend[-1])
        # state leans from state polls moved to the forecast date
        y = adj - trend_at  # the poll's lean
        rec = 0.5 ** (age / cfg.lean_half_life)
        w = rec * qual / var
        for i in range(len(STATES)):
            m = (s_idx == i) & ~is_nat
            n_polls[i] = int(m.sum())
            if not m.any():
                lean_sd_poll[i], poll_lean[i] = np.inf, np.nan
                continue
            ws = w[m]
            # one pollster's polls share its weight: divide by sqrt(its count in the state)
            _, inv, cnt = np.unique(pollster[m], return_inverse=True, return_counts=True)
            ws = ws / np.sqrt(cnt[inv])
            poll_lean[i] = float((ws * y[m]).sum() / ws.sum())
            eff_var = float((ws**2 * var[m]).sum() / ws.sum() ** 2)
            lean_sd_poll[i] = math.sqrt(eff_var + cfg.state_error_sd**2)
        has = np.isfinite(lean_sd_poll)
        # the polls measure today's lean, which may still drift before election day
        prec_prior = 1 / prior_sd**2
        poll_var = np.where(has, lean_sd_poll, 1.0) ** 2 + cfg.lean_drift_sd**2 * days_left
        prec_poll = np.where(has, 1 / poll_var, 0.0)
        lean = (prior_lean * prec_prior + np.nan_to_num(poll_lean) * prec_poll) / (
            prec_prior + prec_poll
        )
        # house and population effects from residuals (shrunk towards 0)
        fitted = trend_at + np.where(is_nat, 0.0, lean[np.maximum(s_idx, 0)])
        resid_h = p - np.array([pop_eff[x] for x in population]) - fitted
        for h in house:
            m = pollster == h
            house[h] = float(resid_h[m].sum() / (m.sum() + cfg.house_pseudocount))
        # anchor: the average poll has no house effect (the level is otherwise unidentified)
        centre = float(np.mean([house[h] for h in pollster]))
        house = {h: v - centre for h, v in house.items()}
        resid_p = p - np.array([house[h] for h in pollster]) - fitted
        raw = {
            g: float(resid_p[population == g].sum() / ((population == g).sum() + 10.0))
            for g in pop_eff
        }
        pop_eff = {g: raw[g] - raw["lv"] for g in pop_eff}

    # national level: the polls' trend (+ drift to election day), blended with fundamentals
    v_all = var + np.where(is_nat, 0.0, prior_sd**2)
    k_now = np.exp(-0.5 * ((grid[-1] - t) / bw) ** 2) * w_nat
    nat_sampling_var = float((k_now**2 * v_all).sum() / k_now.sum() ** 2)
    nat_var = nat_sampling_var + cfg.national_error_sd**2 + cfg.national_drift_sd**2 * days_left
    nat_mean = nat_now
    if fundamentals is not None:
        f_mean, f_sd = fundamentals
        if not (0 < f_mean < 1 and f_sd > 0):
            raise InvalidInputError("fundamentals must be (share in 0-1, sd > 0)")
        prec = 1 / nat_var + 1 / f_sd**2
        nat_mean = (nat_mean / nat_var + f_mean / f_sd**2) / prec
        nat_var = 1 / prec
    lean_var = 1 / (prec_prior + prec_poll)
    mean = nat_mean + lean
    return StateEstimates(
        states=STATES,
        mean=np.clip(mean, 0.01, 0.99),
        lean_sd=np.sqrt(lean_var),
        national_mean=float(nat_mean),
        national_sd=float(math.sqrt(nat_var)),
        prior_lean=prior_lean,
        poll_lean=poll_lean,
        poll_lean_sd=lean_sd_poll,
        n_polls=n_polls,
        house_effects=dict(sorted(house.items())),
        population_effects=pop_eff,
        trend=pd.DataFrame({"date": [eday + timedelta(days=int(g)) for g in grid], "share": trend}),
        turnout=turnout,
        as_of=as_of,
        election=eday,
        config=cfg,
    )
