"""What the dashboard pages and the HTML reports show, gathered from :mod:`agorascope.listen`.

Pages and reports call the same functions, so a report sent to readers shows exactly what the
analyst saw. Every value is JSON-ready (see :meth:`TopicReport.to_dict`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
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
from agorascope.report.timecontrols import check_zone, local, wall_to_utc, zoned
from agorascope.report.topics import topics_by_tag
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
    """What a page shows: a closed UTC window ``[since, until)``, its timeline's interval and
    the time zone its intervals are cut and its times shown in."""

    since: datetime
    until: datetime
    interval: str
    tz: str = "UTC"

    @property
    def local_since(self) -> datetime:
        """``since`` as wall-clock time in the page's zone."""
        return local(self.since, self.tz)

    @property
    def local_until(self) -> datetime:
        """``until`` (excluded) as wall-clock time in the page's zone."""
        return local(self.until, self.tz)

    @property
    def previous(self) -> PageWindow:
        """The window of equal length just before this one."""
        return PageWindow(
            self.since - (self.until - self.since), self.since, self.interval, self.tz
        )

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
            "tz": self.tz,
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
    *,
    tz: str = "UTC",
) -> PageWindow:
    """The window to show: the given ends, else the posts' own span padded to whole days.

    The ends follow :class:`agorascope.timeutil.Window` (a date ``until`` includes its day),
    read in ``tz`` when they carry no offset (:func:`agorascope.report.timecontrols.zoned`);
    the padding is to whole days of ``tz``. One day before the first post is included so that
    a burst at the very start of a topic has a quiet baseline to stand out against.

    Raises:
        InvalidInputError: ``since`` is not before ``until``, a bad date or an unknown zone.
    """
    tz = check_zone(tz)
    given = Window.of(zoned(since, tz), zoned(until, tz, end=True))
    lo, hi = given.since, given.until
    if lo is None or hi is None:
        row = run(posts.aggregate(a=posts.created_at.min(), b=posts.created_at.max()))
        first, last = row["a"][0].as_py(), row["b"][0].as_py()
        now = datetime.now(UTC).replace(tzinfo=None)
        first = local(first or now, tz)
        last = local(last or now, tz)
        if lo is None:
            lo = wall_to_utc(datetime(first.year, first.month, first.day) - timedelta(days=1), tz)
        if hi is None:
            hi = wall_to_utc(datetime(last.year, last.month, last.day) + timedelta(days=1), tz)
            hi = max(hi, lo + timedelta(days=1))
    if lo >= hi:
        raise InvalidInputError(f"since ({lo.isoformat()}) must be before until ({hi.isoformat()})")
    if interval is not None and interval not in listen.INTERVALS:
        raise InvalidInputError(f"interval must be one of {', '.join(listen.INTERVALS)}")
    return PageWindow(lo, hi, interval or _auto_interval(hi - lo), tz)


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
    previous: dict[str, Any] | None = None
    """With ``compare``: the previous period of equal length (:func:`previous_period`)."""
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
    interval = "day" if w.interval == "hour" else w.interval
    tables = _voices(ws, sel, use_index)
    return records(listen.share_of_voice(tables, w.since, w.until, interval=interval, tz=w.tz))


def _voices(ws: Workspace, sel: Selection, use_index: bool) -> dict[str, ir.Table]:
    """The posts of every saved topic (and of the page's query), by name."""
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
    return tables


def changes(
    current: list[dict[str, Any]], previous: list[dict[str, Any]], key: str, value: str = "posts"
) -> list[dict[str, Any]]:
    """``current`` and ``previous`` rows side by side by ``key``: the value in each period,
    the change and the percent change (None when the previous value is 0), keys of either
    period listed, the current ones first.

    Examples:
        >>> now = [{"k": "fr", "posts": 6}]
        >>> before = [{"k": "fr", "posts": 4}, {"k": "de", "posts": 1}]
        >>> changes(now, before, "k")  # doctest: +NORMALIZE_WHITESPACE
        [{'key': 'fr', 'posts': 6, 'previous': 4, 'change': 2, 'change_pct': 50.0},
         {'key': 'de', 'posts': 0, 'previous': 1, 'change': -1, 'change_pct': -100.0}]
    """
    now = {r.get(key): r.get(value) or 0 for r in current}
    before = {r.get(key): r.get(value) or 0 for r in previous}
    out = []
    for k in [*now, *(k for k in before if k not in now)]:
        a, b = now.get(k, 0), before.get(k, 0)
        pct = None if b == 0 else round(100.0 * (a - b) / b, 2)
        out.append({"key": k, value: a, "previous": b, "change": a - b, "change_pct": pct})
    return out


