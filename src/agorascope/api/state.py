"""What one running app holds: its workspace (settings, store, backend, page cache) and policy."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from agorascope.api.security import Role, is_loopback, tokens_ever_created
from agorascope.config import Settings
from agorascope.report.cache import ReportCache
from agorascope.store.store import Store
from agorascope.workspace import Workspace

__all__ = [
    "CANCEL_HOOKS",
    "DEFAULT_MAX_UPLOAD",
    "LOGIN_FAILURES_ALLOWED",
    "LOGIN_WINDOW_SECONDS",
    "AppState",
    "hide_paths",
]

CANCEL_HOOKS = "agorascope.cancel"
"""Key of the ASGI scope holding the callables to run when the client goes away."""

T = TypeVar("T")

DEFAULT_MAX_UPLOAD = 256 * 2**20
"""Largest accepted upload body, in bytes (256 MiB)."""
LOGIN_FAILURES_ALLOWED = 10
"""Failed authentications from one address within :data:`LOGIN_WINDOW_SECONDS` before it
gets 429 on every authenticated attempt until the window passes."""
LOGIN_WINDOW_SECONDS = 300.0


@dataclass
class AppState:
    """The state of one app (see :func:`agorascope.api.create_app`).

    Requests use the workspace one at a time (:meth:`using`): Ibis registers the query
    language's Python functions on the database, and a second Ibis connection to the same
    database fails to register them again, so one connection serves every request. Token checks
    use a cursor of their own (plain SQL only), so they never wait behind an analysis.

    Attributes:
        settings: the settings it was built with.
        ws: the workspace opened at start (store, read backend, page cache).
        require_tokens: every non-public route needs a token, even from loopback.
        max_upload_bytes: upload size limit.
    """

    settings: Settings
    ws: Workspace
    require_tokens: bool
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    _closed: bool = False
    _auth: Store | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _busy: threading.Lock = field(default_factory=threading.Lock)
    _auth_lock: threading.Lock = field(default_factory=threading.Lock)
    warming: threading.Thread | None = None
    csrf_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _closed_for_good: bool = False
    _failures: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        require_tokens: bool | None = None,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    ) -> AppState:
        """Open the store of ``settings`` and decide the access policy.

        Tokens are required when asked, or whenever the bind address is not loopback.
        """
        must = (not is_loopback(settings.host)) if require_tokens is None else require_tokens
        if not is_loopback(settings.host):
            must = True
        return cls(settings, Workspace(settings), must, max_upload_bytes)

    @property
    def base(self) -> Store:
        """The workspace's store."""
        return self.ws.store

    @property
    def cache(self) -> ReportCache:
        """Page data cached until the store changes (the workspace's cache)."""
        return self.ws.cache

    @contextmanager
    def using(self) -> Iterator[Workspace]:
        """The workspace, held by this request alone until the block ends."""
        self.reopen()
        with self._busy:
            yield self.ws

    def auth_query(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn`` (plain parameterised SQL only) on the token-checking cursor."""
        self.reopen()
        with self._auth_lock:
            if self._auth is None:
                self._auth = Store(self.base.con.cursor(), self.base.path)
            return fn(self._auth)

    @contextmanager
    def replacing_store(self) -> Iterator[None]:
        """Hold token checks while the store file is replaced (a proven erasure rewrites it),
        then give them a cursor on the new connection."""
        with self._auth_lock:
            try:
                yield
            finally:
                self._auth = None

    def reopen(self) -> None:
        """Open the store again if :meth:`close` closed it (an app may start several times)."""
        with self._lock:
            if self._closed:
                self.ws = Workspace(self.settings)
                self._auth = None
                self._closed = False

    def warm(self, bundled: bool = False) -> list[str]:
        """Compute and cache the overview and each topic's page (default window).

        Each page takes the store on its own, so requests interleave with the warming.

        Args:
            bundled: also the pages of the bundled elections and districts data (at start;
                an import changes nothing there).

        Returns:
            The topics warmed.
        """
        from agorascope.errors import AgorascopeError
        from agorascope.query import list_topics
        from agorascope.report import overview_report

        with self.using() as ws:
            ws.cache.get(ws.store, ("overview",), lambda: overview_report(ws))
            names = [t.name for t in list_topics(ws.store)]
        done = []
        for name in names:
            with self.using() as ws:
                try:
                    ws.reports.cached_topic(name)
                    done.append(name)
                except AgorascopeError:
                    continue  # the page shows the error when someone opens it
        if bundled:
            self._warm_bundled_pages()
        return done

    @staticmethod
    def _warm_bundled_pages() -> None:
        """Compute the elections and districts pages of the bundled data (a first visit
        would otherwise wait for their simulations and the ReCom kernel's compilation)."""
        from agorascope.districts.dashboard import plan_page
        from agorascope.elections.dashboard import cycle_page

        cycle_page(2016)  # called as the routes call them (the caches key on the arguments)
        plan_page("IA_counties")

    def warm_in_background(self, bundled: bool = False) -> threading.Thread:
        """Start :meth:`warm` in a daemon thread."""
        thread = threading.Thread(
            target=self._warm_quietly, args=(bundled,), name="agorascope-warm", daemon=True
        )
        self.warming = thread
        thread.start()
        return thread

    def _warm_quietly(self, bundled: bool) -> None:
        from agorascope.errors import AgorascopeError

        with contextlib.suppress(AgorascopeError):  # the store closed under us at shutdown
            self.warm(bundled)

    def upload_rejects_dir(self) -> Path:
        """The one folder where the rejects files of uploads are kept (created on demand)."""
        folder = self.settings.rejects_folder() / "upload-rejects"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def timeout_for(self, role: Role | None) -> float:
        """The time budget, in seconds, of a request by a caller of ``role`` (0: none)."""
        s = self.settings
        if role is Role.admin and s.query_timeout_admin is not None:
            return s.query_timeout_admin
        return s.query_timeout

    def trusts_local_user(self, host_header: str) -> bool:
        """Whether a caller without a token is the local admin (see :mod:`.security`)."""
        if self.require_tokens or not is_loopback(host_header or ""):
            return False
        if self._closed_for_good:
            return False
        if self.auth_query(tokens_ever_created) == 0:
            return True
        self._closed_for_good = True  # once a token has existed, never anonymous admin again
        return False

    def login_blocked(self, client: str) -> bool:
        """Whether ``client`` (an address) failed to authenticate too often lately."""
        with self._lock:
            recent = self._prune(client)
            return len(recent) >= LOGIN_FAILURES_ALLOWED

    def login_failed(self, client: str) -> None:
        """Count a failed authentication of ``client``."""
        with self._lock:
            self._prune(client).append(time.monotonic())

    def _prune(self, client: str) -> list[float]:
        cutoff = time.monotonic() - LOGIN_WINDOW_SECONDS
        kept = [t for t in self._failures.get(client, []) if t > cutoff]
        if len(self._failures) > 10_000 and client not in self._failures:
            self._failures.clear()  # bounded memory under a spray of addresses
        self._failures[client] = kept
        return kept

    def close(self) -> None:
        """Close the store (the next request opens it again)."""
        with self._lock:
            if not self._closed:
                with self._busy, self._auth_lock:
                    self._auth = None
                    self.ws.close()
                    self._closed = True


def hide_paths(summary: dict[str, Any]) -> dict[str, Any]:
    """An import summary for an HTTP answer: rejects files named by their file name only
    (the folder is the server's business; see :meth:`AppState.upload_rejects_dir`)."""
    for f in summary.get("files", []):
        if f.get("rejects_path"):
            f["rejects_path"] = Path(f["rejects_path"]).name
    return summary
