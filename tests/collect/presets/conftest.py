from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace on a real DuckDB file."""
    with Workspace(Settings(db=tmp_path / "s.duckdb", batch_size=50)) as w:
        yield w
