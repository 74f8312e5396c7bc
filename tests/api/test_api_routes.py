"""REST API: errors as JSON, pagination, upload, every listen analysis, reports, escaping."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from api_fixtures import HOSTILE, LOCAL, TestClient, write_jsonl

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.demo import SCENARIO


def csrf(client: TestClient) -> dict[str, str]:
    client.get("/api/health")
    return {"X-CSRF-Token": client.cookies.get("agorascope_csrf") or ""}


def test_openapi_documents_the_api(local_client: TestClient) -> None:
    schema = local_client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for p in (
        "/api/search",
        "/api/topics",
        "/api/import",
        "/api/listen/spikes",
        "/api/listen/cascades",
        "/api/listen/share-of-voice",
        "/api/tokens",
    ):
        assert p in paths
    assert not any(p.startswith("/topics") for p in paths)  # pages are not API
    assert "ErrorPublic" in schema["components"]["schemas"]


def test_query_syntax_error_is_json_with_the_library_class(local_client: TestClient) -> None:
    r = local_client.get("/api/search", params={"q": "(outage AND"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["type"] == "QuerySyntaxError"
    assert isinstance(err["detail"]["position"], int)


def test_not_found_is_json(local_client: TestClient) -> None:
    r = local_client.get("/api/topics/no-such-topic")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "NotFoundError"
    r = local_client.get("/api/listen/tiers", params={"topic": "no-such-topic"})
    assert r.status_code == 404


def test_invalid_input_is_json(local_client: TestClient) -> None:
    r = local_client.get("/api/listen/volume", params={"since": "not a date"})
    assert r.status_code == 422
    assert r.json()["error"]["type"] in {"InvalidInputError", "ImportFormatError"}


def test_pagination(local_client: TestClient) -> None:
    full = local_client.get("/api/listen/volume", params={"topic": "it_outage", "limit": 1000})
    body = full.json()
    assert body["total"] == len(body["items"]) > 3
    page = local_client.get(
        "/api/listen/volume", params={"topic": "it_outage", "limit": 2, "offset": 1}
    ).json()
    assert page["items"] == body["items"][1:3]
    assert page["total"] == body["total"]
    topics = local_client.get("/api/topics", params={"limit": 1, "offset": 1}).json()
    assert len(topics["items"]) == 1 and topics["total"] >= 4


def test_search_pages_and_highlights(local_client: TestClient) -> None:
    first = local_client.get("/api/search", params={"q": "#ITOutage", "limit": 3}).json()
    second = local_client.get(
        "/api/search", params={"q": "#ITOutage", "limit": 3, "offset": 3}
    ).json()
    assert first["total"] == second["total"] > 6
    ids = {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert not ids
    found = local_client.get("/api/search", params={"q": "intern", "limit": 1})
    assert found.status_code == 200, found.text
    hit = found.json()["hits"][0]
    start, end = hit["snippet"]["spans"][0]
    assert hit["snippet"]["text"][start:end].lower() == "intern"
    assert first["facets"]["platform"][0]["key"] == "x"


LISTEN = [
    "volume", "tiers", "spikes", "cascades", "accounts", "hashtags", "cohashtags", "trend",
    "coordination", "duplicates", "top-authors", "breakdown/country", "breakdown/lang",
]  # fmt: skip


@pytest.mark.parametrize("path", LISTEN, ids=LISTEN)
def test_every_listen_analysis_answers(local_client: TestClient, path: str) -> None:
    name, _, by = path.partition("/")
    params = {"topic": "it_outage", "limit": 5, **({"by": by} if by else {})}
    r = local_client.get(f"/api/listen/{name}", params=params)
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert set(body) == {"items", "total", "limit", "offset", "meta", "selection"}
    assert len(body["items"]) <= 5
    assert body["selection"]["name"] == "it_outage" and body["selection"]["is_topic"]


def _hoax_spikes(spikes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    handle = SCENARIO.hoax.handle
    return [s for s in spikes if s["explanation"]["first_post"]["author_handle"] == handle]


@pytest.mark.parametrize(
    "window",
    [
        {},
        {"since": "2024-07-19", "until": "2024-07-20"},
        {"since": "2024-07-19", "until": "2024-07-19"},
    ],
    ids=["no-window", "burst-and-next-day", "burst-day"],
)
def test_the_hoax_spike_is_found_in_any_window_that_holds_it(
    local_client: TestClient, window: dict[str, str]
) -> None:
    day = SCENARIO.start.date().isoformat()
    window = {k: day if v == "2024-07-19" else v for k, v in window.items()}
    r = local_client.get("/api/listen/spikes", params={"topic": "it_outage", **window})
    assert r.status_code == 200, r.text[:300]
    hoax = _hoax_spikes(r.json()["items"])
    assert len(hoax) == 1
    assert (
        hoax[0]["start"]
        == (SCENARIO.start + timedelta(hours=SCENARIO.hoax.at_h))
        .replace(minute=0, second=0, microsecond=0)
        .isoformat()
    )


def test_the_topic_page_of_the_burst_day_shows_the_hoax_spike(demo_db: Path) -> None:
    import agorascope

    with agorascope.open(demo_db) as ws:
        day = SCENARIO.start.date().isoformat()
        r = ws.reports.topic(topic="it_outage", since=day, until=day)
        assert (r.window.since, r.window.until) == (SCENARIO.start, SCENARIO.start + timedelta(1))
        assert len(_hoax_spikes(r.spikes)) == 1


def test_the_until_hint_of_the_topic_page_shows_the_same_window(local_client: TestClient) -> None:
    html = local_client.get("/topics/it_outage").text
    # the until input is empty (the window is the default) and names the end it shows
    hint = re.search(r'name="until" id="tc-until" value="" data-window="([^"]*)"', html)
    assert hint is not None
    shown = local_client.get("/api/topics/it_outage/report").json()["window"]
    again = local_client.get("/api/topics/it_outage/report", params={"until": hint.group(1)})
    assert again.json()["window"]["until"] == shown["until"]


def test_share_of_voice_and_compare(local_client: TestClient) -> None:
    r = local_client.get(
        "/api/listen/share-of-voice", params={"topics": ["it_outage", "olympics"], "limit": 1000}
    )
    rows = r.json()["items"]
    assert {row["topic"] for row in rows} == {"it_outage", "olympics"}
    r = local_client.get("/api/listen/compare", params={"topics": ["it_outage", "boycott"]})
    assert [s["topic"] for s in r.json()["summaries"]] == ["it_outage", "boycott"]


def test_topic_report_shows_what_the_generator_put_there(local_client: TestClient) -> None:
    r = local_client.get("/api/topics/it_outage/report").json()
    hoax = SCENARIO.hoax
    spike = r["spikes"][0]
    assert spike["first_post"]["author_handle"] == hoax.handle
    assert "#itoutage" in spike["summary"]
    top = r["countries"][0]
    assert top["key"] == "US"
    tiers = {t["tier"]: t for t in r["tiers"]}
    assert tiers["<1k"]["post_share"] > 80  # small accounts carry the hoax
    tree = r["cascade"]
    handles = {n["author_handle"] for n in tree["nodes"]}
    assert hoax.handle in handles
    assert {a.handle for a in hoax.amplifiers} <= handles
    assert tree["metrics"]["size"] == tree["total_nodes"] > 50


def test_topic_crud(local_client: TestClient) -> None:
    h = csrf(local_client)
    r = local_client.post("/api/topics", json={"name": "test-crud", "query": "(bad"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["type"] == "QuerySyntaxError"
    r = local_client.post("/api/topics", json={"name": "test-crud", "query": "outage"}, headers=h)
    assert r.status_code == 201
    r = local_client.post("/api/topics", json={"name": "test-crud", "query": "x"}, headers=h)
    assert r.status_code == 422
    r = local_client.put("/api/topics/test-crud", json={"query": "outage OR intern"}, headers=h)
    assert r.json()["query"] == "outage OR intern"
    assert local_client.delete("/api/topics/test-crud", headers=h).status_code == 204
    assert local_client.delete("/api/topics/test-crud", headers=h).status_code == 404


def test_upload_imports_idempotently_and_is_size_limited(tmp_path: Path) -> None:
    db = tmp_path / "up.duckdb"
    data = write_jsonl(tmp_path / "posts.jsonl", HOSTILE).read_bytes()
    app = create_app(Settings(db=db), max_upload_bytes=4096)
    with TestClient(app, base_url=LOCAL) as client:
        h = csrf(client)
        files = {"files": ("posts.jsonl", data, "application/json")}
        r = client.post("/api/import", files=files, data={"format": "native"}, headers=h)
        assert r.status_code == 201, r.text
        assert r.json()["totals"]["imported"] == 2
        r = client.post("/api/import", files=files, data={"format": "native"}, headers=h)
        assert r.json()["totals"]["imported"] == 0
        big = {"files": ("big.jsonl", b"x" * 10_000, "application/json")}
        r = client.post("/api/import", files=big, headers=h)
        assert r.status_code == 413
        assert r.json()["error"]["type"] == "PayloadTooLargeError"
        bad = {"files": ("../../etc/bad.csv", b"not,a\nreal,file\n", "text/csv")}
        r = client.post("/api/import", files=bad, data={"format": "xapi"}, headers=h)
        assert r.status_code in (400, 422)


class Tags(HTMLParser):
    """Every start tag of a document with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


