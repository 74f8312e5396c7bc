"""The time zone of the mentions list and the search page: since/until read in ``tz``.

The reference is hand-computed (Tokyo is UTC+9 all year, no daylight saving time) and the
counts are checked against plain DuckDB SQL on the same store file.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from api_fixtures import LOCAL, TestClient

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.report.timecontrols import zoned_window
from agorascope.timeutil import Window

TOKYO = {"since": "2024-07-19T09:00", "until": "2024-07-19T21:00", "tz": "Asia/Tokyo"}
UTC_WINDOW = (datetime(2024, 7, 19, 0, 0), datetime(2024, 7, 19, 12, 0))
"""The same window in UTC, nine hours earlier on the clock."""


@pytest.fixture(scope="module")
def store_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tz") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def sql_count(store_copy: Path) -> int:
    """Posts of the UTC window, counted by DuckDB alone (before the app opens the file)."""
    with duckdb.connect(str(store_copy), read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM post_view WHERE created_at >= ? AND created_at < ?",
            list(UTC_WINDOW),
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def client(store_copy: Path, sql_count: int) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=store_copy)), base_url=LOCAL) as c:
        yield c


def test_a_tokyo_wall_time_is_the_utc_instant_nine_hours_before() -> None:
    assert zoned_window(TOKYO["since"], TOKYO["until"], "Asia/Tokyo") == Window(*UTC_WINDOW)
    # a date is the zone's whole day; an offset wins over the zone
    day = zoned_window("2024-07-19", "2024-07-19", "Asia/Tokyo")
    assert day == Window(datetime(2024, 7, 18, 15), datetime(2024, 7, 19, 15))
    assert zoned_window("2024-07-19T00:00Z", None, "Asia/Tokyo").since == UTC_WINDOW[0]


def test_the_api_reads_since_and_until_in_tz(client: TestClient, sql_count: int) -> None:
    tokyo = client.get("/api/mentions", params={**TOKYO, "per_page": "1"}).json()
    assert (tokyo["selection"]["since"], tokyo["selection"]["until"]) == (
        "2024-07-19T00:00:00",
        "2024-07-19T12:00:00",
    )
    utc = {"since": "2024-07-19T00:00", "until": "2024-07-19T12:00", "per_page": "1"}
    assert sql_count > 0
    assert tokyo["meta"]["total"] == sql_count
    assert client.get("/api/mentions", params=utc).json()["meta"]["total"] == sql_count
    # an instant with its offset is that instant, whatever the zone
    with_z = {"since": "2024-07-19T00:00Z", "until": "2024-07-19T12:00Z", "tz": "Asia/Tokyo"}
    body = client.get("/api/mentions", params={**with_z, "per_page": "1"}).json()
    assert body["meta"]["total"] == sql_count


def test_the_export_keeps_tz_and_names_its_utc_column(client: TestClient, sql_count: int) -> None:
    r = client.get("/api/mentions.csv", params=TOKYO)
    assert r.status_code == 200
    assert "tz-Asia_Tokyo" in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
    assert len(table) - 1 == sql_count
    assert "created_at_utc" in table[0] and "created_at" not in table[0]
    times = [datetime.fromisoformat(row[table[0].index("created_at_utc")]) for row in table[1:]]
    assert all(UTC_WINDOW[0] <= t < UTC_WINDOW[1] for t in times)


def test_an_unknown_zone_is_an_error_that_names_it(client: TestClient) -> None:
    r = client.get("/api/mentions", params={**TOKYO, "tz": "Mars/Olympus"})
    assert r.status_code in (400, 422)
    assert "tz" in r.text and "Mars/Olympus" in r.text
    page = client.get("/mentions", params={**TOKYO, "tz": "Mars/Olympus"})
    assert page.status_code == 422 and "Mars/Olympus" in page.text


def test_the_search_page_narrows_to_the_zoned_window(client: TestClient) -> None:
    query = f"outage since:{UTC_WINDOW[0]:%Y-%m-%dT%H:%M} until:{UTC_WINDOW[1]:%Y-%m-%dT%H:%M}"
    expected = client.get("/api/search", params={"q": query, "limit": 1}).json()["total"]
    assert expected > 0
    page = client.get("/search", params={"q": "outage", **TOKYO})
    assert page.status_code == 200
    shown = re.search(r'id="total"><b>([\d,]+)</b>', page.text)
    assert shown is not None and int(shown.group(1).replace(",", "")) == expected
    hours = re.findall(r'class="at">\d{4}-\d\d-\d\d (\d\d):\d\d</span> Asia/Tokyo', page.text)
    assert hours and all(9 <= int(h) < 21 for h in hours)
