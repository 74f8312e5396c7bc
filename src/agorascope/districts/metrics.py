"""Plan metrics: population, contiguity, cut edges, compactness, county splits, minorities."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from agorascope.districts.graph import SHARED_PERIMETER_NAMES, DistrictGraph
from agorascope.districts.partisan import Election, partisan_summary
from agorascope.districts.plan import Plan, district_components, district_populations
from agorascope.errors import InvalidInputError, NotFoundError

__all__ = [
    "AREA_NAMES",
    "PERIMETER_NAMES",
    "UNIT_PERIMETER_NAMES",
    "compactness_from_attributes",
    "compactness_inputs",
    "county_splits",
    "cut_edges",
    "majority_minority",
    "plan_metrics",
    "population_deviation",
]

FloatArray = npt.NDArray[np.float64]

AREA_NAMES = (
    "area", "areas", "AREA", "Area", "ALAND10", "ALAND20", "ALAND", "Shape_Area", "SHAPE_Area",
    "shape_area",
)  # fmt: skip
"""Node attributes detected as a unit's area, in this order."""
PERIMETER_NAMES = ("boundary_perim", "boundary_perimeter", "BOUNDARY_PERIM", "exterior_perim")
"""Node attributes detected as the length of a unit's border on the state's outer boundary."""
UNIT_PERIMETER_NAMES = (
    "PERIM", "perimeter", "perim", "Perimeter", "PERIMETER", "Shape_Leng", "SHAPE_Leng",
    "shape_length",
)  # fmt: skip
"""Node attributes detected as a unit's whole perimeter (its outer part is derived from it)."""


def cut_edges(graph: DistrictGraph, plan: Plan) -> int:
    """Number of edges whose two units are in different districts."""
    e = graph.edges()
    return int((plan.assignment[e[:, 0]] != plan.assignment[e[:, 1]]).sum())


def population_deviation(graph: DistrictGraph, plan: Plan, population: str) -> dict[str, Any]:
    """Population of each district and its deviation from the ideal (total / k).

    Returns:
        ``ideal``, ``populations``, ``deviations`` (signed, relative to the ideal),
        ``max_abs_deviation`` and ``overall_range`` (``(max - min) / ideal``).
    """
    pop = graph.numeric(population)
    dpop = district_populations(plan, pop)
    ideal = pop.sum() / plan.k
    dev = (dpop - ideal) / ideal
    return {
        "ideal": float(ideal),
        "populations": dpop.tolist(),
        "deviations": dev.tolist(),
        "max_abs_deviation": float(np.abs(dev).max()),
        "overall_range": float((dpop.max() - dpop.min()) / ideal),
    }


def _pick(graph: DistrictGraph, given: str | None, names: Sequence[str]) -> str | None:
    if given is not None:
        if given not in graph.attrs:
            raise NotFoundError(
                f"no node attribute {given!r} (the graph has: {', '.join(sorted(graph.attrs))})"
            )
        return given
    return next((n for n in names if n in graph.attrs), None)


