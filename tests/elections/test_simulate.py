from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from agorascope.elections.correlation import economist_correlation
from agorascope.elections.simulate import N_BINS, SimulationInput, _tally, run_simulations
from agorascope.elections.states import STATES, electoral_units, electoral_votes
from agorascope.errors import InvalidInputError

EV = electoral_votes(2016)


def _input(
    mean: np.ndarray,
    sd: float,
    *,
    corr: np.ndarray | None = None,
    national_sd: float = 1e-9,
    df: float = 5.0,
    split: bool = True,
) -> SimulationInput:
    c = np.eye(51) if corr is None else corr
    return SimulationInput(
        units=electoral_units(EV, split_districts=split),
        state_mean=mean, state_cov=c * sd**2, national_sd=national_sd, district_sd=0.015,
        df=df, turnout=np.ones(51),
    )  # fmt: skip


def _naive(share: np.ndarray, ev: np.ndarray) -> dict[str, np.ndarray]:
    """Straightforward per-simulation reference of what the kernel counts."""
    total, need = int(ev.sum()), int(ev.sum()) // 2 + 1
    ev_hist = np.zeros(total + 1, int)
    tipping = np.zeros(share.shape[1], int)
    for row in share:
        dem = int(ev[row > 0.5].sum())
        ev_hist[dem] += 1
        if dem >= need:
            order = np.argsort(-row)
        elif total - dem >= need:
            order = np.argsort(row)
        else:
            continue
        k = int(np.searchsorted(np.cumsum(ev[order]), need))
        tipping[order[k]] += 1
    return {"ev_hist": ev_hist, "tipping": tipping, "wins": (share > 0.5).sum(axis=0)}


def test_kernel_matches_a_straightforward_count() -> None:
    rng = np.random.default_rng(7)
    units = electoral_units(EV)
    ev = np.array([u.ev for u in units], dtype=np.int64)
    share = (0.5 + 0.04 * rng.standard_normal((3000, len(units)))).astype(np.float32)
    out = {
        "ev_hist": np.zeros(539, np.int64), "wins": np.zeros(len(units), np.int64),
        "tipping": np.zeros(len(units), np.int64),
    }  # fmt: skip
    hist = np.zeros((len(units), N_BINS), np.int64)
    joint = np.zeros((3, 2), np.int64)
    _tally(
        share, ev, np.ones(51), 51, out["ev_hist"], out["wins"], np.zeros_like(out["wins"]),
        np.zeros_like(out["wins"]), hist, out["tipping"], np.zeros(N_BINS, np.int64), joint,
    )  # fmt: skip
    ref = _naive(share, ev)
    for k in ("ev_hist", "tipping", "wins"):
        np.testing.assert_array_equal(out[k], ref[k], err_msg=k)
    assert hist.sum() == share.size
    pv_dem = share[:, :51].mean(axis=1) > 0.5
    assert joint[:, 1].sum() == pv_dem.sum()


def test_state_probabilities_match_the_t_distribution() -> None:
    mean = np.linspace(0.45, 0.55, 51)
    sd, df = 0.03, 5.0
    tot = run_simulations(_input(mean, sd, df=df), 200_000, seed=1)
    p = tot.unit_wins[:51] / tot.n
    scale = sd * np.sqrt((df - 2) / df)
    exact = stats.t.sf((0.5 - mean) / scale, df)
    assert np.abs(p - exact).max() < 4.5 * np.sqrt(0.25 / tot.n)


def test_electoral_college_matches_exact_convolution() -> None:
    # independent normal states: the distribution of electoral votes is a convolution
    mean = 0.5 + 0.06 * np.sin(np.arange(51))
    sd = 0.04
    inp = _input(mean, sd, df=1e6, split=False)
    tot = run_simulations(inp, 300_000, seed=2)
    p = stats.norm.sf((0.5 - mean) / sd)
    dist = np.zeros(539)
    dist[0] = 1.0
    for s, ps in zip(STATES, p, strict=True):
        v = EV[s]
        dist = dist * (1 - ps) + np.concatenate([np.zeros(v), dist[:-v]]) * ps
    exact_win = dist[270:].sum()
    sim_win = tot.ev_hist[270:].sum() / tot.n
    assert sim_win == pytest.approx(exact_win, abs=0.005)
    assert (tot.ev_hist / tot.n * np.arange(539)).sum() == pytest.approx(
        (dist * np.arange(539)).sum(), abs=0.5
    )


def test_same_seed_same_result_any_thread_count() -> None:
    inp = _input(np.full(51, 0.5), 0.03, corr=economist_correlation(), national_sd=0.02)
    a = run_simulations(inp, 50_000, seed=11, chunk=10_000, workers=1)
    b = run_simulations(inp, 50_000, seed=11, chunk=10_000, workers=2)
    c = run_simulations(inp, 50_000, seed=12, chunk=10_000)
    np.testing.assert_array_equal(a.ev_hist, b.ev_hist)
    np.testing.assert_array_equal(a.tipping, b.tipping)
    assert not np.array_equal(a.ev_hist, c.ev_hist)
    r1 = run_simulations(inp, 20_000, rng=np.random.default_rng(5), chunk=10_000)
    r2 = run_simulations(inp, 20_000, rng=np.random.default_rng(5), chunk=10_000)
    np.testing.assert_array_equal(r1.share_hist, r2.share_hist)


def test_correlation_widens_the_electoral_vote_spread() -> None:
    mean = np.full(51, 0.5)
    ind = run_simulations(_input(mean, 0.03), 50_000, seed=3)
    cor = run_simulations(_input(mean, 0.03, corr=economist_correlation()), 50_000, seed=3)
    x = np.arange(539)

    def sd(h: np.ndarray) -> float:
        p = h / h.sum()
        return float(np.sqrt((p * x**2).sum() - (p * x).sum() ** 2))

    assert sd(cor.ev_hist) > 1.5 * sd(ind.ev_hist)


def test_districts_follow_their_lean() -> None:
    mean = np.full(51, 0.5)
    tot = run_simulations(_input(mean, 0.02), 50_000, seed=4)
    units = [u.code for u in electoral_units(EV)]
    p = dict(zip(units, tot.unit_wins / tot.n, strict=True))
    assert p["ME-1"] > p["ME"] > p["ME-2"]  # default leans: ME-1 bluer, ME-2 redder
    assert p["NE-2"] > p["NE"] > p["NE-3"]


def test_bad_input() -> None:
    with pytest.raises(InvalidInputError):
        run_simulations(_input(np.full(51, 0.5), 0.03), 0)
    bad = _input(np.full(51, 0.5), 0.03)
    bad.state_mean = np.full(50, 0.5)
    with pytest.raises(InvalidInputError):
        run_simulations(bad, 10)
