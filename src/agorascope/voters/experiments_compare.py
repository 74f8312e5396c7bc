"""Compare the arms of an experiment: rates, differences, tests, amounts, sequential looks.

Every figure comes from :mod:`agorascope.voters.experiments_stats` (checked against
statsmodels and SciPy in the tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.voters.experiments import METRICS, Experiment
from agorascope.voters.experiments_stats import (
    bootstrap_mean,
    bootstrap_mean_diff,
    holm,
    msprt,
    newcombe,
    sample_ratio_mismatch,
    wilson,
    ztest_2prop,
)

__all__ = ["SRM_ALPHA", "compare_arms", "control_of", "parse_split", "sequential_looks"]

SRM_ALPHA = 0.001
"""A sample-ratio-mismatch p-value below this flags the split as broken (the usual custom)."""


def control_of(exp: Experiment, control: str | None) -> str:
    """The control arm: the one named, else an arm called ``control``, else the first by name.

    Raises:
        InvalidInputError: the named arm is not in the experiment.
    """
    arms = exp.arms
    if control is not None:
        if control not in arms:
            raise InvalidInputError(f"no arm {control!r} in {exp.name!r} (arms: {', '.join(arms)})")
        return control
    named = [a for a in arms if a.lower() == "control"]
    return named[0] if named else arms[0]


def _metric(exp: Experiment, metric: str) -> str:
    if metric not in METRICS:
        raise InvalidInputError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")
    if metric not in exp.metrics():
        given = ", ".join(exp.metrics()) or "none"
        raise InvalidInputError(f"experiment {exp.name!r} has no {metric!r} (it has: {given})")
    return metric


def parse_split(text: str | None, arms: list[str]) -> dict[str, float]:
    """The planned split ``"A=1,B=1"`` (weights on any scale); equal weights when None.

    Raises:
        InvalidInputError: a bad weight, an unknown arm or an arm without a weight.
    """
    if not text:
        return dict.fromkeys(arms, 1.0)
    out: dict[str, float] = {}
    for part in text.split(","):
        arm, sep, weight = part.partition("=")
        try:
            w = float(weight)
        except ValueError:
            w = float("nan")
        if not sep or not (w > 0 and np.isfinite(w)):
            raise InvalidInputError(f"split: {part.strip()!r} is not ARM=WEIGHT (weight > 0)")
        out[arm.strip()] = w
    if set(out) != set(arms):
        raise InvalidInputError(
            f"split: give a weight to each arm ({', '.join(arms)}), got {', '.join(out)}"
        )
    return out


def compare_arms(
    exp: Experiment,
    *,
    metric: str = "clicked",
    control: str | None = None,
    alpha: float = 0.05,
    split: Mapping[str, float] | None = None,
    seed: int = 0,
    resamples: int = 2000,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One row per arm: rate and Wilson interval; against the control, the difference with its
    Newcombe interval, the z test, Holm's adjusted p-value; amount per recipient with a
    bootstrap interval (recipient-level files) and its difference to the control.

    Returns:
        ``(rows, meta)``; meta holds the control, the sample-ratio-mismatch check and totals.
    """
    metric = _metric(exp, metric)
    ctrl = control_of(exp, control)
    tot = exp.totals()
    if tot["sent"].min() <= 0:
        raise InvalidInputError(f"experiment {exp.name!r}: every arm needs recipients")
    k0, n0 = int(tot[metric][ctrl]), int(tot["sent"][ctrl])
    has_amount = tot["amount"].notna().any()
    boot = exp.level == "recipient" and has_amount
    amounts_ctrl = exp.recipient_amounts(ctrl, n0) if boot else None
    rows: list[dict[str, Any]] = []
    for i, (arm, r) in enumerate(tot.iterrows()):
        k, n = int(r[metric]), int(r["sent"])
        lo, hi = wilson(k, n, alpha)
        row: dict[str, Any] = {
            "arm": arm, "control": arm == ctrl, "sent": n, "successes": k, "rate": k / n,
            "rate_lo": lo, "rate_hi": hi, "diff": None, "diff_lo": None, "diff_hi": None,
            "z": None, "p_value": None, "p_holm": None, "significant": None,
            "amount_per_recipient": None, "amount_lo": None, "amount_hi": None,
            "amount_diff": None, "amount_diff_lo": None, "amount_diff_hi": None,
        }  # fmt: skip
        if arm != ctrl:
            row["diff"] = k / n - k0 / n0
            row["diff_lo"], row["diff_hi"] = newcombe(k, n, k0, n0, alpha)
            row["z"], row["p_value"] = ztest_2prop(k, n, k0, n0)
        if has_amount and pd.notna(r["amount"]):
            row["amount_per_recipient"] = float(r["amount"]) / n
        if boot and amounts_ctrl is not None:
            x = exp.recipient_amounts(str(arm), n)
            # each arm its own stream of the seed, whatever the other arms
            row["amount_lo"], row["amount_hi"] = bootstrap_mean(
                x, seed=seed + i, n_resamples=resamples, alpha=alpha
            )
            if arm != ctrl:
                row["amount_diff"] = float(x.mean() - amounts_ctrl.mean())
                row["amount_diff_lo"], row["amount_diff_hi"] = bootstrap_mean_diff(
                    x, amounts_ctrl, seed=seed + i, n_resamples=resamples, alpha=alpha
                )
        rows.append(row)
    tested = [r for r in rows if r["p_value"] is not None]
    for rec, p in zip(tested, holm([t["p_value"] for t in tested]), strict=True):
        rec["p_holm"] = p
        rec["significant"] = p < alpha
    weights = dict(split) if split is not None else dict.fromkeys(tot.index, 1.0)
    chi2, p_srm = sample_ratio_mismatch(
        [int(x) for x in tot["sent"]], [weights[str(a)] for a in tot.index]
    )
    meta = {
        "experiment": exp.name, "level": exp.level, "metric": metric, "control": ctrl,
        "alpha": alpha, "recipients": int(tot["sent"].sum()),
        "split": {str(a): weights[str(a)] for a in tot.index},
        "srm_chi2": chi2, "srm_p": p_srm, "srm_flag": p_srm < SRM_ALPHA,
        "bootstrap": {"method": "percentile", "resamples": resamples, "seed": seed} if boot
        else None,
    }  # fmt: skip
    return rows, meta