def compactness_inputs(
    graph: DistrictGraph,
    area: str | None = None,
    perimeter: str | None = None,
    unit_perimeter: str | None = None,
    boundary_node: str | None = "boundary_node",
) -> tuple[FloatArray, FloatArray] | str:
    """Each unit's area and outer-boundary perimeter, or the reason they cannot be had.

    Args:
        graph: the graph.
        area: area attribute (default: the first of :data:`AREA_NAMES` present).
        perimeter: outer-boundary perimeter attribute, GerryChain's ``boundary_perim``
            (default: the first of :data:`PERIMETER_NAMES`); counted only where
            ``boundary_node`` is true when that attribute exists.
        unit_perimeter: a unit's whole perimeter (default: the first of
            :data:`UNIT_PERIMETER_NAMES`), used when there is no outer-boundary perimeter: the
            outer part is the whole minus the shared borders (never below 0).
        boundary_node: attribute flagging units on the outer boundary.

    Returns:
        ``(areas, outer_perimeters)``, or a sentence saying what is missing.

    Raises:
        NotFoundError: a named attribute is not in the graph.
    """
    a_col = _pick(graph, area, AREA_NAMES)
    p_col = _pick(graph, perimeter, PERIMETER_NAMES)
    u_col = None if p_col else _pick(graph, unit_perimeter, UNIT_PERIMETER_NAMES)
    missing = []
    if graph.shared_perim is None:
        missing.append(
            "no edge has a shared perimeter (edge attribute "
            f"{' / '.join(SHARED_PERIMETER_NAMES)}; name another with shared_perimeter)"
        )
    if a_col is None:
        missing.append(f"no area attribute (looked for {', '.join(AREA_NAMES)}; name it with area)")
    if p_col is None and u_col is None:
        missing.append(
            "no perimeter attribute (looked for "
            f"{', '.join(PERIMETER_NAMES + UNIT_PERIMETER_NAMES)}; name it with perimeter or "
            "unit_perimeter)"
        )
    if missing:
        return "Polsby-Popper and Schwartzberg not computed: " + "; ".join(missing)
    assert a_col is not None and graph.shared_perim is not None
    try:
        areas = graph.numeric(a_col)
    except InvalidInputError as e:
        return f"Polsby-Popper and Schwartzberg not computed: {e}"
    if p_col is not None:
        bp = np.nan_to_num(np.asarray(graph.column(p_col), dtype=np.float64))
        if boundary_node is not None and boundary_node in graph.attrs:
            flag = np.array([bool(v) and v == v for v in graph.column(boundary_node)])
            bp = np.where(flag, bp, 0.0)
        return areas, bp
    assert u_col is not None
    try:
        whole = graph.numeric(u_col)
    except InvalidInputError as e:
        return f"Polsby-Popper and Schwartzberg not computed: {e}"
    src = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    shared = np.bincount(src, weights=np.nan_to_num(graph.shared_perim), minlength=graph.n_nodes)
    return areas, np.maximum(whole - shared, 0.0)


def compactness_from_attributes(
    graph: DistrictGraph,
    plan: Plan,
    area: str = "area",
    boundary_perim: str = "boundary_perim",
    boundary_node: str | None = "boundary_node",
) -> dict[str, list[float]]:
    """Polsby-Popper and Schwartzberg scores from area and perimeter attributes.

    A district's perimeter is the outer boundary of its units on the edge of the state
    (``boundary_perim``, counted only where ``boundary_node`` is true when that attribute exists)
    plus the ``shared_perim`` of its cut edges, as in GerryChain.

    Polsby-Popper is ``4 pi A / P^2``; Schwartzberg is reported as ``2 sqrt(pi A) / P`` (the
    circumference of the circle of the same area over the perimeter, in ``(0, 1]``; the classic
    ratio is its reciprocal).

    Raises:
        InvalidInputError: the graph has no ``shared_perim`` on its edges.
        NotFoundError: no such attribute.
    """
    if graph.shared_perim is None:
        raise InvalidInputError("compactness needs 'shared_perim' on the edges of the graph")
    inputs = compactness_inputs(graph, area, boundary_perim, None, boundary_node)
    if isinstance(inputs, str):
        raise InvalidInputError(inputs)
    return _compactness(graph, plan, *inputs)