def voice_changes(
    current: list[dict[str, Any]], previous: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each topic's share (%) of all the topics' posts over a whole period, beside the
    previous period's, from two share-of-voice series; ``change`` in percentage points
    (None when a period has no post of any topic)."""

    def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rows:
            out[str(r["topic"])] = out.get(str(r["topic"]), 0) + int(r["posts"])
        return out

    now, before = totals(current), totals(previous)
    n, m = sum(now.values()), sum(before.values())
    rows = []
    for name in [*now, *(k for k in before if k not in now)]:
        share = round(100.0 * now.get(name, 0) / n, 2) if n else None
        prev = round(100.0 * before.get(name, 0) / m, 2) if m else None
        change = None if share is None or prev is None else round(share - prev, 2)
        rows.append({"topic": name, "posts": now.get(name, 0), "share": share,
                     "previous_posts": before.get(name, 0), "previous_share": prev,
                     "change": change})  # fmt: skip
    return rows


def previous_period(
    ws: Workspace,
    sel: Selection,
    posts: ir.Table,
    w: PageWindow,
    current: dict[str, list[dict[str, Any]]],
    *,
    top: int,
    use_index: bool = False,
) -> dict[str, Any]:
    """The previous period of equal length beside the window ``w``: its window, its volume
    (cut like the current one), and the breakdowns and share of voice with their changes.

    Args:
        ws: the workspace.
        sel: the page's selection (its topic's share of voice is compared).
        posts: the selection's posts, the previous period included.
        w: the page's window.
        current: the window's ``countries``, ``languages``, ``platforms`` and
            ``share_of_voice`` rows.
        top: rows in each breakdown.
        use_index: let the full-text index select the other topics' posts.
    """
    p = w.previous
    lo, hi = p.since, p.until
    vol = listen.volume(posts, lo, hi, interval=w.interval, tz=w.tz)
    out: dict[str, Any] = {"window": p.to_dict(), "volume": records(vol)}
    for name, column, limit in (("countries", "country", None), ("languages", "lang", top),
                                ("platforms", "platform", top)):  # fmt: skip
        before = records(listen.breakdown(posts, column, lo, hi, limit=limit))
        out[name] = changes(current[name], before, "key")
    sov = _share_of_voice(ws, replace(sel, posts=posts), p, use_index)
    out["share_of_voice"] = voice_changes(current["share_of_voice"], sov)
    return out


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
    tz: str = "UTC",
    compare: bool = False,
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
        tz: IANA zone the intervals are cut in and ``since``/``until`` without an offset
            are read in.
        compare: add the previous period of equal length (:func:`previous_period`).

    Raises:
        QuerySyntaxError: neither a topic nor a valid query.
        NotFoundError: an unknown ``topic``, or ``cascade`` is not in the window.
        InvalidInputError: a bad window or an unknown zone.
    """
    if not (topic_or_query or topic or query):
        raise InvalidInputError("give a topic name or a query")
    sel = ws.select(topic_or_query, topic=topic, query=query, use_index=use_index)
    # One scan of the store: every analysis below reads the topic's posts from a temp table,
    # all of them when the window is open-ended, else the window, the equal period before it
    # (the summary compares the two) and the baseline intervals spike detection reads.
    posts = sel.posts
    tz = check_zone(tz)
    given = Window.of(zoned(since, tz), zoned(until, tz, end=True))
    if given.since is not None and given.until is not None:
        shown = default_window(posts, since, until, interval, tz=tz)  # reads no posts
        start = min(
            shown.since - (shown.until - shown.since),
            listen.spike_lookback(shown.since, shown.interval),
        )
        posts = posts.filter((posts.created_at >= start) & (posts.created_at < shown.until))
    elif given.until is not None:
        posts = posts.filter(posts.created_at < given.until)
    scan = posts.select(*[c for c in PAGE_COLUMNS if c in posts.columns]).cache()
    try:
        w = default_window(scan, since, until, interval, tz=tz)
        lo, hi = w.since, w.until
        p = scan.filter((scan.created_at >= lo) & (scan.created_at < hi))
        sel_w = Selection(
            sel.name, sel.query, sel.description, sel.is_topic, Window(lo, hi), p,
            sel.all_posts, sel.backend,
        )  # fmt: skip
        summary = listen.volume_summary(scan, lo, hi)
        vol = listen.volume(p, lo, hi, interval=w.interval, tz=tz)
        spikes = listen.detect_spikes(scan, lo, hi, interval=w.interval, tz=tz)
        cascade_rows, tree = _cascades(sel_w, w, cascade, cascades)
        shown_rows = {
            "countries": records(listen.breakdown(p, "country", lo, hi, limit=None)),
            "languages": records(listen.breakdown(p, "lang", lo, hi, limit=top)),
            "platforms": records(listen.breakdown(p, "platform", lo, hi, limit=top)),
            "share_of_voice": _share_of_voice(ws, sel_w, w, use_index),
        }
        before = (
            previous_period(ws, sel_w, scan, w, shown_rows, top=top, use_index=use_index)
            if compare
            else None
        )
        return TopicReport(
            name=sel.name,
            query=sel.query or "",
            description=sel.description,
            is_topic=sel.is_topic,
            window=w,
            summary=plain(asdict(summary)),
            volume=records(vol),
            spikes=spike_rows(spikes),
            share_of_voice=shown_rows["share_of_voice"],
            countries=shown_rows["countries"],
            languages=shown_rows["languages"],
            platforms=shown_rows["platforms"],
            tiers=records(listen.amplifier_tiers(p, lo, hi)),
            top_authors=records(listen.top_authors(p, lo, hi, by="posts", n=top)),
            hashtags=records(listen.top_hashtags(p, lo, hi, n=top)),
            cascades=cascade_rows,
            cascade=tree,
            previous=before,
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
    previous: dict[str, Any] | None = None
    """With ``compare``: the previous period's window, volume and share-of-voice changes."""

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
    tz: str = "UTC",
    compare: bool = False,
) -> CompareReport:
    """Volume, share of voice, tiers and countries of several topics over one window.

    ``tz`` and ``compare`` are as in :func:`topic_report`; the summaries always hold the
    previous period's totals and changes.

    Raises:
        InvalidInputError: fewer than two or more than eight topics, a repeated one, a bad
            window or an unknown zone.
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
    w = default_window(union, since, until, interval, tz=tz)
    tz = w.tz
    interval_ = "day" if w.interval == "hour" and (w.until - w.since).days > 3 else w.interval
    summaries: list[dict[str, Any]] = []
    vols: list[dict[str, Any]] = []
    tiers: list[dict[str, Any]] = []
    countries: list[dict[str, Any]] = []
    for s in sels:
        summary = listen.volume_summary(s.posts, w.since, w.until)
        summaries.append({"topic": s.name, "query": s.query or "", **plain(asdict(summary))})
        v = listen.volume(s.posts, w.since, w.until, interval=interval_, tz=tz)
        vols.extend({"topic": s.name, **r} for r in records(v))
        tiers.extend(
            {"topic": s.name, **r}
            for r in records(listen.amplifier_tiers(s.posts, w.since, w.until))
        )
        top = listen.breakdown(s.posts, "country", w.since, w.until, limit=8)
        countries.extend({"topic": s.name, **r} for r in records(top))
    voices = {s.name: s.posts for s in sels}
    shown = PageWindow(w.since, w.until, interval_, tz)
    sov = records(listen.share_of_voice(voices, w.since, w.until, interval=interval_, tz=tz))
    before = None
    if compare:
        p = shown.previous
        prev = listen.share_of_voice(voices, p.since, p.until, interval=interval_, tz=tz)
        before = {"window": p.to_dict(), "share_of_voice": voice_changes(sov, records(prev))}
    return CompareReport(names, shown, summaries, vols, sov, tiers, countries, before)


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
    return {"stats": plain(stats), "imports": imports, "topics": topics,
            "by_tag": topics_by_tag(topics)}  # fmt: skip
