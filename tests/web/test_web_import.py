"""The import page in a real browser: upload, guessed mapping, preview, edit, import."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import LiveServer

pytestmark = pytest.mark.browser

TWARC = Path(__file__).parents[1] / "data" / "guess" / "twarc_csv_small_sample.csv"


@pytest.fixture(scope="module")
def live(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on a copy of the demo store: these tests write to it."""
    db = tmp_path_factory.mktemp("web-import") / "demo.duckdb"
    shutil.copy(web_db, db)
    with LiveServer(db) as server:
        yield server
        # an import warms the caches in a thread: let it end before the store closes
        warming = server.server.config.app.state.agorascope.warming
        if warming is not None:
            warming.join(timeout=120)


def _upload(page: Any, live: LiveServer, path: Path) -> None:
    page.goto(f"{live.url}/import")
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("load")


def test_guess_preview_edit_and_import(page: Any, live: LiveServer) -> None:
    _upload(page, live, TWARC)
    assert page.locator("#import-error").count() == 0
    assert page.input_value("input[name=map_id]") == "id"
    assert page.input_value("input[name=map_author_handle]") == "author.username"
    assert page.locator("#preview-table tbody tr").count() == 4
    headers = page.locator("#preview-table th").all_inner_texts()
    assert "likes" in headers and "country" in headers
    # edit the mapping: drop the likes, preview again
    page.fill("input[name=map_likes]", "")
    page.click("#preview-again")
    page.wait_for_load_state("load")
    assert page.locator("#preview-table tbody tr").count() == 4
    assert "likes" not in page.locator("#preview-table th").all_inner_texts()
    assert page.input_value("input[name=map_likes]") == ""
    page.click("#import-now")
    page.wait_for_load_state("load")
    cells = page.locator("#import-files tbody td").all_inner_texts()
    assert cells[0] == TWARC.name and cells[2:6] == ["4", "4", "0", "0"]
    assert not page.errors  # type: ignore[attr-defined]


def test_ambiguous_dates_then_a_format_then_rejects(
    page: Any, live: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "forum export.csv"
    rows = [f"f{i},0{i}/04/2020 10:00,message number {i} of the forum" for i in range(1, 10)]
    rows.insert(1, "f0,not a date,a message whose date is broken")
    path.write_text("post_id,posted,message\n" + "\n".join(rows) + "\n", encoding="utf-8")
    _upload(page, live, path)
    error = page.inner_text("#import-error")
    assert "forum export.csv" in error and "created_at" in error and "ambiguous" in error
    assert "agorascope-" not in error and "staged" not in error  # the user's name only
    page.fill("input[name=date_created_at]", "day-first")
    page.click("#preview-again")
    page.wait_for_load_state("load")
    assert page.locator("#import-error").count() == 0
    shown = page.locator("#preview-table tbody tr")
    assert shown.count() == 9
    assert "2020-04-01T10:00:00" in shown.nth(0).inner_text()
    reject = page.locator("#preview-rejects tbody tr").inner_text()
    assert "forum export.csv" in reject and "3" in reject and "created_at" in reject
    page.click("#import-now")
    page.wait_for_load_state("load")
    cells = page.locator("#import-files tbody td").all_inner_texts()
    assert cells[2:6] == ["10", "9", "0", "1"]
    assert "created_at" in page.locator(".rejects").inner_text()
