"""The one place where errors become HTTP responses.

Library errors keep their class name in the JSON body (``{"error": {"type":
"QuerySyntaxError", "message": ..., "status": 400}}``), so API clients handle the same classes
as Python callers. Pages get the same status with an HTML page instead, and a page that needs
a token sends the browser to the sign-in form.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from agorascope import errors as e

__all__ = [
    "STATUS",
    "CSRFError",
    "NotAuthenticatedError",
    "PayloadTooLargeError",
    "install_error_handler",
    "status_of",
]


class NotAuthenticatedError(e.PermissionDeniedError):
    """No valid token came with a request that needs one (HTTP 401)."""


class CSRFError(e.PermissionDeniedError):
    """A state-changing request without the CSRF token of its session (HTTP 403)."""


class PayloadTooLargeError(e.InvalidInputError):
    """An upload above the size limit (HTTP 413)."""


STATUS: tuple[tuple[type[e.AgorascopeError], int], ...] = (
    (NotAuthenticatedError, 401),
    (PayloadTooLargeError, 413),
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


async def handle(request: Request, exc: Exception) -> Response:
    """Turn an :class:`~agorascope.errors.AgorascopeError` into a response."""
    assert isinstance(exc, e.AgorascopeError)
    code = status_of(exc)
    body = error_body(exc)
    if _wants_html(request):
        if code == 401:
            return RedirectResponse("/login", status_code=303)
        from agorascope.api.pages_render import render_page

        return render_page(
            request,
            "error.html",
            {"title": f"Error {code}", "message": body["error"]["message"]},
            status_code=code,
        )
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    return JSONResponse(body, status_code=code, headers=headers)


def install_error_handler(app: FastAPI) -> None:
    """Register the handler for the whole error tree."""
    app.add_exception_handler(e.AgorascopeError, handle)
