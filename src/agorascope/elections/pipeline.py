"""The end-to-end forecast: files in, estimates and simulated forecast out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agorascope.elections.forecast import Forecast, simulate_forecast
from agorascope.elections.fundamentals import time_for_change
from agorascope.elections.model import ModelConfig, StateEstimates, estimate_states
from agorascope.elections.polls import PollSet, read_polls
from agorascope.elections.results import ResultSet, read_electoral_votes, read_results
from agorascope.elections.simulate import SimulationInput
from agorascope.errors import AgorascopeError, InvalidInputError

__all__ = ["ForecastRun", "run_forecast", "simulate_table", "table_input"]


@dataclass
class ForecastRun:
    """A forecast with what it was made from.

    Attributes:
        year: election year.
        as_of: forecast date (polls that ended before it were used).
        polls: the validated polls (with the rejected rows).
        estimates: the model's state estimates.
        forecast: the simulated forecast.
        fundamentals: the national (mean, sd) prior used, if any.
        ev: electoral votes per state.
    """

    year: int
    as_of: date
    polls: PollSet
    estimates: StateEstimates
    forecast: Forecast
    fundamentals: tuple[float, float] | None
    ev: dict[str, int]


def _fundamentals(
    spec: str | Path | tuple[float, float] | None, year: int
) -> tuple[float, float] | None:
    if spec is None or spec == "none":
        return None
    if isinstance(spec, tuple):
        return spec
    if spec == "auto":
        try:
            return time_for_change(year)
        except AgorascopeError:
            return None  # the bundled table stops at 2016: fall back to the polls' national level
    return time_for_change(year, spec)


def run_forecast(
    polls: str | Path | PollSet,
    results: str | Path | ResultSet,
    year: int,
    as_of: date | None = None,
    *,
    electoral_votes: str | Path | dict[str, int] | None = None,
    fundamentals: str | Path | tuple[float, float] | None = "auto",
    dem: str | None = None,
    rep: str | None = None,
    n: int = 1_000_000,
    seed: int | None = 0,
    correlation: str = "economist",
    split_districts: bool = True,
    district_lean: dict[str, float] | None = None,
    config: ModelConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> ForecastRun:
    """Read the inputs, estimate every state, simulate the election.

    Args:
        polls: a poll file (The Economist's or FiveThirtyEight's format) or a :class:`PollSet`.
        results: a results file (MIT Election Lab or The Economist) or a :class:`ResultSet`;
            it must hold an election before ``year`` (the prior).
        year: election year.
        as_of: forecast date; only polls that ended before it are used (default election day).
        electoral_votes: a file or mapping; default the census apportionment for ``year``.
        fundamentals: "auto" (bundled time-for-change data when it covers ``year``), a file in
            that format, a (mean, sd) two-party share, or None.
        dem: Democratic candidate column/answer (detected when omitted); ``rep`` likewise.
        n: simulations.
        seed: random seed (same seed, same forecast).
        correlation: "economist" or "historical".
        split_districts: award Maine's and Nebraska's district votes separately.
        district_lean: district minus state two-party share (default 2016 values).
        config: model settings.
        progress: callback with the simulations done so far.

    Returns:
        The forecast and its inputs.

    Examples:
        >>> run = run_forecast("polls.csv", "results.csv", 2016)  # doctest: +SKIP
        >>> round(run.forecast.dem_ec_win, 2)  # doctest: +SKIP
    """
    if n <= 0:
        raise InvalidInputError("the number of simulations must be positive")
    ps = polls if isinstance(polls, PollSet) else read_polls(polls, dem=dem, rep=rep)
    rs = results if isinstance(results, ResultSet) else read_results(results)
    if isinstance(electoral_votes, dict):
        ev = dict(electoral_votes)
    else:
        ev = read_electoral_votes(electoral_votes, year)
    fund = _fundamentals(fundamentals, year)
    est = estimate_states(ps, rs, year, as_of, fundamentals=fund, config=config)
    fc = simulate_forecast(
        est, ev, n=n, seed=seed, correlation=correlation, results=rs,
        split_districts=split_districts, district_lean=district_lean, progress=progress,
    )  # fmt: skip
    return ForecastRun(year, est.as_of, ps, est, fc, fund, ev)


def simulate_table(
    path: str | Path,
    *,
    national_sd: float = 0.015,
    df: float = 5.0,
    district_sd: float = 0.015,
    electoral_votes: str | Path | dict[str, int] | None = None,
    year: int = 2024,
    n: int = 1_000_000,
    seed: int | None = 0,
    correlation: str = "economist",
    progress: Callable[[int], None] | None = None,
) -> Forecast:
    """Simulate from a table of state means and sds (a scenario, or another model's output).

    The CSV has columns ``state``, ``mean`` (Democratic two-party share, 0-1 or percent), ``sd``
    (state error sd, same unit) and optionally ``votes`` (popular-vote weights; equal without).

    Raises:
        InvalidInputError: a missing column, state or bad number.
    """
    from agorascope.elections.forecast import summarise
    from agorascope.elections.simulate import run_simulations

    inp = table_input(
        path, national_sd=national_sd, df=df, district_sd=district_sd,
        electoral_votes=electoral_votes, year=year, correlation=correlation,
    )  # fmt: skip
    totals = run_simulations(inp, n, seed=seed, progress=progress)
    return summarise(totals, inp.units, inp.turnout)


def table_input(
    path: str | Path,
    *,
    national_sd: float = 0.015,
    df: float = 5.0,
    district_sd: float = 0.015,
    electoral_votes: str | Path | dict[str, int] | None = None,
    year: int = 2024,
    correlation: str = "economist",
) -> SimulationInput:
    """The simulation input of a table of state means and sds (see :func:`simulate_table`).

    Raises:
        InvalidInputError: a missing column, state or bad number.
    """
    import numpy as np
    import pandas as pd

    from agorascope.elections.correlation import economist_correlation
    from agorascope.elections.forecast import build_input
    from agorascope.elections.model import election_day
    from agorascope.elections.states import STATES, normalize_state

    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"no such file: {p}")
    tb = pd.read_csv(p)
    tb.columns = [c.strip().lower() for c in tb.columns]
    for c in ("state", "mean", "sd"):
        if c not in tb.columns:
            raise InvalidInputError(f"{p.name}: missing column {c!r}")
    tb["state"] = [normalize_state(str(s)) for s in tb["state"]]
    tb = tb.set_index("state")
    missing = set(STATES) - set(tb.index)
    if missing:
        raise InvalidInputError(f"{p.name}: no row for {sorted(missing)}")
    tb = tb.loc[list(STATES)]
    mean = tb["mean"].astype(float).to_numpy()
    sd = tb["sd"].astype(float).to_numpy()
    if mean.max() > 1.0:
        mean, sd = mean / 100, sd / 100
    if not (np.all((mean > 0) & (mean < 1)) and np.all(sd > 0)):
        raise InvalidInputError(f"{p.name}: means must be shares in (0, 1) and sds positive")
    votes = tb["votes"].astype(float).to_numpy() if "votes" in tb.columns else np.ones(len(STATES))
    est = StateEstimates(
        states=STATES, mean=mean, lean_sd=sd, national_mean=float(np.average(mean, weights=votes)),
        national_sd=national_sd, prior_lean=mean * np.nan, poll_lean=mean * np.nan,
        poll_lean_sd=mean * np.inf, n_polls=np.zeros(len(STATES), int), house_effects={},
        population_effects={}, trend=pd.DataFrame({"date": [], "share": []}), turnout=votes,
        as_of=election_day(year), election=election_day(year),
        config=ModelConfig(df=df, district_sd=district_sd),
    )  # fmt: skip
    if isinstance(electoral_votes, dict):
        ev = dict(electoral_votes)
    else:
        ev = read_electoral_votes(electoral_votes, year)
    if correlation != "economist":
        raise InvalidInputError("simulate supports the 'economist' correlation only")
    return build_input(est, ev, correlation=economist_correlation())
