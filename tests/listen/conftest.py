"""Fixtures of the listening tests: the real-data slices in DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from listen_data import ira_posts, twitter15_posts

# Ibis 12 still calls DuckDB 2.0's deprecated fetch_* methods (upstream, not ours to fix).
_IBIS_DUCKDB_DEPRECATIONS = pytest.mark.filterwarnings(
    r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tolerate the deprecation warnings Ibis triggers in DuckDB 2.0."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(_IBIS_DUCKDB_DEPRECATIONS)


@pytest.fixture(scope="module")
def con() -> Iterator[Any]:
    """An in-memory DuckDB connection shared by a test module."""
    c = ibis.duckdb.connect()
    yield c
    c.disconnect()


@pytest.fixture(scope="session")
def ira_arrow() -> pa.Table:
    """The IRA slice as post_view rows."""
    return ira_posts()


@pytest.fixture(scope="session")
def t15_arrow() -> pa.Table:
    """The Twitter15 slice as post_view rows."""
    return twitter15_posts()


@pytest.fixture
def ira(con: Any, ira_arrow: pa.Table) -> ibis.Table:
    """The IRA slice as an Ibis table on DuckDB."""
    return con.create_table("ira", ira_arrow, overwrite=True)


@pytest.fixture
def t15(con: Any, t15_arrow: pa.Table) -> ibis.Table:
    """The Twitter15 slice as an Ibis table on DuckDB."""
    return con.create_table("t15", t15_arrow, overwrite=True)


@pytest.fixture
def table(con: Any) -> Any:
    """Upload hand-made rows (dicts) as a post_view table."""
    from listen_data import view_table

    counter = iter(range(10_000))

    def make(rows: list[dict[str, Any]]) -> ibis.Table:
        return con.create_table(f"hand{next(counter)}", view_table(rows), overwrite=True)

    return make
