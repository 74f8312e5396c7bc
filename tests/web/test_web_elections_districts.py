"""The elections and districts pages in a real browser: charts drawn (map paths, histogram
bars, axis titles), tables filled, no console error, nothing fetched from outside."""

from __future__ import annotations

from typing import Any

import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser


def _axis_titles(page: Any, chart: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#{chart} .g-xtitle text, #{chart} .g-ytitle text", "els => els.map(e => e.textContent)"
    )


def test_elections_page(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/elections", timeout=120_000)
    assert wait_drawn(page) == 2
    # 51 states in the grey "no data" layer and 51 in the forecast layer above it
    assert page.locator("#chart-map path.choroplethlocation").count() == 102
    assert page.locator("#chart-map .colorbar").count() == 1
    assert page.locator("#chart-ev g.point path").count() > 50
    x, y = _axis_titles(page, "chart-ev")
    assert "electoral votes" in x and "(%)" in y
    assert "270 to win" in page.locator("#chart-ev").inner_text()
    assert page.locator("#tipping-points tbody tr").count() == 10
    rows = page.locator("#backtests tbody tr")
    assert rows.count() == 3
    assert "The Economist 0.0508" in rows.nth(2).inner_text()
    shot(page, "elections")
    page.select_option("select[name=year]", "2012")
    page.wait_for_url("**/elections?year=2012")
    wait_drawn(page)
    assert "2012 forecast" in page.locator("h1").inner_text()
    assert not page.errors


def test_districts_page(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/districts", timeout=120_000)
    charts = wait_drawn(page)
    assert charts == page.locator("#outliers tbody tr").count() == 6
    for i in range(charts):
        chart = f"chart-hist-{i}"
        assert page.locator(f"#{chart} g.point path").count() > 0, chart
        assert page.locator(f"#{chart} .shapelayer path").count() >= 1, "plan marked"
        x, y = _axis_titles(page, chart)
        assert x and y == "plans in the ensemble"
    metrics = page.locator("#plan-metrics").inner_text()
    assert "Polsby-Popper" in metrics and "Efficiency gap" in metrics
    assert page.locator("#district-table tbody tr").count() == 4
    shot(page, "districts")
    page.select_option("select[name=graph]", "PA_vtd_9059")
    page.wait_for_url("**/districts?graph=PA_vtd_9059", timeout=120_000)
    wait_drawn(page)
    assert page.locator("#district-table tbody tr").count() == 18
    assert not page.errors
