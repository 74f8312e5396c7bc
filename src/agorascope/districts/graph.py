"""Dual graphs of geographic units in compressed sparse row (CSR) form.

A :class:`DistrictGraph` holds the adjacency of units (precincts, counties, blocks) as two integer
arrays (``indptr``, ``indices``), one array per node attribute, and the ``shared_perim`` of every
edge when it is known. It reads the networkx adjacency JSON that GerryChain writes and converts to
and from networkx.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError

__all__ = [
    "SHARED_PERIMETER_NAMES",
    "DistrictGraph",
    "graph_from_networkx",
    "read_graph",
    "write_graph",
]

SHARED_PERIMETER_NAMES = ("shared_perim", "shared_perimeter", "SHARED_PERIM", "shared_length")
"""Edge attributes read as the length of the border two units share, in this order."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DistrictGraph:
    """An undirected dual graph of units with node attributes.

    Attributes:
        node_ids: the original identifier of each node, in internal order.
        indptr: CSR row pointers (length ``n + 1``).
        indices: CSR column indices; neighbours of ``i`` are ``indices[indptr[i]:indptr[i+1]]``.
        attrs: node attributes, one array per name (numeric as float64, others as object).
        shared_perim: length of the border shared by each CSR edge slot (NaN when unknown).
    """

    node_ids: tuple[Hashable, ...]
    indptr: IntArray
    indices: IntArray
    attrs: Mapping[str, npt.NDArray[Any]] = field(default_factory=dict)
    shared_perim: FloatArray | None = None

    @property
    def n_nodes(self) -> int:
        """Number of units."""
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return int(len(self.indices) // 2)

    def neighbors(self, i: int) -> IntArray:
        """Internal indices of the neighbours of node ``i``."""
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def degrees(self) -> IntArray:
        """Degree of every node."""
        return np.diff(self.indptr)

    def edges(self) -> IntArray:
        """Undirected edges as an ``(m, 2)`` array with ``u < v``."""
        src = np.repeat(np.arange(self.n_nodes, dtype=np.int64), self.degrees())
        keep = src < self.indices
        return np.column_stack([src[keep], self.indices[keep]])

    def edge_shared_perim(self) -> FloatArray:
        """``shared_perim`` aligned with :meth:`edges` (NaN when unknown)."""
        src = np.repeat(np.arange(self.n_nodes, dtype=np.int64), self.degrees())
        keep = src < self.indices
        if self.shared_perim is None:
            return np.full(int(keep.sum()), np.nan)
        return self.shared_perim[keep]

    def column(self, name: str) -> npt.NDArray[Any]:
        """The node attribute ``name``.

        Raises:
            NotFoundError: when the graph has no such attribute.
        """
        try:
            return self.attrs[name]
        except KeyError:
            known = ", ".join(sorted(self.attrs)) or "none"
            raise NotFoundError(f"no node attribute {name!r} (attributes: {known})") from None

    def numeric(self, name: str) -> FloatArray:
        """The node attribute ``name`` as float64.

        Raises:
            NotFoundError: when the attribute does not exist.
            InvalidInputError: when it is not numeric or has missing values.
        """
        col = self.column(name)
        try:
            out = np.asarray(col, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise InvalidInputError(f"attribute {name!r} is not numeric") from e
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size:
            sample = ", ".join(repr(self.node_ids[i]) for i in bad[:5])
            raise InvalidInputError(
                f"attribute {name!r} has {bad.size} missing or non-finite values "
                f"(nodes {sample}); repair the graph or fill them"
            )
        return out

    def index_of(self) -> dict[Hashable, int]:
        """Map from original node id to internal index."""
        return {nid: i for i, nid in enumerate(self.node_ids)}

    def subgraph(self, keep: npt.NDArray[np.bool_]) -> DistrictGraph:
        """The induced subgraph on the nodes where ``keep`` is true."""
        keep = np.asarray(keep, dtype=bool)
        new_index = np.full(self.n_nodes, -1, dtype=np.int64)
        new_index[keep] = np.arange(int(keep.sum()))
        src = np.repeat(np.arange(self.n_nodes, dtype=np.int64), self.degrees())
        ok = keep[src] & keep[self.indices]
        return _from_directed_arrays(
            tuple(nid for nid, k in zip(self.node_ids, keep, strict=True) if k),
            new_index[src[ok]],
            new_index[self.indices[ok]],
            {k: v[keep] for k, v in self.attrs.items()},
            None if self.shared_perim is None else self.shared_perim[ok],
        )

    def with_attrs(self, **columns: npt.NDArray[Any]) -> DistrictGraph:
        """A copy with node attributes added or replaced."""
        attrs = dict(self.attrs)
        for name, values in columns.items():
            arr = np.asarray(values)
            if arr.shape != (self.n_nodes,):
                raise InvalidInputError(f"attribute {name!r} must have one value per node")
            attrs[name] = arr
        return DistrictGraph(self.node_ids, self.indptr, self.indices, attrs, self.shared_perim)

    def with_edges(self, extra: Sequence[tuple[int, int]]) -> DistrictGraph:
        """A copy with extra undirected edges (internal indices) added; shared_perim 0 on them."""
        src = np.repeat(np.arange(self.n_nodes, dtype=np.int64), self.degrees())
        add = np.asarray(extra, dtype=np.int64).reshape(-1, 2)
        s2 = np.concatenate([src, add[:, 0], add[:, 1]])
        d2 = np.concatenate([self.indices, add[:, 1], add[:, 0]])
        sp = None
        if self.shared_perim is not None:
            sp = np.concatenate([self.shared_perim, np.zeros(2 * len(add))])
        return _from_directed_arrays(self.node_ids, s2, d2, dict(self.attrs), sp)

    def to_networkx(self) -> nx.Graph:
        """The graph as ``networkx.Graph`` with node and edge attributes (for GerryChain)."""
        g = nx.Graph()
        for i, nid in enumerate(self.node_ids):
            g.add_node(nid, **{k: _py(v[i]) for k, v in self.attrs.items()})
        sp = self.edge_shared_perim()
        for (u, v), p in zip(self.edges(), sp, strict=True):
            data = {} if math.isnan(p) else {"shared_perim": float(p)}
            g.add_edge(self.node_ids[u], self.node_ids[v], **data)
        return g


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _from_directed_arrays(
    node_ids: tuple[Hashable, ...],
    src: IntArray,
    dst: IntArray,
    attrs: dict[str, npt.NDArray[Any]],
    shared_perim: FloatArray | None,
) -> DistrictGraph:
    """Build a symmetric, loop-free, de-duplicated CSR graph from directed edge slots."""
    n = len(node_ids)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    sp = np.full(len(src), np.nan) if shared_perim is None else np.asarray(shared_perim, float)
    # Symmetrise: an edge listed on one side only still joins both units.
    s = np.concatenate([src, dst])
    d = np.concatenate([dst, src])
    p = np.concatenate([sp, sp])
    ok = s != d
    s, d, p = s[ok], d[ok], p[ok]
    order = np.lexsort((np.isnan(p), d, s))
    s, d, p = s[order], d[order], p[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    s, d, p = s[first], d[first], p[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, s + 1, 1)
    indptr = np.cumsum(indptr)
    has_perim = shared_perim is not None and bool(np.isfinite(p).any())
    return DistrictGraph(node_ids, indptr, d, attrs, p if has_perim else None)


def _attr_arrays(records: Sequence[Mapping[str, Any]]) -> dict[str, npt.NDArray[Any]]:
    names: list[str] = []
    seen: set[str] = set()
    for rec in records:
        for key in rec:
            if key != "id" and key not in seen:
                seen.add(key)
                names.append(key)
    out: dict[str, npt.NDArray[Any]] = {}
    for name in names:
        values = [rec.get(name) for rec in records]
        numeric = all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
        )
        if numeric:
            out[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            out[name] = arr
    return out


def graph_from_networkx(g: nx.Graph) -> DistrictGraph:
    """Convert a ``networkx.Graph`` (e.g. a GerryChain graph) to a :class:`DistrictGraph`."""
    node_ids = tuple(g.nodes)
    index = {nid: i for i, nid in enumerate(node_ids)}
    records = [dict(g.nodes[nid]) for nid in node_ids]
    src, dst, sp = [], [], []
    for u, v, data in g.edges(data=True):
        src.append(index[u])
        dst.append(index[v])
        value = data.get("shared_perim")
        sp.append(np.nan if value is None else float(value))
    return _from_directed_arrays(
        node_ids,
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        _attr_arrays(records),
        np.asarray(sp, dtype=np.float64),
    )


def _load_json(path: Path) -> Any:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return json.load(fh)
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise NotFoundError(f"no such graph file: {path}") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ImportFormatError(f"{path}: not a JSON graph ({e})") from e


def read_graph(path: str | Path, shared_perimeter: str | None = None) -> DistrictGraph:
    """Read a dual graph in networkx adjacency JSON (the GerryChain format), plain or gzipped.

    Args:
        path: a ``.json`` or ``.json.gz`` file with ``nodes`` and ``adjacency`` lists.
        shared_perimeter: edge attribute holding the shared border's length (default: the
            first of :data:`SHARED_PERIMETER_NAMES` that an edge has).

    Returns:
        The graph; node attributes become arrays, ``shared_perim`` edge values are kept.

    Raises:
        NotFoundError: the file does not exist.
        ImportFormatError: the file is not an adjacency JSON graph.

    Examples:
        >>> g = read_graph("PA_vtd_9059.json.gz")  # doctest: +SKIP
        >>> g.n_nodes, g.n_edges  # doctest: +SKIP
        (9059, 25519)
    """
    path = Path(path)
    data = _load_json(path)
    if not isinstance(data, dict) or "nodes" not in data:
        raise ImportFormatError(f"{path}: expected an object with 'nodes' and 'adjacency'")
    nodes = data["nodes"]
    if not isinstance(nodes, list) or not all(isinstance(n, dict) and "id" in n for n in nodes):
        raise ImportFormatError(f"{path}: every entry of 'nodes' needs an 'id'")
    node_ids = tuple(_hashable(n["id"]) for n in nodes)
    if len(set(node_ids)) != len(node_ids):
        raise ImportFormatError(f"{path}: duplicate node ids")
    index = {nid: i for i, nid in enumerate(node_ids)}
    src: list[int] = []
    dst: list[int] = []
    sp: list[float] = []
    keys = (shared_perimeter,) if shared_perimeter else SHARED_PERIMETER_NAMES

    def _perim(entry: Mapping[str, Any]) -> float:
        value = next((entry[k] for k in keys if k in entry), None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return math.nan

    if "adjacency" in data:
        adjacency = data["adjacency"]
        if not isinstance(adjacency, list) or len(adjacency) != len(nodes):
            raise ImportFormatError(f"{path}: 'adjacency' must have one list per node")
        for i, row in enumerate(adjacency):
            for entry in row:
                j = _lookup(index, entry.get("id"), path, node_ids[i])
                src.append(i)
                dst.append(j)
                sp.append(_perim(entry))
    elif "links" in data or "edges" in data:
        links: list[dict[str, Any]] = data.get("links") or data.get("edges") or []
        for entry in links:
            src.append(_lookup(index, entry.get("source"), path, "?"))
            dst.append(_lookup(index, entry.get("target"), path, "?"))
            sp.append(_perim(entry))
    else:
        raise ImportFormatError(f"{path}: no 'adjacency' or 'links' list")
    if shared_perimeter and src and all(math.isnan(x) for x in sp):
        raise NotFoundError(f"{path}: no edge has the attribute {shared_perimeter!r}")
    return _from_directed_arrays(
        node_ids,
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        _attr_arrays(nodes),
        np.asarray(sp, dtype=np.float64),
    )


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Hashable):
        return value
    raise ImportFormatError(f"node id {value!r} is not usable as a key")


def _lookup(index: Mapping[Hashable, int], nid: Any, path: Path, where: Hashable) -> int:
    try:
        return index[_hashable(nid)]
    except KeyError:
        raise ImportFormatError(f"{path}: node {where!r} lists unknown neighbour {nid!r}") from None


def ids_to_indices(graph: DistrictGraph, ids: Iterable[Hashable]) -> IntArray:
    """Internal indices of the given node ids.

    Raises:
        NotFoundError: for an id that is not in the graph.
    """
    index = graph.index_of()
    out = []
    for nid in ids:
        try:
            out.append(index[nid])
        except KeyError:
            raise NotFoundError(f"unknown node id {nid!r}") from None
    return np.asarray(out, dtype=np.int64)


def write_graph(graph: DistrictGraph, path: str | Path) -> Path:
    """Write the graph as networkx adjacency JSON (gzipped when the name ends in ``.gz``)."""
    path = Path(path)
    data = nx.readwrite.json_graph.adjacency_data(graph.to_networkx())
    text = json.dumps(data, default=_json_default)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
