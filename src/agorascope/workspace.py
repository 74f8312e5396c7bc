"""The Python entry point: :func:`agorascope.open` returns a :class:`Workspace`.

A workspace is a store file plus the settings that go with it; every capability of the
command line is a method here (the CLI is a thin layer over these).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from agorascope.collect.pipeline import ImportSummary, OnCommit, import_paths
from agorascope.config import Settings
from agorascope.store.backends import ReadBackend, backend_for
from agorascope.store.stats import overview
from agorascope.store.store import Store

__all__ = ["Workspace", "open"]


class Workspace:
    """A store and its settings.

    Examples:
        >>> import agorascope
        >>> with agorascope.open("news.duckdb") as ws:  # doctest: +SKIP
        ...     ws.import_files(["tweets.csv"], format="ira")
        ...     ws.stats()["posts"]
    """

    def __init__(self, settings: Settings, read_only: bool = False):
        self.settings = settings
        self.store = Store.open(settings.db, read_only=read_only)
        self._backend: ReadBackend | None = None
        self.on_commit: list[OnCommit] = []

    @property
    def backend(self) -> ReadBackend:
        """The read engine chosen in the settings (DuckDB by default)."""
        if self._backend is None:
            self._backend = backend_for(self.settings, self.store)
        return self._backend

    def import_files(
        self,
        paths: Sequence[str | Path],
        format: str | None = None,
        mapping: Mapping[str, str] | None = None,
        progress: bool = False,
        index: bool = True,
    ) -> ImportSummary:
        """Import files (see :func:`agorascope.collect.pipeline.import_paths`).

        Args:
            paths: files or cascade-tree folders.
            format: preset name, detected when None.
            mapping: canonical field -> source column (the ``mapping`` preset).
            progress: show progress bars.
            index: keep the full-text index beside the store up to date, batch by batch
                (without it, the index catches up at the next search or ``index --check``).
        """
        listeners = list(self.on_commit)
        if index:
            from agorascope.query import index_posts

            store, folder = self.store, self.settings.index_dir

            def update_index(batch: Any) -> None:
                index_posts(store, batch, index_dir=folder)

            listeners.append(update_index)

        def notify(table: Any) -> None:
            for listener in listeners:
                listener(table)

        return import_paths(
            self.store,
            paths,
            format=format,
            mapping=mapping,
            settings=self.settings,
            progress=progress,
            on_commit=notify if listeners else None,
        )

    def posts(self) -> ir.Table:
        """All posts with their author columns, as an Ibis table."""
        return self.backend.posts()

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Overview counts and breakdowns (see :func:`agorascope.store.stats.overview`)."""
        return overview(self.backend, top=top)

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(
    path: str | Path | None = None, settings: Settings | None = None, read_only: bool = False
) -> Workspace:
    """Open (or create) the workspace whose store is ``path``.

    Args:
        path: the store file; defaults to the settings' ``db`` (``./agorascope.duckdb``).
        settings: explicit settings (else read from ``AGORASCOPE_*`` variables).
        read_only: open without the right to write (several readers may share a file).
    """
    settings = settings or Settings()
    if path is not None:
        settings = settings.model_copy(update={"db": Path(path)})
    return Workspace(settings, read_only=read_only)
