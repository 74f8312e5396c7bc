"""Read backends: the engines that run the same Ibis expressions over a store's tables.

:class:`ReadBackend` holds the shared steps; a backend only says how to reach a table.
DuckDB reads the store file directly; Spark reads a Parquet snapshot of it (written by
:meth:`Store.snapshot`), locally or on a cluster. Expressions are run by
:func:`agorascope.store.execution.run`, whatever the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Final, final

import ibis.expr.types as ir

from agorascope.config import Settings
from agorascope.errors import InvalidInputError
from agorascope.store.store import Store

__all__ = ["DuckDBBackend", "ReadBackend", "SparkBackend", "backend_for"]

TABLES: Final = ("post_view", "posts", "authors", "cascades", "topics")


class ReadBackend(ABC):
    """An engine that answers Ibis expressions over the store's tables.

    Expressions built from :meth:`table` are bound to this engine: run them with
    :func:`agorascope.store.run`, the one execution path (errors become ``StoreError``).
    """

    name: str

    @abstractmethod
    def table(self, name: str) -> ir.Table:
        """The Ibis table ``name`` on this engine."""

    @final
    def posts(self) -> ir.Table:
        """Posts with author columns (``post_view``)."""
        return self.table("post_view")


class DuckDBBackend(ReadBackend):
    """Reads the DuckDB store directly."""

    name = "duckdb"

    def __init__(self, store: Store):
        self.store = store

    def table(self, name: str) -> ir.Table:
        return self.store.table(name)


class SparkBackend(ReadBackend):
    """Reads a Parquet snapshot of the store with Spark."""

    name = "spark"

    def __init__(self, con: Any, snapshot: Path):
        self.con = con
        self.snapshot = snapshot
        self._tables: dict[str, ir.Table] = {}

    @classmethod
    def from_store(cls, store: Store, snapshot: Path, master: str = "local[2]") -> SparkBackend:
        """Snapshot ``store`` into ``snapshot`` and open it with Spark on ``master``."""
        from agorascope.store.spark import connect

        store.snapshot(snapshot, TABLES)
        return cls(connect(master), snapshot)

    def table(self, name: str) -> ir.Table:
        if name not in TABLES:
            raise InvalidInputError(f"table {name!r} is not in the Spark snapshot ({TABLES})")
        if name not in self._tables:
            path = self.snapshot / f"{name}.parquet"
            self._tables[name] = self.con.read_parquet(str(path), table_name=f"agorascope_{name}")
        return self._tables[name]


def backend_for(settings: Settings, store: Store) -> ReadBackend:
    """The read backend that ``settings.backend`` asks for."""
    if settings.backend == "duckdb":
        return DuckDBBackend(store)
    snapshot = settings.db.with_name(settings.db.name + ".snapshot")
    return SparkBackend.from_store(store, snapshot, settings.spark_master)
