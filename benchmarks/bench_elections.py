"""Benchmark: 1,000,000 Electoral College simulations, and the backtests of the model.

Measures ``agorascope.elections.run_simulations`` (51 states + 5 districts, correlated t errors,
tipping points, histograms) beside a straightforward NumPy implementation of the same outputs
(``multivariate_normal`` in float64, an argsort per simulation for the tipping point, exact
quantiles), in the same run. Then runs the backtests on the shared real data when it is present.

    .venv/bin/python benchmarks/bench_elections.py
"""

from __future__ import annotations

import csv
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, timeit, write_section
from agorascope.elections import (
    electoral_votes,
    read_results,
    run_forecast,
    run_simulations,
    score_forecast,
)
from agorascope.elections.backtest import PUBLISHED
from agorascope.elections.forecast import build_input
from agorascope.elections.states import STATES, normalize_state

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "elections" / "data"
SHARED = Path("/work/shared/data/elect")
N = 1_000_000


def naive_simulation(inp: object, n: int, seed: int) -> dict[str, np.ndarray]:
    """The same outputs computed the obvious way (float64, full arrays, argsort)."""
    rng = np.random.default_rng(seed)
    units = inp.units  # type: ignore[attr-defined]
    ns = 51
    ev = np.array([u.ev for u in units])
    need = int(ev.sum()) // 2 + 1
    df = inp.df  # type: ignore[attr-defined]
    scale = np.sqrt((df - 2) / df)
    z = rng.multivariate_normal(np.zeros(ns), inp.state_cov, size=n)  # type: ignore[attr-defined]
    z *= (np.sqrt(df / rng.chisquare(df, n)) * scale)[:, None]
    nat = rng.standard_normal(n) * np.sqrt(df / rng.chisquare(df, n)) * scale * inp.national_sd  # type: ignore[attr-defined]
    states = inp.state_mean[None, :] + z + nat[:, None]  # type: ignore[attr-defined]
    pos = {s: i for i, s in enumerate(STATES)}
    parent = [pos[u.state] for u in units[ns:]]
    lean = np.array([u.lean for u in units[ns:]])
    dist = states[:, parent] + lean + rng.standard_normal((n, len(parent))) * inp.district_sd  # type: ignore[attr-defined]
    share = np.hstack([states, dist])
    wins = share > 0.5
    dem_ev = wins @ ev
    dem_win = dem_ev >= need
    order = np.argsort(np.where(dem_win[:, None], -share, share), axis=1)
    cum = np.cumsum(ev[order], axis=1)
    k = (cum < need).sum(axis=1)
    tip = order[np.arange(n), k]
    decided = (dem_ev >= need) | (ev.sum() - dem_ev >= need)
    return {
        "ev_hist": np.bincount(dem_ev, minlength=int(ev.sum()) + 1),
        "wins": wins.sum(axis=0),
        "tipping": np.bincount(tip[decided], minlength=len(units)),
        "quantiles": np.quantile(share, [0.1, 0.5, 0.9], axis=0),
    }


def main() -> None:
    run = run_forecast(
        FIXTURES / "polls_2016_economist_oct.csv",
        FIXTURES / "potus_results_1976_2016.csv",
        2016,
        date(2016, 11, 8),
        n=10_000,
    )
    inp = build_input(run.estimates, electoral_votes(2016))
    load_before = os.getloadavg()[0]
    ours = timeit(lambda: run_simulations(inp, N, seed=1), repeat=3, warmup=1)
    c0 = time.process_time()
    run_simulations(inp, N, seed=1)
    ours_cpu = time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    ref = naive_simulation(inp, N, seed=1)
    peer, peer_cpu = time.perf_counter() - t0, time.process_time() - c0
    load_after = os.getloadavg()[0]
    mine = run_simulations(inp, N, seed=1)
    diff = np.abs(mine.unit_wins / N - ref["wins"] / N).max()
    body = [
        f"1,000,000 simulations of 51 states + 5 districts ({len(inp.units)} units), "
        "correlated Student-t errors, EV distribution, state wins, tipping points, margin "
        "histograms, popular vote.",
        "",
        "| implementation | median wall time (s) | CPU time (s) | wall-time ratio |",
        "|---|---|---|---|",
        f"| agorascope `run_simulations` (float32 draws, numba kernel, 2 threads) "
        f"| {median(ours):.2f} | {ours_cpu:.2f} | 1.0 |",
        f"| straightforward NumPy (float64 `multivariate_normal`, argsort) "
        f"| {peer:.2f} | {peer_cpu:.2f} | {peer / median(ours):.1f}x slower |",
        "",
        f"1-minute load average during the run: {load_before:.1f} to {load_after:.1f} on "
        f"{os.cpu_count()} cores (other jobs share the machine: wall times stretch accordingly; "
        "CPU time is the work done).",
        "",
        f"Largest difference of a state win probability between the two: {diff:.4f} "
        "(independent draws; Monte Carlo error is about 0.0005).",
    ]
    body += ["", *backtests()]
    path = write_section(
        "elections", "Elections: Electoral College simulation and backtests", "\n".join(body),
        ".venv/bin/python benchmarks/bench_elections.py",
    )  # fmt: skip
    print(path.read_text())


def backtests() -> list[str]:
    if not SHARED.exists():
        return ["(backtests skipped: the shared real data is not present)"]
    lines = [
        "### Backtests (from the CLI's code path: raw poll and result files, polls that ended "
        "before the date, 1,000,000 simulations, seed 0)",
        "",
        "| cycle | as of | Brier | EV-weighted Brier | log loss | states called | published |",
        "|---|---|---|---|---|---|---|",
    ]
    rs = read_results(SHARED / "mit_president_1976_2020.csv")
    cases = [
        (2008, date(2008, 11, 4), FIXTURES / "polls_2008_economist.csv"),
        (2012, date(2012, 11, 6), FIXTURES / "polls_2012_economist.csv"),
        (2016, date(2016, 11, 8), SHARED / "polls_2016_economist.csv"),
        (2020, date(2020, 8, 28), SHARED / "fivethirtyeight_2020" / "president_polls.csv"),
    ]
    for year, as_of, polls in cases:
        run = run_forecast(polls, rs, year, as_of, n=N, seed=0)
        s = score_forecast(run, rs)
        pub = PUBLISHED.get(year, {})
        ref = ", ".join(f"{k} {v:.4f}" for k, v in pub.items())
        if year == 2020:
            ref = f"FiveThirtyEight polls-plus of 2020-09-01: {fte_2020_brier(rs):.4f}"
        lines.append(
            f"| {year} | {as_of} | {s.brier:.4f} | {s.brier_ev_weighted:.4f} | "
            f"{s.log_loss:.4f} | {s.states_called}/{s.n_states} | {ref} |"
        )
    return lines


def fte_2020_brier(rs: object) -> float:
    """Brier of FiveThirtyEight's published state probabilities of 2020-09-01."""
    act = rs.year(2020)  # type: ignore[attr-defined]
    errs = []
    path = SHARED / "fivethirtyeight_2020" / "presidential_state_toplines_2020.csv"
    with path.open() as fh:
        for r in csv.DictReader(fh):
            if r["modeldate"] != "9/1/2020":
                continue
            try:
                s = normalize_state(r["state"])
            except ValueError:
                continue
            if s in STATES:
                errs.append((float(r["winstate_chal"]) - float(act.loc[s, "dem2"] > 0.5)) ** 2)
    return float(np.mean(errs))


if __name__ == "__main__":
    main()
