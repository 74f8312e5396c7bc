"""Exports: the mentions list and every analysis as CSV, XLSX and Parquet, equal to the API."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from api_fixtures import LOCAL, TestClient

from agorascope import registry
from agorascope.api import create_app
from agorascope.api.routes import mentions as mentions_routes
from agorascope.config import Settings
from agorascope.report.export import export_filename, stream_rows, unguard_csv

UTC_NAMES = {"created_at": "created_at_utc"}
"""The mentions row's time columns, as an export's header names them."""
FILTERS = {"topic": "it_outage", "lang": "en", "sort": "engagement", "collapse": "1"}


@pytest.fixture(scope="module")
def client(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of a private copy of the demo store (the tag tests write to it)."""
    folder = tmp_path_factory.mktemp("export")
    shutil.copy(demo_db, folder / "demo.duckdb")
    with TestClient(create_app(Settings(db=folder / "demo.duckdb")), base_url=LOCAL) as c:
        yield c


def _api_rows(client: TestClient, params: dict[str, str], per_page: int = 150) -> list[Any]:
    """Every row of the list, page by page through the JSON API (following ``meta.next``)."""
    rows: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = {**params, "per_page": str(per_page), **({"after": after} if after else {})}
        r = client.get("/api/mentions", params=page)
        assert r.status_code == 200, r.text
        body = r.json()
        rows += body["items"]
        after = body["meta"]["next"]
        if after is None:
            return rows


def _csv_value(v: Any) -> str:
    """The CSV rule of report/export.py, written again (lists joined by a space)."""
    if v is None:
        return ""
    if isinstance(v, list):
        return " ".join(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    table = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    return table[0], [[unguard_csv(c) for c in row] for row in table[1:]]


def test_mentions_exports_equal_the_api_rows(client: TestClient) -> None:
    expected = _api_rows(client, FILTERS, per_page=10)
    assert len(expected) > 20, "the export should span several API pages"
    fields = list(registry.get("listen", "mentions").row.model_fields)
    columns = [UTC_NAMES.get(c, c) for c in fields]  # an export's times say they are UTC

    r = client.get("/api/mentions.csv", params=FILTERS)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    name = "mentions_topic-it_outage_lang-en_sort-engagement_collapse-1.csv"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    header, rows = _read_csv(r.content)
    assert header == columns
    assert rows == [[_csv_value(row[c]) for c in fields] for row in expected]

    r = client.get("/api/mentions", params={**FILTERS, "format": "parquet"})
    assert r.status_code == 200
    table = pq.read_table(io.BytesIO(r.content))
    assert table.column_names == columns
    got = table.to_pylist()
    for row in expected:
        row["created_at_utc"] = datetime.fromisoformat(row.pop("created_at"))
    assert [{c: r[c] for c in columns} for r in got] == [
        {c: r[c] for c in columns} for r in expected
    ]


def test_xlsx_export_read_by_openpyxl(client: TestClient) -> None:
    from openpyxl import load_workbook

    params = {"topic": "it_outage", "relation": "original"}
    expected = _api_rows(client, params, per_page=1000)
    r = client.get("/api/mentions.xlsx", params=params)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content), read_only=True)["rows"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = list(rows[0])
    fields = list(registry.get("listen", "mentions").row.model_fields)
    assert columns == [UTC_NAMES.get(c, c) for c in fields]
    assert len(rows) - 1 == len(expected)
    for got, want in zip(rows[1:], expected, strict=True):
        cells = dict(zip(columns, got, strict=True))
        assert cells["id"] == want["id"]
        assert cells["engagement"] == want["engagement"]
        assert cells["text"] == want["text"]
        # Excel keeps milliseconds
        gap = cells["created_at_utc"] - datetime.fromisoformat(want["created_at"])
        assert abs(gap.total_seconds()) < 0.001
        assert cells["hashtags"] == (" ".join(want["hashtags"]) or None)


def test_exports_are_written_in_batches(client: TestClient, monkeypatch: Any) -> None:
    """A batch is read and written at a time: one Parquet row group per batch of the list."""
    monkeypatch.setattr(mentions_routes, "EXPORT_BATCH", 100)
    expected = _api_rows(client, {"topic": "it_outage"}, per_page=1000)
    r = client.get("/api/mentions.parquet", params={"topic": "it_outage"})
    meta = pq.ParquetFile(io.BytesIO(r.content)).metadata
    assert meta.num_rows == len(expected)
    assert meta.num_row_groups == -(-len(expected) // 100)


LISTEN = [
    ("volume", {"interval": "day"}),
    ("hashtags", {}),
    ("breakdown", {"by": "country"}),
    ("spikes", {"interval": "hour"}),
    ("tiers", {}),
]


@pytest.mark.parametrize(("name", "params"), LISTEN, ids=[n for n, _ in LISTEN])
def test_every_analysis_exports_its_api_rows(
    client: TestClient, name: str, params: dict[str, str]
) -> None:
    spec = registry.get("listen", name)
    query = {"topic": "it_outage", **params}
    api = client.get(spec.path, params={**query, "limit": 1000}).json()
    assert api["items"], name
    r = client.get(spec.path, params={**query, "format": "csv"})
    assert r.status_code == 200
    assert f'filename="listen-{name}_topic-it_outage' in r.headers["content-disposition"]
    header, rows = _read_csv(r.content)
    assert header == list(spec.row.model_fields)
    assert rows == [[_csv_value(row[c]) for c in header] for row in api["items"]]
    r = client.get(spec.path, params={**query, "format": "parquet"})
    got = pq.read_table(io.BytesIO(r.content)).to_pylist()
    assert len(got) == api["total"]
    for g, a in zip(got, api["items"], strict=True):
        for c in header:
            want = a[c]
            if isinstance(g[c], datetime):
                want = datetime.fromisoformat(want)
            elif isinstance(want, dict):
                want = json.dumps(want, sort_keys=True)
            assert g[c] == want, (c, g[c], want)


def test_a_workspace_analysis_exports_too(client: TestClient) -> None:
    spec = registry.get("audience", "survey")
    params = {n: f.examples[0] for n, f in spec.params.model_fields.items() if f.examples}
    api = client.get(spec.path, params={**params, "limit": 1000})
    assert api.status_code == 200, api.text[:300]
    r = client.get(spec.path, params={**params, "format": "xlsx"})
    assert r.status_code == 200
    assert r.headers["content-disposition"].endswith('.xlsx"')
    assert r.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/api/mentions.pdf", {}, "export format 'pdf'"),
        ("/api/mentions.csv", {"tier": "huge"}, "tier"),
        ("/api/mentions.csv", {"topic": "no-such-topic"}, "no-such-topic"),
        ("/api/mentions", {"after": "garbage"}, "start again"),
        ("/api/listen/hashtags", {"format": "pdf"}, "format"),
    ],
    ids=["format", "filter", "topic", "cursor", "analysis-format"],
)
def test_bad_exports_fail_before_any_byte(
    client: TestClient, path: str, params: dict[str, str], message: str
) -> None:
    r = client.get(path, params=params)
    assert 400 <= r.status_code < 500
    assert message in r.text


