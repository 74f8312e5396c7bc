"""The FastAPI application: :func:`create_app` builds it from :class:`~agorascope.config.Settings`.

``agorascope serve`` hands it to uvicorn. Routes live in :mod:`agorascope.api.routes`, one
module per domain; access control in :mod:`agorascope.api.security`; errors become responses in
:mod:`agorascope.api.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from agorascope._version import __version__
from agorascope.api.deps import UNSAFE
from agorascope.api.errors import TooManyAttemptsError, error_body, install_error_handler
from agorascope.api.middleware import GuardMiddleware
from agorascope.api.routes import (
    analyses,
    analysis_pages,
    collections,
    compare,
    data,
    districts_pages,
    elections_pages,
    health,
    import_page,
    listen_pages,
    mentions,
    opendata,
    pages,
    privacy,
    search,
    sources,
    tokens,
    topics,
    voters,
    watches,
)
from agorascope.api.security import (
    CSRF_COOKIE,
    TOKEN_COOKIE,
    csrf_valid,
    new_csrf_token,
    session_binding,
)
from agorascope.api.state import DEFAULT_MAX_UPLOAD, AppState
from agorascope.config import Settings
from agorascope.report.render import plotly_js

__all__ = ["PUBLIC_PATHS", "UPLOAD_PATHS", "create_app"]

PUBLIC_PATHS = frozenset(
    {"/api/health", "/openapi.json", "/login", "/static/plotly.min.js", "/static"}
)
"""Routes that answer without a token; every other route checks the caller's role."""

UPLOAD_PATHS = frozenset({"/api/import", "/import", "/import/preview"})
"""Routes that take uploads (up to ``max_upload_bytes``); every other route takes bodies up to
``Settings.max_body_bytes``. Both limits apply before authentication."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(
    settings: Settings | None = None,
    *,
    require_tokens: bool | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    warm: bool = False,
    scheduler: bool = False,
) -> FastAPI:
    """Build the dashboard and REST API over the store of ``settings``.

    Args:
        settings: the settings (store file, bind address); default from the environment.
        require_tokens: demand a token on every non-public route even on loopback; by default
            only when ``settings.host`` is not a loopback address (then always).
        max_upload_bytes: largest upload body accepted.
        warm: at start, compute every topic page in the background (``agorascope serve``
            does), so the first visitor does not wait.
        scheduler: run the background scheduler (fetch passes over the due sources, then
            the registered jobs) while the app runs (``agorascope serve`` does, unless
            ``--no-scheduler``); it is ``app.state.scheduler``.

    Examples:
        >>> from agorascope.config import Settings
        >>> app = create_app(Settings(db="news.duckdb"))  # doctest: +SKIP
    """
    state = AppState.open(
        settings or Settings(), require_tokens=require_tokens, max_upload_bytes=max_upload_bytes
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            state.warm_in_background(bundled=True)
        background = _scheduler(state) if scheduler else None
        app.state.scheduler = background
        yield
        if background is not None:
            background.stop()
        state.close()

    app = FastAPI(
        title="agorascope",
        version=__version__,
        description="Public-opinion intelligence: search, topics and listening analytics. "
        "Send `Authorization: Bearer <token>` (see `agorascope token create`).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.agorascope = state
    install_error_handler(app)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        client = request.client.host if request.client else ""
        credentials = _carries_credentials(request)
        if credentials and state.login_blocked(client):
            exc = TooManyAttemptsError("too many failed sign-ins from this address: wait a while")
            return JSONResponse(error_body(exc), status_code=429)
        binding = session_binding(request.cookies.get(TOKEN_COOKIE))
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not csrf_valid(cookie, state.csrf_secret, binding)
        csrf = new_csrf_token(state.csrf_secret, binding) if fresh or cookie is None else cookie
        request.state.csrf = csrf
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        await run_in_threadpool(_audit, state, request, response.status_code, credentials)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        """plotly.js from the installed plotly package (public)."""
        return PlainTextResponse(
            plotly_js(),
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    limit = state.settings.max_body_bytes

    def limit_for(method: str, path: str) -> int:
        return state.max_upload_bytes if path in UPLOAD_PATHS and method == "POST" else limit

    app.add_middleware(GuardMiddleware, limit_for=limit_for)  # type: ignore[arg-type]

    for module in (
        health,
        data,
        search,
        topics,
        compare,
        tokens,
        privacy,
        sources,
        watches,
        collections,
        mentions,
    ):
        app.include_router(module.router)
    for router in analyses.routers():
        app.include_router(router)
    app.include_router(pages.router)
    app.include_router(import_page.router)
    app.include_router(privacy.pages)
    app.include_router(analysis_pages.router)
    app.include_router(listen_pages.router)
    app.include_router(sources.pages)
    app.include_router(watches.pages)
    app.include_router(collections.pages)
    app.include_router(mentions.pages)
    app.include_router(voters.router)
    app.include_router(opendata.router)
    app.include_router(elections_pages.router)
    app.include_router(districts_pages.router)
    static = files("agorascope").joinpath("web/static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def _carries_credentials(request: Request) -> bool:
    """Whether a request tries to authenticate (a token, or the sign-in form)."""
    return (
        "authorization" in request.headers
        or TOKEN_COOKIE in request.cookies
        or (request.url.path == "/login" and request.method == "POST")
    )


def _audit(state: AppState, request: Request, status: int, credentials: bool) -> None:
    """Audit every authentication failure (401), every refusal (403) and every write that
    succeeded."""
    principal = getattr(request.state, "principal", None)
    actor = principal.name if principal is not None else None
    client = request.client.host if request.client else ""
    target = f"{request.method} {request.url.path[:300]}"
    if status in (401, 403):
        if status == 401 and credentials:
            state.login_failed(client)
        action = "auth.fail" if status == 401 else "access.denied"  # 403: role or CSRF
        state.auth_query(
            lambda store: store.audit(
                action=action, target=target, detail=f"{status} from {client}", actor=actor
            )
        )
    elif request.method in UNSAFE and status < 400:
        state.auth_query(
            lambda store: store.audit(
                action="write", target=target, detail=f"{status} from {client}", actor=actor
            )
        )


def _scheduler(state: AppState) -> Any:
    """Start the watch scheduler: fetch passes on a cursor of their own, jobs in turn."""
    from agorascope.watch.scheduler import Scheduler, cursor_workspace

    def base() -> Any:
        state.reopen()
        return state.ws

    @contextmanager
    def jobs() -> Iterator[Any]:  # a job may rewrite the store file (retention)
        with state.using() as ws, state.replacing_store():
            yield ws

    background = Scheduler(cursor_workspace(base), jobs, interval=state.settings.scheduler_interval)
    background.start()
    return background
