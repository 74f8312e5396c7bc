"""The sources routes and page: listing, adding, refusing, escaping."""

from __future__ import annotations

import warnings
from datetime import datetime

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.workspace import Workspace

from .conftest import LoopbackServer, data_file

with warnings.catch_warnings():
    # starlette's TestClient warns at import time that httpx will be replaced by httpx2
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"


def _csrf(client: TestClient) -> dict[str, str]:
    """The CSRF header a local caller's writes carry (the cookie is set by a first GET)."""
    client.get("/api/sources")
    return {"X-CSRF-Token": client.cookies.get("agorascope_csrf") or ""}


EVIL = "<script>window.__pwned=1</script>"


def test_routes_and_page(server: LoopbackServer, open_settings: Settings) -> None:
    server.routes["/gone"] = lambda h: (404, {}, b"")
    server.serve("/rss", data_file("trafilatura-feed2.rss"))
    with TestClient(create_app(open_settings), base_url=LOCAL) as client:
        h = _csrf(client)
        r = client.post("/api/sources", headers=h, json={"url": server.url("/rss"), "name": EVIL})
        assert r.status_code == 201, r.text
        added = r.json()
        assert (added["name"], added["status"]) == (EVIL, "new")
        gone = client.post(
            "/api/sources", headers=h, json={"url": server.url("/gone"), "every": "1h"}
        )
        assert gone.status_code == 201
        assert client.post("/api/sources", headers=h, json={"url": "ftp://x/"}).status_code == 400
        assert (
            client.post(
                "/api/sources",
                headers=h,
                json={"url": server.url("/x"), "every": "soon"},
            ).status_code
            == 422
        )
        listed = client.get("/api/sources").json()
        assert [s["id"] for s in listed["items"]] == [added["id"], gone.json()["id"]]
        assert client.get("/api/sources/999").status_code == 404
        page = client.get("/sources")
        assert page.status_code == 200
        assert EVIL not in page.text and "&lt;script&gt;" in page.text
        assert "scheduler is off" in page.text
        assert client.delete(f"/api/sources/{added['id']}", headers=h).status_code == 204
        assert len(client.get("/api/sources").json()["items"]) == 1


def test_page_shows_errors_and_disabled_reason(
    server: LoopbackServer, open_settings: Settings
) -> None:
    from datetime import timedelta

    server.routes["/gone"] = lambda h: (410, {}, b"")
    with Workspace(open_settings) as ws:
        ws.sources.add(server.url("/gone"), name="gone feed")
        for day in range(3):
            ws.sources.fetch(all=True, now=datetime(2026, 1, 1) + timedelta(days=day))
    with TestClient(create_app(open_settings), base_url=LOCAL) as client:
        page = client.get("/sources").text
    assert "gone feed" in page and "disabled" in page
    assert "hard failures" in page and "HTTP 410" in page


def test_private_url_refused_over_http_by_default(strict_settings: Settings) -> None:
    with TestClient(create_app(strict_settings), base_url=LOCAL) as client:
        h = _csrf(client)
        r = client.post("/api/sources", headers=h, json={"url": "http://169.254.169.254/latest/"})
        assert r.status_code == 400
        assert "169.254.169.254" in r.text
        nav = client.get("/").text
    assert 'href="/sources"' in nav
