"""What the dashboard pages and the HTML reports show, gathered from :mod:`agorascope.listen`.

Pages and reports call the same functions, so a report sent to readers shows exactly what the
analyst saw. Every value is JSON-ready (see :meth:`TopicReport.to_dict`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from agorascope import listen
from agorascope._json import plain, records
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.listen.cascades import forest_metrics
from agorascope.query import filter_posts, list_topics, parse
from agorascope.query.ast import Keyword, NumberCompare, walk
from agorascope.report.sentiment_charts import sentiment_section
from agorascope.report.tree import CascadeTree, cascade_tree
from agorascope.selection import Selection
from agorascope.store import run, to_pandas
from agorascope.store.stats import overview
from agorascope.timeutil import Window

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = [
    "CompareReport",
    "PageWindow",
    "TopicReport",
    "compare_report",
    "default_window",
    "overview_report",
    "spike_rows",
    "topic_report",
]

PAGE_COLUMNS = (
    "platform", "id", "author_id", "created_at", "text", "lang", "country", "parent_id",
    "root_id", "relation", "likes", "reposts", "replies", "views", "hashtags",
    "author_handle", "author_followers",
)  # fmt: skip
"""The ``post_view`` columns the topic page reads (the others are not copied to its scan)."""

MAX_WINDOW_HOURS = 24 * 10
"""Longest window shown hour by hour; longer windows are cut by day, then by week."""


@dataclass(frozen=True)
class PageWindow:
    """What a page shows: a closed UTC window ``[since, until)`` and its timeline's interval."""

    since: datetime
    until: datetime
    interval: str

    @property
    def last_day(self) -> str:
        """The last day the window holds, ISO: as an ``until`` it shows the window again."""
        return (self.until - timedelta(microseconds=1)).date().isoformat()

    def to_dict(self) -> dict[str, Any]:
        """ISO strings."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "interval": self.interval,
        }


def _auto_interval(span: timedelta) -> str:
    if span <= timedelta(hours=MAX_WINDOW_HOURS):
        return "hour"
    if span <= timedelta(days=400):
        return "day"
    return "week"


def default_window(
    posts: ir.Table,
    since: datetime | date | str | None = None,
    until: datetime | date | str | None = None,
    interval: str | None = None,
) -> PageWindow:
    """The window to show: the given ends, else the posts' own span padded to whole days.

    The ends follow :class:`agorascope.timeutil.Window` (a date ``until`` includes its day).
    One day before the first post is included so that a burst at the very start of a topic
    has a quiet baseline to stand out against.

    Raises:
        InvalidInputError: ``since`` is not before ``until``, or a bad date.
    """
    given = Window.of(since, until)
    lo, hi = given.since, given.until
    if lo is None or hi is None:
        row = run(posts.aggregate(a=posts.created_at.min(), b=posts.created_at.max()))
        first, last = row["a"][0].as_py(), row["b"][0].as_py()
        now = datetime.now(UTC).replace(tzinfo=None)
        first = first or now
        last = last or now
        if lo is None:
            lo = datetime(first.year, first.month, first.day) - timedelta(days=1)
        if hi is None:
            hi = datetime(last.year, last.month, last.day) + timedelta(days=1)
            hi = max(hi, lo + timedelta(days=1))
    if lo >= hi:
        raise InvalidInputError(f"since ({lo.isoformat()}) must be before until ({hi.isoformat()})")
    if interval is not None and interval not in listen.INTERVALS:
        raise InvalidInputError(f"interval must be one of {', '.join(listen.INTERVALS)}")
    return PageWindow(lo, hi, interval or _auto_interval(hi - lo))


@dataclass
class TopicReport:
    """Everything the topic page shows (see :func:`topic_report`)."""

    name: str
    query: str
    description: str | None
    is_topic: bool
    window: PageWindow
    summary: dict[str, Any]
    volume: list[dict[str, Any]]
    spikes: list[dict[str, Any]]
    share_of_voice: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    platforms: list[dict[str, Any]]
    tiers: list[dict[str, Any]]
    top_authors: list[dict[str, Any]]
    hashtags: list[dict[str, Any]]
    cascades: list[dict[str, Any]]
    cascade: CascadeTree | None
    sentiment: dict[str, Any] | None = None
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).replace(microsecond=0).isoformat()
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        out = asdict(self)
        out["window"] = self.window.to_dict()
        out["cascade"] = self.cascade.to_dict() if self.cascade else None
        return plain(out)  # type: ignore[no-any-return]


def spike_rows(spikes: list[listen.Spike]) -> list[dict[str, Any]]:
    """The spikes as the topic page shows them: their values, a one-sentence summary of what
    drove each one and its first post (also what a spike alert carries)."""
    out = []
    for s in spikes:
        d = s.to_dict()
        e = s.explanation
        d["summary"] = _explain(s)
        d["first_post"] = e.first_post if e else None
        out.append(plain(d))
    return out


def _explain(s: listen.Spike) -> str:
    """One sentence saying what drove a spike (its top hashtags, terms and first post)."""
    e = s.explanation
    parts = [f"{s.posts:,} posts from {s.start:%Y-%m-%d %H:%M} (peak {s.peak_posts:,})"]
    if e is not None:
        tags = ", ".join("#" + h["hashtag"] for h in e.hashtags[:3])
        terms = ", ".join(t["term"] for t in e.terms[:5])
        if tags:
            parts.append(f"hashtags {tags}")
        if terms:
            parts.append(f"words {terms}")
        if e.first_post and e.first_post.get("author_handle"):
            parts.append(f"first post by @{e.first_post['author_handle']}")
    return "; ".join(parts)


def _needs_authors(query: str) -> bool:
    """Whether a query tests an author column (``author:``, ``followers:``)."""
    return any(
        isinstance(n, Keyword | NumberCompare) and n.column.startswith("author_")
        for n in walk(parse(query))
    )


def _share_of_voice(
    ws: Workspace, sel: Selection, w: PageWindow, use_index: bool
) -> list[dict[str, Any]]:
    tables: dict[str, ir.Table] = {}
    if not sel.is_topic:
        tables[sel.name] = sel.posts
    for t in list_topics(ws.store):
        if t.name == sel.name:
            tables[t.name] = sel.posts
        elif not use_index and not _needs_authors(t.query):
            # only counted: the posts table alone answers, without joining the authors
            tables[t.name] = filter_posts(ws.backend.table("posts"), t.query)
        else:
            tables[t.name] = ws.select(topic=t.name, use_index=use_index).posts
    interval = "day" if w.interval == "hour" else w.interval
    return records(listen.share_of_voice(tables, w.since, w.until, interval=interval))


def _cascades(
    sel: Selection, w: PageWindow, cascade: str | None, limit: int
) -> tuple[list[dict[str, Any]], CascadeTree | None]:
    forest = listen.build_cascades(sel.posts, w.since, w.until, min_size=2)
    metrics = forest_metrics(forest)
    shown = metrics.head(limit)
    if not len(metrics):
        return [], None
    if cascade:
        platform, _, root_id = cascade.partition(":")
        hit = metrics[(metrics["platform"] == platform) & (metrics["root_id"] == root_id)]
        if not len(hit):
            raise NotFoundError(f"no cascade {cascade!r} in this topic and window")
        row = hit.iloc[0]
    else:
        row = metrics.iloc[0]
    tree = cascade_tree(sel.posts, forest, str(row["platform"]), str(row["root_id"]))
    tree.metrics = plain({str(k): v for k, v in row.items()})
    return records(shown), tree


def topic_report(
    ws: Workspace,
    topic_or_query: str | None = None,
    *,
    topic: str | None = None,
    query: str | None = None,
    since: datetime | date | str | None = None,
    until: datetime | date | str | None = None,
    interval: str | None = None,
    cascade: str | None = None,
    top: int = 10,
    cascades: int = 20,
    use_index: bool = False,
) -> TopicReport:
    """The topic page: timeline with explained spikes, share of voice, breakdowns, cascades.

    Args:
        ws: the workspace.
        topic_or_query: a saved topic's name or a boolean query (or give ``topic``/``query``).
        topic: a saved topic's name (unknown names are an error).
        query: a boolean query.
        since: window start (default: one day before the first post).
        until: window end: a date includes that day, a date and time is excluded (default:
            the end of the last post's day).
        interval: timeline interval (default: hour up to 10 days, then day, then week).
        cascade: ``platform:root_id`` of the cascade to draw (default: the largest).
        top: rows in each breakdown.
        cascades: rows in the cascade table.
        use_index: let the full-text index select the posts.

    Raises:
        QuerySyntaxError: neither a topic nor a valid query.
        NotFoundError: an unknown ``topic``, or ``cascade`` is not in the window.
    """
    if not (topic_or_query or topic or query):
        raise InvalidInputError("give a topic name or a query")
    sel = ws.select(topic_or_query, topic=topic, query=query, use_index=use_index)
    # One scan of the store: every analysis below reads the topic's posts from a temp table,
    # all of them when the window is open-ended, else the window, the equal period before it
    # (the summary compares the two) and the baseline intervals spike detection reads.
    posts = sel.posts
    given = Window.of(since, until)
    if given.since is not None and given.until is not None:
        shown = default_window(posts, given.since, given.until, interval)  # reads no posts
        start = min(
            shown.since - (shown.until - shown.since),
            listen.spike_lookback(shown.since, shown.interval),
        )
        posts = posts.filter((posts.created_at >= start) & (posts.created_at < shown.until))
    elif given.until is not None:
        posts = posts.filter(posts.created_at < given.until)
    scan = posts.select(*[c for c in PAGE_COLUMNS if c in posts.columns]).cache()
    try:
        w = default_window(scan, given.since, given.until, interval)
        lo, hi = w.since, w.until
        p = scan.filter((scan.created_at >= lo) & (scan.created_at < hi))
        sel_w = Selection(
            sel.name, sel.query, sel.description, sel.is_topic, Window(lo, hi), p,
            sel.all_posts, sel.backend,
        )  # fmt: skip
        summary = listen.volume_summary(scan, lo, hi)
        vol = listen.volume(p, lo, hi, interval=w.interval)
        spikes = listen.detect_spikes(scan, lo, hi, interval=w.interval)
        cascade_rows, tree = _cascades(sel_w, w, cascade, cascades)
        return TopicReport(
            name=sel.name,
            query=sel.query or "",
            description=sel.description,
            is_topic=sel.is_topic,
            window=w,
            summary=plain(asdict(summary)),
            volume=records(vol),
            spikes=spike_rows(spikes),
            share_of_voice=_share_of_voice(ws, sel_w, w, use_index),
            countries=records(listen.breakdown(p, "country", lo, hi, limit=None)),
            languages=records(listen.breakdown(p, "lang", lo, hi, limit=top)),
            platforms=records(listen.breakdown(p, "platform", lo, hi, limit=top)),
            tiers=records(listen.amplifier_tiers(p, lo, hi)),
            top_authors=records(listen.top_authors(p, lo, hi, by="posts", n=top)),
            hashtags=records(listen.top_hashtags(p, lo, hi, n=top)),
            cascades=cascade_rows,
            cascade=tree,
            sentiment=sentiment_section(p, lo, hi, w.interval, spikes, summary.posts),
        )
    finally:
        scan.release()


@dataclass
class CompareReport:
    """Several topics side by side (see :func:`compare_report`)."""

    names: list[str]
    window: PageWindow
    summaries: list[dict[str, Any]]
    volume: list[dict[str, Any]]
    share_of_voice: list[dict[str, Any]]
    tiers: list[dict[str, Any]]
    countries: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        out = asdict(self)
        out["window"] = self.window.to_dict()
        return plain(out)  # type: ignore[no-any-return]


def compare_report(
    ws: Workspace,
    topics: list[str],
    since: datetime | date | str | None = None,
    until: datetime | date | str | None = None,
    *,
    interval: str | None = None,
    use_index: bool = False,
) -> CompareReport:
    """Volume, share of voice, tiers and countries of several topics over one window.

    Raises:
        InvalidInputError: fewer than two or more than eight topics, or a repeated one.
    """
    names = [t.strip() for t in topics if t and t.strip()]
    if len(names) < 2 or len(names) > 8:
        raise InvalidInputError("compare needs between 2 and 8 topics")
    if len(set(names)) != len(names):
        raise InvalidInputError("each topic may be compared once")
    sels = [ws.select(n, use_index=use_index) for n in names]
    union = sels[0].posts
    for s in sels[1:]:
        union = union.union(s.posts)
    w = default_window(union, since, until, interval)
    interval_ = "day" if w.interval == "hour" and (w.until - w.since).days > 3 else w.interval
    summaries: list[dict[str, Any]] = []
    vols: list[dict[str, Any]] = []
    tiers: list[dict[str, Any]] = []
    countries: list[dict[str, Any]] = []
    for s in sels:
        summary = listen.volume_summary(s.posts, w.since, w.until)
        summaries.append({"topic": s.name, "query": s.query or "", **plain(asdict(summary))})
        v = listen.volume(s.posts, w.since, w.until, interval=interval_)
        vols.extend({"topic": s.name, **r} for r in records(v))
        tiers.extend(
            {"topic": s.name, **r}
            for r in records(listen.amplifier_tiers(s.posts, w.since, w.until))
        )
        top = listen.breakdown(s.posts, "country", w.since, w.until, limit=8)
        countries.extend({"topic": s.name, **r} for r in records(top))
    sov = listen.share_of_voice(
        {s.name: s.posts for s in sels}, w.since, w.until, interval=interval_
    )
    return CompareReport(
        names,
        PageWindow(w.since, w.until, interval_),
        summaries,
        vols,
        records(sov),
        tiers,
        countries,
    )


def overview_report(ws: Workspace, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    """The overview page: the store's statistics, its data sources and its topics with counts.

    Args:
        ws: the workspace.
        stats: the workspace statistics (default: :func:`agorascope.store.stats.overview` on
            the workspace's backend).
    """
    store = ws.store
    if stats is None:
        stats = overview(ws.backend)
    sources = store.table("imports")
    srcs = store.table("sources")
    joined = sources.join(srcs, sources.source_id == srcs.id).select(
        name=srcs.name,
        kind=srcs.kind,
        format=sources.format,
        finished_at=sources.finished_at,
        status=sources.status,
        imported=sources.imported,
        duplicates=sources.duplicates,
        rejected=sources.rejected,
    )
    imports = records(to_pandas(joined.order_by(ibis.desc("finished_at")).limit(50)))
    topics = []
    for t in list_topics(store):
        n = run(ws.select(topic=t.name).posts.count()).as_py()
        topics.append({**t.to_dict(), "posts": int(n)})
    return {"stats": plain(stats), "imports": imports, "topics": topics}
