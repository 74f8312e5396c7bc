"""District plans: an assignment of every unit to one district, loading and validation."""

from __future__ import annotations

import csv
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from agorascope.districts.graph import DistrictGraph
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError

__all__ = [
    "Plan",
    "PlanValidation",
    "district_populations",
    "plan_from_array",
    "plan_from_attribute",
    "plan_from_csv",
    "validate_plan",
]


@dataclass(frozen=True, eq=False)
class Plan:
    """A districting plan.

    Attributes:
        assignment: district index (``0 .. k-1``) of every node, in graph order.
        labels: the district label of each index, as in the source (e.g. ``"7"`` or ``7``).
        name: a name for reports.
    """

    assignment: npt.NDArray[np.int32]
    labels: tuple[Hashable, ...]
    name: str = "plan"

    @property
    def k(self) -> int:
        """Number of districts."""
        return len(self.labels)

    def label_of(self, node: int) -> Hashable:
        """District label of a node (internal index)."""
        return self.labels[int(self.assignment[node])]


def plan_from_array(values: Sequence[Any] | npt.NDArray[Any], name: str = "plan") -> Plan:
    """Build a plan from one district label per node (graph order).

    Raises:
        InvalidInputError: a missing label.
    """
    vals = list(values)
    for i, v in enumerate(vals):
        if v is None or (isinstance(v, float) and v != v) or v == "":
            raise InvalidInputError(f"plan {name!r}: node #{i} has no district")
    norm = [_norm_label(v) for v in vals]
    labels = tuple(sorted(set(norm), key=_label_key))
    index = {lab: i for i, lab in enumerate(labels)}
    assignment = np.fromiter((index[v] for v in norm), dtype=np.int32, count=len(norm))
    return Plan(assignment, labels, name)


def _norm_label(v: Any) -> Hashable:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v  # type: ignore[no-any-return]


def _label_key(v: Hashable) -> tuple[int, float, str]:
    if isinstance(v, int | float):
        return (0, float(v), "")
    return (1, 0.0, str(v))


def plan_from_attribute(graph: DistrictGraph, column: str) -> Plan:
    """The plan stored in a node attribute (e.g. ``CD_2011``).

    Raises:
        NotFoundError: no such attribute.
        InvalidInputError: a unit without a district.
    """
    values = graph.column(column)
    missing = [
        graph.node_ids[i]
        for i, v in enumerate(values)
        if v is None or (isinstance(v, float) and v != v) or v == ""
    ]
    if missing:
        raise InvalidInputError(
            f"plan {column!r}: {len(missing)} unit(s) without a district, e.g. {missing[:5]}"
        )
    return plan_from_array(values, name=column)


def plan_from_csv(
    graph: DistrictGraph,
    path: str | Path,
    id_column: str = "id",
    district_column: str = "district",
) -> Plan:
    """Read a plan from a CSV of (unit id, district) rows.

    Unit ids are matched to node ids as text, so ``"42"`` matches node ``42``.

    Raises:
        NotFoundError: the file or a column is missing.
        ImportFormatError: a row names an unknown unit, a unit appears twice, or units are
            missing (the message names the line).
    """
    path = Path(path)
    index = {str(nid): i for i, nid in enumerate(graph.node_ids)}
    values: list[Any] = [None] * graph.n_nodes
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"no such plan file: {path}") from None
    with fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        for col in (id_column, district_column):
            if col not in fields:
                raise NotFoundError(f"{path}: no column {col!r} (columns: {', '.join(fields)})")
        for line, row in enumerate(reader, start=2):
            uid = (row.get(id_column) or "").strip()
            if uid not in index:
                raise ImportFormatError(
                    f"{path}, line {line}, field {id_column}: unknown unit {uid!r}"
                )
            i = index[uid]
            if values[i] is not None:
                raise ImportFormatError(
                    f"{path}, line {line}, field {id_column}: unit {uid!r} twice"
                )
            dist = (row.get(district_column) or "").strip()
            if not dist:
                raise ImportFormatError(f"{path}, line {line}, field {district_column}: empty")
            values[i] = int(dist) if dist.lstrip("-").isdigit() else dist
    missing = [graph.node_ids[i] for i, v in enumerate(values) if v is None]
    if missing:
        raise ImportFormatError(f"{path}: {len(missing)} unit(s) not assigned, e.g. {missing[:5]}")
    return plan_from_array(values, name=path.stem)