def _compactness(
    graph: DistrictGraph, plan: Plan, unit_area: FloatArray, outer: FloatArray
) -> dict[str, list[float]]:
    k = plan.k
    areas = np.bincount(plan.assignment, weights=unit_area, minlength=k)
    perim = np.bincount(plan.assignment, weights=outer, minlength=k)
    e = graph.edges()
    sp = np.nan_to_num(graph.edge_shared_perim())
    da, db = plan.assignment[e[:, 0]], plan.assignment[e[:, 1]]
    cut = da != db
    perim += np.bincount(da[cut], weights=sp[cut], minlength=k)
    perim += np.bincount(db[cut], weights=sp[cut], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        pp = np.where(perim > 0, 4 * math.pi * areas / perim**2, np.nan)
        sch = np.where(perim > 0, 2 * np.sqrt(math.pi * areas) / perim, np.nan)
    return {
        "area": areas.tolist(),
        "perimeter": perim.tolist(),
        "polsby_popper": pp.tolist(),
        "schwartzberg": sch.tolist(),
    }


def county_splits(graph: DistrictGraph, plan: Plan, county: str) -> dict[str, Any]:
    """How many counties the plan splits.

    Returns:
        ``counties``, ``split_counties`` (counties in two or more districts), ``county_pieces``
        (extra pieces: sum over counties of districts touching it minus one) and
        ``split_names``.
    """
    values = graph.column(county)
    names = np.array([str(v) for v in values])
    pairs = {(c, int(d)) for c, d in zip(names, plan.assignment, strict=True)}
    per_county: dict[str, int] = {}
    for c, _ in pairs:
        per_county[c] = per_county.get(c, 0) + 1
    split = sorted(c for c, n in per_county.items() if n > 1)
    return {
        "counties": len(per_county),
        "split_counties": len(split),
        "county_pieces": sum(n - 1 for n in per_county.values()),
        "split_names": split,
    }


def majority_minority(
    graph: DistrictGraph, plan: Plan, groups: Sequence[str], total: str
) -> dict[str, Any]:
    """Districts where a group (or all the groups together) is more than half of ``total``.

    Args:
        graph: the graph.
        plan: the plan.
        groups: population columns of the groups (e.g. ``["BVAP", "HVAP"]``).
        total: the population column they are a share of (e.g. ``"VAP"``).
    """
    tot = np.bincount(plan.assignment, weights=graph.numeric(total), minlength=plan.k)
    out: dict[str, Any] = {"shares": {}, "districts": {}}
    combined = np.zeros(plan.k)
    for g in groups:
        grp = np.bincount(plan.assignment, weights=graph.numeric(g), minlength=plan.k)
        combined += grp
        share = np.divide(grp, tot, out=np.zeros_like(grp), where=tot > 0)
        out["shares"][g] = share.tolist()
        out["districts"][g] = int((share > 0.5).sum())
    share_all = np.divide(combined, tot, out=np.zeros_like(combined), where=tot > 0)
    out["coalition_districts"] = int((share_all > 0.5).sum())
    return out


def plan_metrics(
    graph: DistrictGraph,
    plan: Plan,
    population: str | None = None,
    elections: Sequence[Election] = (),
    county: str | None = None,
    minority: Sequence[str] = (),
    minority_total: str | None = None,
    competitive_band: float = 0.05,
    *,
    area: str | None = None,
    perimeter: str | None = None,
    unit_perimeter: str | None = None,
) -> dict[str, Any]:
    """Every metric that the graph's attributes allow, as one JSON-ready dictionary.

    Compactness needs areas, perimeters and edge shared perimeters (named, or detected as in
    :func:`compactness_inputs`); without them ``compactness`` holds ``unavailable``, the reason.
    County splits are included when ``county`` is given; majority-minority districts when
    ``minority`` and ``minority_total`` are given.
    """
    pieces = district_components(graph, plan)
    out: dict[str, Any] = {
        "plan": plan.name,
        "districts": [str(lab) for lab in plan.labels],
        "k": plan.k,
        "cut_edges": cut_edges(graph, plan),
        "contiguous": bool((pieces == 1).all()),
        "pieces": pieces.tolist(),
    }
    if population is not None:
        out["population"] = population_deviation(graph, plan, population)
    inputs = compactness_inputs(graph, area, perimeter, unit_perimeter)
    if isinstance(inputs, str):
        out["compactness"] = {"unavailable": inputs}
    else:
        out["compactness"] = _compactness(graph, plan, *inputs)
    if county is not None:
        out["county_splits"] = county_splits(graph, plan, county)
    if minority:
        if minority_total is None:
            raise InvalidInputError("majority-minority districts need minority_total (e.g. VAP)")
        out["majority_minority"] = majority_minority(graph, plan, minority, minority_total)
    out["elections"] = {}
    for el in elections:
        a, b = el.tallies(graph, plan)
        summary = partisan_summary(a, b, competitive_band)
        summary["party_a"], summary["party_b"] = el.party_a, el.party_b
        out["elections"][el.name] = summary
    return out
