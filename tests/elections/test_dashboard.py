"""The elections page's data: the bundled cycles scored as the backtest analysis scores them,
the Brier score recomputed with scikit-learn, the map's "no data" kept apart from low."""

from __future__ import annotations

import copy

import pytest
from sklearn.metrics import brier_score_loss, log_loss

from agorascope.elections.analyses import ForecastParams, forecast_run
from agorascope.elections.backtest import score_forecast
from agorascope.elections.dashboard import CYCLES, _data, _run, cycle_page, win_map
from agorascope.elections.results import read_results
from agorascope.errors import NotFoundError

SIMS = 20_000


@pytest.fixture(scope="module")
def page2012() -> dict[str, object]:
    return cycle_page(2012, sims=SIMS, seed=1)


def test_backtests_match_an_independent_score(page2012: dict[str, object]) -> None:
    rows = {b["year"]: b for b in page2012["backtests"]}  # type: ignore[attr-defined]
    assert sorted(rows) == sorted(CYCLES)
    rs = read_results(_data("potus_results_1976_2016.csv"))
    p = ForecastParams(
        polls=_data(CYCLES[2012].polls), results=_data("potus_results_1976_2016.csv"),
        year=2012, sims=SIMS, seed=1,
    )  # fmt: skip
    per_state = score_forecast(forecast_run(p, results=rs), rs).per_state
    probs, won = per_state["dem_win_prob"], per_state["dem_won"]
    assert rows[2012]["brier"] == pytest.approx(brier_score_loss(won, probs), abs=1e-12)
    clipped = probs.clip(1e-6, 1 - 1e-6)
    assert rows[2012]["log_loss"] == pytest.approx(log_loss(won, clipped), abs=1e-9)
    assert rows[2016]["published"][0] == ("The Economist", 0.0508)
    # the bundled complete 2008 and 2012 files beat The Economist's published Brier scores
    for y in (2008, 2012):
        assert rows[y]["brier"] < rows[y]["published"][0][1]


def test_figures_and_tipping_points(page2012: dict[str, object]) -> None:
    figs = page2012["figures"]
    ev = figs["ev"]  # type: ignore[index]
    assert sum(ev["data"][0]["y"]) == pytest.approx(100.0, abs=1e-6)
    assert "electoral votes" in ev["layout"]["xaxis"]["title"]["text"]
    assert "%" in ev["layout"]["yaxis"]["title"]["text"]
    assert any("270 to win" in a["text"] for a in ev["layout"]["annotations"])
    fc, _ = _run(2012, SIMS, 1)
    st = fc.units[fc.units["kind"] == "state"].set_index("unit")["dem_win"]
    forecast = figs["map"]["data"][1]  # type: ignore[index]
    got = dict(zip(forecast["locations"], forecast["z"], strict=True))
    assert got == pytest.approx((st * 100).to_dict())
    tips = page2012["tipping"]
    assert len(tips) == 10  # type: ignore[arg-type]
    values = [t["tipping_point"] for t in tips]  # type: ignore[attr-defined]
    assert values == sorted(values, reverse=True)


def test_no_data_is_not_low() -> None:
    fc, _ = _run(2012, SIMS, 1)
    partial = copy.copy(fc)
    partial.units = fc.units[fc.units["unit"] != "PA"]
    fig = win_map(partial)
    background, forecast = fig["data"]
    assert "PA" in background["locations"] and "PA" not in forecast["locations"]
    assert background["colorscale"][0][1] not in {c for _, c in forecast["colorscale"]}
    assert "no data: PA" in fig["layout"]["title"]["text"]


def test_unknown_cycle() -> None:
    with pytest.raises(NotFoundError, match="2008, 2012, 2016"):
        cycle_page(1999)