def sequential_looks(
    exp: Experiment,
    *,
    metric: str = "clicked",
    control: str | None = None,
    tau: float = 0.01,
    alpha: float = 0.05,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One row per day and treatment arm, on cumulative counts: the naive z test's p-value and
    the mSPRT's always-valid p-value (safe to read every day).

    Raises:
        InvalidInputError: the file had no days.
    """
    metric = _metric(exp, metric)
    ctrl = control_of(exp, control)
    c = exp.counts
    if c["day"].isna().any():
        raise InvalidInputError(
            f"experiment {exp.name!r} has rows without a day: the sequential test needs a "
            "'day' column on every row"
        )
    daily = c.pivot_table(index="day", columns="arm", values=["sent", metric], aggfunc="sum")
    daily = daily.fillna(0).cumsum()
    days = list(daily.index)
    rows: list[dict[str, Any]] = []
    crossed: dict[str, Any] = {}
    n0 = daily[("sent", ctrl)].to_numpy(float)
    k0 = daily[(metric, ctrl)].to_numpy(float)
    for arm in exp.arms:
        if arm == ctrl:
            continue
        n1 = daily[("sent", arm)].to_numpy(float)
        k1 = daily[(metric, arm)].to_numpy(float)
        ok = (n0 > 0) & (n1 > 0)
        ratio, p_av = msprt(k1[ok], n1[ok], k0[ok], n0[ok], tau)
        crossed[arm] = None
        for idx, r_, p_ in zip(np.flatnonzero(ok), ratio, p_av, strict=True):
            d = days[idx]
            _, p = ztest_2prop(int(k1[idx]), int(n1[idx]), int(k0[idx]), int(n0[idx]))
            if crossed[arm] is None and p_ <= alpha:
                crossed[arm] = d
            rate1, rate0 = k1[idx] / n1[idx], k0[idx] / n0[idx]
            rows.append(
                {
                    "day": d, "arm": arm, "sent": int(n1[idx]), "successes": int(k1[idx]),
                    "rate": rate1, "control_sent": int(n0[idx]), "control_rate": rate0,
                    "diff": rate1 - rate0, "z_p_value": p, "likelihood_ratio": float(r_),
                    "always_valid_p": float(p_),
                }
            )  # fmt: skip
    meta = {
        "experiment": exp.name, "metric": metric, "control": ctrl, "tau": tau, "alpha": alpha,
        "days": len(days), "significant_since": crossed,
    }  # fmt: skip
    return rows, meta