ALLOWED_SCRIPTS = [
    {"src": "/static/plotly.min.js"},
    {"src": "/static/app.js"},
    {"src": "/static/drill.js"},
    {"type": "application/json", "id": "figures"},
]


def test_pages_escape_hostile_content(local_client: TestClient) -> None:
    pages = {
        "search": local_client.get("/search", params={"q": "pwnword"}).text,
        "topic": local_client.get("/topics/pwn").text,
        "overview": local_client.get("/").text,
        "mentions": local_client.get("/mentions", params={"q": "pwnword"}).text,
    }
    for name, html in pages.items():
        parser = Tags()
        parser.feed(html)
        for tag, attrs in parser.tags:
            assert not [a for a in attrs if a.startswith("on")], (name, tag, attrs)
            for a in ("href", "src", "action"):
                value = (attrs.get(a) or "").strip().lower()
                assert not value.startswith("javascript:"), (name, tag, attrs)
            assert tag not in ("svg", "img", "iframe", "object"), (name, tag)
            if tag == "script":
                assert attrs in ALLOWED_SCRIPTS, (name, attrs)
    assert "&lt;script&gt;window.__pwned=3&lt;/script&gt;" in pages["search"]
    assert "pwnword" in pages["topic"]
    assert "&lt;script&gt;window.__pwned=3&lt;/script&gt;" in pages["mentions"]


