"""The generated analysis pages in a real browser: fill the form, run, read rows and chart."""

from __future__ import annotations

from typing import Any

import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser


def test_run_an_analysis_from_its_form(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/analyses")
    page.get_by_role("link", name="share-of-voice", exact=True).click()
    page.wait_for_url("**/analyses/listen/share-of-voice")
    page.fill("input[name=topics]", "it_outage, olympics")
    page.fill("input[name=since]", "2024-07-19")
    page.fill("input[name=until]", "2024-07-21")
    page.select_option("select[name=interval]", "hour")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#result-rows")
    assert wait_drawn(page) == 1
    assert page.locator("#result-chart .scatterlayer .trace").count() == 2
    x = page.locator("#result-chart text.xtitle").text_content()
    assert x == "hour starting (local time, UTC)"
    assert page.locator("#result-chart text.ytitle").text_content() == "share of posts (%)"
    total = page.locator("#result-total b").first.inner_text()
    assert int(total.replace(",", "")) == 2 * 3 * 24  # two topics, 72 hours
    shot(page, "analysis-share-of-voice")
    page.locator("#api-link").click()
    assert '"topic":"it_outage"' in page.content().replace(" ", "")
    assert not page.errors


def test_a_bad_value_is_shown_beside_the_form(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/analyses/listen/volume?run=1&topic=it_outag")
    assert "did you mean 'it_outage'" in page.locator("#analysis-error").inner_text()
    assert page.locator("#analysis-form").count() == 1


def test_audience_pages_draw_the_lift_list_and_the_upset_chart(page: Any, live: LiveServer) -> None:
    window = "since=2024-07-18&until=2024-07-21"
    page.goto(live.url + f"/analyses/audience/lift?run=1&topic=it_outage&{window}")
    assert wait_drawn(page) == 1
    assert page.locator("#result-chart .barlayer .trace").count() == 2  # audience, baseline
    assert page.locator("#result-chart text.xtitle").text_content() == "authors having it (%)"
    shot(page, "analysis-audience-lift")
    page.goto(live.url + f"/analyses/audience/upset?run=1&audiences=it_outage,olympics&{window}")
    assert wait_drawn(page) == 1
    assert page.locator("#result-chart .barlayer .point").count() == 2  # two combinations
    assert page.locator("#result-chart .scatterlayer .point").count() >= 4  # the dot matrix
    shot(page, "analysis-audience-upset")
    assert not page.errors
