"""Pages a new user reaches by following links or typing addresses: the API reference, unknown
routes, bad parameters, compare with too few or unknown topics, the upload form's messages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import HOSTILE, LOCAL, TestClient

from agorascope.api import create_app
from agorascope.api.routes import pages
from agorascope.config import Settings
from agorascope.report.charts import NO_POSTS

HTML = {"Accept": "text/html,application/xhtml+xml"}


def error_text(html: str) -> str:
    """The text of the page's error box."""
    found = re.search(r'<div class="error"[^>]*>\s*<p>(.*?)</p>', html, re.S)
    assert found is not None, html[:500]
    return found.group(1)


def test_api_link_leads_to_an_offline_reference_of_every_route(local_client: TestClient) -> None:
    home = local_client.get("/").text
    link = re.search(r'<a href="([^"]+)">API</a>', home)
    assert link is not None
    r = local_client.get(link.group(1))
    assert r.status_code == 200
    html = r.text
    schema = local_client.get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in html, (method, path)
    search = html[html.index("<code>GET /api/search</code>") :]
    search = search[: search.index("</section>")]
    assert '<span class="role">viewer</span>' in search
    assert (
        "<code>offset</code>" in search and "&lt;= 9800" in search and "<code>20</code>" in search
    )
    tokens = html[html.index("<code>POST /api/tokens</code>") :]
    assert tokens.index('<span class="role">admin</span>') < tokens.index("</section>")
    assert '<code>GET /api/health</code> <span class="role">public</span>' in html
    assert "ImportPublic" in html
    # no script but the dashboard's own files: it loads offline and under the CSP
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('src="/static/' in s or 'type="application/json"' in s for s in scripts), scripts
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/nope", 404, "/nope"),
        ("/docs/extra", 404, "/docs/extra"),
        ("/static/nope.js", 404, "/static/nope.js"),
        ("/topics", 405, "Method Not Allowed"),  # the overview's form posts there
    ],
    ids=["unknown", "below-a-page", "static", "wrong-method"],
)
def test_unknown_page_is_the_html_error_page(
    local_client: TestClient, path: str, status: int, says: str
) -> None:
    r = local_client.get(path, headers=HTML)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert '<a class="brand" href="/">agorascope</a>' in r.text  # the layout of every page
    assert says in error_text(r.text)


def test_unknown_api_route_stays_json(local_client: TestClient) -> None:
    r = local_client.get("/api/nope", headers=HTML)
    assert r.status_code == 404
    assert r.json() == {"detail": "Not Found"}
    r = local_client.get("/api/search", params={"q": "x", "offset": "-1"}, headers=HTML)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "offset"]


@pytest.mark.parametrize(
    ("offset", "says"),
    [
        ("10000", "less than or equal to 9980"),
        ("-1", "greater than or equal to 0"),
        ("abc", "valid integer"),
        ("1" * 30, "less than or equal to 9980"),
    ],
    ids=["past-the-end", "negative", "not-a-number", "huge"],
)
def test_bad_offset_on_a_page_is_a_readable_html_error(
    local_client: TestClient, offset: str, says: str
) -> None:
    r = local_client.get("/search", params={"q": "outage", "offset": offset}, headers=HTML)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    message = error_text(r.text)
    assert message.startswith("offset: ") and says in message


