"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # workers use this interpreter


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh store path inside the test's temporary folder."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One local Spark session for the whole run (it takes 10-15 s to start)."""
    from agorascope.store.spark import local_session

    session = local_session(warehouse=tmp_path_factory.mktemp("spark-warehouse"))
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An Ibis connection on each read backend (DuckDB in memory, the session's Spark)."""
    import ibis

    if request.param == "duckdb":
        con = ibis.duckdb.connect()
        yield con
        con.disconnect()
    else:
        yield ibis.pyspark.connect(request.getfixturevalue("spark_session"))
