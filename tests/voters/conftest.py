"""Fixtures of the voters tests: FEBRL slices (synthetic people with known duplicates)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from agorascope.store.store import Store
from agorascope.voters import import_people, link

DATA = Path(__file__).parents[1] / "data" / "voters"

FEBRL_MAP = {
    "record_id": "rec_id", "first_name": "given_name", "last_name": "surname",
    "house_number": "street_number", "address": "address_1", "city": "suburb",
    "dob": "date_of_birth", "voter_id": "soc_sec_id",
}  # fmt: skip
"""FEBRL columns as person fields."""


def entity(record_id: str) -> str:
    """The true person of a FEBRL record (``rec-12-dup-0`` -> ``12``)."""
    return record_id.split("-")[1]


def true_pairs(record_ids: Iterable[str]) -> set[tuple[str, str]]:
    """Every pair of records of the same true person."""
    ids = sorted(record_ids)
    return {(a, b) for a, b in itertools.combinations(ids, 2) if entity(a) == entity(b)}


def predicted_pairs(store: Store) -> set[tuple[str, str]]:
    """Every pair of records the store puts in the same person."""
    by: dict[str, list[str]] = {}
    for rid, pid in store.execute("SELECT record_id, person_id FROM voter_records"):
        by.setdefault(pid, []).append(rid)
    return {p for rids in by.values() for p in itertools.combinations(sorted(rids), 2)}


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
