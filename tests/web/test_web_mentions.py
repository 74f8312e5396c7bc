"""The mentions list in a real browser on the demo: drill-down, chips, permalinks, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from web_fixtures import LiveServer, click_timeline_peak, shot

from agorascope.report.export import unguard_csv

pytestmark = pytest.mark.browser


def _drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error)",
        timeout=60_000,
    )


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def _api_rows(page: Any, live: LiveServer, params: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        extra = {"per_page": "500", **({"after": after} if after else {})}
        body = page.request.get(live.url + "/api/mentions", params={**params, **extra}).json()
        rows += body["items"]
        after = body["meta"]["next"]
        if after is None:
            return rows


def test_from_a_spike_to_its_posts_in_one_click_and_a_csv_in_two(
    page: Any, live: LiveServer, tmp_path: Path
) -> None:
    page.goto(live.url + "/topics/it_outage")
    _drawn(page)
    page.locator("a.spike-posts").first.click()  # one click
    page.wait_for_url("**/mentions?**")
    state = _query(page.url)
    assert state["topic"] == "it_outage" and state["since"] and state["until"]
    chips = page.locator("#chips .chip").all_inner_texts()
    assert any(c.startswith("since:") for c in chips) and any("until:" in c for c in chips)
    total = int(page.locator("#mentions-total b").inner_text().replace(",", ""))
    assert total > 0
    with page.expect_download() as info:
        page.locator("#export-csv").click()  # two clicks
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.startswith("mentions_topic-it_outage_since-")
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    expected = _api_rows(page, live, state)
    assert len(table) - 1 == total == len(expected)
    ids = [unguard_csv(r[table[0].index("id")]) for r in table[1:]]
    assert ids == [r["id"] for r in expected]
    assert not page.errors


def _click_bar(page: Any, chart: str) -> str:
    """Hover then click the first bar of a chart, as a user would; return its label."""
    bar = page.locator(f"#chart-{chart} .bars .point path").last  # the top bar
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url("**/mentions?**")
    return page.url


@pytest.mark.parametrize(
    ("chart", "param"),
    [("hashtags", "hashtag"), ("languages", "lang"), ("authors", "author")],
)
def test_a_click_on_a_bar_opens_the_filtered_list(
    page: Any, live: LiveServer, chart: str, param: str
) -> None:
    page.goto(live.url + "/topics/it_outage")
    _drawn(page)
    state = _query(_click_bar(page, chart))
    assert state["topic"] == "it_outage" and state[param]
    if param == "author":
        assert ":" in state[param]
        href = page.locator("#mentions .mention .handle").first.get_attribute("href")
        assert href == "/authors/" + state[param].replace(":", "/", 1)
    if param == "hashtag":
        assert state[param] == "itoutage"
    assert page.locator("#mentions .mention").count() > 0
    assert not page.errors


def test_a_click_on_a_country_opens_the_filtered_list(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/topics/it_outage")
    _drawn(page)
    page.locator("#chart-map").scroll_into_view_if_needed()
    boxes = [b for p in page.locator("#chart-map path.choroplethlocation").all()
             if (b := p.bounding_box())]  # fmt: skip
    box = max(boxes, key=lambda b: b["width"] * b["height"])  # the largest country
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url("**/mentions?**")
    assert len(_query(page.url)["country"]) == 2
    assert not page.errors


def test_a_click_on_the_timeline_opens_its_interval(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/topics/it_outage")
    _drawn(page)
    page.eval_on_selector(
        "#chart-timeline",
        "el => { const t = el.data[0]; const i = t.y.indexOf(Math.max(...t.y));"
        " el.emit('plotly_click', {points: [{x: t.x[i], pointIndex: i, data: t}]}); }",
    )
    page.wait_for_url("**/mentions?**")
    state = _query(page.url)
    assert state["since"] < state["until"]
    assert int(page.locator("#mentions-total b").inner_text().replace(",", "")) > 0


def _click_peak(page: Any, url: str) -> dict[str, str]:
    page.goto(url)
    _drawn(page)
    click_timeline_peak(page)
    page.wait_for_url("**/mentions?**")
    return _query(page.url)


def test_a_timeline_click_in_another_zone_opens_the_same_utc_interval(
    page: Any, live: LiveServer
) -> None:
    """The axis shows Tokyo's wall-clock times; the list is asked for the UTC interval."""
    utc = _click_peak(page, live.url + "/topics/it_outage")
    tokyo = _click_peak(page, live.url + "/topics/it_outage?tz=Asia/Tokyo")
    assert (tokyo["since"], tokyo["until"]) == (utc["since"], utc["until"])
    assert not page.errors


def test_collapsing_gives_one_row_for_the_1571_copies(page: Any, live: LiveServer) -> None:
    """The demo's hoax: one original reposted 1,570 times (1,571 copies of one text).
    Collapsed, it is one row; its cascade (counted by ``listen cascades``, another code path)
    holds those and the quotes and replies, as the list of the cascade root does."""
    page.goto(live.url + "/mentions?topic=it_outage&sort=engagement&collapse=1")
    first = page.locator("#mentions .mention").first
    assert first.locator(".copies").inner_text() == "1,570"
    ref = first.get_attribute("data-post")
    cascades = page.request.get(
        live.url + "/api/listen/cascades", params={"topic": "it_outage", "limit": "1"}
    ).json()["items"][0]
    assert f"{cascades['platform']}:{cascades['root_id']}" == ref
    first.locator("a.cascade").click()  # the whole cascade: reposts, quotes and replies
    page.wait_for_url("**root=**")
    page.locator("#chips [data-filter=collapse] a").click()  # remove the collapsing chip
    page.wait_for_url(lambda u: "collapse" not in u)
    total = page.locator("#mentions-total b").inner_text()
    assert total == f"{cascades['size']:,}"
    page.goto(page.url + "&relation=repost")
    assert page.locator("#mentions-total b").inner_text() == "1,570"
    assert not page.errors


def test_the_url_is_the_state_and_copy_link_copies_it(page: Any, live: LiveServer) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page.goto(live.url + "/mentions?topic=it_outage&lang=en&sort=reach")
    page.locator("#next-page").click()
    page.wait_for_url("**after=**")
    second = page.locator("#mentions .mention").evaluate_all("els => els.map(e => e.dataset.post)")
    page.locator("#copy-link").click()
    page.wait_for_function("() => document.getElementById('copy-link').dataset.copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    again = page.context.new_page()
    again.goto(copied)
    assert (
        again.locator("#mentions .mention").evaluate_all("els => els.map(e => e.dataset.post)")
        == second
    )
    assert again.locator("select[name=sort]").input_value() == "reach"
    again.locator("#chips [data-filter=lang] a").click()
    again.wait_for_url(lambda u: "lang=" not in u)
    assert "after=" not in again.url and "sort=reach" in again.url
    again.close()
    shot(page, "mentions")
    assert not page.errors


def test_tag_a_post_from_the_list(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/mentions?topic=olympics&relation=original")
    row = page.locator("#mentions .mention").first
    ref = row.get_attribute("data-post")
    row.locator("input[name=tag]").fill("Review")
    row.locator("form[action='/post-tags'] button").click()
    page.wait_for_url("**/mentions?topic=olympics&relation=original")
    assert page.locator(f"[data-post='{ref}'] a.label").inner_text() == "[review]"
    page.locator(f"[data-post='{ref}'] a.label").click()
    page.wait_for_url("**tag=review**")
    assert page.locator("#mentions .mention").count() == 1
    assert not page.errors
