"""Helpers of the alert, delivery and collection tests: real posts imported in batches, and a
webhook receiver on loopback that checks signatures the way a subscriber would.

The posts are rows of the bundled IRA slice (``agorascope/data/social``, FiveThirtyEight
"russian-troll-tweets", CC BY 4.0; see the SOURCE.md there), written back in their own layout
and imported with the ``ira`` preset, a few hundred rows at a time.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import hmac
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

IRA = files("agorascope").joinpath("data/social/ira_tweets_slice.csv.gz")


@cache
def ira_rows() -> tuple[dict[str, str], ...]:
    """Every row of the bundled IRA slice, in file order."""
    with gzip.open(str(IRA), "rt", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def write_rows(rows: Any, path: Path) -> Path:
    """Write IRA rows as a CSV file in their original layout."""
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(ira_rows()[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def import_rows(ws: Any, rows: Any, folder: Path, name: str) -> None:
    """Import IRA rows into the workspace as one file (one or more ingest batches)."""
    ws.import_files([write_rows(rows, folder / f"{name}.csv")], format="ira", index=False)


@dataclass
class Receiver:
    """What the webhook receiver saw.

    Attributes:
        calls: (delivery id, signature valid, parsed body) of every request, in order.
        replies: status codes to answer with, in order (then 200).
    """

    secret: str = ""
    port: int = 0
    calls: list[tuple[str, bool, dict[str, Any]]] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def delivered(self) -> list[str]:
        """Delivery ids of the calls answered 2xx with a valid signature, each once (what an
        idempotent subscriber keeps)."""
        return list(dict.fromkeys(d for d, ok, _ in self.calls if ok))


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """A real HTTP server on loopback that verifies ``X-Agorascope-Signature`` itself (HMAC-
    SHA256 of the raw body with the secret, compared in constant time)."""
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(state.secret.encode(), body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(expected, self.headers.get("X-Agorascope-Signature", ""))
            with lock:
                status = state.replies.pop(0) if state.replies else 200
                if status == 200:
                    state.calls.append(
                        (self.headers.get("X-Agorascope-Delivery", ""), ok, json.loads(body))
                    )
            self.send_response(status if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def atom_problems(document: bytes) -> list[str]:
    """What an Atom document lacks of RFC 4287's required elements (section 4.1), checked
    with defusedxml; empty when it has them all."""
    from defusedxml import ElementTree

    ns = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(document)
    problems = []
    if root.tag != f"{ns}feed":
        return [f"root is {root.tag}, not atom:feed"]
    for name in ("id", "title", "updated"):
        if len(root.findall(f"{ns}{name}")) != 1:
            problems.append(f"feed needs exactly one atom:{name}")
    entries = root.findall(f"{ns}entry")
    feed_author = root.find(f"{ns}author") is not None
    for i, e in enumerate(entries):
        for name in ("id", "title", "updated"):
            if len(e.findall(f"{ns}{name}")) != 1:
                problems.append(f"entry {i} needs exactly one atom:{name}")
        if not feed_author and e.find(f"{ns}author") is None:
            problems.append(f"entry {i} has no author and the feed has none")
        alternate = [x for x in e.findall(f"{ns}link") if x.get("rel", "alternate") == "alternate"]
        if e.find(f"{ns}content") is None and not alternate:
            problems.append(f"entry {i} has neither atom:content nor an alternate link")
    ids = [e.findtext(f"{ns}id") for e in entries]
    if len(set(ids)) != len(ids):
        problems.append("entry ids repeat")
    return problems


def parse_feed(document: bytes) -> Any:
    """The document read by feedparser (what feed readers see)."""
    import feedparser

    return feedparser.parse(io.BytesIO(document))
