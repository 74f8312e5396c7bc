"""The election analyses as the registry declares them (parameters, rows, function).

Each declaration turns a function of this package into ``ws.elections.<name>()``, the command
``agorascope elections <name>`` and the route ``GET /api/elections/<name>``. File parameters
(polls, results, states, electoral votes) are read only inside ``AGORASCOPE_DATA_DIR`` over
HTTP. Simulations are capped at 1,000,000 (the command's default; a few seconds on a laptop).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from agorascope.elections.backtest import score_forecast
from agorascope.elections.forecast import Forecast
from agorascope.elections.pipeline import ForecastRun, run_forecast, simulate_table
from agorascope.elections.results import ResultSet, read_results
from agorascope.registry import Context, Output, Params, Row, analysis

__all__ = [
    "ForecastParams",
    "ResultsParams",
    "SimulateParams",
    "forecast_run",
    "read_forecast_results",
    "simulation",
]

MAX_SIMS = 1_000_000
"""Most simulations one run may ask for (the default: a few seconds, not minutes)."""

_SIMS = Field(1_000_000, ge=1, le=MAX_SIMS, description="Number of simulations.")
_SEED = Field(0, ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
_EV = Field(None, description="Electoral votes CSV (default: census apportionment of the year).")
_MAP = Field(
    None,
    max_length=1000,
    description="Results columns ROLE=COLUMN,... (roles: state, year, dem, rep, other, total, "
    "kind=votes|shares|percent; year=2020 for a file of one election). Detected if omitted.",
)
_MAPPING_FILE = Field(None, description="JSON or TOML file of role = column for the results.")


# -- parameters ---------------------------------------------------------------------------


class ForecastParams(Params):
    """A forecast from polls and past results."""

    polls: Path = Field(description="Poll file (The Economist or FiveThirtyEight format).")
    results: Path = Field(
        description="Results file (MIT Election Lab, or one row per state: The Economist's, "
        "a plain state,dem,rep table...)."
    )
    results_map: str | None = _MAP
    results_mapping: Path | None = _MAPPING_FILE
    year: int = Field(ge=1788, le=2200, description="Election year.")
    as_of: date | None = Field(
        None, description="Forecast date: only polls that ended before it (default: election day)."
    )
    ev: Path | None = _EV
    fundamentals: Literal["auto", "none"] | Path = Field(
        "auto", description="'auto' (bundled time-for-change data), 'none', or a file."
    )
    sims: int = _SIMS
    seed: int = _SEED
    correlation: Literal["economist", "historical"] = Field(
        "economist", description="Correlation of the state errors."
    )
    dem: str | None = Field(
        None,
        max_length=200,
        description="Democratic candidate column/answer (detected if omitted).",
    )
    rep: str | None = Field(
        None,
        max_length=200,
        description="Republican candidate column/answer (detected if omitted).",
    )


class ResultsParams(Params):
    """A results file read on its own (to check a layout and a mapping)."""

    file: Path = Field(
        description="Results file (MIT Election Lab, or one row per state).",
        examples=["potus_results_1976_2016.csv"],
    )
    map: str | None = _MAP
    mapping_file: Path | None = _MAPPING_FILE
    year: int | None = Field(None, ge=1788, le=2200, description="Only this election year.")


class SimulateParams(Params):
    """A simulation from state means and errors."""

    states: Path = Field(description="CSV with state, mean, sd [, votes].")
    national_sd: float = Field(0.015, ge=0, le=0.5, description="National error sd (share).")
    df: float = Field(5.0, gt=2, le=1000, description="Student-t degrees of freedom.")
    year: int = Field(
        2024, ge=1788, le=2200, description="Year of the electoral-vote apportionment."
    )
    ev: Path | None = _EV
    sims: int = _SIMS
    seed: int = _SEED


# -- rows ---------------------------------------------------------------------------------


class UnitRow(Row):
    """One state or district: Democratic win probability, share, margin interval, power."""

    unit: str
    name: str
    state: str
    kind: Literal["state", "district"]
    ev: int
    dem_win: float
    dem_share: float
    margin: float
    margin_lo80: float
    margin_median: float
    margin_hi80: float
    tipping_point: float
    voter_power: float
    dem_ec_if_win: float | None
    rep_ec_if_win: float | None


class ResultRow(Row):
    """One state in one year: Democratic and Republican shares of all votes, total votes."""

    year: int
    state: str
    dem: float
    rep: float
    dem2: float
    total_votes: float | None


class StateScoreRow(Row):
    """One state of a backtest: forecast probability, outcome and squared error."""

    state: str
    dem_win_prob: float
    dem_won: int
    squared_error: float
    actual_dem_share: float


# -- functions ----------------------------------------------------------------------------


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done: bar.update(task, completed=done)


def forecast_run(
    p: ForecastParams, *, results: ResultSet | None = None, progress: bool = False
) -> ForecastRun:
    """Run the forecast that ``p`` describes (the ``forecast`` analysis and the HTML report).

    Args:
        p: the parameters.
        results: the results file already read (else read from ``p.results``).
        progress: draw a progress bar on standard error.
    """
    fundamentals = None if p.fundamentals == "none" else p.fundamentals
    rs = results if results is not None else read_forecast_results(p)
    with _progress(progress, p.sims) as prog:
        return run_forecast(
            p.polls, rs, p.year, p.as_of,
            electoral_votes=p.ev, fundamentals=fundamentals, dem=p.dem, rep=p.rep, n=p.sims,
            seed=p.seed, correlation=p.correlation, progress=prog,
        )  # fmt: skip


def read_forecast_results(p: ForecastParams) -> ResultSet:
    """The results file of a forecast, read with its mapping."""
    return read_results(p.results, p.results_map, p.results_mapping)


def simulation(p: SimulateParams, *, progress: bool = False) -> Forecast:
    """Run the simulation that ``p`` describes (the ``simulate`` analysis and the report)."""
    with _progress(progress, p.sims) as prog:
        return simulate_table(
            p.states, national_sd=p.national_sd, df=p.df, electoral_votes=p.ev, year=p.year,
            n=p.sims, seed=p.seed, progress=prog,
        )  # fmt: skip


def _summary(fc: Forecast) -> dict[str, Any]:
    out = fc.to_dict()
    del out["units"]
    return out


@analysis("elections", "forecast", params=ForecastParams, row=UnitRow, needs="workspace")
def _forecast(ctx: Context, p: ForecastParams) -> Output:
    """Forecast an election from polls and past results.

    One row per state or district (win probability, mean share, 80 % margin interval, tipping
    point, voter power); meta: the Electoral College and popular-vote chances, expected
    electoral votes and their percentiles, the national mean, and the polls used and rejected.
    """
    run = forecast_run(p, progress=ctx.progress)
    meta = {
        "year": run.year, "as_of": run.as_of, "polls_used": len(run.polls.polls),
        "polls_rejected": len(run.polls.rejects), "fundamentals": run.fundamentals,
        "national_mean": run.estimates.national_mean, **_summary(run.forecast),
    }  # fmt: skip
    return Output(run.forecast.units, meta)


@analysis("elections", "simulate", params=SimulateParams, row=UnitRow, needs="workspace")
def _simulate(ctx: Context, p: SimulateParams) -> Output:
    """Simulate the Electoral College from state means and errors.

    One row per state or district, as for a forecast; meta: the Electoral College and
    popular-vote chances and the electoral-vote distribution's summaries.
    """
    fc = simulation(p, progress=ctx.progress)
    return Output(fc.units, _summary(fc))


@analysis("elections", "backtest", params=ForecastParams, row=StateScoreRow, needs="workspace")
def _backtest(ctx: Context, p: ForecastParams) -> Output:
    """Score a forecast made with polls that ended before as-of against the results.

    One row per state scored; meta: Brier score (plain and weighted by electoral votes), log
    loss, states called and missed, the Electoral College call and the calibration bins.
    """
    rs = read_forecast_results(p)
    run = forecast_run(p, results=rs, progress=ctx.progress)
    score = score_forecast(run, rs)
    meta = {
        "year": run.year, "as_of": run.as_of, "polls_used": len(run.polls.polls),
        "simulations": run.forecast.n, **score.to_dict(),
    }  # fmt: skip
    del meta["per_state"]
    return Output(score.per_state, meta)


@analysis(
    "elections", "results", params=ResultsParams, row=ResultRow, needs="workspace",
    arguments=("file",),
)  # fmt: skip
def _results(ctx: Context, p: ResultsParams) -> Output:
    """Read a results file: one row per state and year, shares of all votes.

    Any CSV with a state column and votes or shares per party is read (columns detected by
    name or given by map); meta: the layout, the column read for each role, the years, and the
    rows rejected with their line, field and reason.
    """
    rs = read_results(p.file, p.map, p.mapping_file)
    df = rs.results
    if p.year is not None:
        df = df[df["year"] == p.year]
    df = df.assign(dem2=df["dem"] / (df["dem"] + df["rep"])).sort_values(["year", "state"])
    rows: list[dict[str, Any]] = [
        {**{str(k): v for k, v in r.items()}, "total_votes": None}
        if pd.isna(r["total_votes"])
        else {str(k): v for k, v in r.items()}
        for r in df.to_dict("records")
    ]
    meta = {
        "layout": rs.layout, "mapping": rs.mapping, "years": rs.years,
        "rejected": len(rs.rejects), "rejects": [asdict(r) for r in rs.rejects[:50]],
    }  # fmt: skip
    return Output(rows, meta)
