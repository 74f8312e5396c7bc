"""The author page in a real browser on the demo: profile, charts, flags and links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser

AUTHOR = ("x", "1093279196292")  # reposts the outage hoax, in a co-repost pair on the demo
SCOPE = {"topic": "it_outage", "since": "2024-07-18", "until": "2024-07-21"}
QUERY = "topic=it_outage&since=2024-07-18&until=2024-07-21"


def test_the_author_page_shows_the_analysis_numbers(page: Any, live: LiveServer) -> None:
    platform, author_id = AUTHOR
    api = httpx.get(
        f"{live.url}/api/listen/author",
        params={**SCOPE, "platform": platform, "author_id": author_id},
        timeout=120,
    ).json()
    a = api["items"][0]
    page.goto(f"{live.url}/authors/{platform}/{author_id}?{QUERY}")
    assert wait_drawn(page) == 2
    assert page.locator("h1").inner_text().startswith(f"@{a['handle']}")
    assert page.locator("#total-posts").inner_text() == f"{a['posts']:,}"
    assert page.locator("#total-reach").inner_text() == f"{a['reach']:,}"
    assert page.locator("#total-engagement").inner_text() == f"{a['engagement']:,}"
    assert page.locator("#author-tier").inner_text() == a["tier"]
    volume = page.locator("#chart-author-volume")
    assert volume.locator(".barlayer .point").count() == len(a["volume"])
    assert volume.locator("text.xtitle").text_content() == "day starting (local time, UTC)"
    assert volume.locator("text.ytitle").first.text_content() == "posts"
    hashtags = page.locator("#chart-author-hashtags .barlayer .point")
    assert hashtags.count() == len(a["hashtags"])
    assert page.locator("#cascades-amplified tbody tr").count() == len(a["amplified"])
    assert page.locator("#flag-duplicates tbody tr").count() == len(a["duplicates"])
    shot(page, "author")
    assert not page.errors


def test_the_author_links_lead_to_their_posts_and_flags(page: Any, live: LiveServer) -> None:
    platform, author_id = AUTHOR
    page.goto(f"{live.url}/authors/{platform}/{author_id}?{QUERY}")
    mentions = urlsplit(page.locator("#author-mentions").get_attribute("href"))
    assert mentions.path == "/mentions"
    assert parse_qs(mentions.query) == {
        "author": [f"{platform}:{author_id}"], "since": ["2024-07-18"], "until": ["2024-07-21"]
    }  # fmt: skip
    root = page.locator("#cascades-amplified tbody a").first.get_attribute("href")
    assert root.startswith("/mentions?root=")
    # the co-repost flag: its cluster's page lists this author, whose link comes back here
    page.locator("#flag-coordination a").first.click()
    page.wait_for_selector("#coordination-clusters")
    assert page.url.startswith(f"{live.url}/analyses/listen/coordination?")
    back = page.locator(f'#coordination-clusters a[href^="/authors/{platform}/{author_id}?"]')
    assert back.count() == 1
    back.click()
    page.wait_for_selector("#author-profile")
    assert urlsplit(page.url).path == f"/authors/{platform}/{author_id}"
    assert parse_qs(urlsplit(page.url).query)["window"] == ["60.0"]  # its page's rule
    # a partner's page answers too, and names this author among its partners
    page.goto(f"{live.url}/authors/{platform}/{author_id}?{QUERY}")
    page.locator("#flag-coordination a.partner").first.click()
    page.wait_for_selector("#author-profile")
    assert f"{platform}:{author_id}" in page.locator("#flag-coordination").inner_text()
    assert not page.errors


def test_an_unknown_author_is_a_clear_404(page: Any, live: LiveServer) -> None:
    response = page.goto(f"{live.url}/authors/x/nobody")
    assert response.status == 404
    assert page.locator("[role=alert]").inner_text() == "no author 'nobody' on 'x'"
    r = httpx.get(
        f"{live.url}/api/listen/author", params={"platform": "x", "author_id": "no"}, timeout=120
    )
    assert r.status_code == 404 and "no author 'no' on 'x'" in r.text


@pytest.fixture(scope="module")
def hostile(hostile_db: Path) -> Iterator[LiveServer]:
    with LiveServer(hostile_db) as server:
        yield server


def test_hostile_profiles_run_nothing(browser: Any, hostile: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for author, handle in (
            ("a-evil", "@<script>window.__pwned=1</script>"),
            ("a-evil2", '@" onmouseover="window.__pwned=7'),
        ):
            page.goto(f"{hostile.url}/authors/x/{author}")
            wait_drawn(page)
            assert page.locator("h1").inner_text().startswith(handle)
            for el in page.locator("a:not(.skip), button, .chart").all()[:40]:
                el.hover(timeout=2_000)
            assert page.evaluate("() => window.__pwned") is None, author
        assert not dialogs
    finally:
        context.close()
