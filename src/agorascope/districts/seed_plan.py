"""Seeded starting plans: recursive spanning-tree partitions with equal populations.

The method is GerryChain's ``recursive_tree_part`` (cut one district at a time off a random
spanning tree of what is left) on the ReCom kernel's spanning-tree code: every district is
connected and within the population tolerance, and the same seed gives the same plan.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from agorascope.districts import _recom_kernel as kernel
from agorascope.districts.checks import components
from agorascope.districts.graph import DistrictGraph
from agorascope.districts.plan import Plan, plan_from_array
from agorascope.errors import ComputationError, InvalidInputError

__all__ = ["tree_plan", "write_plan_csv"]


def tree_plan(
    graph: DistrictGraph,
    population: str,
    k: int,
    tolerance: float = 0.01,
    seed: int = 0,
    *,
    max_attempts: int = 2_000,
    restarts: int = 50,
    name: str | None = None,
) -> Plan:
    """A random contiguous plan of ``k`` districts of equal population within ``tolerance``.

    Args:
        graph: a connected dual graph.
        population: population attribute (no missing or negative values).
        k: number of districts (2 to the number of units).
        tolerance: largest ``|pop - ideal| / ideal`` of any district.
        seed: random seed (same seed, same plan).
        max_attempts: spanning trees drawn per cut before starting over.
        restarts: times to start over before giving up.
        name: the plan's name (default ``tree_k{k}_seed{seed}``).

    Returns:
        The plan, districts labelled ``1..k``.

    Raises:
        InvalidInputError: a bad ``k`` or tolerance, a disconnected graph, a bad population.
        ComputationError: no balanced plan found (raise the tolerance or the attempts).

    Examples:
        >>> g = bundled_graph("IA_counties")  # doctest: +SKIP
        >>> plan = tree_plan(g, "TOTPOP", 4, 0.01, seed=1)  # doctest: +SKIP
    """
    if not 2 <= k <= graph.n_nodes:
        raise InvalidInputError(f"districts must be between 2 and {graph.n_nodes} (got {k})")
    if not 0 < tolerance < 1:
        raise InvalidInputError(f"tolerance must be in (0, 1) (got {tolerance})")
    pop = graph.numeric(population)
    if (pop < 0).any():
        bad = graph.node_ids[int(np.flatnonzero(pop < 0)[0])]
        raise InvalidInputError(f"population {population!r} is negative at unit {bad!r}")
    parts = components(graph)
    if parts.size and parts.max() > 0:
        raise InvalidInputError(
            f"the graph has {int(parts.max()) + 1} disconnected parts: repair it first "
            "('districts repair')"
        )
    rng = np.random.default_rng(seed)
    assign = np.empty(graph.n_nodes, dtype=np.int64)
    tries = np.zeros(k, dtype=np.int64)
    for _ in range(restarts):
        status = kernel.tree_partition(
            graph.indptr, graph.indices, pop, k, tolerance, rng, max_attempts, assign, tries
        )
        if status == kernel.STATUS_OK:
            return plan_from_array(assign + 1, name or f"tree_k{k}_seed{seed}")
    raise ComputationError(
        f"no plan of {k} districts within {tolerance:.2%} after {restarts} starts of "
        f"{max_attempts} spanning trees per cut; raise the tolerance"
    )


def write_plan_csv(graph: DistrictGraph, plan: Plan, path: str | Path) -> Path:
    """Write a plan as ``id,district`` rows (read back by ``plan_from_csv``)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "district"])
        for nid, d in zip(graph.node_ids, plan.assignment, strict=True):
            w.writerow([nid, plan.labels[int(d)]])
    return path
