"""Elections: poll aggregation and a correlated Monte Carlo of the Electoral College.

Read polls and results, estimate each state's vote, simulate the Electoral College a million
times, score forecasts against what happened, and draw the charts. See docs/elections.md.
"""

from __future__ import annotations

from agorascope.elections.backtest import BacktestScore, calibration_table, score_forecast
from agorascope.elections.correlation import economist_correlation, historical_correlation
from agorascope.elections.forecast import Forecast, simulate_forecast
from agorascope.elections.fundamentals import time_for_change
from agorascope.elections.model import ModelConfig, StateEstimates, election_day, estimate_states
from agorascope.elections.pipeline import ForecastRun, run_forecast, simulate_table
from agorascope.elections.polls import PollSet, Rejection, read_polls
from agorascope.elections.report import html_report, write_report
from agorascope.elections.results import ResultSet, read_electoral_votes, read_results
from agorascope.elections.simulate import SimulationInput, run_simulations
from agorascope.elections.states import STATES, electoral_units, electoral_votes, normalize_state

__all__ = [
    "STATES",
    "BacktestScore",
    "Forecast",
    "ForecastRun",
    "ModelConfig",
    "PollSet",
    "Rejection",
    "ResultSet",
    "SimulationInput",
    "StateEstimates",
    "calibration_table",
    "economist_correlation",
    "election_day",
    "electoral_units",
    "electoral_votes",
    "estimate_states",
    "historical_correlation",
    "html_report",
    "normalize_state",
    "read_electoral_votes",
    "read_polls",
    "read_results",
    "run_forecast",
    "run_simulations",
    "score_forecast",
    "simulate_forecast",
    "simulate_table",
    "time_for_change",
    "write_report",
]
