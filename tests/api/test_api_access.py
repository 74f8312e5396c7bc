"""Access control: every route refuses anonymous and under-privileged callers unless public."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_fixtures import LOCAL, TestClient, client_for
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount, Route

from agorascope.api import PUBLIC_PATHS, create_app
from agorascope.api.deps import RoleGuard
from agorascope.api.security import Role, authenticate, create_token, is_loopback, revoke_token
from agorascope.config import Settings
from agorascope.store import Store


def guard_of(route: APIRoute) -> Role | None:
    """The role a route's dependencies demand (None when it has no guard)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, RoleGuard):
            return dep.call.role
        stack.extend(dep.dependencies)
    return None


def concrete(path: str) -> str:
    """The route's path with every parameter filled in."""
    out = []
    for part in path.split("/"):
        out.append("x" if part.startswith("{") else part)
    return "/".join(out)


def all_routes(app: Any) -> list[tuple[str, str, Role | None]]:
    """(method, full path, role needed) of every route, included routers flattened."""
    rows = []
    for ctx in iter_route_contexts(app.routes):
        route, path = ctx.original_route, ctx.path
        if isinstance(route, Mount):
            assert path in PUBLIC_PATHS, f"mount {path} is not declared public"
            continue
        assert isinstance(route, Route), f"unexpected route type {route!r}"
        role = guard_of(route) if isinstance(route, APIRoute) else None
        for method in sorted((route.methods or set()) - {"HEAD"}):
            rows.append((method, str(path), role))
    return rows


def test_every_route_is_guarded_or_declared_public(secure_app: Any) -> None:
    rows = all_routes(secure_app)
    assert len(rows) > 30
    unguarded = {path for _, path, role in rows if role is None}
    assert unguarded <= PUBLIC_PATHS, f"routes without a role check: {unguarded - PUBLIC_PATHS}"
    assert "/api/health" in unguarded


@pytest.fixture(scope="module")
def route_rows(secure_app: Any) -> list[tuple[str, str, Role | None]]:
    return [r for r in all_routes(secure_app) if r[2] is not None]


def test_anonymous_is_refused_everywhere(secure_app: Any, route_rows: list[Any]) -> None:
    client = client_for(secure_app)
    for method, path, _ in route_rows:
        r = client.request(method, concrete(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
            assert r.json()["error"]["type"] == "NotAuthenticatedError"
        else:  # pages send the browser to the sign-in form
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"] == "/login"


def test_bad_token_is_refused(secure_app: Any) -> None:
    for token in ("nonsense", "ags_x_y", "ags_" + "0" * 12 + "_secret"):
        r = client_for(secure_app, token).get("/api/topics")
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["viewer", "analyst"], ids=["viewer", "analyst"])
def test_under_privileged_is_refused(
    secure_app: Any, tokens_db: tuple[Path, dict[str, str]], route_rows: list[Any], role: str
) -> None:
    client = client_for(secure_app, tokens_db[1][role])
    held = Role[role]
    checked = 0
    for method, path, needed in route_rows:
        if needed <= held:
            continue
        r = client.request(method, concrete(path), follow_redirects=False)
        assert r.status_code == 403, (role, method, path, r.status_code, r.text[:200])
        checked += 1
    assert checked >= (3 if role == "analyst" else 10)


def test_roles_grant_what_they_should(
    secure_app: Any, tokens_db: tuple[Path, dict[str, str]]
) -> None:
    viewer = client_for(secure_app, tokens_db[1]["viewer"])
    analyst = client_for(secure_app, tokens_db[1]["analyst"])
    admin = client_for(secure_app, tokens_db[1]["admin"])
    assert viewer.get("/api/topics").status_code == 200
    assert viewer.get("/api/me").json()["role"] == "viewer"
    body = {"name": "test-role", "query": "outage"}
    assert viewer.post("/api/topics", json=body).status_code == 403
    assert analyst.post("/api/topics", json=body).status_code == 201
    assert analyst.delete("/api/topics/test-role").status_code == 204
    assert analyst.get("/api/tokens").status_code == 403
    assert admin.get("/api/tokens").json()["total"] >= 3


def test_tokens_are_stored_as_hashes_and_revocable(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.duckdb")
    info, token = create_token(store, "analyst", "ci")
    secret = token.split("_", 2)[2]
    dump = str(store.execute("SELECT * FROM tokens"))
    assert secret not in dump and token not in dump
    who = authenticate(store, token)
    assert who is not None and who.role is Role.analyst
    assert authenticate(store, token + "x") is None
    revoke_token(store, info.id)
    assert authenticate(store, token) is None
    store.close()


def test_local_user_is_trusted_only_on_loopback_without_tokens(tmp_path: Path) -> None:
    db = tmp_path / "local.duckdb"
    app = create_app(Settings(db=db))
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/api/me").json() == {
            "name": "local user",
            "role": "admin",
            "token_id": None,
        }
        # a page of another site reaching us through DNS rebinding carries its own Host
        assert client.get("/api/me", headers={"Host": "evil.example"}).status_code == 401
        made = client.post(
            "/api/tokens", json={"role": "viewer"}, headers={"X-CSRF-Token": "t"}, cookies=None
        )
        assert made.status_code == 403  # no CSRF cookie echoed
        store = Store.open(db)
        create_token(store, "admin")
        store.close()
        # once a token exists, the local user needs one too
        assert client.get("/api/me").status_code == 401


def test_binding_elsewhere_requires_tokens(tmp_path: Path) -> None:
    app = create_app(Settings(db=tmp_path / "wide.duckdb", host="0.0.0.0"), require_tokens=False)
    with TestClient(app, base_url="http://0.0.0.0:8000") as client:
        assert client.get("/api/topics").status_code == 401
        assert client.get("/api/health").status_code == 200
    assert app.state.agorascope.require_tokens


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("evil.example", False),
        ("localhost.evil.example", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_csrf_on_form_posts(local_client: TestClient) -> None:
    form = {"name": "test-csrf", "query": "outage"}
    r = local_client.post("/topics", data=form, follow_redirects=False)
    assert r.status_code == 403
    assert "CSRF" in r.text
    local_client.get("/login")  # sets the CSRF cookie
    csrf = local_client.cookies.get("agorascope_csrf")
    assert csrf
    r = local_client.post("/topics", data=form | {"csrf_token": "wrong"}, follow_redirects=False)
    assert r.status_code == 403
    r = local_client.post("/topics", data=form | {"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/topics/test-csrf"
    r = local_client.post(
        "/topics-remove", data={"name": "test-csrf", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303


def test_csrf_on_json_posts_without_bearer(local_client: TestClient) -> None:
    body = {"name": "test-json", "query": "outage"}
    assert local_client.post("/api/topics", json=body).status_code == 403
    local_client.get("/login")
    csrf = local_client.cookies.get("agorascope_csrf")
    r = local_client.post("/api/topics", json=body, headers={"X-CSRF-Token": csrf or ""})
    assert r.status_code == 201
    r = local_client.delete("/api/topics/test-json", headers={"X-CSRF-Token": csrf or ""})
    assert r.status_code == 204