def test_text_that_looks_like_a_formula_stays_text() -> None:
    row = registry.get("listen", "hashtags").row
    data = [[{"hashtag": "=HYPERLINK(\"http://x\")", "posts": 1, "share": 1.0, "authors": 1,
              "engagement": -3}]]  # fmt: skip
    content = b"".join(stream_rows(iter(data), row, "csv"))
    _, rows = _read_csv(content)
    assert "'=HYPERLINK" in content.decode()
    assert rows[0][0] == '=HYPERLINK("http://x")' and rows[0][4] == "-3"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(stream_rows(iter(data), row, "xlsx"))))
    cell = book["rows"]["A2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_file_names_carry_the_filters() -> None:
    assert (
        export_filename("mentions", {"topic": "it outage/../x", "collapse": False}, "parquet")
        == "mentions_topic-it_outage_.._x.parquet"
    )
    assert len(export_filename("m", {"q": "x" * 500}, "csv")) <= 150


def test_tags_through_the_api(client: TestClient) -> None:
    post = client.get("/api/mentions", params={"topic": "it_outage", "per_page": "1"}).json()
    ref = f"{post['items'][0]['platform']}:{post['items'][0]['id']}"
    client.get("/login")  # the CSRF cookie
    csrf = {"X-CSRF-Token": client.cookies.get("agorascope_csrf") or ""}
    r = client.post("/api/tags", json={"post": ref, "tag": "Check"}, headers=csrf)
    assert r.status_code == 201, r.text
    tagged = client.get("/api/mentions", params={"tag": "check"}).json()
    assert [f"{i['platform']}:{i['id']}" for i in tagged["items"]] == [ref]
    assert tagged["items"][0]["tags"] == ["check"]
    r = client.delete("/api/tags", params={"post": ref, "tag": "check"}, headers=csrf)
    assert r.status_code == 204
    assert client.get("/api/mentions", params={"tag": "check"}).json()["items"] == []
    r = client.post("/api/tags", json={"post": ref, "tag": "two words"}, headers=csrf)
    assert r.status_code == 422 and "tag" in r.text


# -- drill-down links (the pages lead to the mentions list) -------------------------------


def _hrefs(html: str, marker: str) -> list[str]:
    import re
    from html import unescape

    return [unescape(h) for h in re.findall(rf'{marker}[^>]*href="([^"]*)"', html)]


def test_pages_link_their_entities_to_the_mentions_list(client: TestClient) -> None:
    topic = client.get("/topics/it_outage").text
    assert 'data-drill-base="/mentions?topic=it_outage"' in topic
    for kind in ("bucket", "country", "lang", "platform", "author", "hashtag", "tier"):
        assert f'data-drill="{kind}"' in topic
    spikes = _hrefs(topic, 'class="spike-posts"')
    assert spikes and all(h.startswith("/mentions?topic=it_outage&since=") for h in spikes)
    assert "until=" in spikes[0]
    assert _hrefs(topic, 'id="open-search"') == ["/search?q=%23ITOutage"]

    search = client.get("/search", params={"q": "#ITOutage"}).text
    facets = _hrefs(search, 'class="facet"')
    assert "/mentions?q=%23ITOutage&lang=en" in facets

    page = client.get(
        "/analyses/listen/breakdown", params={"run": "1", "topic": "it_outage", "by": "lang"}
    ).text
    assert '<td><a href="/mentions?topic=it_outage&amp;lang=en">en</a></td>' in page
    page = client.get("/analyses/listen/top-authors", params={"run": "1", "q": "#ITOutage"}).text
    assert '<td><a href="/authors/' in page
    assert 'id="export-csv"' in page


def test_mentions_rows_link_every_entity(client: TestClient) -> None:
    html = client.get(
        "/mentions", params={"topic": "it_outage", "sort": "engagement", "collapse": "1"}
    ).text
    assert 'href="/authors/x/' in html
    assert "/mentions?topic=it_outage&amp;hashtag=itoutage&amp;sort=engagement&amp;collapse=1" in (
        html
    )
    assert "root=x%3A" in html  # the cascade of a collapsed original
    chip = html[html.index('data-filter="collapse"') :]
    assert 'href="/mentions?topic=it_outage&amp;sort=engagement"' in chip[:300]
