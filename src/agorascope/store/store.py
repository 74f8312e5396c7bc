"""The store: a DuckDB file holding the data model, read through Ibis.

One :class:`Store` wraps one DuckDB connection. Writes go through parameterised SQL inside
:meth:`Store.transaction`; reads are Ibis expressions (:meth:`Store.posts`,
:meth:`Store.table`) so that the same analysis runs on Spark (see :mod:`agorascope.store.spark`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from agorascope.errors import MigrationError, StoreError
from agorascope.store.migrations import MIGRATIONS

__all__ = ["SCHEMA_VERSION", "Store"]

SCHEMA_VERSION = MIGRATIONS[-1].version


def utcnow() -> datetime:
    """Current UTC time as a naive datetime (the store's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """An agorascope store in a DuckDB file.

    Examples:
        >>> store = Store.open("news.duckdb")  # doctest: +SKIP
        >>> run(store.posts().count()).as_py()  # doctest: +SKIP
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None):
        con.execute("SET enable_progress_bar = false")  # our own bars report progress
        self.con = con
        self.path = path
        self._ibis: Any = None
        self._transactions = 0  # open transaction() blocks (the audit log needs to know)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Store:
        """Open (creating and migrating if needed) the store at ``path``.

        Raises:
            StoreError: the file cannot be opened (locked, not a DuckDB file, ...).
            MigrationError: the file's schema is newer than this version knows.
        """
        p = Path(path)
        if read_only and not p.exists():
            raise StoreError(f"no store at {p}")
        try:
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(p), read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open store {p}: {e}") from e
        store = cls(con, p)
        if not read_only:
            store.migrate()
        else:
            store._check_version()
        return store

    @classmethod
    def memory(cls) -> Store:
        """A throw-away in-memory store (tests, previews)."""
        store = cls(duckdb.connect(":memory:"), None)
        store.migrate()
        return store

    # -- schema -------------------------------------------------------------------------------

    def schema_version(self) -> int:
        """Highest applied migration (0 for an empty file)."""
        rows = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchall()
        if rows[0][0] == 0:
            return 0
        return int(self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise MigrationError(
                f"store schema version {version} is newer than this agorascope "
                f"({SCHEMA_VERSION}); upgrade agorascope"
            )
        return version

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction. Returns the applied versions."""
        version = self._check_version()
        applied = []
        if version == 0:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
            )
        for m in MIGRATIONS:
            if m.version <= version:
                continue
            try:
                with self.transaction():
                    for stmt in m.statements:
                        self.con.execute(stmt)
                    self.con.execute(
                        "INSERT INTO schema_version VALUES (?, ?, ?)",
                        [m.version, m.description, utcnow()],
                    )
            except duckdb.Error as e:
                raise MigrationError(f"migration {m.version} failed: {e}") from e
            applied.append(m.version)
        return applied

    # -- writes -------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A transaction: committed on success, rolled back on any error."""
        self.con.execute("BEGIN TRANSACTION")
        self._transactions += 1
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._transactions -= 1

    def execute(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run parameterised SQL and return all rows. Never format user input into ``sql``.

        Raises:
            StoreError: the backend failed (the SQL is attached).
        """
        try:
            return self.con.execute(sql, params).fetchall()
        except duckdb.Error as e:
            raise StoreError(f"store query failed: {e}", query=sql) from e

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run parameterised SQL and return an Arrow table."""
        try:
            return self.con.sql(sql, params=list(params)).to_arrow_table()
        except duckdb.Error as e:
            raise StoreError(f"store query failed: {e}", query=sql) from e

    def audit(
        self,
        action: str,
        target: str | None = None,
        detail: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Append one entry to the hash-chained audit log (see :mod:`agorascope.store.audit`).

        Never put a data subject's identifier in clear here: log a keyed hash.
        """
        from agorascope.store.audit import append

        try:
            append(
                self.con, self.path, utcnow(), action, target, detail, actor,
                in_transaction=self._transactions > 0,
            )  # fmt: skip
        except duckdb.Error as e:
            raise StoreError(f"cannot write the audit log: {e}") from e

    def reopen(self) -> None:
        """Close and reconnect to the same file (after it was replaced on disk)."""
        if self.path is None:
            raise StoreError("an in-memory store cannot be reopened")
        self.con.close()
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as e:
            raise StoreError(f"cannot reopen store {self.path}: {e}") from e
        self.con.execute("SET enable_progress_bar = false")
        self._ibis = None

    # -- reads --------------------------------------------------------------------------------

    @property
    def ibis(self) -> Any:
        """The Ibis connection over this store's DuckDB connection."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> ir.Table:
        """An Ibis table (or view) of the store by name."""
        return self.ibis.table(name)

    def posts(self) -> ir.Table:
        """Posts with their author's profile columns (the ``post_view`` view)."""
        return self.table("post_view")

    def snapshot(
        self,
        folder: str | Path,
        tables: Sequence[str] = ("post_view", "authors", "cascades", "topics"),
    ) -> dict[str, Path]:
        """Write tables as Parquet files (the hand-over to Spark or another engine)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = {}
        for name in tables:
            target = out / f"{name}.parquet"
            # table names come from our own fixed list, never from user input
            quoted = str(target).replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM {name}) TO '{quoted}' (FORMAT parquet)")
            written[name] = target
        return written

    def close(self) -> None:
        """Close the connection (checkpointing the file)."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
