"""Real dual graphs shipped with the package (see ``data/districts/SOURCE.md``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from agorascope.districts.graph import DistrictGraph, read_graph
from agorascope.errors import NotFoundError

__all__ = ["BUNDLED_GRAPHS", "bundled_graph", "bundled_graph_path"]

BUNDLED_GRAPHS = {
    "PA_vtd_9059": "PA_vtd_9059.json.gz",
    "IA_counties": "IA_counties.json.gz",
    "gerrymandria": "gerrymandria.json",
}


def bundled_graph_path(name: str) -> Path:
    """Path of a bundled graph file.

    Raises:
        NotFoundError: unknown name.
    """
    try:
        filename = BUNDLED_GRAPHS[name]
    except KeyError:
        known = ", ".join(sorted(BUNDLED_GRAPHS))
        raise NotFoundError(f"no bundled graph {name!r} (have: {known})") from None
    return Path(str(resources.files("agorascope") / "data" / "districts" / filename))


def bundled_graph(name: str) -> DistrictGraph:
    """Load a bundled graph: ``PA_vtd_9059``, ``IA_counties`` or ``gerrymandria``."""
    return read_graph(bundled_graph_path(name))