def test_security_headers(local_client: TestClient) -> None:
    r = local_client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_html_report_is_self_contained(local_client: TestClient) -> None:
    r = local_client.get("/reports/it_outage")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    html = r.text
    assert "PlotlyGeoAssets" in html and "world_110m" in html
    assert not re.search(r"<(script|link|img)[^>]*(src|href)=\"?https?:", html)
    figures = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert figures is not None
    data: dict[str, Any] = json.loads(figures.group(1))
    assert {"timeline", "map", "tiers", "cascade"} <= set(data)
    assert "USA" in data["map"]["data"][0]["locations"]


def test_topic_page_share_of_voice_equals_the_listen_analysis(demo_db: Path) -> None:
    """The page counts other topics on the posts table alone; the answer must not change."""
    from agorascope import listen
    from agorascope.workspace import Workspace

    ws = Workspace(Settings(db=demo_db))
    store = ws.store
    try:
        ws.topics.add("test-big-accounts", "#ITOutage followers:>=10000")  # needs the authors
        r = ws.reports.topic(topic="it_outage")
        w = r.window
        tables = {t.name: ws.select(topic=t.name).posts for t in ws.topics.list()}
        want = listen.share_of_voice(tables, w.since, w.until, interval="day")
        got = pd.DataFrame(r.share_of_voice)
        assert set(got["topic"]) == set(tables) and len(got) == len(want)
        assert got["posts"].tolist() == want["posts"].tolist()
        assert got["share"].tolist() == pytest.approx(want["share"].tolist())
        assert want[want["topic"] == "test-big-accounts"]["posts"].sum() > 0
    finally:
        ws.topics.remove("test-big-accounts")
        store.close()
