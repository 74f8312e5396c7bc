"""Fixtures of the API tests: a small demo store and clients with and without tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import LOCAL, TestClient, build_store

from agorascope.api import create_app
from agorascope.api.security import create_token
from agorascope.config import Settings
from agorascope.store import Store


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store shared by the API tests (read it; write only to topics named test-*)."""
    return build_store(tmp_path_factory.mktemp("api-demo"), posts=4000)


@pytest.fixture(scope="session")
def local_client(demo_db: Path) -> Iterator[TestClient]:
    """A client of an app bound to loopback with no token: the caller is the local admin."""
    app = create_app(Settings(db=demo_db))
    with TestClient(app, base_url=LOCAL) as client:
        yield client


@pytest.fixture(scope="session")
def tokens_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A small store with one token per role."""
    db = build_store(tmp_path_factory.mktemp("api-tokens"), posts=600)
    store = Store.open(db)
    made = {
        role: create_token(store, role, f"test {role}")[1]
        for role in ("viewer", "analyst", "admin")
    }
    store.close()
    return db, made


@pytest.fixture(scope="session")
def secure_app(tokens_db: tuple[Path, dict[str, str]]) -> Iterator[Any]:
    """An app that requires tokens (as when bound to a public address)."""
    app = create_app(Settings(db=tokens_db[0]), require_tokens=True)
    with TestClient(app, base_url=LOCAL):
        yield app
