"""Correlated Monte Carlo of the Electoral College, vectorised and seeded.

Each simulation draws a national error (Student-t) shared by every state, correlated state
errors (multivariate Student-t with the state correlation matrix), and an independent error per
congressional district of Maine and Nebraska. Draws are made in chunks (bounded memory), each
from its own child of the seed, on a small thread pool; a compiled kernel (numba, GIL released)
counts electoral votes, finds the tipping-point state and fills the histograms that the
summaries are read from.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numba
import numpy as np

from agorascope.elections.states import STATES, Unit
from agorascope.errors import InvalidInputError

__all__ = [
    "SimulationInput",
    "SimulationTotals",
    "run_simulations",
    "share_sampler",
    "simulate_shares",
    "tally",
]

N_BINS = 1000  # histogram of each unit's two-party share, bins of 0.001


@dataclass
class SimulationInput:
    """Everything the simulation needs.

    Attributes:
        units: units awarding electoral votes (51 states then districts).
        state_mean: expected two-party Democratic share of the 51 states (STATES order).
        state_cov: covariance of the state errors (51 x 51), national error excluded.
        national_sd: sd of the national error shared by all states.
        district_sd: sd of a district's own error.
        df: degrees of freedom of the t errors.
        turnout: votes per state, the weights of the national popular vote.
    """

    units: list[Unit]
    state_mean: np.ndarray
    state_cov: np.ndarray
    national_sd: float
    district_sd: float
    df: float
    turnout: np.ndarray


@dataclass
class SimulationTotals:
    """Counts accumulated over all simulations (the raw material of the summaries)."""

    n: int
    ev_hist: np.ndarray  # (539,) simulations by Democratic electoral votes
    unit_wins: np.ndarray  # (U,) simulations won by the Democrat, per unit
    unit_wins_and_ec: np.ndarray  # (U,) won the unit and the Electoral College (Democrat)
    unit_losses_and_ec_rep: np.ndarray  # (U,) lost the unit and the Republican won the EC
    share_hist: np.ndarray  # (U, N_BINS) histogram of the two-party Democratic share
    tipping: np.ndarray  # (U,) simulations in which the unit was the tipping point
    pv_wins: int  # simulations where the Democrat won the popular vote
    split_dem_ec_rep_pv: int  # Democrat wins the EC, loses the popular vote
    split_rep_ec_dem_pv: int  # Republican wins the EC, loses the popular vote
    pv_hist: np.ndarray  # (N_BINS,) histogram of the national two-party share
    ec_pv_joint: np.ndarray  # (3, 2) [EC: rep / dem / none, PV: rep / dem] counts


@numba.njit(cache=True, nogil=True)
def _tally(  # pragma: no cover - compiled; exercised through run_simulations
    share: np.ndarray,
    ev: np.ndarray,
    weights: np.ndarray,
    n_states: int,
    ev_hist: np.ndarray,
    unit_wins: np.ndarray,
    wins_and_ec: np.ndarray,
    losses_and_ec_rep: np.ndarray,
    share_hist: np.ndarray,
    tipping: np.ndarray,
    pv_hist: np.ndarray,
    joint: np.ndarray,
) -> None:
    m, u = share.shape
    total_ev = 0
    for j in range(u):
        total_ev += ev[j]
    need = total_ev // 2 + 1
    wsum = 0.0
    for j in range(n_states):
        wsum += weights[j]
    order = np.empty(u, np.int64)
    keys = np.empty(u, np.float32)
    for i in range(m):
        dem_ev = 0
        pv = 0.0
        for j in range(u):
            x = share[i, j]
            if x > 0.5:
                dem_ev += ev[j]
            b = int(x * N_BINS)
            if b < 0:
                b = 0
            elif b >= N_BINS:
                b = N_BINS - 1
            share_hist[j, b] += 1
            if j < n_states:
                pv += weights[j] * x
        pv /= wsum
        ev_hist[dem_ev] += 1
        dem_win = dem_ev >= need
        rep_win = total_ev - dem_ev >= need
        pv_dem = pv > 0.5
        bp = int(pv * N_BINS)
        pv_hist[min(max(bp, 0), N_BINS - 1)] += 1
        joint[1 if dem_win else (0 if rep_win else 2), 1 if pv_dem else 0] += 1
        for j in range(u):
            won = share[i, j] > 0.5
            if won:
                unit_wins[j] += 1
                if dem_win:
                    wins_and_ec[j] += 1
            elif rep_win:
                losses_and_ec_rep[j] += 1
        if dem_win or rep_win:
            # tipping point: drop the winner's units from the weakest up until the winner falls
            # below a majority; the last one dropped tips it (found by repeated minimum search,
            # which stops after a few units in all but landslides)
            sign = np.float32(1.0) if dem_win else np.float32(-1.0)
            spare = (dem_ev if dem_win else total_ev - dem_ev) - need
            k = 0
            for j in range(u):
                x = sign * (share[i, j] - np.float32(0.5))
                if x > 0:
                    keys[k] = x
                    order[k] = j
                    k += 1
            acc = 0
            while True:
                best = 0
                for p in range(1, k):
                    if keys[p] < keys[best]:
                        best = p
                acc += ev[order[best]]
                if acc > spare:
                    tipping[order[best]] += 1
                    break
                keys[best] = np.inf


def run_simulations(
    inp: SimulationInput,
    n: int = 1_000_000,
    *,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    chunk: int = 100_000,
    progress: Callable[[int], None] | None = None,
    workers: int = 2,
) -> SimulationTotals:
    """Run ``n`` correlated simulations and return the accumulated counts.

    Args:
        inp: means, covariance and units.
        n: number of simulations.
        seed: seed of a fresh ``numpy.random.Generator`` (ignored when ``rng`` is given).
        rng: a generator to draw from.
        chunk: simulations drawn at once (memory is about ``chunk * units * 8`` bytes).
        progress: called with the number of simulations done after each chunk.
        workers: threads drawing and counting chunks in parallel (results do not depend on it:
            chunk ``c`` always uses the ``c``-th child of the seed).

    Returns:
        The counts; same seed, same counts.
    """
    if n <= 0:
        raise InvalidInputError("the number of simulations must be positive")
    ns = len(STATES)
    draw = share_sampler(inp)
    ev = np.array([x.ev for x in inp.units], dtype=np.int64)
    u = len(inp.units)
    totals = _empty_totals(n, u, int(ev.sum()))
    weights = inp.turnout.astype(np.float64)
    seeds = _chunk_seeds(n, chunk, seed, rng)
    n_chunks = len(seeds)

    def one_chunk(c: int) -> SimulationTotals:
        m = min(chunk, n - c * chunk)
        acc = _empty_totals(m, u, int(ev.sum()))
        share = draw(np.random.default_rng(seeds[c]), m)
        _tally(
            share, ev, weights, ns, acc.ev_hist, acc.unit_wins, acc.unit_wins_and_ec,
            acc.unit_losses_and_ec_rep, acc.share_hist, acc.tipping, acc.pv_hist,
            acc.ec_pv_joint,
        )  # fmt: skip
        return acc

    done = 0
    with (
        _single_threaded_blas(),
        ThreadPoolExecutor(max_workers=max(1, min(workers, n_chunks))) as pool,
    ):
        for acc in pool.map(one_chunk, range(n_chunks)):
            _merge(totals, acc)
            done += acc.n
            if progress is not None:
                progress(done)
    j = totals.ec_pv_joint
    totals.pv_wins = int(j[:, 1].sum())
    totals.split_dem_ec_rep_pv = int(j[1, 0])
    totals.split_rep_ec_dem_pv = int(j[0, 1])
    return totals


def _chunk_seeds(
    n: int, chunk: int, seed: int | None, rng: np.random.Generator | None
) -> list[np.random.SeedSequence]:
    """The seed of each chunk: chunk ``c`` always draws from the ``c``-th child."""
    n_chunks = -(-n // chunk)
    if rng is not None:
        return [np.random.SeedSequence(int(x)) for x in rng.integers(0, 2**63, n_chunks)]
    return list(np.random.SeedSequence(seed).spawn(n_chunks))


def share_sampler(inp: SimulationInput) -> Callable[[np.random.Generator, int], np.ndarray]:
    """A function ``draw(gen, m)`` returning ``m`` simulated two-party Democratic shares of every
    unit (``m x units``, float32): the draws :func:`run_simulations` counts.

    Raises:
        InvalidInputError: means or covariance of the wrong shape.
    """
    ns = len(STATES)
    if inp.state_mean.shape != (ns,) or inp.state_cov.shape != (ns, ns):
        raise InvalidInputError("state_mean must have 51 entries and state_cov be 51 x 51")
    units = inp.units
    u = len(units)
    state_pos = {s: i for i, s in enumerate(STATES)}
    parent = np.array([state_pos[x.state] for x in units[ns:]], dtype=np.int64)
    lean = np.array([x.lean for x in units[ns:]], dtype=np.float32)
    chol = _cholesky(inp.state_cov).astype(np.float32)
    mean = inp.state_mean.astype(np.float32)
    t_scale = np.float32(np.sqrt((inp.df - 2) / inp.df))  # unit-variance t
    df = float(inp.df)
    nat_sd = np.float32(inp.national_sd)
    dist_sd = np.float32(inp.district_sd)

    def draw(gen: np.random.Generator, m: int) -> np.ndarray:
        z = gen.standard_normal((m, ns), dtype=np.float32)
        scale_s = np.sqrt(df / gen.chisquare(df, m)).astype(np.float32) * t_scale
        nat = gen.standard_normal(m, dtype=np.float32) * (
            np.sqrt(df / gen.chisquare(df, m)).astype(np.float32) * t_scale * nat_sd
        )
        share = np.empty((m, u), dtype=np.float32)
        np.matmul(z, chol.T, out=share[:, :ns])
        share[:, :ns] *= scale_s[:, None]
        share[:, :ns] += mean[None, :] + nat[:, None]
        if u > ns:
            d = gen.standard_normal((m, u - ns), dtype=np.float32)
            share[:, ns:] = share[:, parent] + lean[None, :] + d * dist_sd
        return share

    return draw


def simulate_shares(
    inp: SimulationInput, n: int, *, seed: int | None = 0, chunk: int = 100_000
) -> np.ndarray:
    """The ``n x units`` simulated shares themselves (float32), the very draws that
    :func:`run_simulations` with the same ``n``, ``seed`` and ``chunk`` counts; for analyses
    that need the joint outcomes (a budget, a what-if), at ``4 * n * units`` bytes."""
    if n <= 0:
        raise InvalidInputError("the number of simulations must be positive")
    draw = share_sampler(inp)
    seeds = _chunk_seeds(n, chunk, seed, None)
    with _single_threaded_blas():
        parts = [
            draw(np.random.default_rng(sd), min(chunk, n - c * chunk)) for c, sd in enumerate(seeds)
        ]
    return np.concatenate(parts, axis=0)


def tally(share: np.ndarray, ev: np.ndarray, weights: np.ndarray) -> SimulationTotals:
    """Count given draws as :func:`run_simulations` counts its own: electoral votes, wins,
    tipping points, histograms.

    Args:
        share: ``m x units`` two-party Democratic shares (cast to float32).
        ev: electoral votes of each unit.
        weights: popular-vote weights of the first ``len(weights)`` units (the states).
    """
    sh = np.ascontiguousarray(share, dtype=np.float32)
    votes = np.asarray(ev, dtype=np.int64)
    acc = _empty_totals(sh.shape[0], sh.shape[1], int(votes.sum()))
    _tally(
        sh, votes, np.asarray(weights, dtype=np.float64), len(weights), acc.ev_hist,
        acc.unit_wins, acc.unit_wins_and_ec, acc.unit_losses_and_ec_rep, acc.share_hist,
        acc.tipping, acc.pv_hist, acc.ec_pv_joint,
    )  # fmt: skip
    j = acc.ec_pv_joint
    acc.pv_wins = int(j[:, 1].sum())
    acc.split_dem_ec_rep_pv = int(j[1, 0])
    acc.split_rep_ec_dem_pv = int(j[0, 1])
    return acc


def _single_threaded_blas() -> AbstractContextManager[object]:
    """One BLAS thread per worker: the chunks are already run in parallel, and nested BLAS
    threads would oversubscribe the cores (measured 3-5x slower matrix products)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scipy's usual installs
        return nullcontext()
    limits: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def _empty_totals(n: int, u: int, total_ev: int) -> SimulationTotals:
    return SimulationTotals(
        n=n,
        ev_hist=np.zeros(total_ev + 1, np.int64),
        unit_wins=np.zeros(u, np.int64),
        unit_wins_and_ec=np.zeros(u, np.int64),
        unit_losses_and_ec_rep=np.zeros(u, np.int64),
        share_hist=np.zeros((u, N_BINS), np.int64),
        tipping=np.zeros(u, np.int64),
        pv_wins=0,
        split_dem_ec_rep_pv=0,
        split_rep_ec_dem_pv=0,
        pv_hist=np.zeros(N_BINS, np.int64),
        ec_pv_joint=np.zeros((3, 2), np.int64),
    )


def _merge(into: SimulationTotals, part: SimulationTotals) -> None:
    for name in (
        "ev_hist", "unit_wins", "unit_wins_and_ec", "unit_losses_and_ec_rep", "share_hist",
        "tipping", "pv_hist", "ec_pv_joint",
    ):  # fmt: skip
        getattr(into, name)[...] += getattr(part, name)


def _cholesky(cov: np.ndarray) -> np.ndarray:
    """Cholesky factor, after clipping tiny negative eigenvalues (a PSD repair)."""
    sym = (cov + cov.T) / 2
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(sym)
        fixed = (vecs * np.clip(vals, 1e-10, None)) @ vecs.T
        return np.linalg.cholesky((fixed + fixed.T) / 2)
