"""What one running app holds: settings, the store, access policy and the page-data cache."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from agorascope.api.security import active_tokens, is_loopback
from agorascope.config import Settings
from agorascope.report.cache import ReportCache
from agorascope.store.store import Store

__all__ = ["DEFAULT_MAX_UPLOAD", "AppState"]

DEFAULT_MAX_UPLOAD = 256 * 2**20
"""Largest accepted upload body, in bytes (256 MiB)."""


@dataclass
class AppState:
    """The state of one app (see :func:`agorascope.api.create_app`).

    Attributes:
        settings: the settings it was built with.
        base: the store opened at start; each worker thread reads through its own cursor.
        require_tokens: every non-public route needs a token, even from loopback.
        max_upload_bytes: upload size limit.
        cache: page data cached until the store changes.
    """

    settings: Settings
    base: Store
    require_tokens: bool
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    cache: ReportCache = field(default_factory=ReportCache)
    _local: threading.local = field(default_factory=threading.local)
    _generation: int = 0
    _closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
        return cls(settings, Store.open(settings.db), must, max_upload_bytes)

    def store(self) -> Store:
        """A store on this thread's own cursor of the shared connection."""
        self.reopen()
        store: Store | None = getattr(self._local, "store", None)
        if store is None or getattr(self._local, "generation", -1) != self._generation:
            store = Store(self.base.con.cursor(), self.base.path)
            self._local.store = store
            self._local.generation = self._generation
        return store

    def reopen(self) -> None:
        """Open the store again if :meth:`close` closed it (an app may start several times)."""
        with self._lock:
            if self._closed:
                self.base = Store.open(self.settings.db)
                self._generation += 1
                self._closed = False

    def trusts_local_user(self, host_header: str) -> bool:
        """Whether a caller without a token is the local admin (see :mod:`.security`)."""
        if self.require_tokens or not is_loopback(host_header or ""):
            return False
        return active_tokens(self.store()) == 0

    def close(self) -> None:
        """Close the store (the next request opens it again)."""
        with self._lock:
            if not self._closed:
                self.base.close()
                self._closed = True
