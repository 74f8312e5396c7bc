"""The budget analysis as the registry declares it: ``agorascope voters budget``.

Its election inputs are those of ``elections simulate`` (a table of state means and sds with
votes) or of ``elections forecast`` (polls and results); the draws are the elections domain's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from agorascope.elections.simulate import SimulationInput
from agorascope.errors import InvalidInputError
from agorascope.registry import Context, Output, Params, Row, analysis
from agorascope.voters.budget import SpendingModel, plan_budget

__all__ = ["BudgetParams", "budget_input"]

MAX_SIMS = 200_000
"""Most simulations a budget may draw (all are held in memory: 4 bytes x units each)."""


class BudgetParams(Params):
    """A budget and the election it is spent on."""

    total: float = Field(gt=0, le=1e12, description="Dollars to spend.", examples=[10_000_000])
    states: Path | None = Field(
        None, description="CSV with state, mean, sd, votes (as for 'elections simulate')."
    )
    polls: Path | None = Field(None, description="Poll file (as for 'elections forecast').")
    results: Path | None = Field(None, description="Results file (as for 'elections forecast').")
    year: int = Field(2024, ge=1788, le=2200, description="Election year.")
    as_of: date | None = Field(None, description="Forecast date (with polls).")
    ev: Path | None = Field(None, description="Electoral votes CSV (default: the year's).")
    national_sd: float = Field(
        0.015, ge=0, le=0.5, description="National error sd (with a states table)."
    )
    df: float = Field(5.0, gt=2, le=1000, description="Student-t degrees of freedom (table).")
    party: Literal["dem", "rep"] = Field("dem", description="Candidate the money helps.")
    objective: Literal["win", "ev"] = Field(
        "win", description="Maximise the win probability or the expected electoral votes."
    )
    effect: float = Field(
        0.01, gt=0, le=0.2, description="a: scale of the share shift (0.01 = one point)."
    )
    per_voter: float = Field(
        10.0, gt=0, le=1e6, description="b: dollars per voter at which the shift is a * ln 2."
    )
    steps: int = Field(100, ge=1, le=10_000, description="Chunks the budget is spent in.")
    bandwidth: float = Field(
        0.01, gt=0, lt=0.5, description="Half-width of the box kernel around a 50 % share."
    )
    sims: int = Field(20_000, ge=100, le=MAX_SIMS, description="Number of simulations.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed (same seed, same plan).")

    @model_validator(mode="after")
    def _one_source(self) -> BudgetParams:
        by_table = self.states is not None
        by_polls = self.polls is not None or self.results is not None
        if by_table == by_polls or (by_polls and (self.polls is None or self.results is None)):
            raise ValueError("give either states, or polls and results")
        return self


class BudgetRow(Row):
    """One state: win chance, tipping-point chance, voter power, and the money it gets."""

    state: str
    name: str
    ev: int
    voters: float
    win_prob: float
    tipping_point: float
    p_close: float
    p_decisive_if_close: float
    p_vote_decides: float
    power_index: float
    spend: float
    share: float
    shift: float
    win_prob_after: float


def budget_input(p: BudgetParams) -> SimulationInput:
    """The elections simulation input that ``p`` describes (a state table or a forecast)."""
    from agorascope.elections.forecast import build_input
    from agorascope.elections.pipeline import run_forecast, table_input

    if p.states is not None:
        return table_input(
            p.states, national_sd=p.national_sd, df=p.df, electoral_votes=p.ev, year=p.year
        )
    if p.polls is None or p.results is None:  # pragma: no cover - the validator ensures it
        raise InvalidInputError("give either states, or polls and results")
    run = run_forecast(p.polls, p.results, p.year, p.as_of, electoral_votes=p.ev, n=1, seed=0)
    return build_input(run.estimates, run.ev)


@analysis("voters", "budget", params=BudgetParams, row=BudgetRow, needs="workspace")
def _budget(ctx: Context, p: BudgetParams) -> Output:
    """Tipping points, voter power and where to spend a budget, from simulated elections.

    The elections domain's correlated simulation of the Electoral College is drawn once; per
    state, the chance of being the tipping point and the chance that one vote decides the
    election (Gelman, King & Boscardin), with a box-kernel density at a 50 % share. The budget
    is spent in chunks, greedily, where the objective gains most, under diminishing returns:
    shift = a * ln(1 + spend / (b * voters)). Meta: win chance and expected electoral votes
    before and after, and the order in which chunks were placed.
    """
    plan = plan_budget(
        budget_input(p), p.total, sims=p.sims, seed=p.seed, party=p.party,
        model=SpendingModel(p.effect, p.per_voter), steps=p.steps, objective=p.objective,
        bandwidth=p.bandwidth,
    )  # fmt: skip
    return Output(plan.rows, plan.meta)
