"""R-hat and effective sample size against analytic values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agorascope.districts import effective_sample_size, split_rhat
from agorascope.errors import InvalidInputError


def _ar1(rng: np.random.Generator, rho: float, chains: int, n: int) -> np.ndarray:
    x = np.empty((chains, n))
    x[:, 0] = rng.normal(size=chains) / math.sqrt(1 - rho**2)
    noise = rng.normal(size=(chains, n))
    for t in range(1, n):
        x[:, t] = rho * x[:, t - 1] + noise[:, t]
    return x


def test_iid_draws() -> None:
    x = np.random.default_rng(0).normal(size=(4, 5000))
    assert split_rhat(x) == pytest.approx(1.0, abs=0.01)
    assert effective_sample_size(x) == pytest.approx(20_000, rel=0.1)


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_ar1_effective_sample_size(rho: float) -> None:
    # The integrated autocorrelation time of AR(1) is (1 + rho) / (1 - rho).
    x = _ar1(np.random.default_rng(1), rho, chains=4, n=20_000)
    expected = x.size * (1 - rho) / (1 + rho)
    assert effective_sample_size(x) == pytest.approx(expected, rel=0.15)


def test_rhat_flags_chains_that_disagree() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 1000))
    x[1] += 3.0
    assert split_rhat(x) > 1.5
    # within-chain drift is caught by splitting
    drift = np.linspace(0, 5, 1000)[None, :] + rng.normal(size=(2, 1000))
    assert split_rhat(drift) > 1.2


def test_rhat_hand_computed() -> None:
    # two chains of 4 split into four halves of 2: means 1.5, 3.5, 2.5, 4.5; variances 0.5
    x = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]])
    within = 0.5
    between = 2 * np.var([1.5, 3.5, 2.5, 4.5], ddof=1)
    var_plus = 0.5 * within + between / 2
    assert split_rhat(x) == pytest.approx(math.sqrt(var_plus / within))


def test_constant_and_bad_input() -> None:
    assert split_rhat(np.ones((2, 10))) == 1.0
    assert effective_sample_size(np.ones((2, 10))) == 20.0
    assert split_rhat(np.array([np.ones(10), np.zeros(10)])) == math.inf
    with pytest.raises(InvalidInputError):
        split_rhat(np.ones((2, 3)))
