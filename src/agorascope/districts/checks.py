"""Graph health checks (islands, disconnected parts, missing values) and repairs."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from agorascope.districts.graph import DistrictGraph
from agorascope.errors import InvalidInputError

__all__ = ["GraphReport", "check_graph", "components", "repair_graph"]


@dataclass(frozen=True)
class GraphReport:
    """What :func:`check_graph` found.

    Attributes:
        n_nodes: number of units.
        n_edges: number of undirected edges.
        islands: ids of units with no neighbour.
        component_sizes: size of each connected part, largest first.
        missing: for each checked column, the ids of units with a missing value.
        negative: for each checked column, the ids of units with a negative value.
    """

    n_nodes: int
    n_edges: int
    islands: list[Hashable]
    component_sizes: list[int]
    missing: dict[str, list[Hashable]] = field(default_factory=dict)
    negative: dict[str, list[Hashable]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the graph is connected, has no island and no missing or negative value."""
        return (
            not self.islands
            and len(self.component_sizes) <= 1
            and not any(self.missing.values())
            and not any(self.negative.values())
        )

    def problems(self) -> list[str]:
        """One sentence per problem found."""
        out = []
        if self.islands:
            out.append(f"{len(self.islands)} island(s) with no neighbour: {_few(self.islands)}")
        if len(self.component_sizes) > 1:
            out.append(
                f"graph has {len(self.component_sizes)} disconnected parts "
                f"(sizes {self.component_sizes[:10]})"
            )
        for col, ids in self.missing.items():
            if ids:
                out.append(f"column {col!r}: {len(ids)} missing value(s): {_few(ids)}")
        for col, ids in self.negative.items():
            if ids:
                out.append(f"column {col!r}: {len(ids)} negative value(s): {_few(ids)}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "ok": self.ok,
            "n_nodes": self.n_nodes,
            "n_edges": self.n_edges,
            "islands": [str(i) for i in self.islands],
            "n_components": len(self.component_sizes),
            "component_sizes": self.component_sizes,
            "missing": {k: [str(i) for i in v] for k, v in self.missing.items()},
            "negative": {k: [str(i) for i in v] for k, v in self.negative.items()},
            "problems": self.problems(),
        }


def _few(ids: Sequence[Hashable], n: int = 5) -> str:
    shown = ", ".join(repr(i) for i in ids[:n])
    return shown + (", ..." if len(ids) > n else "")


def components(graph: DistrictGraph) -> npt.NDArray[np.int32]:
    """Connected-component label of every node (labels ordered by decreasing size)."""
    n = graph.n_nodes
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    mat = csr_matrix((np.ones(len(graph.indices)), graph.indices, graph.indptr), shape=(n, n))
    _, labels = connected_components(mat, directed=False)
    sizes = np.bincount(labels)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    out: npt.NDArray[np.int32] = rank[labels].astype(np.int32)
    return out


def _missing_mask(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if values.dtype.kind == "f":
        out: npt.NDArray[np.bool_] = ~np.isfinite(values)
        return out
    return np.array(
        [v is None or (isinstance(v, float) and v != v) or v == "" for v in values], dtype=bool
    )


def check_graph(graph: DistrictGraph, columns: Sequence[str] = ()) -> GraphReport:
    """Check a dual graph for islands, disconnected parts and missing or negative values.

    Args:
        graph: the graph.
        columns: attributes to check (population, votes, ...); each must exist.

    Returns:
        A :class:`GraphReport`; ``report.ok`` is true when nothing is wrong.

    Raises:
        NotFoundError: a column does not exist.
    """
    deg = graph.degrees()
    islands = [graph.node_ids[i] for i in np.flatnonzero(deg == 0)]
    labels = components(graph)
    sizes = sorted(np.bincount(labels).tolist(), reverse=True) if len(labels) else []
    missing: dict[str, list[Hashable]] = {}
    negative: dict[str, list[Hashable]] = {}
    for col in columns:
        values = graph.column(col)
        miss = _missing_mask(values)
        missing[col] = [graph.node_ids[i] for i in np.flatnonzero(miss)]
        if values.dtype.kind == "f":
            neg = np.flatnonzero(np.where(miss, 0.0, values) < 0)
            negative[col] = [graph.node_ids[i] for i in neg]
    return GraphReport(graph.n_nodes, graph.n_edges, islands, sizes, missing, negative)


def repair_graph(
    graph: DistrictGraph,
    *,
    islands: Literal["keep", "drop", "connect"] = "keep",
    components_mode: Literal["keep", "largest", "connect"] = "keep",
    fill_missing: dict[str, float] | None = None,
    coords: tuple[str, str] | None = None,
) -> DistrictGraph:
    """Repair the problems that :func:`check_graph` reports.

    Args:
        graph: the graph.
        islands: ``"drop"`` removes units with no neighbour; ``"connect"`` joins each to its
            nearest unit by ``coords``.
        components_mode: ``"largest"`` keeps only the largest connected part; ``"connect"`` joins
            every smaller part to the nearest unit of the rest, by ``coords``.
        fill_missing: value to put in missing cells, per column.
        coords: names of the x and y attributes (e.g. centroid longitude and latitude), needed by
            the ``"connect"`` options.

    Returns:
        The repaired graph (a new object).

    Raises:
        InvalidInputError: a ``"connect"`` option without ``coords``.
    """
    out = graph
    if fill_missing:
        filled = {}
        for col, value in fill_missing.items():
            values = out.column(col).copy()
            values[_missing_mask(values)] = value
            filled[col] = values
        out = out.with_attrs(**filled)
    if islands == "drop":
        out = out.subgraph(out.degrees() > 0)
    if components_mode == "largest":
        out = out.subgraph(components(out) == 0)
    connect = islands == "connect" or components_mode == "connect"
    if connect:
        if coords is None:
            raise InvalidInputError("connecting parts needs coords=(x column, y column)")
        out = _connect_parts(out, coords)
    return out


def _connect_parts(graph: DistrictGraph, coords: tuple[str, str]) -> DistrictGraph:
    xy = np.column_stack([graph.numeric(coords[0]), graph.numeric(coords[1])])
    extra: list[tuple[int, int]] = []
    labels = components(graph)
    while labels.max(initial=0) > 0:
        main = np.flatnonzero(labels == 0)
        # Join the smallest-index other part to its nearest unit in the main part.
        part = np.flatnonzero(labels == 1)
        d2 = ((xy[part, None, :] - xy[None, main, :]) ** 2).sum(axis=2)
        a, b = np.unravel_index(int(np.argmin(d2)), d2.shape)
        extra.append((int(part[a]), int(main[b])))
        graph = graph.with_edges([extra[-1]])
        labels = components(graph)
    return graph
