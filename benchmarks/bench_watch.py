"""Fetching: one pass over 1,000 feeds on loopback, beside a plain sequential feedparser loop.

A separate process serves the feeds from ``--hosts`` HTTP servers on 127.0.0.1 (one port per
host): sizes mixed (60 % of the feeds carry 10 items, 30 % carry 30, 10 % carry 100), every
feed with an ETag, and one host in twenty slow (each answer waits ``--slow-ms``). The items'
text is cut from a real feed (Miniflux's ``small_atom.xml`` test data, Apache-2.0).

Measured, in the same run and against the same servers:

1. agorascope's first pass (``fetch_pass``: every feed new, stored as posts, languages
   identified), with the concurrency cap and the per-host gap;
2. its second pass, where a third of the feeds changed (new items) and the rest answer 304 to
   the conditional request;
3. the peer: a plain sequential loop of ``feedparser.parse(url)`` over the same 1,000 URLs (it
   parses, stores nothing and sends no conditional headers).

    python benchmarks/bench_watch.py --feeds 1000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import peak_rss_mib, write_section
from agorascope.config import Settings
from agorascope.store.store import Store
from agorascope.watch.fetcher import fetch_pass
from agorascope.watch.sources import add_source

SAMPLE = Path(__file__).parents[1] / "tests" / "watch" / "data" / "miniflux-small_atom.xml"


def _sizes(feeds: int) -> list[int]:
    return [100 if i % 10 == 0 else 30 if i % 10 in (1, 2, 3) else 10 for i in range(feeds)]


def _words() -> list[str]:
    import re

    text = re.sub(r"<[^>]+>", " ", SAMPLE.read_text(encoding="utf-8"))
    return [w for w in re.findall(r"[A-Za-z]{3,}", text)][:2000]


def _feed(i: int, n: int, version: int, words: list[str]) -> bytes:
    items = []
    for k in range(n):
        key = f"{i}-{k}" if version == 0 or k else f"{i}-v{version}"
        start = (i * 7 + k * 13 + version) % (len(words) - 60)
        body = " ".join(words[start : start + 50])
        items.append(
            f"<item><title>Item {key}: {' '.join(words[start : start + 6])}</title>"
            f"<link>http://example.org/{key}?utm_source=bench</link><guid>{key}</guid>"
            f"<pubDate>Mon, 0{1 + k % 9} Jun 2026 10:00:00 GMT</pubDate>"
            f"<description>{body}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>feed {i}</title><link>http://example.org/</link><description>bench</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def _serve(feeds: int, hosts: int, slow_ms: int, ports: Any, version: Any) -> None:
    """Server process: one ThreadingHTTPServer per host; ``version`` bumps a third of feeds."""
    words = _words()
    sizes = _sizes(feeds)
    cache: dict[tuple[int, int], bytes] = {}

    def body(i: int) -> tuple[bytes, str]:
        v = version.value if i % 3 == 0 else 0
        key = (i, v)
        if key not in cache:
            cache[key] = _feed(i, sizes[i], v, words)
        return cache[key], f'"{i}-{v}"'

    def handler_for(host: int) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if host % 20 == 0 and slow_ms:
                    time.sleep(slow_ms / 1000)
                if not self.path.startswith("/feed/"):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data, etag = body(int(self.path.rsplit("/", 1)[1]))
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    servers = []
    for h in range(hosts):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(h))
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        ports.append(srv.server_address[1])
    while True:
        time.sleep(3600)


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--slow-ms", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--host-gap", type=float, default=0.05)
    args = parser.parse_args()

    manager = mp.Manager()
    ports = manager.list()
    version = manager.Value("i", 0)
    server = mp.Process(
        target=_serve, args=(args.feeds, args.hosts, args.slow_ms, ports, version), daemon=True
    )
    server.start()
    while len(ports) < args.hosts:
        time.sleep(0.05)
    port_list = list(ports)
    urls = [f"http://127.0.0.1:{port_list[i % args.hosts]}/feed/{i}" for i in range(args.feeds)]
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            db=Path(tmp) / "bench.duckdb",
            allow_private_networks=True,
            fetch_concurrency=args.concurrency,
            fetch_host_gap=args.host_gap,
        )
        store = Store.open(settings.db)
        for url in urls:
            add_source(store, url, allow_private=True)
        rss0 = _rss_mib()
        t0 = time.perf_counter()
        first = fetch_pass(store, settings)
        t_first = time.perf_counter() - t0
        rss1 = _rss_mib()
        version.value = 1
        t0 = time.perf_counter()
        second = fetch_pass(store, settings, all=True)
        t_second = time.perf_counter() - t0
        rss2 = _rss_mib()
        posts = int(store.execute("SELECT count(*) FROM posts")[0][0])
        store.close()

    import feedparser

    version.value = 0
    t0 = time.perf_counter()
    peer_items = sum(len(feedparser.parse(url).entries) for url in urls)
    t_peer = time.perf_counter() - t0
    load_after = os.getloadavg()
    server.terminate()

    items = sum(_sizes(args.feeds))
    assert first.errors == 0 and second.errors == 0, (first.errors, second.errors)
    assert first.new_items == items == peer_items, (first.new_items, items, peer_items)
    body = f"""
{args.feeds:,} RSS 2.0 feeds ({items:,} items: 60 % of the feeds carry 10 items, 30 % carry 30,
10 % carry 100) served by {args.hosts} HTTP servers on loopback (one port each) in another
process; one host in twenty answers after {args.slow_ms} ms. agorascope ran with
`fetch_concurrency={args.concurrency}` and `fetch_host_gap={args.host_gap}` s, storing every
item as a post (normalised, language identified, deduplicated, committed per feed).

| run | wall s | feeds/s | items/s | result |
|---|---:|---:|---:|---|
| agorascope pass 1 (all new) | {t_first:.1f} | {args.feeds / t_first:,.0f} | {first.new_items / t_first:,.0f} | fetched {first.fetched}, new items {first.new_items:,}, errors {first.errors} |
| agorascope pass 2 (a third changed, the rest 304) | {t_second:.1f} | {args.feeds / t_second:,.0f} | {(second.new_items + second.updated_items) / t_second:,.0f} | fetched {second.fetched}, not modified {second.not_modified}, new items {second.new_items} |
| peer: sequential `feedparser.parse(url)` loop (parses only) | {t_peer:.1f} | {args.feeds / t_peer:,.0f} | {peer_items / t_peer:,.0f} | {peer_items:,} entries parsed, nothing stored |

Posts in the store after both passes: {posts:,} (every item once; pass 2 adds one item to each
changed feed). Memory of the process (VmRSS): {rss0:.0f} MiB before pass 1, {rss1:.0f} MiB
after it, {rss2:.0f} MiB after pass 2; peak {peak_rss_mib():.0f} MiB (the peer's loop ran
after, in the same process).

Load average before / after (1/5/15 min; the machine, 2 cores, was shared with other jobs):
{" / ".join(f"{x:.1f}" for x in load_before)} before, {" / ".join(f"{x:.1f}" for x in load_after)} after.
These figures were taken on a loaded machine: read them as orders of magnitude.
"""
    path = write_section(
        "watch",
        f"Fetching {args.feeds:,} feeds on loopback",
        body,
        f"python benchmarks/bench_watch.py --feeds {args.feeds}",
    )
    print(body)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
