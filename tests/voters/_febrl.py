"""FEBRL slices (synthetic people with known duplicates): where they are, their columns as person
fields, and the true and predicted pairs."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from agorascope.store.store import Store

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
