"""Warming at start computes the bundled elections and districts pages; an import's does not."""

from __future__ import annotations

from pathlib import Path

from agorascope.api.state import AppState
from agorascope.config import Settings
from agorascope.districts.dashboard import plan_page
from agorascope.elections.dashboard import CYCLES, _run


def test_warming_at_start_fills_the_bundled_pages_caches(tmp_path: Path) -> None:
    state = AppState.open(Settings(db=tmp_path / "empty.duckdb"))
    try:
        plan_page.cache_clear()
        _run.cache_clear()
        state.warm()  # as after an import: nothing bundled
        assert plan_page.cache_info().currsize == _run.cache_info().currsize == 0
        state.warm(bundled=True)
        assert _run.cache_info().currsize == len(CYCLES)  # every cycle simulated once
        plan_page("IA_counties")  # as the route calls it: a cache hit
        assert plan_page.cache_info().hits == 1
    finally:
        state.close()