def district_populations(
    plan: Plan, population: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Total population of each district."""
    return np.bincount(plan.assignment, weights=population, minlength=plan.k).astype(np.float64)


def district_components(graph: DistrictGraph, plan: Plan) -> npt.NDArray[np.int64]:
    """Number of connected pieces of each district (1 means contiguous)."""
    n = graph.n_nodes
    src = np.repeat(np.arange(n), graph.degrees())
    same = plan.assignment[src] == plan.assignment[graph.indices]
    mat = csr_matrix((np.ones(int(same.sum())), (src[same], graph.indices[same])), shape=(n, n))
    _, labels = connected_components(mat, directed=False)
    pieces = np.zeros(plan.k, dtype=np.int64)
    # Each (district, component) pair is one piece.
    pairs = np.unique(np.column_stack([plan.assignment, labels]), axis=0)
    np.add.at(pieces, pairs[:, 0], 1)
    return pieces


@dataclass(frozen=True)
class PlanValidation:
    """Result of :func:`validate_plan`.

    Attributes:
        k: number of districts in the plan.
        populations: population of each district (by label).
        ideal: ideal district population (total / k).
        max_deviation: largest ``|pop - ideal| / ideal``.
        noncontiguous: labels of districts in more than one piece.
        errors: one sentence per rule broken (empty when valid).
    """

    k: int
    populations: dict[str, float]
    ideal: float
    max_deviation: float
    noncontiguous: list[str]
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no rule is broken."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "valid": self.valid,
            "k": self.k,
            "ideal_population": self.ideal,
            "max_deviation": self.max_deviation,
            "populations": self.populations,
            "noncontiguous": self.noncontiguous,
            "errors": self.errors,
        }


def validate_plan(
    graph: DistrictGraph,
    plan: Plan,
    population: str | None = None,
    k: int | None = None,
    tolerance: float | None = None,
) -> PlanValidation:
    """Check a plan: every unit assigned, number of districts, contiguity, population balance.

    Args:
        graph: the graph.
        plan: the plan.
        population: population attribute; without it the balance is not checked.
        k: expected number of districts.
        tolerance: largest allowed ``|pop - ideal| / ideal`` (e.g. 0.02).

    Returns:
        A :class:`PlanValidation`.
    """
    errors: list[str] = []
    if len(plan.assignment) != graph.n_nodes:
        raise InvalidInputError(
            f"plan has {len(plan.assignment)} entries but the graph has {graph.n_nodes} units"
        )
    if k is not None and plan.k != k:
        errors.append(f"plan has {plan.k} districts, expected {k}")
    pieces = district_components(graph, plan)
    noncontig = [str(plan.labels[d]) for d in np.flatnonzero(pieces > 1)]
    for lab in noncontig:
        errors.append(f"district {lab} is not contiguous")
    pops: dict[str, float] = {}
    ideal = float("nan")
    max_dev = float("nan")
    if population is not None:
        pop = graph.numeric(population)
        dpop = district_populations(plan, pop)
        ideal = float(pop.sum() / plan.k)
        pops = {str(lab): float(p) for lab, p in zip(plan.labels, dpop, strict=True)}
        max_dev = float(np.max(np.abs(dpop - ideal)) / ideal) if ideal > 0 else float("nan")
        if tolerance is not None and max_dev > tolerance:
            errors.append(
                f"largest population deviation {max_dev:.4%} exceeds tolerance {tolerance:.4%}"
            )
    return PlanValidation(plan.k, pops, ideal, max_dev, noncontig, errors)
