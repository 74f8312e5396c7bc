"""The published digest in a real Chromium, offline: it renders, runs no script of a hostile
post and asks for nothing outside its own file."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import Any

import pytest

import agorascope
from agorascope.config import Settings
from agorascope.watch.collections import add_collection, add_item, publish_collection

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = (
    '<script>window.__pwned=1</script><img src="http://evil.example/x.png" '
    'onerror="window.__pwned=2"><iframe src="http://evil.example/"></iframe>'
    '<link rel=stylesheet href="http://evil.example/a.css"> #pwntag'
)


def test_digest_opens_offline_and_runs_nothing(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (make system-deps)")
    posts = tmp_path / "posts.csv"
    with posts.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["platform", "id", "author_id", "created_at", "text", "url"])
        w.writerow(["web", "evil-1", "e", "2024-07-19T10:00:00Z", HOSTILE, "javascript:alert(1)"])
        w.writerow(
            ["web", "ok-1", "o", "2024-07-19T11:00:00Z", "a plain post", "https://example.org/p"]
        )
    with agorascope.open(settings=Settings(db=tmp_path / "s.duckdb", detect_language=False)) as ws:
        ws.import_files([posts], format="native", index=False)
        add_collection(ws.store, "c", title="Digest <b>title</b>")
        add_item(ws.store, "c", "web:evil-1", note='<img src=x onerror="window.__pwned=3">')
        add_item(ws.store, "c", "web:ok-1", note="worth reading")
        out = publish_collection(ws.store, "c", tmp_path / "digest.html")["html"]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            context = browser.new_context(offline=True)

            def record(route: Any) -> None:
                requested.append(route.request.url)
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", record)
            page = context.new_page()
            page.goto(out.as_uri())
            assert page.title() == "Digest <b>title</b>"
            assert page.evaluate("window.__pwned") is None
            items = page.locator("li").all_inner_texts()
            assert len(items) == 2 and "<script>window.__pwned=1</script>" in items[0]
            assert page.locator("a").evaluate_all("as => as.map(a => a.href)") == [
                "https://example.org/p"
            ]
            assert page.locator("script, img, iframe, link").count() == 0
        finally:
            browser.close()
    assert requested == [out.as_uri()]
