"""``ws.sources``: followed sources and fetch passes, on a workspace."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agorascope.errors import StoreError
from agorascope.watch.fetcher import FetchSummary, fetch_pass
from agorascope.watch.sources import Source

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["Sources"]


class Sources:
    """Feeds, pages and sitemaps the workspace follows (``ws.sources``).

    Examples:
        >>> ws.sources.add("https://blog.python.org/feeds/posts/default")  # doctest: +SKIP
        >>> ws.sources.fetch().new_items  # doctest: +SKIP
    """

    def __init__(self, ws: Workspace):
        self._ws = ws

    @property
    def _private(self) -> bool:
        return self._ws.settings.allow_private_networks

    def add(
        self,
        url: str,
        *,
        kind: str = "feed",
        every: str | int = "30m",
        name: str | None = None,
        query: str | None = None,
    ) -> Source:
        """Follow a URL (see :func:`agorascope.watch.sources.add_source`)."""
        from agorascope.watch.sources import add_source

        return add_source(
            self._ws.store, url, kind=kind, every=every, name=name, query=query,
            allow_private=self._private,
        )  # fmt: skip

    def list(self) -> builtins.list[Source]:
        """Every followed source."""
        from agorascope.watch.sources import list_sources

        return list_sources(self._ws.store)

    def get(self, ref: int | str) -> Source:
        """A source by id or name."""
        from agorascope.watch.sources import get_source

        return get_source(self._ws.store, ref)

    def remove(self, ref: int | str) -> Source:
        """Stop following a source (its posts stay)."""
        from agorascope.watch.sources import remove_source

        return remove_source(self._ws.store, ref)

    def enable(self, ref: int | str) -> Source:
        """Re-enable a disabled source."""
        from agorascope.watch.sources import enable_source

        return enable_source(self._ws.store, ref)

    def import_opml(self, path: str | Path) -> builtins.list[Source]:
        """Follow every source an OPML file lists."""
        from agorascope.watch.opml import import_opml

        return import_opml(self._ws.store, path, allow_private=self._private)

    def export_opml(self) -> str:
        """The followed sources as OPML text."""
        from agorascope.watch.opml import export_opml

        return export_opml(self._ws.store)

    def fetch(
        self,
        *,
        sources: Sequence[int | str] | None = None,
        all: bool = False,
        index: bool = True,
        now: datetime | None = None,
    ) -> FetchSummary:
        """One fetch pass (see :func:`agorascope.watch.fetcher.fetch_pass`).

        Args:
            sources: ids or names to fetch now, due or not.
            all: fetch every enabled source, due or not.
            index: keep the full-text index up to date with added and edited posts.
            now: the pass's time (UTC); default the clock.
        """
        store, folder = self._ws.store, self._ws.index_dir
        listeners = list(self._ws.on_commit)
        if index:
            from agorascope.query import index_posts

            def update_index(batch: Any) -> None:
                # a busy index (another writer) catches up at the next search or import
                with contextlib.suppress(StoreError):
                    index_posts(store, batch, index_dir=folder)

            listeners.append(update_index)

        def notify(batch: Any) -> None:
            for listener in listeners:
                listener(batch)

        return fetch_pass(
            store, self._ws.settings, sources=sources, all=all, now=now,
            on_change=notify if listeners else None,
        )  # fmt: skip
