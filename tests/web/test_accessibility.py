"""Accessibility and quality of every page, in a real browser (Debian's Chromium).

The pages are discovered from the app's routes (every GET route answering HTML outside
``/api``), their path parameters filled from the demo store, so a page added later is checked
too. On each one: axe-core (the copy bundled in the ``axe-playwright-python`` package, no
network) must find no serious or critical violation, the browser console must stay free of
errors and no request may leave the app. A keyboard test drives the main navigation and a form
with Tab and Enter alone.
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from web_fixtures import LiveServer

from agorascope import registry
from agorascope.config import Settings
from agorascope.workspace import Workspace

pytestmark = pytest.mark.browser

SERIOUS = frozenset({"serious", "critical"})
TOPIC = "it_outage"
WATCH = "outage-watch"
COLLECTION = "outage-picks"

# Routes that answer a file to download, not a page to read (their HTML is the topic page's,
# checked there).
DOWNLOADS = ("/reports/",)
# Values of path parameters, by route prefix and parameter name; a route with a parameter not
# listed here fails the discovery test, which names it.
PARAMS: dict[tuple[str, str], list[str]] = {
    ("/topics/", "name"): [TOPIC],
    ("/watches/", "name"): [WATCH],
    ("/collections/", "name"): [COLLECTION],
    ("/voters/persons/", "person_id"): ["no-such-person"],  # the demo links no voters: a 404
    ("/topics-edit/", "name"): [TOPIC],
    # ("/authors/", "platform") and ("/authors/", "author_id"): the store's most active author,
    # set by the ``a11y_db`` fixture
}
# Query strings a page needs to show its content (a route without one is opened bare).
QUERIES: dict[str, list[str]] = {
    # empty, results, a syntax error, a window in a zone (the time controls open)
    "/search": ["", "q=outage", "q=%22unclosed", "q=outage&since=2024-07-19&tz=Asia/Tokyo"],
    "/compare": ["t=it_outage&t=olympics"],
    "/voters/pair": ["a=demo/1&b=demo/2"],
    "/mentions": [f"topic={TOPIC}", f"topic={TOPIC}&since=2024-07-19&tz=Asia/Tokyo"],
}


def _analysis_pages() -> list[str]:
    """Analysis pages share one template: per domain, the first analysis that runs on the
    demo topic as it is and the first whose form waits for the analyst's values; and the
    sentiment pages."""
    out = []
    seen: set[tuple[str, bool]] = set()
    for a in registry.analyses():
        required = any(f.is_required() for f in a.params.model_fields.values())
        form = a.needs == "window" or required
        if (a.domain, form) in seen and not a.name.startswith("sentiment"):
            continue
        seen.add((a.domain, form))
        query = f"?topic={TOPIC}" if a.needs == "selection" and not form else ""
        out.append(f"/analyses/{a.domain}/{a.name}{query}")
    return out


def discover(app: Any) -> tuple[list[str], list[str]]:
    """(URLs of every HTML page of ``app``, routes whose parameters have no value here)."""
    from fastapi.responses import HTMLResponse
    from fastapi.routing import APIRoute, iter_route_contexts

    urls: list[str] = []
    unknown: list[str] = []
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        path = str(ctx.path)
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
            continue
        if path.startswith(("/api/", "/static/")) or path.startswith(DOWNLOADS):
            continue
        if route.response_class is not HTMLResponse:
            continue
        if path == "/analyses/{domain}/{name}":
            urls += _analysis_pages()
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        prefix = path.split("{", 1)[0]
        values = [PARAMS.get((prefix, n)) for n in names]
        if any(v is None for v in values):
            unknown.append(path)
            continue
        concrete = path
        for n, v in zip(names, values, strict=True):
            assert v is not None
            concrete = re.sub(r"{" + n + r"(?::\w+)?}", quote(v[0], safe=""), concrete)
        urls += [concrete + (f"?{q}" if q else "") for q in QUERIES.get(path, [""])]
    return urls, unknown


@pytest.fixture(scope="module")
def a11y_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with a watch and a collection, so their pages have something to show."""
    from agorascope.watch.collections import add_collection, add_item
    from agorascope.watch.watches import add_watch

    db = tmp_path_factory.mktemp("a11y") / "demo.duckdb"
    shutil.copy(web_db, db)
    with Workspace(Settings(db=db)) as ws:
        add_watch(ws, WATCH, TOPIC, "spike")
        add_collection(ws.store, COLLECTION, title="Posts on the outage")
        post = ws.store.execute(
            "SELECT platform || ':' || id FROM posts WHERE text ILIKE ? ORDER BY id LIMIT 1",
            ["%outage%"],
        )[0][0]
        add_item(ws.store, COLLECTION, post, note="first report")
        platform, author = ws.store.execute(
            "SELECT platform, author_id FROM posts WHERE author_id IS NOT NULL"
            " GROUP BY ALL ORDER BY count(*) DESC, platform, author_id LIMIT 1"
        )[0]
    PARAMS[("/authors/", "platform")] = [platform]
    PARAMS[("/authors/", "author_id")] = [author]
    return db


