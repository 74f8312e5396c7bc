"""The statistics of a message experiment, written out from their published formulas.

Each function is a closed form (or a thin call to SciPy where SciPy is the reference), and
``tests/voters/test_experiments_stats.py`` checks each against statsmodels or SciPy on the same
numbers: Wilson intervals (Wilson 1927), Newcombe's hybrid-score interval for a difference
(Newcombe 1998, method 10), the pooled two-proportion z test, Holm's step-down correction,
sample sizes for a two-proportion test, a percentile bootstrap, the sample-ratio-mismatch
chi-square, and the mixture sequential probability ratio test (mSPRT) of Johari, Pekelis &
Walsh (2017, "Always valid inference") with its always-valid p-value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from agorascope.errors import InvalidInputError

__all__ = [
    "SampleSize",
    "bootstrap_mean",
    "bootstrap_mean_diff",
    "holm",
    "msprt",
    "newcombe",
    "sample_ratio_mismatch",
    "sample_size",
    "wilson",
    "ztest_2prop",
]


MAX_SAMPLE = 1e12
"""Largest sample size per arm the calculator reports (beyond it the effect is too small)."""


def _z(alpha: float) -> float:
    return float(stats.norm.isf(alpha / 2))


def wilson(count: int, nobs: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Args:
        count: successes.
        nobs: trials (positive).
        alpha: 1 - confidence level.

    Returns:
        ``(low, high)``.
    """
    if nobs <= 0:
        raise InvalidInputError("a proportion needs at least one trial")
    z = _z(alpha)
    p = count / nobs
    denom = 1 + z * z / nobs
    centre = (p + z * z / (2 * nobs)) / denom
    half = z * np.sqrt(p * (1 - p) / nobs + z * z / (4 * nobs * nobs)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def newcombe(
    count1: int, nobs1: int, count0: int, nobs0: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Newcombe's hybrid-score interval of ``p1 - p0`` (built from the two Wilson intervals).

    Returns:
        ``(low, high)`` of the difference.
    """
    p1, p0 = count1 / nobs1, count0 / nobs0
    l1, u1 = wilson(count1, nobs1, alpha)
    l0, u0 = wilson(count0, nobs0, alpha)
    d = p1 - p0
    return (
        float(d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)),
        float(d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)),
    )


def ztest_2prop(count1: int, nobs1: int, count0: int, nobs0: int) -> tuple[float, float]:
    """Two-sided z test of ``p1 = p0`` with the pooled proportion in the standard error.

    Returns:
        ``(z, p_value)``; ``(0, 1)`` when no arm has a success or every trial is one.
    """
    pooled = (count1 + count0) / (nobs1 + nobs0)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nobs1 + 1 / nobs0))
    if se == 0:
        return 0.0, 1.0
    z = (count1 / nobs1 - count0 / nobs0) / se
    return float(z), float(2 * stats.norm.sf(abs(z)))


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error control), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return [float(x) for x in out]


@dataclass(frozen=True)
class SampleSize:
    """Recipients needed per arm to detect a change of a rate.

    Attributes:
        baseline: the control's rate.
        target: the rate to detect (``baseline * (1 + mde)`` for a relative effect).
        alpha: two-sided significance level.
        power: chance of detecting ``target``.
        n_per_arm: pooled-variance z test, one tail (statsmodels
            ``samplesize_proportions_2indep_onetail``), rounded up.
        n_per_arm_arcsine: Cohen's arcsine effect size, both tails (statsmodels
            ``NormalIndPower``), rounded up.
        total: recipients of both arms (``2 * n_per_arm``).
    """

    baseline: float
    target: float
    alpha: float
    power: float
    n_per_arm: int
    n_per_arm_arcsine: int
    total: int


def sample_size(
    baseline: float, mde: float, *, alpha: float = 0.05, power: float = 0.8, relative: bool = True
) -> SampleSize:
    """Recipients per arm (two equal arms) for a two-sided two-proportion test.

    Args:
        baseline: control rate, in (0, 1).
        mde: minimum detectable effect: relative lift (0.1 = +10 %) or, with ``relative=False``,
            an absolute difference of rates.
        alpha: significance level.
        power: wanted power.
        relative: whether ``mde`` is relative.

    Raises:
        InvalidInputError: a rate outside (0, 1) or a zero effect.
    """
    target = baseline * (1 + mde) if relative else baseline + mde
    if not (0 < baseline < 1 and 0 < target < 1) or target == baseline:
        raise InvalidInputError(
            f"baseline {baseline} and target {target} must be different rates in (0, 1)"
        )
    if not (0 < alpha < 1 and alpha < power < 1):
        raise InvalidInputError("alpha and power must be in (0, 1), power above alpha")
    diff = target - baseline
    pooled = (target + baseline) / 2
    sd_null = np.sqrt(2 * pooled * (1 - pooled))
    sd_alt = np.sqrt(target * (1 - target) + baseline * (1 - baseline))
    crit = _z(alpha)
    with np.errstate(over="ignore", divide="ignore"):
        n1 = float(((crit * sd_null - stats.norm.isf(power) * sd_alt) / diff) ** 2)
    h = abs(2 * np.arcsin(np.sqrt(target)) - 2 * np.arcsin(np.sqrt(baseline)))

    def gap(n: float) -> float:
        shift = h * np.sqrt(n / 2)
        return float(stats.norm.sf(crit - shift) + stats.norm.cdf(-crit - shift) - power)

    if not np.isfinite(n1) or n1 > MAX_SAMPLE or gap(MAX_SAMPLE) < 0:
        raise InvalidInputError(
            f"a change from {baseline:g} to {target:g} needs more than {MAX_SAMPLE:.0e} "
            "recipients per arm"
        )
    n_h = optimize.brentq(gap, 1e-6, MAX_SAMPLE, xtol=1e-10, rtol=1e-14)
    n = int(np.ceil(n1 - 1e-9))
    return SampleSize(baseline, target, alpha, power, n, int(np.ceil(n_h - 1e-9)), 2 * n)


def bootstrap_mean(
    values: np.ndarray, *, seed: int, n_resamples: int = 2000, alpha: float = 0.05
) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean (``scipy.stats.bootstrap``), seeded.

    Returns:
        ``(low, high)``; the value itself twice when fewer than two values vary.
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2 or np.all(x == x[0]):
        m = float(x.mean()) if len(x) else float("nan")
        return m, m
    res = stats.bootstrap(
        (x,), np.mean, n_resamples=n_resamples, confidence_level=1 - alpha,
        method="percentile", rng=np.random.default_rng(seed), batch=100, vectorized=True,
    )  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    diff: np.ndarray = np.mean(x, axis=axis) - np.mean(y, axis=axis)
    return diff


def bootstrap_mean_diff(
    x: np.ndarray, y: np.ndarray, *, seed: int, n_resamples: int = 2000, alpha: float = 0.05
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``mean(x) - mean(y)`` (each sample resampled alone)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or len(b) < 2 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        d = float(a.mean() - b.mean()) if len(a) and len(b) else float("nan")
        return d, d
    res = stats.bootstrap(
        (a, b), _mean_diff, n_resamples=n_resamples, confidence_level=1 - alpha,
        method="percentile", rng=np.random.default_rng(seed), batch=100, vectorized=True,
    )  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def sample_ratio_mismatch(observed: Sequence[int], planned: Sequence[float]) -> tuple[float, float]:
    """Chi-square test that recipients were split as planned.

    Args:
        observed: recipients per arm.
        planned: planned weights per arm (any positive scale).

    Returns:
        ``(chi2, p_value)``; a tiny p-value (below 0.001 by custom) means the split went wrong
        and the comparison cannot be trusted.
    """
    obs = np.asarray(observed, dtype=float)
    w = np.asarray(planned, dtype=float)
    if len(obs) != len(w) or len(obs) < 2 or np.any(w <= 0):
        raise InvalidInputError("the planned split needs a positive weight for every arm")
    expected = obs.sum() * w / w.sum()
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    return chi2, float(stats.chi2.sf(chi2, len(obs) - 1))


def msprt(
    count1: np.ndarray,
    nobs1: np.ndarray,
    count0: np.ndarray,
    nobs0: np.ndarray,
    tau: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Mixture SPRT of ``p1 = p0`` over successive looks, with its always-valid p-value.

    At each look the difference of rates ``d`` has variance ``V = p1 q1 / n1 + p0 q0 / n0``
    (plug-in); with a normal mixture N(0, tau^2) over the true difference, the mixture
    likelihood ratio is ``sqrt(V / (V + tau^2)) * exp(tau^2 d^2 / (2 V (V + tau^2)))`` and the
    always-valid p-value is the running minimum of ``1 / ratio`` (capped at 1). Rejecting when it
    falls below alpha, at any look, keeps the false-positive rate at or below alpha
    (Johari, Pekelis & Walsh 2017).

    Args:
        count1: cumulative successes of the treatment at each look; ``nobs1`` its recipients.
        count0: cumulative successes of the control at each look; ``nobs0`` its recipients.
        tau: sd of the mixing distribution, on the scale of a difference of rates (the size of
            effect the test is most sensitive to).

    Returns:
        ``(ratio, p_value)`` arrays over the looks (last axis), any leading shape.
    """
    if tau <= 0:
        raise InvalidInputError("tau must be positive")
    c1, n1 = np.asarray(count1, dtype=float), np.asarray(nobs1, dtype=float)
    c0, n0 = np.asarray(count0, dtype=float), np.asarray(nobs0, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0 = c1 / n1, c0 / n0
        v = p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0
        t2 = tau * tau
        log_ratio = 0.5 * np.log(v / (v + t2)) + t2 * (p1 - p0) ** 2 / (2 * v * (v + t2))
    ratio = np.where((v > 0) & np.isfinite(log_ratio), np.exp(np.minimum(log_ratio, 700)), 1.0)
    p = np.minimum.accumulate(np.minimum(1.0, 1.0 / ratio), axis=-1)
    return ratio, p
