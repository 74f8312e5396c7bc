"""The dashboard's elections page: bundled real cycles forecast and scored, as figures.

Each bundled cycle (The Economist's 2008, 2012 and 2016 poll files, The Economist's results)
is forecast on election day with the function behind the ``forecast`` and ``backtest``
analyses, then scored; the page shows one cycle's map, electoral-vote distribution and
tipping points, and every cycle's scores beside the published ones. Runs are cached per
process (a few seconds the first time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from agorascope.elections.analyses import ForecastParams, forecast_run
from agorascope.elections.backtest import score_forecast
from agorascope.elections.forecast import Forecast
from agorascope.elections.results import read_results
from agorascope.elections.states import NAMES, STATES
from agorascope.errors import NotFoundError

__all__ = ["CYCLES", "PUBLISHED_BRIER", "Cycle", "cycle_page", "ev_chart", "win_map"]

PAGE_SIMS = 50_000
"""Simulations per cycle on the page (probabilities within about 0.002 of a million)."""


@dataclass(frozen=True)
class Cycle:
    """A bundled election: its poll file and the source of the polls."""

    year: int
    polls: str
    source: str


CYCLES: dict[int, Cycle] = {
    2008: Cycle(2008, "polls_2008_economist.csv", "The Economist's 2008 poll file (complete)"),
    2012: Cycle(2012, "polls_2012_economist.csv", "The Economist's 2012 poll file (complete)"),
    2016: Cycle(2016, "polls_2016_economist_oct.csv", "The Economist's 2016 polls from Oct 10"),
}
"""The bundled cycles (``data/elections/SOURCE.md``)."""

PUBLISHED_BRIER: dict[int, list[tuple[str, float]]] = {
    2008: [("The Economist", 0.0290)],
    2012: [("The Economist", 0.0193)],
    2016: [("The Economist", 0.0508), ("FiveThirtyEight polls-only", 0.0672)],
}
"""Brier scores of the state win probabilities that others published for the same cycles
(The Economist's backtests of its model, Heidemanns, Gelman & Morris 2020; FiveThirtyEight)."""

_DEM, _REP, _NO_DATA = "#1f5fbf", "#c8262c", "#b8b8b8"


def _data(name: str) -> Path:
    return Path(str(resources.files("agorascope") / "data" / "elections" / name))


@cache
def _run(year: int, sims: int, seed: int) -> tuple[Forecast, dict[str, Any]]:
    if year not in CYCLES:
        raise NotFoundError(f"no bundled cycle {year} (have {sorted(CYCLES)})")
    results = _data("potus_results_1976_2016.csv")
    rs = read_results(results)
    p = ForecastParams(
        polls=_data(CYCLES[year].polls), results=results, year=year, sims=sims, seed=seed
    )
    run = forecast_run(p, results=rs)
    score = score_forecast(run, rs).to_dict()
    del score["per_state"]
    score.update(year=year, as_of=str(run.as_of), polls_used=len(run.polls.polls))
    return run.forecast, score


def win_map(fc: Forecast) -> dict[str, Any]:
    """Choropleth of the Democrat's chance in each state; states without a forecast are grey
    and say "no data" (a low chance is red, never grey)."""
    st = fc.units[fc.units["kind"] == "state"]
    missing = [s for s in STATES if s not in set(st["unit"])]
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        locations=list(STATES), z=[0] * len(STATES), locationmode="USA-states",
        colorscale=[[0, _NO_DATA], [1, _NO_DATA]], showscale=False, name="no data",
        text=[f"{NAMES[s]}: no data" for s in STATES], hovertemplate="%{text}<extra></extra>",
    ))  # fmt: skip
    fig.add_trace(go.Choropleth(
        locations=list(st["unit"]), z=[100 * float(v) for v in st["dem_win"]],
        locationmode="USA-states", zmin=0, zmax=100, name="forecast",
        colorscale=[[0, _REP], [0.5, "#f7f7f7"], [1, _DEM]],
        colorbar={"title": {"text": "chance the<br>Democrat wins (%)"}, "ticksuffix": " %"},
        text=list(st["name"]), hovertemplate="%{text}: %{z:.1f} % Democratic<extra></extra>",
    ))  # fmt: skip
    note = f"no data: {', '.join(missing)}" if missing else "every state has a forecast"
    fig.update_layout(
        title=f"Chance the Democrat wins each state ({note}; grey = no data)",
        geo={"scope": "usa"}, margin={"l": 10, "r": 10, "t": 50, "b": 10}, height=420,
    )  # fmt: skip
    return _plain(fig)


def ev_chart(fc: Forecast) -> dict[str, Any]:
    """Distribution of the Democrat's electoral votes, 270 (the majority) marked."""
    total = len(fc.ev_distribution) - 1
    need = total // 2 + 1
    x = list(range(total + 1))
    y = [100 * float(v) for v in fc.ev_distribution]
    colors = [_DEM if v >= need else (_REP if v < total - need + 1 else "#888") for v in x]
    fig = go.Figure(go.Bar(
        x=x, y=y, marker_color=colors, name="probability",
        hovertemplate="%{x} electoral votes: %{y:.2f} %<extra></extra>",
    ))  # fmt: skip
    fig.add_vline(x=need - 0.5, line_dash="dash", annotation_text=f"{need} to win")
    fig.update_layout(
        title=f"Democratic electoral votes ({fc.n:,} simulations)", bargap=0, height=360,
        xaxis_title=f"Democratic electoral votes (of {total})",
        yaxis_title="probability of the total (%)",
    )  # fmt: skip
    return _plain(fig)


def _plain(fig: go.Figure) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(fig.to_json())
    return out


def cycle_page(year: int = 2016, sims: int = PAGE_SIMS, seed: int = 0) -> dict[str, Any]:
    """Everything the elections page shows for ``year``, and every cycle's backtest.

    Returns:
        ``year``, ``cycle`` (its source), ``summary`` (the Electoral College chances),
        ``figures`` (``map``, ``ev``), ``tipping`` (the 10 likeliest tipping points) and
        ``backtests`` (one row per cycle: scores and the published Brier scores).

    Raises:
        NotFoundError: ``year`` is not a bundled cycle.
    """
    fc, _ = _run(year, sims, seed)
    units = fc.units.sort_values("tipping_point", ascending=False).head(10)
    tipping = [
        {"unit": r["unit"], "name": r["name"], "ev": int(r["ev"]),
         "tipping_point": float(r["tipping_point"]), "dem_win": float(r["dem_win"]),
         "margin": float(r["margin"])}
        for _, r in units.iterrows()
    ]  # fmt: skip
    backtests = []
    for y in sorted(CYCLES):
        score = dict(_run(y, sims, seed)[1])
        score["published"] = PUBLISHED_BRIER.get(y, [])
        score["source"] = CYCLES[y].source
        backtests.append(score)
    summary = fc.to_dict()
    del summary["units"]
    return {
        "year": year, "cycle": CYCLES[year].source, "summary": summary,
        "figures": {"map": win_map(fc), "ev": ev_chart(fc)}, "tipping": tipping,
        "backtests": backtests, "sims": sims, "seed": seed,
    }  # fmt: skip
