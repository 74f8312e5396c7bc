"""Storage: the DuckDB store, its migrations and the read backends (DuckDB, Spark)."""

from __future__ import annotations

from agorascope.store.backends import ReadBackend, backend_for
from agorascope.store.store import SCHEMA_VERSION, Store

__all__ = ["SCHEMA_VERSION", "ReadBackend", "Store", "backend_for"]
