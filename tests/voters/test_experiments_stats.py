"""Experiment statistics against statsmodels and SciPy on the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from agorascope.errors import InvalidInputError
from agorascope.voters.experiments_stats import (
    bootstrap_mean,
    bootstrap_mean_diff,
    holm,
    msprt,
    newcombe,
    sample_ratio_mismatch,
    sample_size,
    wilson,
    ztest_2prop,
)

CASES = [(0, 50), (1, 50), (12, 400), (250, 10_000), (49, 50), (50, 50)]


@pytest.mark.parametrize(("k", "n"), CASES, ids=[f"{k}of{n}" for k, n in CASES])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_wilson_equals_statsmodels(k: int, n: int, alpha: float) -> None:
    want = proportion_confint(k, n, alpha=alpha, method="wilson")
    assert wilson(k, n, alpha) == pytest.approx(want, abs=1e-12)


PAIRS = [(30, 1000, 20, 1000), (5, 120, 0, 130), (480, 5000, 410, 5100), (9, 10, 1, 10)]


@pytest.mark.parametrize("case", PAIRS, ids=lambda c: "-".join(map(str, c)))
def test_newcombe_and_z_equal_statsmodels(case: tuple[int, int, int, int]) -> None:
    k1, n1, k0, n0 = case
    want = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff")
    assert newcombe(k1, n1, k0, n0) == pytest.approx(want, abs=1e-12)
    z, p = proportions_ztest([k1, k0], [n1, n0])
    assert ztest_2prop(k1, n1, k0, n0) == pytest.approx((z, p), rel=1e-12)


def test_holm_equals_statsmodels() -> None:
    ps = [0.01, 0.04, 0.03, 0.2, 0.04, 0.0001]
    assert holm(ps) == pytest.approx(list(multipletests(ps, method="holm")[1]), abs=1e-15)
    assert holm([]) == []


@pytest.mark.parametrize(
    ("baseline", "mde", "alpha", "power"),
    [(0.02, 0.1, 0.05, 0.8), (0.1, 0.2, 0.01, 0.9), (0.5, -0.05, 0.05, 0.8)],
)
def test_sample_size_equals_statsmodels(
    baseline: float, mde: float, alpha: float, power: float
) -> None:
    s = sample_size(baseline, mde, alpha=alpha, power=power)
    target = baseline * (1 + mde)
    one_tail = samplesize_proportions_2indep_onetail(
        target - baseline, baseline, power, alpha=alpha
    )
    assert s.n_per_arm == int(np.ceil(one_tail))
    es = proportion_effectsize(target, baseline)
    arcsine = NormalIndPower().solve_power(effect_size=es, alpha=alpha, power=power, ratio=1)
    assert s.n_per_arm_arcsine == int(np.ceil(arcsine))
    assert s.n_per_arm == pytest.approx(s.n_per_arm_arcsine, rel=0.02)


def test_sample_size_for_the_documented_example() -> None:
    s = sample_size(0.02, 0.1)
    assert (s.target, s.n_per_arm) == (pytest.approx(0.022), 80_682)
    with pytest.raises(InvalidInputError, match="different rates"):
        sample_size(0.02, 0.0)
    with pytest.raises(InvalidInputError, match="needs more than"):
        sample_size(5e-324, 411)
    with pytest.raises(InvalidInputError, match="needs more than"):
        sample_size(0.3267, 1e-9)


def test_bootstrap_equals_scipy_with_the_same_seed() -> None:
    rng = np.random.default_rng(3)
    x = np.where(rng.random(400) < 0.05, rng.gamma(2, 20, 400), 0.0)
    y = np.where(rng.random(300) < 0.03, rng.gamma(2, 20, 300), 0.0)
    res = stats.bootstrap(
        (x,), np.mean, n_resamples=2000, method="percentile", rng=np.random.default_rng(7)
    )
    ci = res.confidence_interval
    assert bootstrap_mean(x, seed=7) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert bootstrap_mean(x, seed=7) == bootstrap_mean(x, seed=7)
    low, high = bootstrap_mean(x, seed=7)
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert low == pytest.approx(x.mean() - 1.96 * se, abs=se * 0.5)
    assert high == pytest.approx(x.mean() + 1.96 * se, abs=se * 0.5)

    def diff(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    res2 = stats.bootstrap(
        (x, y),
        diff,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(7),
        batch=100,
    )
    ci2 = res2.confidence_interval
    assert bootstrap_mean_diff(x, y, seed=7) == pytest.approx((ci2.low, ci2.high), rel=1e-12)
    assert bootstrap_mean(np.zeros(5), seed=1) == (0.0, 0.0)


def test_sample_ratio_mismatch_equals_scipy() -> None:
    obs, planned = [5120, 4880, 10_300], [1, 1, 2]
    exp = np.array(planned) / 4 * sum(obs)
    want = stats.chisquare(obs, exp)
    assert sample_ratio_mismatch(obs, planned) == pytest.approx(
        (want.statistic, want.pvalue), rel=1e-12
    )
    with pytest.raises(InvalidInputError):
        sample_ratio_mismatch([1, 2], [1, 0])


def test_msprt_hand_computed() -> None:
    """One look by hand: p1 = 0.12, p0 = 0.10, 1000 each, tau = 0.02."""
    v = 0.12 * 0.88 / 1000 + 0.1 * 0.9 / 1000
    t2 = 0.02**2
    want = np.sqrt(v / (v + t2)) * np.exp(t2 * 0.02**2 / (2 * v * (v + t2)))
    ratio, p = msprt(np.array([120]), np.array([1000]), np.array([100]), np.array([1000]), 0.02)
    assert ratio[0] == pytest.approx(want, rel=1e-12)
    assert p[0] == pytest.approx(min(1.0, 1 / want), rel=1e-12)
    # the p-value never rises again
    ratio, p = msprt(
        np.array([50, 120, 150]), np.array([500, 1000, 1500]),
        np.array([30, 100, 160]), np.array([500, 1000, 1500]), 0.02,
    )  # fmt: skip
    inv = np.minimum(1, 1 / ratio)
    assert inv[2] > inv[1] > inv[0]
    assert list(p) == pytest.approx([inv[0]] * 3)


def _null_looks(seed: int, reps: int, days: int, per_day: int, rate: float) -> tuple:
    rng = np.random.default_rng(seed)
    c1 = rng.binomial(per_day, rate, (reps, days)).cumsum(axis=1)
    c0 = rng.binomial(per_day, rate, (reps, days)).cumsum(axis=1)
    n = np.broadcast_to(np.arange(1, days + 1) * per_day, (reps, days))
    return c1, n, c0, n


@pytest.mark.slow
def test_daily_looks_keep_msprt_under_alpha_but_not_a_naive_z_test() -> None:
    """Under the null, 30 daily looks: mSPRT rejects in <= 5 % of runs, repeated z tests more."""
    alpha, reps = 0.05, 4000
    c1, n1, c0, n0 = _null_looks(11, reps, 30, 400, 0.05)
    _, p = msprt(c1, n1, c0, n0, tau=0.01)
    msprt_fp = float((p[:, -1] <= alpha).mean())
    pooled = (c1 + c0) / (n1 + n0)
    z = (c1 / n1 - c0 / n0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    naive_fp = float((2 * stats.norm.sf(np.abs(z)) <= alpha).any(axis=1).mean())
    se = np.sqrt(alpha * (1 - alpha) / reps)
    assert msprt_fp <= alpha + 2 * se
    assert naive_fp > 2 * alpha
    # the same data without peeking: a single z test at the end holds its level
    assert float((2 * stats.norm.sf(np.abs(z[:, -1])) <= alpha).mean()) < alpha + 3 * se
