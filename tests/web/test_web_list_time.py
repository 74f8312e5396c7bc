"""Time controls of the mentions list and the search page in a real browser, on the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from web_fixtures import LiveServer, click_timeline_peak, shot

pytestmark = pytest.mark.browser

TOKYO = timedelta(hours=9)
"""Asia/Tokyo's offset from UTC (no daylight saving time)."""


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _utc(wall: str) -> str:
    """A Tokyo wall-clock time of a picker as the UTC instant, with its ``Z``."""
    return f"{datetime.fromisoformat(wall) - TOKYO:%Y-%m-%dT%H:%M}Z"


def _number(page: Any, selector: str) -> int:
    return int(page.locator(selector).inner_text().replace(",", ""))


def _shown(page: Any, selector: str) -> datetime:
    return datetime.strptime(page.locator(selector).first.inner_text(), "%Y-%m-%d %H:%M")


def _drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error)",
        timeout=60_000,
    )


def test_a_preset_in_tokyo_sets_the_window_and_counts_as_the_api(
    page: Any, live: LiveServer
) -> None:
    page.goto(f"{live.url}/mentions?topic=it_outage&lang=en&tz=Asia/Tokyo")
    assert page.locator("#tc-compare").count() == 0  # no comparison on a list
    page.locator('a[data-preset="7d"]').click()
    page.wait_for_url("**since=**")
    state = _query(page.url)
    since, until = state["since"], state["until"]
    assert state["tz"] == "Asia/Tokyo" and state["lang"] == "en"  # the filters stay
    assert datetime.fromisoformat(until) - datetime.fromisoformat(since) == timedelta(days=7)
    assert page.locator("#tc-since").input_value() == since
    assert page.locator('a[data-preset="7d"]').get_attribute("aria-current") == "true"
    chip = page.locator("#chips [data-filter=since] b").inner_text()
    assert chip == since.replace("T", " ") + " Asia/Tokyo"
    # the same window asked of the API in UTC instants
    api = page.request.get(
        live.url + "/api/mentions",
        params={"topic": "it_outage", "lang": "en", "since": _utc(since), "until": _utc(until)},
    ).json()
    assert _number(page, "#mentions-total b") == api["meta"]["total"] > 0
    # exports and chips keep the zone
    assert "tz=Asia%2FTokyo" in (page.locator("#export-csv").get_attribute("href") or "")
    assert "tz=Asia%2FTokyo" in (
        page.locator("#chips [data-filter=lang] a").get_attribute("href") or ""
    )
    shot(page, "mentions-tokyo-7d")
    assert not page.errors


def test_the_zone_shifts_the_times_of_the_list_by_its_offset(page: Any, live: LiveServer) -> None:
    page.goto(f"{live.url}/mentions?topic=it_outage&relation=original")
    first = page.locator("#mentions .mention").first.get_attribute("data-post")
    utc = _shown(page, "#mentions .mention .at")
    assert "UTC" in page.locator("#mentions .mention .meta").first.inner_text()
    page.select_option("#tc-tz", "Asia/Tokyo")
    page.wait_for_url("**tz=Asia%2FTokyo**")
    assert _query(page.url)["relation"] == "original"
    assert page.locator("#mentions .mention").first.get_attribute("data-post") == first
    assert _shown(page, "#mentions .mention .at") == utc + TOKYO
    assert "Asia/Tokyo" in page.locator("#mentions .mention .meta").first.inner_text()
    assert not page.errors


def test_search_narrows_to_a_preset_and_shows_hits_in_the_zone(page: Any, live: LiveServer) -> None:
    page.goto(f"{live.url}/search?q=outage&sort=newest")
    assert page.locator("#search-window").get_attribute("open") is not None  # with a query
    utc = _shown(page, "#hits .hit .at")
    first = page.locator("#hits .hit .text").first.inner_text()
    page.select_option("#tc-tz", "Asia/Tokyo")
    page.wait_for_url("**tz=Asia%2FTokyo**")
    assert page.locator("#hits .hit .text").first.inner_text() == first
    assert _shown(page, "#hits .hit .at") == utc + TOKYO
    everything = _number(page, "#total b")
    page.locator('a[data-preset="7d"]').click()
    page.wait_for_url("**since=**")
    state = _query(page.url)
    assert state["q"] == "outage" and state["sort"] == "newest"
    # the pickers narrow it further (Tokyo wall-clock times)
    page.fill("#tc-since", "2024-07-19T12:00")
    page.fill("#tc-until", "2024-07-19T18:00")
    page.locator("#time-controls button[type=submit]").click()
    page.wait_for_url("**since=2024-07-19T12%3A00**")
    state = _query(page.url)
    assert state["q"] == "outage" and state["tz"] == "Asia/Tokyo"
    query = f"outage since:{_utc(state['since'])} until:{_utc(state['until'])}"
    api = page.request.get(live.url + "/api/search", params={"q": query, "limit": 1}).json()
    assert _number(page, "#total b") == api["total"]
    assert 0 < api["total"] < everything
    assert 12 <= _shown(page, "#hits .hit .at").hour < 18
    # the search's links to the list keep the window and the zone
    mentions = _query(page.locator("#open-mentions").get_attribute("href") or "")
    assert (mentions["since"], mentions["until"], mentions["tz"]) == (
        state["since"],
        state["until"],
        "Asia/Tokyo",
    )
    page.locator("#open-mentions").click()
    page.wait_for_url("**/mentions?**")
    assert _number(page, "#mentions-total b") == api["total"]
    shot(page, "search-tokyo-window")
    assert not page.errors


def _spike_total(page: Any, url: str) -> tuple[dict[str, str], int]:
    page.goto(url)
    _drawn(page)
    page.locator("a.spike-posts").first.click()
    page.wait_for_url("**/mentions?**")
    return _query(page.url), _number(page, "#mentions-total b")


def test_drill_down_from_a_tokyo_topic_page_opens_the_same_posts(
    page: Any, live: LiveServer
) -> None:
    """The spike links carry the page's zone: the same spike opens the same posts."""
    _, utc_total = _spike_total(page, f"{live.url}/topics/it_outage")
    state, tokyo_total = _spike_total(page, f"{live.url}/topics/it_outage?tz=Asia/Tokyo")
    assert state["tz"] == "Asia/Tokyo"
    assert tokyo_total == utc_total > 0
    # the timeline's click sends UTC instants with a "Z", right in any zone
    page.goto(f"{live.url}/topics/it_outage?tz=Asia/Tokyo")
    _drawn(page)
    click_timeline_peak(page)
    page.wait_for_url("**/mentions?**")
    clicked = _query(page.url)
    assert clicked["since"].endswith("Z") and clicked["tz"] == "Asia/Tokyo"
    api = page.request.get(
        live.url + "/api/mentions",
        params={"topic": "it_outage", "since": clicked["since"], "until": clicked["until"]},
    ).json()
    assert _number(page, "#mentions-total b") == api["meta"]["total"] > 0
    # the window is shown in Tokyo time: nine hours after the UTC instant
    since_utc = datetime.fromisoformat(clicked["since"].rstrip("Z"))
    chip = page.locator("#chips [data-filter=since] b").inner_text()
    assert chip == f"{since_utc + TOKYO:%Y-%m-%d %H:%M} Asia/Tokyo"
    assert not page.errors
