from __future__ import annotations

from pathlib import Path

import agorascope.elections as el

DOCUMENTED = {
    "STATES", "BacktestScore", "Forecast", "ForecastRun", "ModelConfig", "PollSet", "Rejection",
    "ResultSet", "SimulationInput", "StateEstimates", "calibration_table",
    "economist_correlation", "election_day", "electoral_units", "electoral_votes",
    "estimate_states", "historical_correlation", "html_report", "normalize_state",
    "read_electoral_votes", "read_polls", "read_results", "run_forecast", "run_simulations",
    "score_forecast", "simulate_forecast", "simulate_table", "time_for_change", "write_report",
}  # fmt: skip


def test_exported_names_are_the_documented_ones() -> None:
    assert set(el.__all__) == DOCUMENTED
    for name in el.__all__:
        assert hasattr(el, name)


def test_docs_cover_api_and_commands() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "elections.md").read_text()
    for name in DOCUMENTED:
        assert f"`{name}" in doc, name
    for cmd in ("elections forecast", "elections simulate", "elections backtest"):
        assert cmd in doc
    for field in (
        "national_bandwidth",
        "lean_half_life",
        "house_pseudocount",
        "state_error_sd",
        "national_error_sd",
        "df",
    ):
        assert field in doc
