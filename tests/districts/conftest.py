"""Shared fixtures: the bundled real graphs (never read from outside the project)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

import networkx as nx
import pytest

from agorascope.districts import DistrictGraph, bundled_graph, bundled_graph_path


@pytest.fixture(scope="session")
def pa() -> DistrictGraph:
    return bundled_graph("PA_vtd_9059")


@pytest.fixture(scope="session")
def ia() -> DistrictGraph:
    return bundled_graph("IA_counties")


@pytest.fixture(scope="session")
def gerrymandria() -> DistrictGraph:
    return bundled_graph("gerrymandria")


def _load_nx(name: str) -> nx.Graph:
    path = bundled_graph_path(name)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return nx.readwrite.json_graph.adjacency_graph(json.load(fh))


@pytest.fixture(scope="session")
def load_nx() -> Callable[[str], nx.Graph]:
    """Read a bundled file with networkx (for GerryChain)."""
    return _load_nx
