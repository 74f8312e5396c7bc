"""Pages a new user reaches in a browser: the API reference, error pages, charts of windows
with one interval or no posts."""

from __future__ import annotations

from typing import Any

import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser


def test_api_link_opens_the_reference(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/")
    page.get_by_role("link", name="API", exact=True).click()
    page.wait_for_url("**/docs")
    assert page.title().startswith("API reference")
    assert page.locator("section.operation").count() > 20
    assert page.locator("h3", has_text="GET /api/search").count() == 1
    shot(page, "api-reference")
    assert not page.errors


def test_unknown_page_is_the_error_page(page: Any, live: LiveServer) -> None:
    r = page.goto(live.url + "/no/such/page")
    assert r is not None and r.status == 404
    assert page.locator("header.top nav a").count() == 9
    assert "/no/such/page" in page.locator("div.error").inner_text()


@pytest.mark.parametrize(
    ("window", "empty"),
    # a date ``until`` includes its day
    [("since=2024-07-19&until=2024-07-19", False), ("since=2030-01-01&until=2030-01-01", True)],
    ids=["one-day", "no-posts"],
)
def test_share_of_voice_of_a_short_window(
    page: Any, live: LiveServer, window: str, empty: bool
) -> None:
    page.goto(f"{live.url}/topics/it_outage?{window}")
    wait_drawn(page)
    chart = page.locator("#chart-share")
    notice = chart.locator("text", has_text="No posts in this window").count()
    bars = chart.locator("g.point path").count()
    assert (notice, bars > 0) == ((1, False) if empty else (0, True))
    assert chart.locator("text.xtitle").text_content() == "time (UTC)"
    shot(page, f"topic-window-{'empty' if empty else 'one-day'}")
    assert not page.errors
