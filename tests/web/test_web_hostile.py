"""Posts carrying script, event handlers and javascript: links run nothing in the browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import LiveServer, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(hostile_db: Path) -> Iterator[LiveServer]:
    with LiveServer(hostile_db) as server:
        yield server


def wait_drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error)",
        timeout=60_000,
    )


def test_hostile_posts_run_nothing(page: Any, live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in ("/search?q=pwnword", "/topics/pwn", "/", "/search?q=%23pwntag&sort=newest"):
        page.goto(live.url + url)
        if "/topics/" in url:
            wait_drawn(page)
        # the skip link stays off-screen until focused: it cannot be hovered
        for el in page.locator("a:not(.skip), button").all()[:50]:
            el.hover(timeout=2_000)
        assert page.evaluate("() => window.__pwned") is None, url
    page.goto(live.url + "/search?q=pwnword")
    assert "<script>window.__pwned=3</script>" in page.locator("#hits").inner_text()
    assert not dialogs
    shot(page, "hostile-search")
