"""Dual graphs from shapefiles or GeoJSON, and compactness from geometry (the ``geo`` extra).

geopandas, shapely and libpysal are imported only when these functions run; without them a
:class:`~agorascope.errors.MissingExtraError` names the extra to install. Lengths and areas are
in the units of the layer's coordinate system: project it (e.g. to a UTM zone) first for true
values; the scores are ratios and do not depend on the unit, but they do on the projection.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from agorascope.districts.graph import DistrictGraph, _attr_arrays, _from_directed_arrays
from agorascope.districts.plan import Plan
from agorascope.errors import ImportFormatError, InvalidInputError, MissingExtraError, NotFoundError

__all__ = ["geometric_compactness", "graph_from_file", "graph_from_geodataframe"]


def _geo() -> tuple[Any, Any, Any]:
    try:
        import geopandas
        import libpysal
        import shapely
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError("geo", e.name or "geopandas") from e
    return geopandas, shapely, libpysal


def graph_from_geodataframe(
    gdf: Any,
    adjacency: Literal["rook", "queen"] = "rook",
    id_column: str | None = None,
) -> DistrictGraph:
    """Build the dual graph of a GeoDataFrame of polygons.

    Node attributes are the non-geometry columns plus ``area``, ``PERIM`` (the unit's perimeter),
    ``boundary_perim`` (its length on the outer boundary of the whole layer), ``boundary_node``
    and centroid ``x`` / ``y``. Edges carry ``shared_perim`` (0 for queen corner contacts).

    Args:
        gdf: a ``geopandas.GeoDataFrame``.
        adjacency: ``"rook"`` (shared border of positive length) or ``"queen"`` (any contact).
        id_column: column holding unit ids (default: the row position).

    Raises:
        InvalidInputError: empty or missing geometries, or an unknown adjacency.
    """
    _, shapely, libpysal = _geo()
    if adjacency not in ("rook", "queen"):
        raise InvalidInputError(f"adjacency must be 'rook' or 'queen', not {adjacency!r}")
    if len(gdf) == 0:
        raise InvalidInputError("the layer has no features")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    bad = [i for i, geom in enumerate(geoms) if geom is None or geom.is_empty]
    if bad:
        raise InvalidInputError(f"{len(bad)} feature(s) without geometry, e.g. rows {bad[:5]}")
    if id_column is not None and id_column not in gdf.columns:
        raise NotFoundError(f"no column {id_column!r} in the layer")
    ids = list(gdf[id_column]) if id_column else list(range(len(gdf)))
    cls = libpysal.weights.Rook if adjacency == "rook" else libpysal.weights.Queen
    with warnings.catch_warnings():
        # libpysal warns about islands and disconnected parts; check_graph reports them.
        warnings.simplefilter("ignore")
        w = cls.from_dataframe(gdf.reset_index(drop=True), use_index=False, silence_warnings=True)
    src, dst = [], []
    for i, neigh in w.neighbors.items():
        for j in neigh:
            src.append(int(i))
            dst.append(int(j))
    s = np.asarray(src, dtype=np.int64)
    d = np.asarray(dst, dtype=np.int64)
    boundaries = shapely.boundary(geoms)
    shared = shapely.length(shapely.intersection(boundaries[s], boundaries[d])) if len(s) else []
    outer = shapely.boundary(shapely.union_all(geoms))
    bperim = np.asarray(shapely.length(shapely.intersection(boundaries, outer)), dtype=np.float64)
    cent = shapely.centroid(geoms)
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    attrs = _attr_arrays([{k: _clean(v) for k, v in r.items()} for r in records])
    attrs.update(
        area=np.asarray(shapely.area(geoms), dtype=np.float64),
        PERIM=np.asarray(shapely.length(boundaries), dtype=np.float64),
        boundary_perim=bperim,
        boundary_node=np.array(bperim > 0, dtype=object),
        x=np.asarray(shapely.get_x(cent), dtype=np.float64),
        y=np.asarray(shapely.get_y(cent), dtype=np.float64),
    )
    if len(set(ids)) != len(ids):
        raise InvalidInputError(f"column {id_column!r} has duplicate ids")
    return _from_directed_arrays(
        tuple(_clean(i) for i in ids), s, d, attrs, np.asarray(shared, dtype=np.float64)
    )


def _clean(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def graph_from_file(
    path: str | Path,
    adjacency: Literal["rook", "queen"] = "rook",
    id_column: str | None = None,
) -> DistrictGraph:
    """Read a shapefile, GeoJSON or GeoPackage and build its dual graph.

    Raises:
        NotFoundError: the file does not exist.
        ImportFormatError: the file cannot be read as a vector layer.
    """
    geopandas, _, _ = _geo()
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"no such file: {path}")
    try:
        gdf = geopandas.read_file(path)
    except Exception as e:  # the readers raise many unrelated types
        raise ImportFormatError(f"{path}: not a readable vector layer ({e})") from e
    return graph_from_geodataframe(gdf, adjacency, id_column)


def geometric_compactness(geometries: Sequence[Any] | Any, plan: Plan) -> dict[str, list[float]]:
    """Polsby-Popper, Schwartzberg and Reock scores of each district from unit geometries.

    Districts are the union of their units. Reock is the district area over the area of its
    minimum bounding circle; Schwartzberg is ``2 sqrt(pi A) / P`` (see
    :func:`~agorascope.districts.metrics.compactness_from_attributes`).

    Args:
        geometries: one shapely geometry per node, in graph order (e.g. ``gdf.geometry``).
        plan: the plan.
    """
    _, shapely, _ = _geo()
    geoms = np.asarray(list(geometries), dtype=object)
    if len(geoms) != len(plan.assignment):
        raise InvalidInputError("one geometry per unit is needed")
    pp: list[float] = []
    sch: list[float] = []
    reock: list[float] = []
    areas: list[float] = []
    perims: list[float] = []
    for d in range(plan.k):
        shape = shapely.union_all(geoms[plan.assignment == d])
        a = float(shape.area)
        p = float(shape.length)
        r = float(shapely.minimum_bounding_radius(shape))
        areas.append(a)
        perims.append(p)
        pp.append(4 * math.pi * a / p**2 if p > 0 else math.nan)
        sch.append(2 * math.sqrt(math.pi * a) / p if p > 0 else math.nan)
        reock.append(a / (math.pi * r**2) if r > 0 else math.nan)
    return {
        "area": areas,
        "perimeter": perims,
        "polsby_popper": pp,
        "schwartzberg": sch,
        "reock": reock,
    }
