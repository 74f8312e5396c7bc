"""The parts of a :class:`~agorascope.Workspace`: topics, search, reports and analyses.

Each component holds the workspace and calls the domain packages; none holds logic of its own
beyond choosing the workspace's store, backend and index for them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agorascope import registry

if TYPE_CHECKING:
    from agorascope.query.search import SearchResults, Sort
    from agorascope.query.topics import Topic
    from agorascope.report.data import CompareReport, TopicReport
    from agorascope.workspace import Workspace

__all__ = ["Analyses", "Reports", "Search", "Topics"]

When = datetime | date | str | None


class Topics:
    """Saved queries (``ws.topics``)."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def list(self) -> list[Topic]:
        """Every topic, by name."""
        from agorascope.query.topics import list_topics

        return list_topics(self._ws.store)

    def get(self, name: str) -> Topic:
        """The topic ``name`` (:class:`NotFoundError` with close names if there is none)."""
        from agorascope.query.topics import get_topic

        return get_topic(self._ws.store, name)

    def add(
        self,
        name: str,
        query: str,
        description: str | None = None,
        *,
        replace: bool = False,
        tags: Sequence[str] | str | None = None,
    ) -> Topic:
        """Save ``query`` as ``name`` (see :func:`agorascope.query.add_topic`)."""
        from agorascope.query.topics import add_topic

        return add_topic(self._ws.store, name, query, description, replace=replace, tags=tags)

    def update(
        self,
        name: str,
        query: str,
        description: str | None = None,
        *,
        tags: Sequence[str] | str | None = None,
        new_name: str | None = None,
    ) -> Topic:
        """Change (and rename) a topic (see :func:`agorascope.query.topics.update_topic`)."""
        from agorascope.query.topics import update_topic

        return update_topic(self._ws.store, name, query, description, tags=tags, new_name=new_name)

    def preview(
        self, query: str, since: When = None, until: When = None, *, sample: int = 5
    ) -> dict[str, Any]:
        """What ``query`` selects before it is saved: count and newest posts (see
        :func:`agorascope.report.topics.topic_preview`)."""
        from agorascope.report.topics import topic_preview

        return topic_preview(self._ws, query, since, until, sample=sample)

    def remove(self, name: str) -> None:
        """Delete the topic ``name``."""
        from agorascope.query.topics import remove_topic

        remove_topic(self._ws.store, name)

    def __iter__(self) -> Any:
        return iter(self.list())


class Search:
    """Full-text search over the index beside the store (``ws.search(...)``)."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def __call__(
        self,
        query: str,
        *,
        limit: int = 20,
        sort: Sort = "relevance",
        snippets: bool = True,
        use_index: bool = True,
    ) -> SearchResults:
        """The total and the first ``limit`` posts matching ``query`` (see
        :func:`agorascope.query.search`)."""
        from agorascope.query.search import search

        return search(
            self._ws.store, query, limit=limit, sort=sort, snippets=snippets,
            use_index=use_index, index_dir=self._ws.index_dir,
        )  # fmt: skip

    def count(self, query: str, *, use_index: bool = True) -> int:
        """How many posts match ``query``."""
        from agorascope.query.search import count

        return count(self._ws.store, query, use_index=use_index, index_dir=self._ws.index_dir)

    def check(self, *, repair: bool = False) -> Any:
        """Compare the index with the store batch by batch; with ``repair``, fix it."""
        from agorascope.query.search import check_index

        return check_index(self._ws.store, repair=repair, index_dir=self._ws.index_dir)

    def rebuild(self) -> int:
        """Index every post again; returns the number indexed."""
        from agorascope.query.search import rebuild_index

        return rebuild_index(self._ws.store, index_dir=self._ws.index_dir)


class Reports:
    """The dashboard's pages and the HTML reports (``ws.reports``)."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def topic(
        self,
        topic_or_query: str | None = None,
        *,
        topic: str | None = None,
        query: str | None = None,
        since: When = None,
        until: When = None,
        **options: Any,
    ) -> TopicReport:
        """What the topic page shows (see :func:`agorascope.report.topic_report`)."""
        from agorascope.report.data import topic_report

        return topic_report(
            self._ws, topic_or_query, topic=topic, query=query, since=since, until=until,
            **options,
        )  # fmt: skip

    def cached_topic(
        self,
        name: str,
        since: When = None,
        until: When = None,
        cascade: str | None = None,
        *,
        tz: str = "UTC",
        compare: bool = False,
    ) -> TopicReport:
        """The saved topic's page data, computed once per store state (the dashboard's cache).

        Raises:
            NotFoundError: ``name`` is not a saved topic (checked before anything is cached).
        """
        self._ws.topics.get(name)
        since, until, tz = since or None, until or None, tz or "UTC"
        key = ("topic", name, since, until, cascade, tz, compare)
        return self._ws.cache.get(
            self._ws.store,
            key,
            lambda: self.topic(
                topic=name, since=since, until=until, cascade=cascade, tz=tz, compare=compare
            ),
        )

    def compare(
        self, topics: list[str], *, since: When = None, until: When = None, **options: Any
    ) -> CompareReport:
        """Several topics side by side (see :func:`agorascope.report.compare_report`)."""
        from agorascope.report.data import compare_report

        return compare_report(self._ws, topics, since, until, **options)

    def overview(self) -> dict[str, Any]:
        """The overview page's data: statistics, imports, topics with counts."""
        from agorascope.report.data import overview_report

        return overview_report(self._ws)

    def write(
        self,
        out: str | Path,
        topic_or_query: str | None = None,
        *,
        topic: str | None = None,
        query: str | None = None,
        since: When = None,
        until: When = None,
    ) -> Path:
        """Write a topic's self-contained HTML report to ``out`` (recorded in the export
        registry, so that an erasure finds it); returns the path."""
        from agorascope.report.render import write_report
        from agorascope.store.export import record_export

        report = self.topic(topic_or_query, topic=topic, query=query, since=since, until=until)
        path = write_report(report, out)
        record_export(self._ws.store, "report", path, None, pseudonymised=False)
        return path


