"""ASGI middleware around the whole app: body-size limits, Host check, client-disconnect hooks.

It runs before routing and authentication, on every route:

- **Host**: a ``Host`` header that is not a plain ``name[:port]`` (``127.0.0.1:8766@evil.com``)
  gets 400.
- **Body size**: a declared ``Content-Length`` above the route's limit gets 413 at once; a body
  without one (chunked) is counted as it streams and refused with 413 as soon as it passes
  the limit, so no route ever holds more than its limit in memory.
- **Disconnect**: the request's messages are read by a pump that, when the client goes away
  before the answer is sent, calls the hooks that handlers registered under
  :data:`~agorascope.api.state.CANCEL_HOOKS` (the workspace registers DuckDB's interrupt).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from agorascope.api.errors import PayloadTooLargeError, error_body
from agorascope.api.state import CANCEL_HOOKS

__all__ = ["GuardMiddleware", "valid_host"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_HOST_RE = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::[0-9]{1,5})?")


def valid_host(value: str) -> bool:
    """Whether a ``Host`` header is a plain host name or address with an optional port."""
    return _HOST_RE.fullmatch(value) is not None


def _json_problem(body: bytes) -> str | None:
    """Why a JSON body must be refused before the app parses it, or None.

    Text that is not valid Unicode (a lone surrogate such as ``\\ud800``) would fail when
    echoed back; nesting deeper than Python's recursion limit would crash the parser.
    """
    try:
        value = json.loads(body)
    except RecursionError:
        return "the JSON body is nested too deeply"
    except ValueError:
        return None  # not JSON at all: the app answers 422 with its own message
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the JSON body holds invalid Unicode (a lone surrogate such as \\ud800)"
    except RecursionError:
        return "the JSON body is nested too deeply"
    return None


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _error(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message, "status": status, "detail": {}}}


class GuardMiddleware:
    """See the module docstring.

    Args:
        app: the wrapped ASGI app.
        limit_for: the body limit, in bytes, of a ``(method, path)``.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host")
        if host is not None and not valid_host(host):
            await _answer(send, 400, _error(400, "InvalidInputError", "malformed Host header"))
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = headers.get("content-length")
        if declared is not None:
            size = int(declared) if declared.isascii() and declared.isdigit() else -1
            if size < 0:
                await _answer(send, 400, _error(400, "InvalidInputError", "bad Content-Length"))
                return
            if size > limit:
                exc = PayloadTooLargeError(f"body of {size:,} bytes exceeds the limit of {limit:,}")
                await _answer(send, 413, error_body(exc))
                return
        json_body = headers.get("content-type", "").startswith("application/json")
        await self._run(scope, receive, send, limit, json_body)

    async def _run(
        self,
        scope: MutableMapping[str, Any],
        receive: Receive,
        send: Send,
        limit: int,
        json_body: bool,
    ) -> None:
        hooks: list[Callable[[], None]] = []
        scope[CANCEL_HOOKS] = hooks
        # bounded: an upload streams through at the pace the app reads it, never held whole
        queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=16)
        answered = started = refused = False

        async def pump() -> None:
            nonlocal answered, refused
            seen = 0
            chunks: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        # Answer 413 ourselves (the app is waiting for its body) and tell the
                        # app the client left, so it stops; whatever it sends is dropped.
                        refused = True
                        if not started:
                            exc = PayloadTooLargeError(f"body exceeds the limit of {limit:,} bytes")
                            await _answer(send, 413, error_body(exc))
                        answered = True
                        await queue.put({"type": "http.disconnect"})
                        return
                    if json_body:
                        # JSON is read whole (it is small) and checked before the app sees it
                        chunks.append(message.get("body", b""))
                        if message.get("more_body"):
                            continue
                        body = b"".join(chunks)
                        problem = _json_problem(body)
                        if problem is not None:
                            refused = True
                            await _answer(send, 400, _error(400, "InvalidInputError", problem))
                            answered = True
                            await queue.put({"type": "http.disconnect"})
                            return
                        message = {"type": "http.request", "body": body, "more_body": False}
                elif message["type"] == "http.disconnect":
                    if not answered:
                        for hook in list(hooks):
                            hook()
                    await queue.put(message)
                    return
                await queue.put(message)

        async def limited_receive() -> Message:
            return await queue.get()

        async def tracked_send(message: Message) -> None:
            nonlocal answered, started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered = True
            await send(message)

        task = asyncio.create_task(pump())
        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception:
            if not refused:
                raise
        finally:
            answered = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
