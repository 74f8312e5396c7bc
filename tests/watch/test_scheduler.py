"""The scheduler: fetch passes then registered jobs, in a thread, and inside ``serve``'s app."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from agorascope.config import Settings
from agorascope.watch.scheduler import Scheduler, register_job, registered_jobs, unregister_job
from agorascope.workspace import Workspace

from .conftest import LoopbackServer, data_file

with warnings.catch_warnings():
    # starlette's TestClient warns at import time that httpx will be replaced by httpx2
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def jobs() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        unregister_job(name)


def _factory(settings: Settings):  # type: ignore[no-untyped-def]
    @contextmanager
    def open_ws() -> Iterator[Workspace]:
        with Workspace(settings) as ws:
            yield ws

    return open_ws


def test_tick_fetches_then_runs_jobs_and_survives_errors(
    server: LoopbackServer, open_settings: Settings, jobs: list[str]
) -> None:
    server.serve("/rss", data_file("trafilatura-feed2.rss"))
    with Workspace(open_settings) as ws:
        ws.sources.add(server.url("/rss"))
    order: list[str] = []

    def broken(ws: Workspace) -> None:
        order.append("broken")
        raise RuntimeError("boom")

    def count(ws: Workspace) -> int:
        order.append("count")
        return int(ws.store.execute("SELECT count(*) FROM posts")[0][0])

    for name, fn in (("broken", broken), ("count", count)):
        register_job(name, fn)
        jobs.append(name)
    assert list(registered_jobs())[-2:] == ["broken", "count"]
    tick = Scheduler(_factory(open_settings)).tick()
    assert tick.fetch is not None and tick.fetch.new_items == 1
    assert order == ["broken", "count"]
    assert tick.results["count"] == 1  # the job saw the fetched post
    assert tick.errors == {"broken": "RuntimeError: boom"}
    again = Scheduler(_factory(open_settings)).tick()  # nothing due: no request
    assert again.fetch is not None and again.fetch.sources == []
    assert len(server.requests_to("/rss")) == 1


def test_thread_runs_rounds_until_stopped(open_settings: Settings, jobs: list[str]) -> None:
    ran = threading.Event()
    register_job("signal", lambda ws: ran.set())
    jobs.append("signal")
    scheduler = Scheduler(_factory(open_settings), interval=3600)
    scheduler.start()
    try:
        assert ran.wait(60)
        assert scheduler.running
    finally:
        scheduler.stop()
    assert not scheduler.running and scheduler.ticks == 1


def test_serve_app_runs_the_scheduler(
    server: LoopbackServer, open_settings: Settings, jobs: list[str]
) -> None:
    from agorascope.api import create_app

    server.serve("/rss", data_file("trafilatura-feed2.rss"))
    with Workspace(open_settings) as ws:
        ws.sources.add(server.url("/rss"))
    done = threading.Event()
    register_job("done", lambda ws: done.set())
    jobs.append("done")
    app = create_app(open_settings, scheduler=True)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert done.wait(60)
        assert app.state.scheduler.running
        assert client.get("/api/health").status_code == 200
    assert not app.state.scheduler.running
    assert len(server.requests_to("/rss")) == 1
    with Workspace(open_settings) as ws:
        assert ws.sources.list()[0].items == 1


def test_app_without_scheduler_starts_none(open_settings: Settings) -> None:
    from agorascope.api import create_app

    app = create_app(open_settings)
    with TestClient(app, base_url="http://127.0.0.1:8000"):
        assert app.state.scheduler is None
