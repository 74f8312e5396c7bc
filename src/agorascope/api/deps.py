"""FastAPI dependencies, as ``Annotated`` aliases used in route signatures.

``Viewer``, ``Analyst`` and ``Admin`` authenticate the caller and check the role; a route
without one of them must be listed in :data:`agorascope.api.app.PUBLIC_PATHS` (a test walks
every route to prove it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from agorascope.api.errors import CSRFError, NotAuthenticatedError
from agorascope.api.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    TOKEN_COOKIE,
    Principal,
    Role,
    authenticate,
    csrf_ok,
    session_binding,
)
from agorascope.api.state import CANCEL_HOOKS, AppState
from agorascope.errors import PermissionDeniedError
from agorascope.query.budget import time_budget
from agorascope.workspace import Workspace

__all__ = [
    "Admin",
    "Analyst",
    "Page",
    "RoleGuard",
    "StateDep",
    "Viewer",
    "WorkspaceDep",
    "csrf_matches",
]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_state(request: Request) -> AppState:
    """The app's state."""
    state: AppState = request.app.state.agorascope
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_workspace(state: StateDep, request: Request) -> Iterator[Workspace]:
    """The workspace, held by this request until it has answered, under a time budget.

    The request's DuckDB work is interrupted when the budget of the caller's role runs out
    (:class:`~agorascope.errors.QueryTimeoutError`) or when the client goes away.
    """
    principal = getattr(request.state, "principal", None)
    seconds = state.timeout_for(principal.role if principal is not None else None)
    with state.using() as ws:
        hooks: list[Callable[[], None]] | None = request.scope.get(CANCEL_HOOKS)
        guard = threading.Lock()
        alive = [True]

        def interrupt() -> None:
            with guard:  # never once this request has let the workspace go
                if alive[0]:
                    ws.store.con.interrupt()

        if hooks is not None:
            hooks.append(interrupt)
        try:
            with time_budget(seconds, interrupt, "this request"):
                yield ws
        finally:
            with guard:
                alive[0] = False
            if hooks is not None and interrupt in hooks:
                hooks.remove(interrupt)


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth is None:
        return None
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise NotAuthenticatedError("the Authorization header must be 'Bearer <token>'")
    return value.strip()


def identify(state: AppState, request: Request) -> Principal | None:
    """The caller: a token's holder, the trusted local user, or None (anonymous).

    Raises:
        NotAuthenticatedError: a token was given but is unknown, malformed or revoked.
    """
    token = _bearer(request) or request.cookies.get(TOKEN_COOKIE)
    if token:
        principal = state.auth_query(lambda store: authenticate(store, token))
        if principal is None:
            raise NotAuthenticatedError("invalid or revoked token")
        return principal
    if state.trusts_local_user(request.headers.get("host", "")):
        return Principal("local user", Role.admin)
    return None


def csrf_matches(request: Request, sent: str | None) -> bool:
    """Whether ``sent`` equals the CSRF cookie and carries this server's signature for the
    request's session (see :mod:`agorascope.api.security`)."""
    state = get_state(request)
    binding = session_binding(request.cookies.get(TOKEN_COOKIE))
    return csrf_ok(request.cookies.get(CSRF_COOKIE), sent, state.csrf_secret, binding)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without a bearer token and without the CSRF token.

    Raises:
        CSRFError: the token is missing or does not match the cookie.
    """
    if request.method not in UNSAFE or request.headers.get("authorization"):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request, sent):
        raise CSRFError("missing or wrong CSRF token (reload the page and try again)")


async def current_principal(request: Request) -> Principal | None:
    """The caller (cached on the request), or None."""
    if not hasattr(request.state, "principal"):
        state = get_state(request)
        request.state.principal = await run_in_threadpool(identify, state, request)
    principal: Principal | None = request.state.principal
    return principal


class RoleGuard:
    """A dependency admitting callers that hold ``role`` (and passing the CSRF check)."""

    def __init__(self, role: Role):
        self.role = role

    async def __call__(self, request: Request) -> Principal:
        principal = await current_principal(request)
        if principal is None:
            raise NotAuthenticatedError(f"this needs a token with the {self.role.name} role")
        if not principal.may(self.role):
            raise PermissionDeniedError(
                f"this needs the {self.role.name} role; the token has {principal.role.name}"
            )
        await check_csrf(request)
        return principal


Viewer = Annotated[Principal, Depends(RoleGuard(Role.viewer))]
Analyst = Annotated[Principal, Depends(RoleGuard(Role.analyst))]
Admin = Annotated[Principal, Depends(RoleGuard(Role.admin))]


class Paging:
    """``limit`` and ``offset`` query parameters."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=1000, description="Items per page.")] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items skipped.")] = 0,
    ):
        self.limit = limit
        self.offset = offset

    def page(self, items: list[Any]) -> dict[str, Any]:
        """The page of ``items`` as ``{items, total, limit, offset}``."""
        return {
            "items": items[self.offset : self.offset + self.limit],
            "total": len(items),
            "limit": self.limit,
            "offset": self.offset,
        }


Page = Annotated[Paging, Depends()]
