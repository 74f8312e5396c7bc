"""Fixtures of the watch tests: a real HTTP server on loopback that records what it was asked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agorascope.config import Settings

DATA = Path(__file__).parent / "data"

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[dict[str, str]], Reply]


@dataclass
class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 whose routes tests set and whose requests they read.

    Attributes:
        port: the port it listens on.
        routes: path (with query) -> function of the request headers returning the reply.
        log: (path, request headers) of every request, in arrival order.
    """

    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "text/xml", **headers: str) -> None:
        """Serve fixed bytes at ``path``, answering conditional requests with 304."""
        etag = headers.pop("etag", None)

        def reply(req: dict[str, str]) -> Reply:
            out = {
                "Content-Type": content_type,
                **{k.replace("_", "-"): v for k, v in headers.items()},
            }
            if etag:
                out["ETag"] = etag
                if req.get("if-none-match") == etag:
                    return 304, out, b""
            return 200, out, body

        self.routes[path] = reply

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.log if p == path]


def data_file(name: str) -> bytes:
    """The bytes of a file of tests/watch/data (see its SOURCE.md)."""
    return (DATA / name).read_bytes()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A real HTTP server on loopback, stopped after the test."""
    state = LoopbackServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.log.append((self.path, headers))
            route = state.routes.get(self.path)
            status, out, body = route(headers) if route else (404, {}, b"not found")
            self.send_response(status)
            for k, v in out.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def open_settings(db_path: Path) -> Settings:
    """Settings that let the fetcher reach the loopback server (these tests only)."""
    return Settings(db=db_path, allow_private_networks=True, fetch_timeout=10, fetch_host_gap=0.0)


@pytest.fixture
def strict_settings(db_path: Path) -> Settings:
    """Default settings: private addresses refused."""
    return Settings(db=db_path)
