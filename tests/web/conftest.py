"""A live server on the demo data and one Chromium per test module (Debian's, headless)."""

from __future__ import annotations

import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.demo.load import load_demo
from agorascope.report.demo import prepare_demo
from agorascope.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_fixtures import HOSTILE, write_jsonl

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (generated world and bundled slices), its topics, and hostile posts."""
    folder = tmp_path_factory.mktemp("web-demo")
    db = folder / "demo.duckdb"
    with Workspace(Settings(db=db)) as ws:
        load_demo(ws)
        ws.import_files([write_jsonl(folder / "hostile.jsonl", HOSTILE)], format="native")
        prepare_demo(ws.store)
        from agorascope.query import add_topic

        add_topic(ws.store, "pwn", "pwnword", "<script>window.__pwned=10</script>")
    return db


class LiveServer:
    """uvicorn serving ``create_app`` in a thread."""

    def __init__(self, db: Path):
        import uvicorn

        self.port = free_port()
        settings = Settings(db=db, port=self.port)
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


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


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
