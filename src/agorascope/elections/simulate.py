"""Correlated Monte Carlo of the Electoral College, vectorised and seeded.

Each simulation draws a national error (Student-t) shared by every state, correlated state
errors (multivariate Student-t with the state correlation matrix), and an independent error per
congressional district of Maine and Nebraska. Draws are made in chunks (bounded memory); a
compiled kernel (numba) then counts electoral votes, finds the tipping-point state and fills
the histograms that the summaries are read from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from agorascope.elections.states import STATES, Unit
from agorascope.errors import InvalidInputError

__all__ = ["SimulationInput", "SimulationTotals", "run_simulations"]

N_BINS = 2000  # histogram of each unit's two-party share, bins of 0.0005


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


@numba.njit(cache=True)
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
            # tipping point: order units from the winner's best to worst, find where the
            # running electoral-vote total first reaches a majority
            sign = 1.0 if dem_win else -1.0
            order[:] = np.argsort(-sign * share[i])
            acc = 0
            for k in range(u):
                acc += ev[order[k]]
                if acc >= need:
                    tipping[order[k]] += 1
                    break


def run_simulations(
    inp: SimulationInput,
    n: int = 1_000_000,
    *,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    chunk: int = 100_000,
    progress: Callable[[int], None] | None = None,
) -> SimulationTotals:
    """Run ``n`` correlated simulations and return the accumulated counts.

    Args:
        inp: means, covariance and units.
        n: number of simulations.
        seed: seed of a fresh ``numpy.random.Generator`` (ignored when ``rng`` is given).
        rng: a generator to draw from.
        chunk: simulations drawn at once (memory is about ``chunk * units * 8`` bytes).
        progress: called with the number of simulations done after each chunk.

    Returns:
        The counts; same seed, same counts.
    """
    if n <= 0:
        raise InvalidInputError("the number of simulations must be positive")
    ns = len(STATES)
    if inp.state_mean.shape != (ns,) or inp.state_cov.shape != (ns, ns):
        raise InvalidInputError("state_mean must have 51 entries and state_cov be 51 x 51")
    gen = rng if rng is not None else np.random.default_rng(seed)
    units = inp.units
    u = len(units)
    state_pos = {s: i for i, s in enumerate(STATES)}
    parent = np.array([state_pos[x.state] for x in units[ns:]], dtype=np.int64)
    lean = np.array([x.lean for x in units[ns:]], dtype=np.float32)
    ev = np.array([x.ev for x in units], dtype=np.int64)
    chol = _cholesky(inp.state_cov).astype(np.float32)
    mean = inp.state_mean.astype(np.float32)
    t_scale = np.float32(np.sqrt((inp.df - 2) / inp.df))  # unit-variance t
    totals = SimulationTotals(
        n=n,
        ev_hist=np.zeros(int(ev.sum()) + 1, np.int64),
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
    weights = inp.turnout.astype(np.float64)
    done = 0
    while done < n:
        m = min(chunk, n - done)
        z = gen.standard_normal((m, ns), dtype=np.float32)
        scale_s = np.sqrt(inp.df / gen.chisquare(inp.df, m)).astype(np.float32) * t_scale
        nat = (
            gen.standard_normal(m, dtype=np.float32)
            * np.sqrt(inp.df / gen.chisquare(inp.df, m)).astype(np.float32)
            * t_scale
            * np.float32(inp.national_sd)
        )
        share = np.empty((m, u), dtype=np.float32)
        np.matmul(z, chol.T, out=share[:, :ns])
        share[:, :ns] *= scale_s[:, None]
        share[:, :ns] += mean[None, :] + nat[:, None]
        if u > ns:
            d = gen.standard_normal((m, u - ns), dtype=np.float32)
            share[:, ns:] = share[:, parent] + lean[None, :] + d * np.float32(inp.district_sd)
        _tally(
            share, ev, weights, ns, totals.ev_hist, totals.unit_wins,
            totals.unit_wins_and_ec, totals.unit_losses_and_ec_rep, totals.share_hist,
            totals.tipping, totals.pv_hist, totals.ec_pv_joint,
        )  # fmt: skip
        done += m
        if progress is not None:
            progress(done)
    j = totals.ec_pv_joint
    totals.pv_wins = int(j[:, 1].sum())
    totals.split_dem_ec_rep_pv = int(j[1, 0])
    totals.split_rep_ec_dem_pv = int(j[0, 1])
    return totals


def _cholesky(cov: np.ndarray) -> np.ndarray:
    """Cholesky factor, after clipping tiny negative eigenvalues (a PSD repair)."""
    sym = (cov + cov.T) / 2
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(sym)
        fixed = (vecs * np.clip(vals, 1e-10, None)) @ vecs.T
        return np.linalg.cholesky((fixed + fixed.T) / 2)
