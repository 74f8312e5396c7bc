"""A server that fails closed: trust, Host, body limits, CSRF, tokens, rate limits, audit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hardening_fixtures import LOCAL, LiveServer, TestClient

from agorascope.api import create_app
from agorascope.api.deps import WorkspaceDep
from agorascope.api.security import (
    authenticate,
    create_token,
    csrf_ok,
    is_loopback,
    new_csrf_token,
    rotate_token,
    session_binding,
)
from agorascope.api.state import LOGIN_FAILURES_ALLOWED
from agorascope.config import Settings
from agorascope.store import Store


def _audit(c: TestClient, action: str) -> list[tuple[Any, ...]]:
    """The audit lines of ``action`` in the store of the client's app."""
    store: Store = c.app.state.agorascope.base  # type: ignore[attr-defined]
    return store.execute(
        "SELECT actor, action, target, detail FROM audit_log WHERE action = ? ORDER BY logged_at",
        [action],
    )


@pytest.fixture
def local(fresh_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=fresh_db)), base_url=LOCAL) as c:
        yield c


def _csrf(c: TestClient) -> dict[str, str]:
    c.get("/api/health")
    return {"X-CSRF-Token": c.cookies.get("agorascope_csrf") or ""}


def test_once_a_token_existed_the_server_never_reopens(local: TestClient) -> None:
    assert local.get("/api/me").json()["role"] == "admin"  # the local user, no token yet
    made = local.post("/api/tokens", json={"role": "admin"}, headers=_csrf(local))
    assert made.status_code == 201
    token = made.json()["token"]
    assert local.get("/api/me").status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert local.delete(f"/api/tokens/{made.json()['id']}", headers=bearer).status_code == 204
    # every token revoked: still closed, and it stays closed after a restart
    assert local.get("/api/me").status_code == 401


def test_closed_after_restart_when_every_token_was_revoked(fresh_db: Path) -> None:
    with Store.open(fresh_db) as store:
        info, _ = create_token(store, "viewer")
        from agorascope.api.security import revoke_token

        revoke_token(store, info.id)
    with TestClient(create_app(Settings(db=fresh_db)), base_url=LOCAL) as c:
        assert c.get("/api/me").status_code == 401


@pytest.mark.parametrize(
    ("host", "trusted"),
    [
        ("127.0.0.1", True),
        ("127.0.0.1:8766", True),
        ("[::1]:8000", True),
        ("localhost:8000", True),
        ("127.0.0.2", False),
        ("127.1.2.3:80", False),
        ("127.0.0.1:8766@evil.com", False),
        ("127.0.0.1:80:80", False),
        ("evil.localhost", False),
        ("[::1]x", False),
        ("", False),
    ],
)
def test_one_loopback_rule(host: str, trusted: bool) -> None:
    assert is_loopback(host) is trusted


def test_binding_127_0_0_2_requires_tokens(fresh_db: Path) -> None:
    app = create_app(Settings(db=fresh_db, host="127.0.0.2"))
    with TestClient(app, base_url="http://127.0.0.2:8000") as c:
        assert c.get("/api/me").status_code == 401


@pytest.mark.parametrize("host", ["127.0.0.1:8766@evil.com", "127.0.0.1/x", "a b"])
def test_malformed_host_is_refused(local: TestClient, host: str) -> None:
    r = local.get("/api/me", headers={"Host": host})
    assert r.status_code == 400
    assert r.json()["error"]["status"] == 400


def test_rebinding_host_is_not_the_local_user(local: TestClient) -> None:
    assert local.get("/api/me", headers={"Host": "evil.example:8000"}).status_code == 401


