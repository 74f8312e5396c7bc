"""Fixtures of the audience tests: hand-made and real (IRA slice) posts on DuckDB or Spark."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

# the real-data helpers of tests/listen (the IRA slice as post_view rows)
sys.path.insert(0, str(Path(__file__).parents[1] / "listen"))

MakeTable = Callable[[list[dict[str, Any]] | pa.Table], "ibis.Table"]


@pytest.fixture
def table(backend: Any) -> MakeTable:
    """Upload hand-made rows (dicts, see ``listen_data.view_table``) or an Arrow table."""
    from listen_data import view_table

    counter = iter(range(10_000))

    def make(rows: list[dict[str, Any]] | pa.Table) -> ibis.Table:
        data = rows if isinstance(rows, pa.Table) else view_table(rows)
        return backend.create_table(f"aud{next(counter)}", data, overwrite=True)

    return make


@pytest.fixture(scope="session")
def ira_arrow() -> pa.Table:
    """The IRA slice (2,203 tweets, 40 authors) as post_view rows."""
    from listen_data import ira_posts

    return ira_posts()


@pytest.fixture(scope="session")
def ira_authors_arrow() -> pa.Table:
    """Every account of the IRA sample, at most 15 tweets each (2,602 tweets, 218 authors)."""
    from listen_data import ira_posts

    return ira_posts(Path(__file__).parent / "data" / "ira_authors.csv.gz")
