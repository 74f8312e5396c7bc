"""The FastAPI application: :func:`create_app` builds it from :class:`~agorascope.config.Settings`.

``agorascope serve`` hands it to uvicorn. Routes live in :mod:`agorascope.api.routes`, one
module per domain; access control in :mod:`agorascope.api.security`; errors become responses in
:mod:`agorascope.api.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from agorascope._version import __version__
from agorascope.api.errors import PayloadTooLargeError, error_body, install_error_handler
from agorascope.api.routes import (
    analyses,
    analysis_pages,
    compare,
    data,
    health,
    pages,
    search,
    tokens,
    topics,
    voters,
)
from agorascope.api.security import CSRF_COOKIE, new_csrf_token
from agorascope.api.state import DEFAULT_MAX_UPLOAD, AppState
from agorascope.config import Settings
from agorascope.report.render import plotly_js

__all__ = ["PUBLIC_PATHS", "UPLOAD_PATHS", "create_app"]

PUBLIC_PATHS = frozenset(
    {"/api/health", "/openapi.json", "/login", "/static/plotly.min.js", "/static"}
)
"""Routes that answer without a token; every other route checks the caller's role."""

UPLOAD_PATHS = frozenset({"/api/import", "/import"})
"""Routes whose request body is size-limited before it is read."""

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
) -> FastAPI:
    """Build the dashboard and REST API over the store of ``settings``.

    Args:
        settings: the settings (store file, bind address); default from the environment.
        require_tokens: demand a token on every non-public route even on loopback; by default
            only when ``settings.host`` is not a loopback address (then always).
        max_upload_bytes: largest upload body accepted.
        warm: at start, compute every topic page in the background (``agorascope serve``
            does), so the first visitor does not wait.

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
            state.warm_in_background()
        yield
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
        if request.url.path in UPLOAD_PATHS and request.method == "POST":
            refused = _check_length(request, state.max_upload_bytes)
            if refused is not None:
                return refused
        csrf = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
        request.state.csrf = csrf
        response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        response.headers.setdefault("Content-Security-Policy", CSP)
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

    for module in (health, data, search, topics, compare, tokens):
        app.include_router(module.router)
    for router in analyses.routers():
        app.include_router(router)
    app.include_router(pages.router)
    app.include_router(analysis_pages.router)
    app.include_router(voters.router)
    static = files("agorascope").joinpath("web/static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def _check_length(request: Request, limit: int) -> Response | None:
    raw = request.headers.get("content-length")
    if raw is None:
        exc: Any = PayloadTooLargeError("uploads must declare their Content-Length")
        return JSONResponse(error_body(exc), status_code=411)
    try:
        size = int(raw)
    except ValueError:
        size = limit + 1
    if size > limit:
        exc = PayloadTooLargeError(f"upload of {size:,} bytes exceeds the limit of {limit:,}")
        return JSONResponse(error_body(exc), status_code=413)
    return None
