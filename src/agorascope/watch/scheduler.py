"""The background scheduler: due fetch passes, then every registered job, again and again.

``agorascope serve`` starts one (``--no-scheduler`` turns it off). Every
``Settings.scheduler_interval`` seconds it runs a fetch pass over the sources that are due,
then each job registered with :func:`register_job` (running the watches, say), in
registration order. An error in the pass or in a job is logged and kept in :attr:`Scheduler.last`;
it never stops the scheduler nor the other jobs.

Examples:
    >>> from agorascope.watch.scheduler import register_job
    >>> register_job("count", lambda ws: ws.store.posts().count())  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agorascope.store.store import utcnow

if TYPE_CHECKING:
    from agorascope.watch.fetcher import FetchSummary
    from agorascope.workspace import Workspace

__all__ = [
    "Job",
    "Scheduler",
    "Tick",
    "cursor_workspace",
    "register_job",
    "registered_jobs",
    "unregister_job",
]

log = logging.getLogger("agorascope.watch")

Job = Callable[["Workspace"], Any]
"""A job takes the workspace; what it returns is kept in the tick's results."""
WorkspaceFactory = Callable[[], AbstractContextManager["Workspace"]]

_JOBS: dict[str, Job] = {}
_JOBS_LOCK = threading.Lock()


def register_job(name: str, fn: Job) -> None:
    """Run ``fn(ws)`` after every fetch pass of every scheduler (a name registers once).

    Args:
        name: the job's name (registering a name again replaces its function).
        fn: the job.
    """
    with _JOBS_LOCK:
        _JOBS[name] = fn


def unregister_job(name: str) -> None:
    """Forget a job (no error if it is not registered)."""
    with _JOBS_LOCK:
        _JOBS.pop(name, None)


def registered_jobs() -> dict[str, Job]:
    """The registered jobs, in registration order."""
    with _JOBS_LOCK:
        return dict(_JOBS)


@dataclass
class Tick:
    """What one round of the scheduler did."""

    started_at: datetime
    fetch: FetchSummary | None = None
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class Scheduler:
    """Runs fetch passes and jobs in a daemon thread until stopped.

    Args:
        fetch_workspace: opens the workspace the fetch pass writes to (``serve`` gives one on
            a cursor of its own, so pages keep answering during the pass).
        job_workspace: opens the workspace the jobs use (default: ``fetch_workspace``).
        interval: seconds between the starts of two rounds.
    """

    def __init__(
        self,
        fetch_workspace: WorkspaceFactory,
        job_workspace: WorkspaceFactory | None = None,
        *,
        interval: float = 60.0,
    ):
        self._fetch_ws = fetch_workspace
        self._job_ws = job_workspace or fetch_workspace
        self.interval = interval
        self.last: Tick | None = None
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> Tick:
        """One round now: a fetch pass over the due sources, then every registered job."""
        tick = Tick(utcnow())
        try:
            with self._fetch_ws() as ws:
                tick.fetch = ws.sources.fetch()
        except Exception as e:  # logged and kept: the scheduler goes on
            tick.errors["fetch"] = f"{type(e).__name__}: {e}"
            log.exception("fetch pass failed")
        for name, job in registered_jobs().items():
            try:
                with self._job_ws() as ws:
                    tick.results[name] = job(ws)
            except Exception as e:
                tick.errors[name] = f"{type(e).__name__}: {e}"
                log.exception("scheduled job %r failed", name)
        self.last = tick
        self.ticks += 1
        return tick

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)

    def start(self) -> threading.Thread:
        """Start the rounds in a daemon thread (the first one at once)."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="agorascope-scheduler", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask the thread to stop after the current round, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()


def cursor_workspace(base: Callable[[], Workspace]) -> WorkspaceFactory:
    """A factory of workspaces sharing ``base()``'s database through a cursor of their own."""
    from agorascope.store.store import Store
    from agorascope.workspace import Workspace

    @contextmanager
    def open_one() -> Iterator[Workspace]:
        ws = base()
        own = Workspace(ws.settings, store=Store(ws.store.con.cursor(), ws.store.path))
        try:
            yield own
        finally:
            own.close()

    return open_one
