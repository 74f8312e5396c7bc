"""Shared demo data sets (generated once per test session: they are read-only)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from ._helpers import DEMO_POSTS, make_table


@pytest.fixture(scope="session")
def demo_table() -> pa.Table:
    """The demo-sized data set (20,000 posts, seed 1)."""
    return make_table(DEMO_POSTS, 1)


@pytest.fixture(scope="session")
def demo(demo_table: pa.Table) -> pd.DataFrame:
    """The demo-sized data set as a DataFrame."""
    return demo_table.to_pandas()
