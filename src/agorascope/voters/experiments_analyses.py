"""The message-experiment analyses as the registry declares them.

They live in the ``voters`` domain (campaign data: the people, what was sent to them and what
it raised), so each is ``ws.voters.<name>()``, ``agorascope voters <name>`` and
``GET /api/voters/<name>``; ``agorascope experiment analyze|power|list`` are shorter names for
the same declarations (see :mod:`agorascope.cli.experiments`).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from agorascope.registry import Context, Output, Params, Row, analysis, row_of
from agorascope.voters.experiments import MAX_NAME, list_experiments, load_experiment
from agorascope.voters.experiments_compare import compare_arms, parse_split, sequential_looks
from agorascope.voters.experiments_stats import SampleSize, sample_size

__all__ = ["ExperimentParams", "PowerParams", "SequentialParams"]

Metric = Literal["opened", "clicked", "donated"]

_NAME = Field(
    min_length=1, max_length=MAX_NAME, description="Experiment name (as imported).",
    examples=["subject-lines"],
)  # fmt: skip
_METRIC: Any = Field("clicked", description="Outcome whose rate is compared.")
_CONTROL = Field(
    None, max_length=MAX_NAME, description="Control arm (default: 'control', else the first)."
)
_ALPHA = Field(0.05, gt=0, lt=0.5, description="Significance level (intervals are 1 - alpha).")


class ExperimentParams(Params):
    """An experiment to compare arm by arm."""

    experiment: str = _NAME
    metric: Metric = _METRIC
    control: str | None = _CONTROL
    alpha: float = _ALPHA
    split: str | None = Field(
        None,
        max_length=10_000,
        description="Planned split ARM=WEIGHT,... for the sample-ratio check (default: equal).",
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the bootstrap resamples.")
    resamples: int = Field(2000, ge=100, le=100_000, description="Bootstrap resamples.")


class SequentialParams(Params):
    """An experiment read day by day."""

    experiment: str = _NAME
    metric: Metric = _METRIC
    control: str | None = _CONTROL
    tau: float = Field(
        0.01,
        gt=0,
        le=1,
        description="Mixture sd of the mSPRT, as a difference of rates (the effect size the "
        "test is most sensitive to).",
    )
    alpha: float = _ALPHA


class PowerParams(Params):
    """A planned two-arm test."""

    baseline: float = Field(gt=0, lt=1, description="Control rate (0.02 = 2 %).", examples=[0.02])
    mde: float = Field(
        description="Minimum detectable effect: relative lift (0.1 = +10 %), or absolute with "
        "--absolute.",
        examples=[0.1],
    )
    alpha: float = _ALPHA
    power: float = Field(0.8, gt=0, lt=1, description="Chance of detecting the effect.")
    absolute: bool = Field(False, description="Read mde as a difference of rates.")


class ListParams(Params):
    """No parameter."""


class ArmRow(Row):
    """One arm: rate with its Wilson interval; against the control, the difference (Newcombe
    interval), z test and Holm-adjusted p-value; amount per recipient (bootstrap interval)."""

    arm: str
    control: bool
    sent: int
    successes: int
    rate: float
    rate_lo: float
    rate_hi: float
    diff: float | None
    diff_lo: float | None
    diff_hi: float | None
    z: float | None
    p_value: float | None
    p_holm: float | None
    significant: bool | None
    amount_per_recipient: float | None
    amount_lo: float | None
    amount_hi: float | None
    amount_diff: float | None
    amount_diff_lo: float | None
    amount_diff_hi: float | None


class LookRow(Row):
    """One day and treatment arm, on cumulative counts: naive z-test p-value and the mSPRT's
    always-valid p-value."""

    day: date
    arm: str
    sent: int
    successes: int
    rate: float
    control_sent: int
    control_rate: float
    diff: float
    z_p_value: float
    likelihood_ratio: float
    always_valid_p: float


PowerRow = row_of(SampleSize, "Recipients needed per arm (two equal arms).")


class ExperimentRow(Row):
    """One imported experiment."""

    name: str
    level: str
    source: str | None
    imported_at: datetime
    rows_read: int
    rejected: int
    arms: int
    sent: int
    first_day: date | None
    last_day: date | None


@analysis(
    "voters", "experiment", params=ExperimentParams, row=ArmRow, needs="workspace",
    arguments=("experiment",),
)  # fmt: skip
def _experiment(ctx: Context, p: ExperimentParams) -> Output:
    """Compare the arms of a message experiment against its control.

    Per arm: the rate of the metric with a Wilson interval; against the control, the
    difference with a Newcombe (hybrid score) interval, the pooled two-proportion z test and
    Holm's correction across arms; the amount per recipient with a seeded percentile bootstrap
    interval (files with one row per recipient). Meta: the sample-ratio-mismatch chi-square
    against the planned split (flagged below p = 0.001).
    """
    exp = load_experiment(ctx.workspace.store, p.experiment)
    split = parse_split(p.split, exp.arms) if p.split else None
    rows, meta = compare_arms(
        exp, metric=p.metric, control=p.control, alpha=p.alpha, split=split, seed=p.seed,
        resamples=p.resamples,
    )  # fmt: skip
    return Output(rows, meta)


@analysis(
    "voters", "experiment-sequential", params=SequentialParams, row=LookRow, needs="workspace",
    arguments=("experiment",),
)  # fmt: skip
def _sequential(ctx: Context, p: SequentialParams) -> Output:
    """Read an experiment day by day with an always-valid test (mSPRT).

    On cumulative counts at each day, the mixture sequential probability ratio test of two
    proportions gives a p-value that stays valid however often it is read; the naive z test's
    p-value is shown beside it (reading it every day inflates false positives). Meta: the first
    day each arm's always-valid p-value fell below alpha.
    """
    exp = load_experiment(ctx.workspace.store, p.experiment)
    rows, meta = sequential_looks(exp, metric=p.metric, control=p.control, tau=p.tau, alpha=p.alpha)
    return Output(rows, meta)


@analysis("voters", "experiment-power", params=PowerParams, row=PowerRow, needs="workspace")
def _power(ctx: Context, p: PowerParams) -> Output:
    """Recipients per arm needed to detect an effect on a rate.

    Two-sided test, two equal arms: the pooled-variance z test (as statsmodels'
    samplesize_proportions_2indep_onetail) and Cohen's arcsine effect size (NormalIndPower).
    """
    s = sample_size(p.baseline, p.mde, alpha=p.alpha, power=p.power, relative=not p.absolute)
    return Output([dataclasses.asdict(s)])


@analysis("voters", "experiments", params=ListParams, row=ExperimentRow, needs="workspace")
def _experiments(ctx: Context, p: ListParams) -> Output:
    """List the imported message experiments."""
    return Output(list_experiments(ctx.workspace.store))
