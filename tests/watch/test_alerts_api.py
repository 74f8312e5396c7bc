"""Watches, alerts and collections over HTTP: REST routes, the Atom feeds at their stable URLs,
the signed webhook, roles, and the dashboard pages (escaping a hostile post)."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import agorascope
from agorascope.api import create_app
from agorascope.api.security import CSRF_COOKIE, TOKEN_COOKIE, create_token
from agorascope.config import Settings

from ._alerts_data import (
    Receiver,
    atom_problems,
    import_rows,
    ira_rows,
    parse_feed,
    webhook_receiver,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's TestClient warns about httpx
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")

LOCAL = "http://127.0.0.1:8000"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> crowd'


def _hostile_rows(path: Path) -> Path:
    """One post written to break out of the page (made for this test)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["platform", "id", "author_id", "created_at", "text", "url"])
        w.writerow(["web", "evil-1", "e", "2024-07-19T10:00:00Z", HOSTILE, "javascript:alert(1)"])
    return path


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Receiver, Path]]:
    db = tmp_path / "api.duckdb"
    settings = Settings(db=db, detect_language=False, allow_private_networks=True)
    with agorascope.open(settings=settings) as ws:
        import_rows(ws, ira_rows()[:200], tmp_path, "ira")
        ws.topics.add("needle", "crowd")
        tokens = {r: create_token(ws.store, r, r)[1] for r in ("viewer", "analyst")}
    with webhook_receiver() as receiver, TestClient(create_app(settings), base_url=LOCAL) as c:
        yield c, tokens, receiver, tmp_path


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_new_item_raises_one_feed_entry_and_one_signed_call(setup: Any) -> None:
    client, tokens, receiver, tmp_path = setup
    analyst = _auth(tokens["analyst"])
    made = client.post(
        "/api/watches",
        json={"name": "w", "topic": "needle", "rule": "new",
              "deliver": ["atom", f"webhook:{receiver.url}"]},
        headers=analyst,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    receiver.secret = made.json()["secret"]
    assert client.get("/api/watches/w", headers=analyst).json()["secret"] is None
    assert client.get("/api/watches/w/feed.atom", headers=analyst).status_code == 200
    hit = [r for r in ira_rows()[200:3000] if " crowd " in f" {r['content'].lower()} "][:1]
    app_ws = client.app.state.agorascope.ws  # type: ignore[attr-defined]
    import_rows(app_ws, hit, tmp_path, "hit")
    ran = client.post("/api/watches/run", headers=analyst).json()
    assert (ran["alerts"], ran["delivered"]) == (1, 1)
    feed = client.get("/api/watches/w/feed.atom", headers=analyst)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert atom_problems(feed.content) == []
    parsed = parse_feed(feed.content)
    assert len(parsed.entries) == 1 and not parsed.bozo
    everything = parse_feed(client.get("/api/alerts/feed.atom", headers=analyst).content)
    assert [e.id for e in everything.entries] == [e.id for e in parsed.entries]
    assert len(receiver.calls) == 1 and receiver.calls[0][1]
    again = client.post("/api/watches/run", headers=analyst).json()
    assert (again["alerts"], again["delivered"]) == (0, 0) and len(receiver.calls) == 1
    listed = client.get("/api/alerts", params={"watch": "w"}, headers=analyst).json()
    assert listed["total"] == 1 and listed["items"][0]["kind"] == "new"
    states = client.get("/api/watches/w/deliveries", headers=analyst).json()
    assert [s["state"] for s in states] == ["sent"]
    assert client.delete("/api/watches/w", headers=analyst).status_code == 204
    assert client.get("/api/watches/w/feed.atom", headers=analyst).status_code == 404


def test_viewers_read_and_cannot_write(setup: Any) -> None:
    client, tokens, _, _ = setup
    viewer = _auth(tokens["viewer"])
    body = {"name": "v", "topic": "needle", "rule": "new"}
    assert client.post("/api/watches", json=body, headers=viewer).status_code == 403
    assert client.post("/api/watches/run", headers=viewer).status_code == 403
    assert client.post("/api/collections", json={"name": "c"}, headers=viewer).status_code == 403
    assert client.get("/api/alerts/feed.atom", headers=viewer).status_code == 200
    bad = client.post(
        "/api/watches", json={**body, "rule": "spike", "deliver": ["sms:1"]},
        headers=_auth(tokens["analyst"]),
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["type"] == "InvalidInputError"


def test_collections_over_rest(setup: Any) -> None:
    client, tokens, _, tmp_path = setup
    analyst = _auth(tokens["analyst"])
    app_ws = client.app.state.agorascope.ws  # type: ignore[attr-defined]
    app_ws.import_files([_hostile_rows(tmp_path / "h.csv")], format="native", index=False)
    first = app_ws.store.execute(
        "SELECT platform || ':' || id FROM posts WHERE platform = 'twitter' ORDER BY id LIMIT 1"
    )
    refs = [first[0][0], "web:evil-1"]
    assert client.post("/api/collections", json={"name": "c"}, headers=analyst).status_code == 201
    for ref in refs:
        r = client.post(
            "/api/collections/c/items", json={"post": ref, "note": "n"}, headers=analyst
        )
        assert r.status_code == 201, r.text
    order = client.put("/api/collections/c/order", json={"items": refs[::-1]}, headers=analyst)
    assert [i["platform"] + ":" + i["post_id"] for i in order.json()["items"]] == refs[::-1]
    digest = client.get("/api/collections/c/digest.html", headers=analyst)
    assert "attachment" in digest.headers["content-disposition"]
    assert "<script>window" not in digest.text and "&lt;script&gt;window" in digest.text
    feed = client.get("/api/collections/c/feed.atom", headers=analyst)
    assert atom_problems(feed.content) == [] and len(parse_feed(feed.content).entries) == 2
    assert client.delete("/api/collections/c/items/web:evil-1", headers=analyst).status_code == 204
    assert len(client.get("/api/collections/c", headers=analyst).json()["items"]) == 1


def test_pages_escape_and_forms_work(setup: Any) -> None:
    client, tokens, _, tmp_path = setup
    client.cookies.set(TOKEN_COOKIE, tokens["analyst"])  # signed in, as the login form does
    app_ws = client.app.state.agorascope.ws  # type: ignore[attr-defined]
    app_ws.import_files([_hostile_rows(tmp_path / "h.csv")], format="native", index=True)
    assert client.get("/watches").status_code == 200
    csrf = client.cookies.get(CSRF_COOKIE)
    made = client.post(
        "/watches",
        data={"csrf_token": csrf, "name": "page", "topic": "needle", "rule": "new"},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/watches/page"
    # the watch starts after the posts already there: add the hostile one again as new
    app_ws.store.execute("UPDATE watches SET last_seq = 0")
    assert client.post("/watches-run", data={"csrf_token": csrf}).status_code == 200
    spike = {"name": "sp", "topic": "needle", "rule": "spike", "threshold": "2.5",
             "deliver": "atom\nemail:desk@example.org", "csrf_token": csrf}  # fmt: skip
    assert client.post("/watches", data=spike, follow_redirects=False).status_code == 303
    listing = client.get("/watches").text
    assert 'href="/watches/sp"' in listing and "z ≥ 2.5" in listing
    assert "email:desk@example.org" in listing
    page = client.get("/watches/page")
    assert page.status_code == 200 and "/api/watches/page/feed.atom" in page.text
    assert "<script>window" not in page.text and "&lt;script&gt;window.__pwned=1" in page.text
    assert 'href="javascript:' not in page.text
    searched = client.get("/search", params={"q": "crowd"})
    assert 'action="/collection-items"' in searched.text
    added = client.post(
        "/collection-items",
        data={"csrf_token": csrf, "collection": "picked", "post": "web:evil-1",
              "note": "<b>why</b>", "create": "true"},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == "/collections/picked"
    shown = client.get("/collections/picked")
    assert "&lt;b&gt;why&lt;/b&gt;" in shown.text and "<script>window" not in shown.text
    assert 'href="/api/collections/picked/digest.html"' in shown.text
    assert client.get("/collections").status_code == 200
    import_rows(app_ws, ira_rows(), tmp_path, "all")
    app_ws.topics.add("english", "lang:en")
    topic = client.get("/topics/english", params={"since": "2017-08-10", "until": "2017-08-12"})
    assert topic.status_code == 200 and 'action="/collection-items"' in topic.text
    refused = client.post("/collection-items", data={"collection": "picked", "post": "web:evil-1"})
    assert refused.status_code == 403  # no CSRF token
