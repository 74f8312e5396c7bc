"""The dashboard in a real browser (Debian's Chromium): every page drawn, offline, on the demo."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import ARTIFACTS, LiveServer, shot

from agorascope.demo import SCENARIO

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"


def wait_drawn(page: Any) -> int:
    """Wait until every chart of the page is drawn; return how many there are."""
    charts = page.locator("[data-figure]").count()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error)",
        timeout=60_000,
    )
    errors = page.eval_on_selector_all(
        "[data-figure][data-error]", "els => els.map(e => e.dataset.error)"
    )
    assert not errors, errors
    return charts


def test_overview(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/")
    assert page.title().startswith("Overview")
    links = page.locator("a.topic-link").all_inner_texts()
    assert {"it_outage", "olympics", "boycott", "trend"} <= set(links)
    assert page.locator("#sources tbody tr").count() >= 3
    shot(page, "overview")
    assert not page.errors


def test_topic_page_shows_the_hoax(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/")
    page.get_by_role("link", name="it_outage", exact=True).click()
    page.wait_for_url("**/topics/it_outage")
    n = wait_drawn(page)
    assert n == 11  # 9, and the sentiment section's two
    for chart in (
        "timeline",
        "share",
        "tiers",
        "languages",
        "platforms",
        "authors",
        "hashtags",
        "cascade",
        "sentiment",
        "sentiment-spikes",
    ):
        paths = page.locator(f"#chart-{chart} svg.main-svg path").count()
        assert paths > 0, chart
    countries = page.locator("#chart-map path.choroplethlocation").count()
    assert countries >= 10
    # the burst is shaded and explained: hashtag, words, and the account that started it
    assert page.locator("#chart-timeline .shapelayer path").count() >= 1
    spike = page.locator("#spikes li.spike").first.inner_text()
    assert "#itoutage" in spike and f"@{SCENARIO.hoax.handle}" in spike
    tiers = page.locator("#tiers-table tbody tr").first.inner_text()
    assert tiers.startswith("<1k")
    shot(page, "topic-it_outage")
    if os.environ.get("AGORASCOPE_UPDATE_DOCS_IMG") == "1":  # a run leaves the tree clean
        page.screenshot(path=str(DOCS_IMG), full_page=False)
    assert not page.errors


def test_cascade_explorer(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/topics/it_outage")
    wait_drawn(page)
    options = page.locator("#cascade-form select option")
    assert options.count() >= 2
    second = options.nth(1).get_attribute("value")
    page.select_option("#cascade-form select", second)
    page.wait_for_url(f"**cascade={second.replace(':', '%3A')}*")
    wait_drawn(page)
    assert second.split(":", 1)[1] in page.locator(".metrics").inner_text()
    assert page.locator("#chart-cascade svg.main-svg path").count() > 0


def test_search_typed_and_submitted(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/search")
    page.fill("input[name=q]", "intern AND outage")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#hits li.hit")
    assert int(page.locator("#total b").inner_text().replace(",", "")) > 100
    marks = page.locator("#hits mark").all_inner_texts()
    assert {m.lower() for m in marks} >= {"intern", "outage"}
    assert page.locator("#facets table").count() == 3
    page.click("#next")
    page.wait_for_url("**offset=20*")
    shot(page, "search")
    page.fill("input[name=q]", '(outage AND "intern')
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#query-error")
    assert "^" in page.locator("#query-error pre").inner_text()
    assert page.locator("#hits").count() == 0


def test_compare(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/compare?t=it_outage&t=olympics&t=boycott")
    assert wait_drawn(page) == 4
    for chart in ("volume", "share", "tiers", "countries"):
        assert page.locator(f"#chart-{chart} svg.main-svg path").count() > 0, chart
    assert page.locator("#compare-table tbody tr").count() == 3
    shot(page, "compare")


def test_report_file_works_offline(page: Any, live: LiveServer, tmp_path: Path) -> None:
    with page.expect_download() as dl:
        page.goto(live.url + "/topics/it_outage")
        page.click("text=Download report")
    path = tmp_path / "report.html"
    dl.value.save_as(str(path))
    shutil.copy(path, ARTIFACTS / "report-it_outage.html")
    page.goto(path.as_uri())
    wait_drawn(page)
    assert page.locator("#chart-map path.choroplethlocation").count() >= 10
    assert page.locator("#chart-timeline svg.main-svg path").count() > 0