@pytest.fixture(scope="module")
def live(a11y_db: Path) -> Iterator[LiveServer]:
    with LiveServer(a11y_db) as server:
        yield server


@pytest.fixture(scope="module")
def axe() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from axe_playwright_python.sync_playwright import Axe
    return Axe()


def _wait_for_charts(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error || !e.isConnected)",
        timeout=60_000,
    )


def _check(page: Any, axe: Any, url: str) -> list[str]:
    """Problems of one page: serious axe violations, console errors, failed charts."""
    problems: list[str] = []
    page.errors.clear()
    page.goto(url)
    _wait_for_charts(page)
    drawn_errors = page.eval_on_selector_all(
        "[data-figure][data-error]", "els => els.map(e => e.dataset.error)"
    )
    problems += [f"chart error: {e}" for e in drawn_errors]
    results = axe.run(page).response
    for v in results["violations"]:
        if v["impact"] in SERIOUS:
            targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
            problems.append(f"axe {v['impact']} {v['id']}: {v['help']} at {targets}")
    problems += [f"console: {e}" for e in page.errors if not _expected_status(e, url)]
    return problems


def _expected_status(message: str, url: str) -> bool:
    """The browser logs a page answered with 4xx as a console error: expected on the pages
    that are errors on purpose (an unknown person, a query with a syntax error)."""
    on_purpose = "no-such-person" in url or "%22unclosed" in url or "voters/pair" in url
    return on_purpose and "Failed to load resource" in message


def test_routes_are_discovered(live: LiveServer) -> None:
    urls, unknown = discover(live.server.config.app)
    assert not unknown, f"give these routes' path parameters a value in PARAMS: {unknown}"
    must = {"/", f"/topics/{TOPIC}", "/search", "/compare?t=it_outage&t=olympics", "/login"}
    assert must <= set(urls)
    assert f"/analyses/listen/sentiment?topic={TOPIC}" in urls


def test_every_page_passes_axe_without_console_errors(
    page: Any, live: LiveServer, axe: Any
) -> None:
    urls, _ = discover(live.server.config.app)
    found = {}
    for url in urls:
        problems = _check(page, axe, live.url + url)
        if problems:
            found[url] = problems
    assert not found, "\n".join(f"{u}:\n  " + "\n  ".join(p) for u, p in found.items())


def test_main_navigation_and_a_form_with_the_keyboard_only(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/")
    # the first Tab reaches the skip link, Enter moves the focus to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().lower().startswith("skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('main') !== null || "
                         "document.activeElement.tagName === 'MAIN'")  # fmt: skip
    # Tab through the navigation to "Search" and follow it with Enter
    page.goto(live.url + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent").strip()
        if focused == "Search":
            break
    else:
        pytest.fail("Tab never reached the Search link of the navigation")
    visible = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert visible != "none", "the focused link shows no focus outline"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search$"))
    # the search form: Tab to its field, type, Enter submits
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    else:
        pytest.fail("Tab never reached the search field")
    page.keyboard.type("outage")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?.*q=outage"))
    assert page.locator("main").inner_text().lower().count("outage") > 0
    assert not page.errors
