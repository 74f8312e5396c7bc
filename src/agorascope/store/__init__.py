"""Storage: the DuckDB store, its migrations, the read backends (DuckDB, Spark) and the one
way an Ibis expression is run (:func:`run`)."""

from __future__ import annotations

from agorascope.store.backends import ReadBackend, backend_for
from agorascope.store.execution import run, run_batches, to_pandas
from agorascope.store.store import SCHEMA_VERSION, Store

__all__ = [
    "SCHEMA_VERSION",
    "ReadBackend",
    "Store",
    "backend_for",
    "run",
    "run_batches",
    "to_pandas",
]
