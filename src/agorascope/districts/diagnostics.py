"""Convergence diagnostics across chains: split R-hat and effective sample size.

Both follow Gelman et al., *Bayesian Data Analysis* (3rd ed., ch. 11) and Stan's reference
manual: chains are split in halves, R-hat compares between- and within-half variances, and the
effective sample size sums the multi-chain autocorrelations with Geyer's initial monotone
sequence.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from agorascope.errors import InvalidInputError

__all__ = ["effective_sample_size", "split_rhat"]


def _split(draws: npt.ArrayLike) -> npt.NDArray[np.float64]:
    x = np.asarray(draws, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] < 4:
        raise InvalidInputError("draws must be (chains, draws) with at least 4 draws per chain")
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, -half:]], axis=0)


def split_rhat(draws: npt.ArrayLike) -> float:
    """Split R-hat of ``draws`` shaped ``(chains, draws)``; close to 1 when chains agree.

    Returns 1.0 when every draw is equal and ``inf`` when chains are constant but differ.
    """
    x = _split(draws)
    n = x.shape[1]
    within = float(x.var(axis=1, ddof=1).mean())
    between = float(n * x.mean(axis=1).var(ddof=1))
    if within == 0.0:
        return 1.0 if between == 0.0 else math.inf
    var_plus = (n - 1) / n * within + between / n
    return math.sqrt(var_plus / within)


def _autocov(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    n = x.shape[1]
    centered = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centered, n=size, axis=1)
    acov = np.fft.irfft(f * np.conj(f), n=size, axis=1)[:, :n]
    return np.asarray(acov / n, dtype=np.float64)


def effective_sample_size(draws: npt.ArrayLike) -> float:
    """Effective sample size of ``draws`` shaped ``(chains, draws)`` (all chains together).

    Returns the number of draws when every draw is equal.
    """
    x = _split(draws)
    m, n = x.shape
    acov = _autocov(x)
    chain_var = acov[:, 0] * n / (n - 1)
    mean_var = float(chain_var.mean())
    var_plus = mean_var * (n - 1) / n + float(x.mean(axis=1).var(ddof=1))
    if var_plus == 0.0:
        return float(m * n)
    rho = 1.0 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs while positive, forcing them to be non-increasing.
    total = 0.0
    prev = math.inf
    t = 0
    while t + 1 < n:
        pair = float(rho[t] + rho[t + 1])
        if pair <= 0:
            break
        pair = min(pair, prev)
        total += pair
        prev = pair
        t += 2
    tau = -1.0 + 2.0 * total
    tau = max(tau, 1.0 / math.log10(m * n))
    return float(m * n / tau)