@pytest.fixture
def secure(fresh_db: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with Store.open(fresh_db) as store:
        tokens = {r: create_token(store, r, f"test {r}")[1] for r in ("viewer", "analyst", "admin")}
    app = create_app(Settings(db=fresh_db, max_body_bytes=64 * 1024), require_tokens=True)
    with TestClient(app, base_url=LOCAL) as c:
        yield c, tokens


def test_body_limit_before_authentication(secure: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = secure
    big = b"x" * (200 * 1024)
    r = c.post("/api/topics", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413  # not 401: the size is checked first, before reading
    assert r.json()["error"]["status"] == 413


def test_chunked_body_over_the_limit_is_refused_while_streaming(
    secure: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = secure
    sent = []

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"y" * 8192

    r = c.post(
        "/api/topics",
        content=chunks(),
        headers={"Authorization": f"Bearer {tokens['analyst']}"},
    )
    assert r.status_code == 413
    assert r.json()["error"]["status"] == 413


def test_chunked_upload_within_the_limit_is_accepted(
    secure: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = secure
    line = b'{"platform": "x", "id": "chunk-1", "text": "chunked", "created_at": "2024-07-20"}\n'

    def chunks() -> Iterator[bytes]:
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n'
        yield b"Content-Type: application/octet-stream\r\n\r\n" + line + b"\r\n--B--\r\n"

    r = c.post(
        "/api/import",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {tokens['analyst']}",
            "Content-Type": "multipart/form-data; boundary=B",
        },
    )
    assert r.status_code not in (411, 413, 500), r.text


def test_csrf_cookie_must_be_signed_by_the_server(local: TestClient) -> None:
    made_up = "forged.value"  # what a page on another local port could set for localhost
    local.cookies.set("agorascope_csrf", made_up)
    r = local.post(
        "/api/topics",
        json={"name": "test-forged", "query": "outage"},
        headers={"X-CSRF-Token": made_up},
    )
    assert r.status_code == 403
    local.cookies.clear()
    ok = local.post(
        "/api/topics", json={"name": "test-real", "query": "outage"}, headers=_csrf(local)
    )
    assert ok.status_code == 201, ok.text


def test_csrf_token_is_bound_to_the_session() -> None:
    secret = b"s" * 32
    anonymous = new_csrf_token(secret, session_binding(None))
    assert csrf_ok(anonymous, anonymous, secret, session_binding(None))
    other_session = session_binding("ags_abc_secret")
    assert not csrf_ok(anonymous, anonymous, secret, other_session)
    assert not csrf_ok(anonymous, anonymous, b"t" * 32, session_binding(None))


def test_failed_logins_are_rate_limited_and_audited(
    secure: tuple[TestClient, dict[str, str]], fresh_db: Path
) -> None:
    c, tokens = secure
    bad = {"Authorization": "Bearer ags_000000000000_not-the-secret"}
    codes = [c.get("/api/me", headers=bad).status_code for _ in range(LOGIN_FAILURES_ALLOWED)]
    assert codes == [401] * LOGIN_FAILURES_ALLOWED
    assert c.get("/api/me", headers=bad).status_code == 429
    # even the right token waits: the address is locked for the window
    good = {"Authorization": f"Bearer {tokens['viewer']}"}
    assert c.get("/api/me", headers=good).status_code == 429
    assert len(_audit(c, "auth.fail")) >= LOGIN_FAILURES_ALLOWED


def test_token_expiry_last_use_and_rotation(fresh_db: Path) -> None:
    with Store.open(fresh_db) as store:
        info, token = create_token(store, "viewer", lifetime_days=1)
        assert info.expires_at is not None
        assert info.expires_at - info.created_at == timedelta(days=1)
        assert info.last_used_at is None
        assert authenticate(store, token) is not None
        used = store.execute("SELECT last_used_at FROM tokens WHERE id = ?", [info.id])[0][0]
        assert used is not None
        new, new_token = rotate_token(store, info.id)
        assert authenticate(store, token) is None  # the old one is revoked
        assert authenticate(store, new_token) is not None
        assert new.role == info.role
        store.execute(
            "UPDATE tokens SET expires_at = ? WHERE id = ?", [datetime(2000, 1, 1), new.id]
        )
        assert authenticate(store, new_token) is None  # expired


def test_token_creation_is_not_cached_and_writes_are_audited(
    secure: tuple[TestClient, dict[str, str]], fresh_db: Path
) -> None:
    c, tokens = secure
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    r = c.post("/api/tokens", json={"role": "viewer"}, headers=admin)
    assert r.status_code == 201
    assert r.headers["cache-control"] == "no-store"
    assert r.json()["expires_at"] is not None
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    assert (
        c.post("/api/topics", json={"name": "test-a", "query": "x"}, headers=analyst).status_code
        == 201
    )
    writes = _audit(c, "write")
    assert ("test analyst", "write", "POST /api/topics") in [w[:3] for w in writes]
    assert ("test admin", "write", "POST /api/tokens") in [w[:3] for w in writes]


def test_health_answers_while_a_long_request_runs_and_the_budget_cancels_it(
    fresh_db: Path,
) -> None:
    """Real HTTP on loopback with real threads: one slow request delays no one."""
    app = create_app(Settings(db=fresh_db, query_timeout=3))
    started = threading.Event()

    @app.get("/api/test-slow")
    def slow(ws: WorkspaceDep) -> dict[str, int]:  # a route under the same dependency
        started.set()
        sql = "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3"
        return {"n": int(ws.store.execute(sql)[0][0])}

    with LiveServer(app) as server:
        result: dict[str, Any] = {}

        def call() -> None:
            result["r"] = httpx.get(server.url + "/api/test-slow", timeout=60)

        thread = threading.Thread(target=call)
        thread.start()
        assert started.wait(30)
        health = httpx.get(server.url + "/api/health", timeout=30)
        assert health.status_code == 200
        assert thread.is_alive()  # the slow one is still running: health did not wait for it
        thread.join(60)
        r = result["r"]
        assert r.status_code == 422
        assert r.json()["error"]["type"] == "QueryTimeoutError"


def test_a_client_that_leaves_cancels_its_request(fresh_db: Path) -> None:
    app = create_app(Settings(db=fresh_db, query_timeout=600))
    started = threading.Event()

    @app.get("/api/test-slow")
    def slow(ws: WorkspaceDep) -> dict[str, int]:
        started.set()
        sql = "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3"
        return {"n": int(ws.store.execute(sql)[0][0])}

    with LiveServer(app) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.url + "/api/test-slow", timeout=2)
        assert started.is_set()
        # the workspace is free again long before the 600 s budget: the query was interrupted
        r = httpx.get(server.url + "/api/topics", timeout=60)
        assert r.status_code == 200


def test_sign_in_form_needs_a_signed_csrf_token(
    secure: tuple[TestClient, dict[str, str]],
) -> None:
    c, tokens = secure
    c.cookies.set("agorascope_csrf", "forged.value")
    form = {"token": tokens["viewer"], "csrf_token": "forged.value"}
    assert c.post("/login", data=form, follow_redirects=False).status_code == 403
    c.cookies.clear()
    c.get("/login")
    form["csrf_token"] = c.cookies.get("agorascope_csrf") or ""
    assert c.post("/login", data=form, follow_redirects=False).status_code == 303


def test_refusals_are_audited(secure: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = secure
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    r = c.post("/api/topics", json={"name": "test-v", "query": "x"}, headers=viewer)
    assert r.status_code == 403
    denied = _audit(c, "access.denied")
    assert ("test viewer", "access.denied", "POST /api/topics") in [d[:3] for d in denied]


def test_cli_token_lifetime_and_rotation(fresh_db: Path) -> None:
    import json

    from typer.testing import CliRunner

    from agorascope.cli.app import app as cli

    runner = CliRunner()
    made = runner.invoke(cli, ["--db", str(fresh_db), "token", "create", "--days", "2", "--json"])
    assert made.exit_code == 0, made.output
    info = json.loads(made.output)
    created = datetime.fromisoformat(info["created_at"])
    assert datetime.fromisoformat(info["expires_at"]) - created == timedelta(days=2)
    rotated = runner.invoke(cli, ["--db", str(fresh_db), "token", "rotate", info["id"], "--json"])
    assert rotated.exit_code == 0, rotated.output
    new = json.loads(rotated.output)
    listed = runner.invoke(cli, ["--db", str(fresh_db), "token", "list", "--json"])
    assert [t["id"] for t in json.loads(listed.output)] == [new["id"]]
