"""The one place where errors become HTTP responses.

Library errors keep their class name in the JSON body (``{"error": {"type":
"QuerySyntaxError", "message": ..., "status": 400}}``), so API clients handle the same classes
as Python callers. Pages get the same status with an HTML page instead, and a page that needs
a token sends the browser to the sign-in form. Unknown routes, wrong methods and invalid
parameters get the HTML page too outside ``/api/`` (FastAPI's JSON inside it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from agorascope import errors as e

__all__ = [
    "STATUS",
    "CSRFError",
    "NotAuthenticatedError",
    "PayloadTooLargeError",
    "TooManyAttemptsError",
    "install_error_handler",
    "status_of",
    "validation_message",
]


class NotAuthenticatedError(e.PermissionDeniedError):
    """No valid token came with a request that needs one (HTTP 401)."""


class CSRFError(e.PermissionDeniedError):
    """A state-changing request without the CSRF token of its session (HTTP 403)."""


class PayloadTooLargeError(e.InvalidInputError):
    """A request body above the size limit of its route (HTTP 413)."""


class TooManyAttemptsError(e.PermissionDeniedError):
    """Too many failed authentications from one address (HTTP 429)."""


STATUS: tuple[tuple[type[e.AgorascopeError], int], ...] = (
    (NotAuthenticatedError, 401),
    (PayloadTooLargeError, 413),
    (TooManyAttemptsError, 429),
    (e.QueryTooBroadError, 400),
    (e.QueryTimeoutError, 422),
    (e.QuerySyntaxError, 400),
    (e.UnsafeURLError, 400),
    (e.ImportFormatError, 422),
    (e.InvalidInputError, 422),
    (e.NotFoundError, 404),
    (e.PermissionDeniedError, 403),
    (e.MissingExtraError, 501),
    (e.ComputationError, 422),
    (e.IndexCorruptError, 503),
    (e.StoreError, 500),
    (e.AgorascopeError, 500),
)
"""Error class -> HTTP status; the first matching class wins (subclasses come first)."""


def status_of(exc: e.AgorascopeError) -> int:
    """The HTTP status of a library error."""
    for cls, code in STATUS:
        if isinstance(exc, cls):
            return code
    return 500


def error_body(exc: e.AgorascopeError) -> dict[str, Any]:
    """The JSON body of an error; a store error's SQL is not shown to the caller."""
    message = str(exc)
    if isinstance(exc, e.StoreError):
        message = message.split("\n  query:", 1)[0]
    detail: dict[str, Any] = {}
    if isinstance(exc, e.QuerySyntaxError):
        detail = {"position": exc.position, "expected": exc.expected, "reason": exc.reason}
    return {
        "error": {
            "type": type(exc).__name__,
            "message": message,
            "status": status_of(exc),
            "detail": detail,
        }
    }


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/openapi"))


def _error_page(request: Request, code: int, message: str) -> Response:
    from agorascope.api.pages_render import render_page

    return render_page(
        request, "error.html", {"title": f"Error {code}", "message": message}, status_code=code
    )


def validation_message(errors: Sequence[Any]) -> str:
    """A sentence per invalid request parameter, e.g. ``offset: input should be ... (got -1)``."""
    parts = []
    for err in errors:
        name = str(err.get("loc", ("?",))[-1])
        msg = str(err.get("msg", "invalid value"))
        got = err.get("input")
        shown = f" (got {str(got)[:40]})" if isinstance(got, str | int) else ""
        parts.append(f"{name}: {msg[:1].lower()}{msg[1:]}{shown}")
    return "; ".join(parts) or "invalid request"


async def handle(request: Request, exc: Exception) -> Response:
    """Turn an :class:`~agorascope.errors.AgorascopeError` into a response."""
    assert isinstance(exc, e.AgorascopeError)
    code = status_of(exc)
    body = error_body(exc)
    if _wants_html(request):
        if code == 401:
            return RedirectResponse("/login", status_code=303)
        return _error_page(request, code, body["error"]["message"])
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    return JSONResponse(body, status_code=code, headers=headers)


async def handle_http(request: Request, exc: Exception) -> Response:
    """An unknown route or method: the HTML error page for pages, FastAPI's JSON for the API."""
    assert isinstance(exc, HTTPException)
    if not _wants_html(request):
        return await http_exception_handler(request, exc)
    message = {404: f"there is no page at {request.url.path[:200]}"}.get(exc.status_code)
    return _error_page(request, exc.status_code, message or str(exc.detail))


async def handle_validation(request: Request, exc: Exception) -> Response:
    """A bad query or form parameter: a readable HTML error page for pages (422)."""
    assert isinstance(exc, RequestValidationError)
    if not _wants_html(request):
        return await request_validation_exception_handler(request, exc)
    return _error_page(request, 422, validation_message(exc.errors()))


def install_error_handler(app: FastAPI) -> None:
    """Register the handlers for the whole error tree, unknown routes and bad parameters."""
    app.add_exception_handler(e.AgorascopeError, handle)
    app.add_exception_handler(HTTPException, handle_http)
    app.add_exception_handler(RequestValidationError, handle_validation)
