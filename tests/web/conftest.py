"""Fixtures of the browser tests: the demo store, a live server and one Chromium per module."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import ARGS, CHROMIUM, LiveServer

from agorascope.config import Settings
from agorascope.demo.load import load_demo
from agorascope.report.demo import prepare_demo
from agorascope.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_fixtures import build_store


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (generated world and bundled slices) and its topics, as `make demo`."""
    folder = tmp_path_factory.mktemp("web-demo")
    db = folder / "demo.duckdb"
    with Workspace(Settings(db=db)) as ws:
        load_demo(ws)
        prepare_demo(ws.store)
    return db


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store with posts that try to run script, and a topic on them."""
    return build_store(tmp_path_factory.mktemp("web-hostile"), posts=800)


@pytest.fixture(scope="module")
def live(web_db: Path) -> Iterator[LiveServer]:
    with LiveServer(web_db) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (make system-deps)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live: LiveServer) -> Iterator[Any]:
    """A page that may reach the live server only: any other request is refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith((live.url, "data:", "blob:", "file:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not outside, f"requests left the machine: {outside[:5]}"