def _keyword(name: str) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str")


_HEAD = {
    "selection": [_keyword(n) for n in ("topic", "query", "since", "until")],
    "window": [_keyword(n) for n in ("since", "until")],
    "workspace": [],
}


class Analyses:
    """The registered analyses of one domain as methods (``ws.listen.volume(...)``).

    Each method takes the selection (``topic=``/``query=``, ``since=``/``until=``) when the
    analysis needs one, then the analysis's own parameters by name, and returns a
    :class:`~agorascope.registry.Result` (``.rows``, ``.to_pandas()``, ``.meta``).
    """

    def __init__(self, ws: Workspace, domain: str):
        self._ws = ws
        self._domain = domain
        self._methods: dict[str, Callable[..., registry.Result]] = {}

    def names(self) -> list[str]:
        """The Python names of this domain's analyses."""
        return [a.attr for a in registry.analyses(self._domain)]

    def run(
        self,
        name: str,
        *,
        topic: str | None = None,
        query: str | None = None,
        since: When = None,
        until: When = None,
        progress: bool = False,
        **params: Any,
    ) -> registry.Result:
        """Run the analysis ``name`` (``top-authors`` or ``top_authors``).

        Raises:
            NotFoundError: no such analysis, or an unknown topic.
            InvalidInputError: a bad parameter or window.
        """
        from agorascope.errors import InvalidInputError

        spec = registry.get(self._domain, name)
        sel = None
        if spec.needs == "selection":
            sel = self._ws.select(topic=topic, query=query, since=since, until=until)
        elif topic or query:
            raise InvalidInputError(f"{spec.domain} {spec.name} takes no topic or query")
        elif spec.needs == "window":
            sel = self._ws.select(since=since, until=until)
        elif since or until:
            raise InvalidInputError(f"{spec.domain} {spec.name} takes no time window")
        return registry.run(spec, self._ws, params, selection=sel, progress=progress)

    def _method(self, spec: registry.Analysis) -> Callable[..., registry.Result]:
        def method(**kwargs: Any) -> registry.Result:
            return self.run(spec.name, **kwargs)

        fields = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.annotation
            )
            for name, f in spec.params.model_fields.items()
        ]
        method.__signature__ = inspect.Signature([*_HEAD[spec.needs], *fields])  # type: ignore[attr-defined]
        method.__name__ = spec.attr
        method.__doc__ = f"{spec.summary}\n\n{spec.description}".strip()
        return method

    def __getattr__(self, name: str) -> Callable[..., registry.Result]:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._methods:
            from agorascope.errors import NotFoundError

            try:
                spec = registry.get(self._domain, name)
            except NotFoundError as e:
                raise AttributeError(str(e)) from e
            self._methods[name] = self._method(spec)
        return self._methods[name]

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.names()})
