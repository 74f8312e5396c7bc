"""Time controls and topic editing in a real browser, on the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser


def _watch_failures(page: Any) -> list[str]:
    """Responses of 400 or more the page receives (a missing favicon would be one)."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return failed


def _figure(page: Any, name: str) -> dict[str, Any]:
    return page.evaluate(  # type: ignore[no-any-return]
        "n => JSON.parse(document.getElementById('figures').textContent)[n]", name
    )


def _peak(fig: dict[str, Any]) -> datetime:
    trace = fig["data"][0]
    i = max(range(len(trace["y"])), key=lambda k: trace["y"][k])
    return datetime.fromisoformat(trace["x"][i])


def test_the_zone_selector_changes_the_axis_title_and_the_buckets(
    page: Any, live: LiveServer
) -> None:
    failed = _watch_failures(page)
    page.goto(f"{live.url}/topics/it_outage")
    wait_drawn(page)
    timeline = page.locator("#chart-timeline")
    assert timeline.locator("text.xtitle").text_content() == "time (UTC)"
    utc_peak = _peak(_figure(page, "timeline"))
    page.select_option("#tc-tz", "Asia/Tokyo")
    page.wait_for_url("**tz=Asia%2FTokyo**")
    wait_drawn(page)
    assert timeline.locator("text.xtitle").text_content() == "time (Asia/Tokyo)"
    assert page.locator("#chart-share text.xtitle").text_content() == "time (Asia/Tokyo)"
    # the same burst, in an hour bucket cut nine hours later on the clock (UTC+9)
    assert _peak(_figure(page, "timeline")) == utc_peak + timedelta(hours=9)
    assert page.locator("#cascade-table th", has_text="Started (Asia/Tokyo)").count() == 1
    shot(page, "topic-tokyo")
    assert not page.errors and not failed


def test_presets_set_the_window_from_the_newest_post(page: Any, live: LiveServer) -> None:
    failed = _watch_failures(page)
    page.goto(f"{live.url}/topics/it_outage")
    assert "newest post in the store" in page.locator("#tc-note").inner_text()
    page.locator('a[data-preset="7d"]').click()
    page.wait_for_url("**since=**")
    wait_drawn(page)
    q = parse_qs(urlsplit(page.url).query)
    since, until = q["since"][0], q["until"][0]
    assert datetime.fromisoformat(until) - datetime.fromisoformat(since) == timedelta(days=7)
    assert page.locator("#tc-since").input_value() == since
    assert page.locator("#tc-until").input_value() == until
    assert page.locator("#window-from").inner_text() == since.replace("T", " ")
    assert page.locator('a[data-preset="7d"]').get_attribute("aria-current") == "true"
    # the permalink restores the same page
    page.goto(page.url)
    assert page.locator("#window-until").inner_text() == until.replace("T", " ")
    assert not page.errors and not failed


def test_compare_shows_the_previous_period(page: Any, live: LiveServer) -> None:
    failed = _watch_failures(page)
    page.goto(f"{live.url}/topics/it_outage?since=2024-07-19&until=2024-07-20")
    assert page.locator("#previous-period").count() == 0
    page.locator("#tc-compare").check()
    page.wait_for_url("**compare=1**")
    wait_drawn(page)
    assert page.locator("#previous-period").is_visible()
    names = [t.get("name") for t in _figure(page, "timeline")["data"]]
    assert "previous period" in names
    assert page.locator("#chart-timeline .legendtext", has_text="previous period").count() == 1
    api = page.request.get(
        f"{live.url}/api/topics/it_outage/report?since=2024-07-19&until=2024-07-20&compare=true"
    ).json()
    before = api["summary"]["previous_posts"]
    card = page.locator("#posts-change").inner_text()
    assert card.startswith(f"{api['summary']['posts'] - before:+,}")
    rows = page.locator("#previous-countries tbody tr")
    assert rows.count() == min(10, len(api["previous"]["countries"]))
    shot(page, "topic-compare-previous")
    assert not page.errors and not failed


def test_compare_page_keeps_its_topics_across_presets_and_zones(
    page: Any, live: LiveServer
) -> None:
    failed = _watch_failures(page)
    page.goto(f"{live.url}/compare?t=it_outage&t=olympics&tz=Europe/Paris&compare=1")
    wait_drawn(page)
    assert page.locator("#chart-volume text.xtitle").text_content() == "time (Europe/Paris)"
    assert page.locator("#previous-share tbody tr").count() == 2
    page.locator('a[data-preset="30d"]').click()
    page.wait_for_url("**since=**")
    q = parse_qs(urlsplit(page.url).query)
    assert q["t"] == ["it_outage", "olympics"] and q["tz"] == ["Europe/Paris"]
    assert not page.errors and not failed


def test_the_edit_form_survives_a_clash_and_previews_before_saving(
    page: Any, live: LiveServer
) -> None:
    failed = _watch_failures(page)
    page.goto(f"{live.url}/topics/olympics")
    page.locator("#edit-topic").click()
    page.wait_for_url("**/topics-edit/olympics")
    page.fill("#topic-name", "it_outage")
    page.fill("#topic-query", "#olympics OR paris2024")
    page.fill("#topic-tags", "sport")
    page.locator("#topic-save").click()
    page.wait_for_load_state()
    assert "exists already" in page.locator("#topic-error").inner_text()
    # what was typed is still there
    assert page.locator("#topic-name").input_value() == "it_outage"
    assert page.locator("#topic-query").input_value() == "#olympics OR paris2024"
    assert page.locator("#topic-tags").input_value() == "sport"
    # a query error points at its column and keeps the form too
    page.fill("#topic-name", "olympics")
    page.fill("#topic-query", "(#olympics OR")
    page.locator("#topic-preview").click()
    page.wait_for_load_state()
    assert page.locator("#topic-error pre.caret").count() == 1
    assert page.locator("#topic-query").input_value() == "(#olympics OR"
    # a preview shows the count and posts, and saves nothing
    page.fill("#topic-query", "#olympics OR paris2024")
    page.locator("#topic-preview").click()
    page.wait_for_load_state()
    api = page.request.get(f"{live.url}/api/topics/preview?q=%23olympics%20OR%20paris2024")
    assert page.locator("#preview-count").inner_text() == f"{api.json()['posts']:,}"
    assert page.locator("#preview li.hit").count() == min(5, api.json()["posts"])
    saved = page.request.get(f"{live.url}/api/topics/olympics").json()
    assert saved["query"] != "#olympics OR paris2024"
    shot(page, "topic-edit-preview")
    # the refused save and the bad query answer 400 (the browser logs each), nothing else fails
    assert [e for e in page.errors if "status of 400" not in e] == []
    assert [f.split()[0] for f in failed] == ["400", "400"]
