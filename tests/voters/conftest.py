"""Fixtures of the voters tests: FEBRL slices (synthetic people with known duplicates)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agorascope.store.store import Store
from agorascope.voters import import_people, link

from ._febrl import DATA, FEBRL_MAP


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory store."""
    s = Store.memory()
    yield s
    s.close()


@pytest.fixture(scope="module")
def febrl4_linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The FEBRL4 slices imported as sources a and b, then linked (DuckDB)."""
    folder = tmp_path_factory.mktemp("febrl4")
    s = Store.open(folder / "store.duckdb")
    for name in ("a", "b"):
        import_people(s, DATA / f"febrl4_{name}.csv", source=name, mapping=FEBRL_MAP,
                      rejects=folder / f"{name}.rejects.csv")  # fmt: skip
    link(s, threshold=0.9, seed=1)
    yield s
    s.close()
