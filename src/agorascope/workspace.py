"""The Python entry point: :func:`agorascope.open` returns a :class:`Workspace`.

A workspace is the session: the settings, the store file, the read backend (DuckDB or Spark),
the search index and the page cache. Every adapter (CLI, REST API, dashboard) works on one,
and every capability is reachable from it::

    ws.select(topic="it_outage", since="2024-07-19")   # the one resolver of posts
    ws.topics.add("outage", "#itoutage OR crowdstrike")
    ws.search("crowdstrike lang:en", limit=5)
    ws.listen.top_authors(topic="outage", by="reach")  # every registered analysis
    ws.reports.topic("outage")
    ws.elections.forecast(year=2016) ; ws.districts.metrics(...)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from agorascope.collect.pipeline import ImportSummary, OnCommit, import_paths
from agorascope.components import Analyses, Reports, Search, Topics
from agorascope.config import Settings
from agorascope.selection import Selection, select
from agorascope.store.backends import ReadBackend, backend_for
from agorascope.store.stats import overview
from agorascope.store.store import Store
from agorascope.timeutil import Window
from agorascope.watch.collections import Collections
from agorascope.watch.component import Sources
from agorascope.watch.watches import Watches

if TYPE_CHECKING:
    from agorascope.report.cache import ReportCache

__all__ = ["Workspace", "open"]


class Workspace:
    """The session: settings, store, read backend, search index and page cache.

    Attributes:
        settings: the settings it was opened with.
        store: the DuckDB store file.
        topics: saved queries (:class:`~agorascope.components.Topics`).
        search: full-text search (:class:`~agorascope.components.Search`).
        listen: the listening analyses (:class:`~agorascope.components.Analyses`).
        elections: the election analyses.
        districts: the redistricting analyses.
        audience: the audience analyses (lift, overlap, upset).
        voters: the voters analyses (persons, a person, segments, sources, link quality,
            message experiments, budget).
        opendata: public tables (list, show, correlate) and posts per inhabitant by place.
        reports: topic, compare and overview pages and HTML reports.
        sources: followed feeds, pages and sitemaps, and fetch passes.
        watches: watches and their alerts (:class:`~agorascope.watch.watches.Watches`).
        collections: curated collections (:class:`~agorascope.watch.collections.Collections`).

    Examples:
        >>> import agorascope
        >>> with agorascope.open("news.duckdb") as ws:  # doctest: +SKIP
        ...     ws.import_files(["tweets.csv"], format="ira")
        ...     ws.listen.volume(query="#vote", interval="day").to_pandas()
    """

    def __init__(self, settings: Settings, read_only: bool = False, store: Store | None = None):
        self.settings = settings
        self.store = store if store is not None else Store.open(settings.db, read_only=read_only)
        self._backend: ReadBackend | None = None
        self._cache: ReportCache | None = None
        self.on_commit: list[OnCommit] = []
        self.topics = Topics(self)
        self.search = Search(self)
        self.reports = Reports(self)
        self.listen = Analyses(self, "listen")
        self.elections = Analyses(self, "elections")
        self.districts = Analyses(self, "districts")
        self.audience = Analyses(self, "audience")
        self.voters = Analyses(self, "voters")
        self.opendata = Analyses(self, "opendata")
        self.sources = Sources(self)
        self.watches = Watches(self)
        self.collections = Collections(self.store)

    @property
    def backend(self) -> ReadBackend:
        """The read engine chosen in the settings (DuckDB by default, or Spark)."""
        if self._backend is None:
            self._backend = backend_for(self.settings, self.store)
        return self._backend

    @property
    def cache(self) -> ReportCache:
        """Page data cached until the store changes."""
        if self._cache is None:
            from agorascope.report.cache import ReportCache

            self._cache = ReportCache()
        return self._cache

    @property
    def index_dir(self) -> Path:
        """The folder of the full-text index beside the store."""
        return self.settings.index_dir

    def select(
        self,
        topic_or_query: str | None = None,
        *,
        topic: str | None = None,
        query: str | None = None,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        window: Window | None = None,
        use_index: bool = False,
    ) -> Selection:
        """The posts of a saved topic or a query, and a time window.

        The one resolver used by every adapter (rules in :mod:`agorascope.selection`).

        Args:
            topic_or_query: a topic's name if one has it, else a boolean query.
            topic: a saved topic's name (unknown names are an error).
            query: a boolean query.
            since: window start (a date means its first instant, UTC).
            until: window end (a date includes that day; a time is exclusive).
            window: a ready :class:`~agorascope.timeutil.Window` instead of since/until.
            use_index: let the full-text index find the posts (DuckDB only).

        Raises:
            NotFoundError: ``topic`` is not saved.
            QuerySyntaxError: the query does not parse.
            InvalidInputError: both a topic and a query, or a bad window.
        """
        return select(
            self, topic_or_query, topic=topic, query=query, since=since, until=until,
            window=window, use_index=use_index,
        )  # fmt: skip

    def import_files(
        self,
        paths: Sequence[str | Path],
        format: str | None = None,
        mapping: Mapping[str, str] | None = None,
        progress: bool = False,
        index: bool = True,
        names: Mapping[Path, str] | None = None,
        date_formats: Mapping[str, str] | None = None,
    ) -> ImportSummary:
        """Import files (see :func:`agorascope.collect.pipeline.import_paths`).

        Args:
            paths: files or cascade-tree folders.
            format: preset name, detected when None.
            mapping: canonical field -> source column (the ``mapping`` preset).
            progress: show progress bars.
            index: keep the full-text index beside the store up to date, batch by batch
                (without it, the index catches up at the next search or ``index --check``).
            names: the name to show for a path (an upload's own file name, not the server's
                temporary path) in summaries, rejects and errors.
            date_formats: date field -> declared format (``--date-format``).
        """
        return import_paths(
            self.store,
            paths,
            format=format,
            mapping=mapping,
            settings=self.settings,
            progress=progress,
            on_commit=self.commit_listener(index=index),
            names=names,
            date_formats=date_formats,
        )

    def commit_listener(self, *, index: bool, busy_index_ok: bool = False) -> OnCommit | None:
        """What to call with each batch of posts a writer commits: :attr:`on_commit`, then the
        search index when ``index``.

        Args:
            index: update the full-text index beside the store.
            busy_index_ok: when another writer holds the index, skip it (it catches up at the
                next search or import) instead of failing.

        Returns:
            The listener, or None when there is nothing to call.
        """
        listeners = list(self.on_commit)
        if index:
            from agorascope.errors import StoreError
            from agorascope.query import index_posts

            store, folder = self.store, self.settings.index_dir

            def update_index(batch: Any) -> None:
                try:
                    index_posts(store, batch, index_dir=folder)
                except StoreError:
                    if not busy_index_ok:
                        raise

            listeners.append(update_index)

        def notify(table: Any) -> None:
            for listener in listeners:
                listener(table)

        return notify if listeners else None

    def posts(self) -> ir.Table:
        """All posts with their author columns, as an Ibis table on the read backend."""
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
