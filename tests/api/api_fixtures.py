"""Helpers of the API and web tests: hostile posts, small demo stores, test clients."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from agorascope.config import Settings
from agorascope.demo import write
from agorascope.report.demo import prepare_demo
from agorascope.workspace import Workspace

with warnings.catch_warnings():
    # starlette's TestClient warns at import time that httpx will be replaced by httpx2
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"
HOSTILE = [
    {
        "platform": "x",
        "id": "evil-1",
        "author_id": "a-evil",
        "author_handle": "<script>window.__pwned=1</script>",
        "author_name": '<img src=x onerror="window.__pwned=2">',
        "author_followers": 10,
        "created_at": "2024-07-20T10:00:00",
        "text": "pwnword <script>window.__pwned=3</script> <img src=x onerror=window.__pwned=4>"
        ' <a href="javascript:window.__pwned=5">click</a> #pwntag',
        "url": "javascript:window.__pwned=6",
        "hashtags": ["pwntag", "<b>x</b>"],
        "relation": "original",
        "lang": "en",
        "country": "US",
    },
    {
        "platform": "x",
        "id": "evil-2",
        "author_id": "a-evil2",
        "author_handle": '" onmouseover="window.__pwned=7',
        "created_at": "2024-07-20T10:05:00",
        "text": "pwnword reply </script><svg onload=window.__pwned=8>",
        "parent_id": "evil-1",
        "root_id": "evil-1",
        "relation": "reply",
        "hashtags": ["pwntag"],
        "url": 'https://example.org/"><script>window.__pwned=9</script>',
    },
]
"""Posts whose text, handles, names and links try to run script in a page."""


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Rows as a JSON Lines file."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def build_store(folder: Path, posts: int) -> Path:
    """A store with ``posts`` demo posts, the demo topics, the hostile posts and a topic on them."""
    db = folder / "demo.duckdb"
    settings = Settings(db=db)
    with Workspace(settings) as ws:
        data = write(folder / "demo.parquet", posts=posts, seed=7)
        ws.import_files([data], format="native")
        ws.import_files([write_jsonl(folder / "hostile.jsonl", HOSTILE)], format="native")
        prepare_demo(ws.store)
        from agorascope.query import add_topic

        add_topic(ws.store, "pwn", "pwnword", "<script>window.__pwned=10</script>")
    return db


def client_for(app: Any, token: str | None = None) -> TestClient:
    """A client of ``app``, sending ``token`` as a bearer token when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, base_url=LOCAL, headers=headers)
