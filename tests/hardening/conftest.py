"""Fixtures of the hardening tests: a small real store with its full-text index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.demo import write
from agorascope.workspace import Workspace


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 1,500 demo posts with its full-text index (read only in the tests)."""
    folder = tmp_path_factory.mktemp("hardening")
    db = folder / "small.duckdb"
    with Workspace(Settings(db=db)) as ws:
        ws.import_files([write(folder / "demo.parquet", posts=1500, seed=7)], format="native")
    return db


@pytest.fixture
def fresh_db(tmp_path: Path, small_db: Path) -> Path:
    """A private copy of the small store and its index (for tests that write)."""
    db = tmp_path / "fresh.duckdb"
    shutil.copy(small_db, db)
    index = small_db.with_name(small_db.name + ".index")
    if index.exists():
        shutil.copytree(index, db.with_name(db.name + ".index"))
    return db
