"""ReCom on Pennsylvania (9,059 units, 18 districts, 2 % tolerance): agorascope vs GerryChain.

Both chains start from the 2011 plan and record cut edges and Democratic seats (2010 Senate
votes) at every step. Speed is steps per second of one chain in one process; the distributions
after burn-in are compared with two-sample Kolmogorov-Smirnov tests.

Run: ``.venv/bin/python benchmarks/bench_districts.py [--gc-steps N] [--steps N]``
"""

from __future__ import annotations

import argparse
import math
import random
import time
from functools import partial

import numpy as np
from scipy.stats import ks_2samp

from _common import write_section
from agorascope.districts import (
    Election,
    EnsembleSettings,
    bundled_graph,
    bundled_graph_path,
    effective_sample_size,
    plan_from_attribute,
    run_ensemble,
)


def gerrychain_chain(steps: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Cut edges and D seats of every state of a GerryChain 1.0.0 ReCom chain, and its time."""
    import gzip
    import json

    import networkx as nx
    from gerrychain import Election as GCElection
    from gerrychain import Graph, MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.constraints import within_percent_of_ideal_population
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally, cut_edges

    with gzip.open(bundled_graph_path("PA_vtd_9059"), "rt") as fh:
        graph = Graph.from_networkx(nx.readwrite.json_graph.adjacency_graph(json.load(fh)))
    start = Partition(
        graph,
        "CD_2011",
        {
            "population": Tally("TOTPOP", alias="population"),
            "cut_edges": cut_edges,
            "SEN10": GCElection("SEN10", {"D": "SEN10D", "R": "SEN10R"}),
        },
    )
    ideal = sum(start["population"].values()) / len(start)
    proposal = partial(
        recom, pop_col="TOTPOP", pop_target=ideal, epsilon=0.02, rng=random.Random(seed)
    )
    chain = MarkovChain(
        proposal,
        [within_percent_of_ideal_population(start, 0.02)],
        always_accept,
        start,
        total_steps=steps,
    )
    cut, seats = [], []
    t0 = time.perf_counter()
    for part in chain:
        cut.append(len(part["cut_edges"]))
        seats.append(part["SEN10"].seats("D"))
    return np.array(cut, float), np.array(seats, float), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gc-steps", type=int, default=3000, help="GerryChain chain length")
    parser.add_argument("--steps", type=int, default=10000, help="agorascope steps per chain")
    parser.add_argument("--chains", type=int, default=4, help="agorascope chains")
    parser.add_argument("--burn-in", type=int, default=500)
    args = parser.parse_args()

    graph = bundled_graph("PA_vtd_9059")
    plan = plan_from_attribute(graph, "CD_2011")
    el = [Election("SEN10", "SEN10D", "SEN10R", "D", "R")]
    # Compile (or load the cached machine code) before timing.
    run_ensemble(graph, plan, "TOTPOP", el, EnsembleSettings(steps=20, chains=1))

    t0 = time.perf_counter()
    run_ensemble(graph, plan, "TOTPOP", el, EnsembleSettings(steps=args.steps, chains=1, seed=1))
    ours_time = time.perf_counter() - t0
    ours_rate = args.steps / ours_time

    t0 = time.perf_counter()
    many = run_ensemble(
        graph,
        plan,
        "TOTPOP",
        el,
        EnsembleSettings(steps=args.steps, chains=args.chains, seed=2, burn_in=args.burn_in),
        n_jobs=2,
    )
    par_time = time.perf_counter() - t0
    par_rate = args.steps * args.chains / par_time

    gc_cut, gc_seats, gc_time = gerrychain_chain(args.gc_steps, seed=3)
    gc_rate = args.gc_steps / gc_time

    b = args.burn_in
    theirs = {"cut_edges": gc_cut[b:], "seats_SEN10": gc_seats[b:]}
    rows = []
    for col, theirs_v in theirs.items():
        ours_chains = [g[col].to_numpy(dtype=float) for _, g in many.stats.groupby("chain")]
        ours_v = np.concatenate(ours_chains)
        ess_ours = effective_sample_size(np.stack(ours_chains))
        ess_theirs = effective_sample_size(theirs_v)
        # Thin each side to about one draw per autocorrelation time before the KS test.
        thin_o = max(1, math.ceil(len(ours_v) / ess_ours))
        thin_t = max(1, math.ceil(len(theirs_v) / ess_theirs))
        p_raw = ks_2samp(ours_v, theirs_v).pvalue
        p_thin = ks_2samp(ours_v[::thin_o], theirs_v[::thin_t]).pvalue
        rows.append(
            f"| {col} | {ours_v.mean():.2f} ({ours_v.std():.2f}) | {theirs_v.mean():.2f} "
            f"({theirs_v.std():.2f}) | {ess_ours:.0f} | {ess_theirs:.0f} | {p_raw:.3g} | "
            f"{p_thin:.3g} |"
        )
    total = args.steps * args.chains
    body = f"""
Pennsylvania VTD graph (9,059 units, 25,519 edges), 18 districts, start: 2011 plan,
ReCom with 2 % population tolerance, statistics (cut edges, Democratic seats in the 2010
Senate race) recorded at every step. Peer: GerryChain 1.0.0 in the same run
(`recom`, uniform district pairs, Kruskal spanning trees, default cut choice).

| engine | steps | seconds | steps / s |
|---|---:|---:|---:|
| agorascope, 1 chain, 1 process | {args.steps} | {ours_time:.1f} | {ours_rate:.0f} |
| agorascope, {args.chains} chains, 2 processes | {total} | {par_time:.1f} | {par_rate:.0f} |
| GerryChain 1.0.0, 1 chain | {args.gc_steps} | {gc_time:.1f} | {gc_rate:.1f} |

**Speed ratio (one process each): {ours_rate / gc_rate:.0f}x** (goal: 20x).

Distributions after a burn-in of {b} steps per chain: agorascope {args.chains} chains x
{args.steps - b} states, GerryChain 1 chain x {args.gc_steps - b} states. Mean (sd),
effective sample sizes, and two-sample Kolmogorov-Smirnov p-values on all states and on states
thinned to about one per autocorrelation time (the raw p-value overstates the evidence because
consecutive states are correlated).

| statistic | agorascope | GerryChain | ESS ours | ESS GC | KS p (all) | KS p (thin) |
|---|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}
"""
    cmd = (
        f".venv/bin/python benchmarks/bench_districts.py --gc-steps {args.gc_steps} "
        f"--steps {args.steps} --chains {args.chains} --burn-in {args.burn_in}"
    )
    path = write_section("districts", "Districts: ReCom on Pennsylvania vs GerryChain", body, cmd)
    print(path.read_text())


if __name__ == "__main__":
    main()
