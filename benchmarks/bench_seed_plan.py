"""Seeded starting plans: agorascope's tree_plan vs GerryChain's recursive_tree_part.

Both draw plans by cutting districts off random spanning trees. On Iowa's counties (4
districts, 1 %) and Pennsylvania's VTDs (18 districts, 2 %) each draws plans from several
seeds; the time per plan and the validity (every district within the tolerance and connected,
checked with networkx) are reported.

Run: ``.venv/bin/python benchmarks/bench_seed_plan.py [--seeds N] [--gc-seeds N]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Hashable

import networkx as nx

from _common import write_section
from agorascope.districts import bundled_graph, bundled_graph_path, tree_plan

CASES = [("IA_counties", 4, 0.01), ("PA_vtd_9059", 18, 0.02)]


def _nx(name: str) -> nx.Graph:
    path = bundled_graph_path(name)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return nx.readwrite.json_graph.adjacency_graph(json.load(fh))


def _valid(g: nx.Graph, assignment: dict[Hashable, Hashable], k: int, tol: float) -> bool:
    parts: dict[Hashable, list[Hashable]] = {}
    for u, d in assignment.items():
        parts.setdefault(d, []).append(u)
    ideal = sum(g.nodes[u]["TOTPOP"] for u in g) / k
    return len(parts) == k and all(
        abs(sum(g.nodes[u]["TOTPOP"] for u in units) - ideal) <= tol * ideal + 1e-9
        and nx.is_connected(g.subgraph(units))
        for units in parts.values()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20, help="agorascope plans per graph")
    parser.add_argument("--gc-seeds", type=int, default=5, help="GerryChain plans per graph")
    args = parser.parse_args()
    from gerrychain import Graph
    from gerrychain.partition.initial_partition_generators import recursive_tree_part

    rows = []
    for name, k, tol in CASES:
        g = bundled_graph(name)
        gnx = _nx(name)
        tree_plan(g, "TOTPOP", k, tol, seed=0)  # compile (or load the cached machine code)
        times, ok = [], 0
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            plan = tree_plan(g, "TOTPOP", k, tol, seed=seed)
            times.append(time.perf_counter() - t0)
            labels = [plan.labels[int(d)] for d in plan.assignment]
            ok += _valid(gnx, dict(zip(g.node_ids, labels, strict=True)), k, tol)
        gc_graph = Graph.from_networkx(gnx)
        ideal = sum(gnx.nodes[u]["TOTPOP"] for u in gnx) / k
        gc_times, gc_ok = [], 0
        for seed in range(args.gc_seeds):
            t0 = time.perf_counter()
            assignment = recursive_tree_part(gc_graph, range(k), ideal, "TOTPOP", tol, rng=seed)
            gc_times.append(time.perf_counter() - t0)
            gc_ok += _valid(gnx, assignment, k, tol)
        ours, theirs = statistics.median(times), statistics.median(gc_times)
        rows.append(
            f"| {name} | {k} | {tol:.0%} | {ours:.3f} ({ok}/{args.seeds} valid) | "
            f"{theirs:.2f} ({gc_ok}/{args.gc_seeds} valid) | {theirs / ours:.0f}x |"
        )
    body = f"""
Seeded starting plans (`districts plan new`, `tree_plan`) against GerryChain 1.0.0's
`recursive_tree_part` in the same run: median seconds per plan (after compilation), and how
many plans had every district within the tolerance and connected (networkx check).
Measured on a machine shared with other jobs (loaded): compare the ratio, not the seconds.

| graph | districts | tolerance | agorascope s / plan | GerryChain s / plan | ratio |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows)}
"""
    cmd = (
        f".venv/bin/python benchmarks/bench_seed_plan.py --seeds {args.seeds} "
        f"--gc-seeds {args.gc_seeds}"
    )
    path = write_section("seed_plan", "Districts: seeded starting plans vs GerryChain", body, cmd)
    print(path.read_text())


if __name__ == "__main__":
    main()
