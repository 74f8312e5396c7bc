"""The voters analysis pages: rows and charts on the server, and drawn in a real browser."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.store import Store
from agorascope.voters.experiments import import_experiment
from live_server import LiveServer

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's import-time notice
    from fastapi.testclient import TestClient

DATA = Path(__file__).parents[1] / "data" / "voters" / "hillstrom_6000.csv"
RESULTS = Path(__file__).parents[1] / "elections" / "data" / "potus_results_1976_2016.csv"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
BUDGET = "total=5000000&states=states.csv&year=2016&sims=2000&steps=20"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store with the Hillstrom slice (given days) and a data folder with 2016's states."""
    folder = tmp_path_factory.mktemp("voters-pages")
    frame = pd.read_csv(DATA)
    frame["day"] = [f"2008-03-{1 + i // 1000:02d}" for i in range(len(frame))]
    frame.to_csv(folder / "days.csv", index=False)
    r = pd.read_csv(RESULTS)
    r = r[r["year"] == 2016]
    pd.DataFrame(
        {"state": r["state"], "mean": r["dem"] / (r["dem"] + r["rep"]), "sd": 0.03,
         "votes": r["total_votes"]}
    ).to_csv(folder / "states.csv", index=False)  # fmt: skip
    db = folder / "v.duckdb"
    with Store.open(db) as store:
        import_experiment(store, folder / "days.csv", "hillstrom")
    return Settings(db=db, data_dir=folder)


def _figure(html: str) -> str:
    return html.replace("\\u0022", '"')


def test_pages_carry_the_charts_with_axis_titles(settings: Settings) -> None:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/analyses/voters/experiment?run=1&experiment=hillstrom")
        assert page.status_code == 200, page.text[-400:]
        text = _figure(page.text)
        assert 'data-figure="result"' in text and '"text": "clicked rate (%)"' in text
        assert "95 % Wilson intervals" in text
        page = client.get("/analyses/voters/experiment-sequential?run=1&experiment=hillstrom")
        text = _figure(page.text)
        assert '"text": "p-value (log scale)"' in text and '"text": "day"' in text
        page = client.get(f"/analyses/voters/budget?run=1&{BUDGET}")
        assert page.status_code == 200, page.text[-400:]
        text = _figure(page.text)
        assert '"type": "choropleth"' in text and '"text": "dollars"' in text


@pytest.fixture(scope="module")
def live(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings)) as server:
        yield server


def _drawn(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(e => e.dataset.drawn === '1' || e.dataset.error)",
        timeout=60_000,
    )
    errors = page.eval_on_selector_all(
        "[data-figure][data-error]", "els => els.map(e => e.dataset.error)"
    )
    assert not errors, errors


@pytest.mark.browser
def test_the_budget_map_and_the_rate_bars_are_drawn_offline(live: LiveServer) -> None:
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (make system-deps)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
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
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live.url}/analyses/voters/budget?run=1&{BUDGET}")
        _drawn(page)
        assert page.locator("#result-chart path.choroplethlocation").count() >= 48
        assert page.locator("#result-chart .barlayer .point").count() >= 1
        assert page.locator("#result-chart text.ytitle").text_content() == "dollars"
        page.goto(f"{live.url}/analyses/voters/experiment?run=1&experiment=hillstrom")
        _drawn(page)
        assert page.locator("#result-chart .barlayer .point").count() == 3
        assert page.locator("#result-chart text.ytitle").text_content() == "clicked rate (%)"
        context.close()
        browser.close()
    assert not errors and not outside, (errors, outside[:5])
