"""Helpers of the browser tests: a live server in a thread, Chromium settings, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import live_server
from agorascope.api import create_app
from agorascope.config import Settings
from live_server import free_port

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


class LiveServer(live_server.LiveServer):
    """The dashboard of the store ``db``, served live."""

    def __init__(self, db: Path):
        port = free_port()
        super().__init__(create_app(Settings(db=db, port=port)), port)


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def click_timeline_peak(page: Any) -> None:
    """Click the topic timeline's highest point, as Plotly reports a click (its UTC start in
    ``customdata``)."""
    page.eval_on_selector(
        "#chart-timeline",
        "el => { const t = el.data[0]; const i = t.y.indexOf(Math.max(...t.y));"
        " el.emit('plotly_click', {points: [{x: t.x[i], customdata: t.customdata[i],"
        " pointIndex: i, data: t}]}); }",
    )