def test_pager_offers_no_page_past_what_the_server_accepts(
    local_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pages.MAX_RESULTS - pages.SEARCH_PAGE == 9_980  # the offset bound of /search
    r = local_client.get("/search", params={"q": "outage"})
    total = int(re.sub(r"\D", "", re.search(r'<p id="total"><b>([^<]+)</b>', r.text).group(1)))  # type: ignore[union-attr]
    assert total > 2 * pages.SEARCH_PAGE
    nxt = re.search(r'href="([^"]+)" id="next"', r.text)
    assert nxt is not None
    assert local_client.get(nxt.group(1).replace("&amp;", "&")).status_code == 200
    # with the browsable depth at two pages, the second page offers no third
    monkeypatch.setattr(pages, "MAX_RESULTS", 2 * pages.SEARCH_PAGE)
    second = local_client.get("/search", params={"q": "outage", "offset": pages.SEARCH_PAGE})
    assert second.status_code == 200
    assert 'id="next"' not in second.text
    assert 'id="page-limit"' in second.text


def test_compare_with_one_topic_asks_for_two(local_client: TestClient) -> None:
    r = local_client.get("/compare", params={"t": "it_outage"})
    assert r.status_code == 400
    assert "at least two topics" in error_text(r.text)
    for name in ("it_outage", "olympics", "boycott"):
        assert f'name="t" value="{name}"' in r.text  # the topics to pick from
    assert 'id="compare-table"' not in r.text


def test_compare_names_an_unknown_topic_and_suggests_close_ones(local_client: TestClient) -> None:
    r = local_client.get("/compare", params={"t": ["it_outage", "olympic"]})
    assert r.status_code == 404
    message = error_text(r.text)
    assert "no topic named &#39;olympic&#39;" in message and "&#39;olympics&#39;" in message
    assert 'href="/topics/olympic"' not in r.text
    r = local_client.get("/compare", params={"t": ["it_outage", "zzzz"]})
    assert r.status_code == 404 and "saved topics: " in error_text(r.text)


def test_upload_messages_name_the_users_file(tmp_path: Path) -> None:
    rows = [HOSTILE[0], {**HOSTILE[0], "id": "late", "created_at": "not a date"}]
    body = "".join(json.dumps(r) + "\n" for r in rows).encode() + b"{broken\n"
    app = create_app(Settings(db=tmp_path / "up.duckdb"))
    with TestClient(app, base_url=LOCAL) as client:
        client.get("/api/health")
        token = client.cookies.get("agorascope_csrf") or ""
        api = client.post(
            "/api/import",
            files={"files": ("my posts.jsonl", body, "application/json")},
            data={"format": "native"},
            headers={"X-CSRF-Token": token},
        )
        assert api.status_code == 201, api.text
        assert api.json()["files"][0]["path"] == "my posts.jsonl"
        form = {"format": "native", "csrf_token": token}
        page = client.post("/import", files={"file": ("my posts.jsonl", body)}, data=form)
        assert page.status_code == 200
        rejects = re.findall(r"<tr><td>([^<]*)</td><td class=\"n\">(\d+)</td>", page.text)
        assert rejects == [("my posts.jsonl", "2"), ("my posts.jsonl", "3")]
        assert "not a date" in page.text
        bad = {"format": "", "csrf_token": token}
        err = client.post(
            "/import", files={"file": ("C:\\exports\\mine.csv", b"a,b\n1,2\n")}, data=bad
        )
        assert err.status_code == 422
        assert error_text(err.text).startswith("mine.csv: unknown format")
        overview = client.get("/").text
        assert "<td>my posts.jsonl</td>" in overview  # the data source, by the user's name
        for r in (api, page, err):
            assert "agorascope-upload-" not in r.text and "00-my_posts" not in r.text
        assert "agorascope-upload-" not in overview


def page_figures(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert found is not None
    figures: dict[str, Any] = json.loads(found.group(1))
    return figures


def test_topic_page_of_one_day_draws_its_share_of_voice(local_client: TestClient) -> None:
    # a date ``until`` includes its day: this is the one day of 19 July
    r = local_client.get("/topics/it_outage", params={"since": "2024-07-19", "until": "2024-07-19"})
    assert r.status_code == 200
    sov = page_figures(r.text)["share_of_voice"]
    assert sov["data"] and {t["type"] for t in sov["data"]} == {"bar"}
    assert sov["layout"]["xaxis"]["type"] == "category"
    assert abs(sum(t["y"][0] for t in sov["data"]) - 100) < 1e-6


def test_topic_page_of_an_empty_window_says_no_posts(local_client: TestClient) -> None:
    r = local_client.get("/topics/it_outage", params={"since": "2030-01-01", "until": "2030-01-02"})
    assert r.status_code == 200
    figures = page_figures(r.text)
    assert {"timeline", "share_of_voice", "map", "tiers", "languages"} <= set(figures)
    for name, fig in figures.items():
        texts = [a["text"] for a in fig["layout"].get("annotations", [])]
        assert texts == [NO_POSTS], name
        assert fig["data"] == [], name
