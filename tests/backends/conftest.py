"""The backend suite: every test here runs once per read backend (DuckDB, Spark).

A test receives ``make_table(name, arrow_table) -> ibis.Table`` and must get equal results on
both backends. Known gaps are marked with ``pytest.mark.xfail(strict=True)`` on the Spark id.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

# the listening tests here share the real-data helpers of tests/listen
sys.path.insert(0, str(Path(__file__).parents[1] / "listen"))

MakeTable = Callable[[str, pa.Table], "ibis.Table"]


@pytest.fixture
def make_table(backend: Any) -> MakeTable:
    """Upload an Arrow table to the backend under test and return it as an Ibis table."""

    def make(name: str, table: pa.Table) -> ibis.Table:
        return backend.create_table(name, table, overwrite=True)

    return make
