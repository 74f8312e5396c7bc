"""The open-data explorer page: served content (no browser), then drawn in Chromium offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import LOCAL, TestClient, build_store

from agorascope.api import create_app
from agorascope.config import Settings

X, Y = "median_household_income_2021", "unemployment_rate_2020"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store (its authors live in Chicago, New York, Austin, Los Angeles...)."""
    return build_store(tmp_path_factory.mktemp("opendata-demo"), posts=800)


@pytest.fixture(scope="module")
def client(demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=demo)), base_url=LOCAL) as c:
        yield c


def test_the_page_shows_tables_statistics_note_and_posts(client: TestClient) -> None:
    r = client.get("/opendata", params={"x": X, "y": Y, "topic": "it_outage"})
    assert r.status_code == 200
    for part in ("od-tables", "od-preview", "od-stats", "od-note", "od-posts-meta", "od-upload"):
        assert f'id="{part}"' in r.text, part
    assert "ecological fallacy" in r.text
    assert re.search(r"\d+ of \d+ posts placed", r.text)


def test_a_bad_column_is_shown_not_a_crash(client: TestClient) -> None:
    r = client.get("/opendata", params={"table": "states", "x": X, "y": "nope"})
    assert r.status_code == 200 and "no column &#39;nope&#39;" in r.text


def test_an_uploaded_file_is_joined_with_its_unmatched_lines(client: TestClient) -> None:
    client.get("/opendata")
    body = "fips,rate\n1001,1\n1003,2\n1005,4\n1007,3\n99999,5\n"
    r = client.post(
        "/opendata",
        files={"file": ("mine.csv", body.encode(), "text/csv")},
        data={"table": "counties", "x": "rate", "y": Y,
              "csrf_token": client.cookies.get("agorascope_csrf") or ""},
    )  # fmt: skip
    assert r.status_code == 200, r.text[:300]
    assert "4 of 5 rows matched a county" in r.text
    assert re.search(r"<td class=\"n\">6</td><td>fips</td><td>99999</td>", r.text)
    assert 'id="od-stats"' in r.text


def test_outlines_are_served(client: TestClient) -> None:
    r = client.get("/opendata/geo/county")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.json()["features"][0]["id"] == "04015"


@pytest.mark.browser
def test_maps_and_scatter_are_drawn_offline(demo: Path) -> None:
    from web_fixtures import ARGS, CHROMIUM, LiveServer

    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []
    with LiveServer(demo) as live, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def only_local(route: Any) -> None:
            if route.request.url.startswith((live.url, "data:", "blob:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live.url}/opendata?x={X}&y={Y}&topic=it_outage")
        for chart in ("#chart-map", "#chart-scatter", "#chart-posts"):
            page.wait_for_selector(f"{chart}[data-drawn='1']", timeout=60_000)
        counties = page.locator("#chart-map path.choroplethlocation").count()
        states = page.locator("#chart-posts path.choroplethlocation").count()
        points = page.locator("#chart-scatter .scatterlayer .point").count()
        titles = page.locator(
            "#chart-scatter .g-xtitle, #chart-scatter .g-ytitle"
        ).all_text_contents()
        browser.close()
    assert counties > 3000 and states > 50
    assert points > 3000  # every county with both figures (3,142)
    assert any("US dollars" in t for t in titles) and any("%" in t for t in titles)
    assert not errors, errors
    assert not outside, outside[:5]
