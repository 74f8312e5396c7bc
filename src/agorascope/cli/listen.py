"""``agorascope listen``: command-line adapter for :mod:`agorascope.listen`.

Every command narrows the store's posts with ``--query`` (a boolean query) or ``--topic`` (a
saved topic), takes a UTC window ``--since/--until``, prints a Rich table, or JSON with
``--json``.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, settings_from
from agorascope.errors import InvalidInputError

app = typer.Typer(help="Social listening: volume, spikes, cascades, trends.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    root.add_typer(app, name="listen")


QueryOpt = Annotated[str | None, typer.Option("--query", "-q", help="Boolean query.")]
TopicOpt = Annotated[str | None, typer.Option("--topic", "-t", help="Saved topic name.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Window start, ISO (UTC).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Window end; a date is included.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
IntervalOpt = Annotated[str, typer.Option("--interval", help="minute, hour, day, week or month.")]
TzOpt = Annotated[str, typer.Option("--tz", help="IANA time zone of the intervals.")]


def open_store(ctx: typer.Context) -> tuple[Any, Any]:
    """The store of this invocation (``--db`` or ``AGORASCOPE_DB``, read-only) and its read
    backend (DuckDB, or Spark when ``AGORASCOPE_BACKEND=spark``)."""
    from agorascope.store import Store, backend_for

    settings = settings_from(ctx)
    store = Store.open(settings.db, read_only=True)
    return store, backend_for(settings, store)


def select_posts(ctx: typer.Context, query: str | None, topic: str | None) -> tuple[Any, Any]:
    """(all posts, posts of the topic or query); the second is the first when neither is set."""
    if query and topic:
        raise InvalidInputError("give --query or --topic, not both")
    store, backend = open_store(ctx)
    posts = backend.posts()
    if query:
        from agorascope.query import filter_posts

        return posts, filter_posts(posts, query)
    if topic:
        from agorascope.query import resolve

        return posts, resolve(store, topic)
    return posts, posts


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.to_pydatetime()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "item") and not isinstance(v, str):
        return _plain(v.item())
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame as JSON-ready dicts (NaN and NaT become null)."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in df.to_dict("records")]


def _cell(v: Any) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, list):
        s = ", ".join(map(str, v[:5]))
        return s + (f" (+{len(v) - 5})" if len(v) > 5 else "")
    return str(v)


def show(df: pd.DataFrame, title: str, as_json: bool) -> None:
    """Print a frame as a Rich table or as JSON records."""
    if as_json:
        print_json(records(df))
        return
    table = Table(title=title)
    for c in df.columns:
        table.add_column(str(c), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


@app.command()
def volume(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    interval: IntervalOpt = "day",
    tz: TzOpt = "UTC",
    as_json: JsonOpt = False,
) -> None:
    """Posts, authors and engagement per interval (with a summary when the window is closed)."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        series = listen.volume(posts, since, until, interval=interval, tz=tz)
        summary = listen.volume_summary(posts, since, until) if since and until else None
    if as_json:
        print_json({"series": records(series), "summary": summary and _plain(summary.to_dict())})
        return
    show(series, "volume", False)
    if summary is not None:
        s = summary
        pct = "n/a" if s.posts_change is None else f"{s.posts_change:+.1f} %"
        console.print(
            f"{s.posts:,} posts by {s.authors:,} authors, {s.engagement:,} engagement; "
            f"{s.daily_average:,.1f} per day; {pct} against the previous period"
        )


@app.command("share-of-voice")
def share_of_voice(
    ctx: typer.Context,
    topics: Annotated[
        list[str], typer.Argument(help="Two or more queries, each NAME=QUERY or a topic name.")
    ],
    since: SinceOpt = None,
    until: UntilOpt = None,
    interval: IntervalOpt = "day",
    tz: TzOpt = "UTC",
    as_json: JsonOpt = False,
) -> None:
    """Each topic's share of the posts of all the topics, per interval."""
    from agorascope import listen

    with fail_on_errors():
        tables = {}
        for spec in topics:
            name, _, q = spec.partition("=")
            if q:
                _, tables[name] = select_posts(ctx, q, None)
            else:
                _, tables[name] = select_posts(ctx, None, name)
        df = listen.share_of_voice(tables, since, until, interval=interval, tz=tz)
    show(df, "share of voice (%)", as_json)


@app.command()
def breakdown(
    ctx: typer.Context,
    by: Annotated[str, typer.Argument(help="country, lang, platform, relation or author.")],
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int | None, typer.Option(help="Largest groups kept.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Posts, share, authors, engagement and reach per country, language, platform or author."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.breakdown(posts, by, since, until, limit=limit)
    show(df, f"by {by}", as_json)


@app.command("top-authors")
def top_authors(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: Annotated[str, typer.Option(help="posts, reach or engagement.")] = "posts",
    n: Annotated[int, typer.Option("-n", help="How many.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Top authors by posts, reach (followers) or engagement received."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.top_authors(posts, since, until, by=by, n=n)
    show(df, f"top authors by {by}", as_json)


@app.command()
def tiers(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Amplifier tiers: share of posts and of reach by the authors' follower counts."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.amplifier_tiers(posts, since, until)
    show(df, "amplifier tiers", as_json)


@app.command()
def spikes(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    interval: IntervalOpt = "hour",
    tz: TzOpt = "UTC",
    baseline: Annotated[int, typer.Option(help="Intervals in the baseline.")] = 12,
    threshold: Annotated[float, typer.Option(help="z-score that opens a spike.")] = 3.0,
    min_posts: Annotated[int, typer.Option(help="Smallest count that opens a spike.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Bursts of volume, each with its terms, hashtags, authors and first post."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        found = listen.detect_spikes(
            posts,
            since,
            until,
            interval=interval,
            tz=tz,
            baseline=baseline,
            threshold=threshold,
            min_posts=min_posts,
        )
    if as_json:
        print_json([_plain(s.to_dict()) for s in found])
        return
    rows = pd.DataFrame(
        [
            {
                "start": s.start,
                "peak": s.peak,
                "end": s.end,
                "posts": s.posts,
                "peak_posts": s.peak_posts,
                "baseline": s.baseline_mean,
                "z": s.z,
                "terms": [t["term"] for t in s.explanation.terms[:5]] if s.explanation else [],
                "hashtags": [h["hashtag"] for h in s.explanation.hashtags[:5]]
                if s.explanation
                else [],
            }
            for s in found
        ],
        columns=[
            "start",
            "peak",
            "end",
            "posts",
            "peak_posts",
            "baseline",
            "z",
            "terms",
            "hashtags",
        ],
    )
    show(rows, "spikes", False)


@app.command()
def cascades(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_size: Annotated[int, typer.Option(help="Smallest cascade (nodes).")] = 2,
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Cascade size, depth, breadth, structural virality and speed."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.cascade_metrics(posts, since, until, min_size=min_size, progress=not as_json)
    show(df.head(limit), "cascades", as_json)


@app.command()
def accounts(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Per account: cascades started and amplified, reposts received, t-factor."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.account_stats(posts, since, until, progress=not as_json)
    show(df.head(limit), "accounts in cascades", as_json)


@app.command()
def hashtags(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    rising: Annotated[bool, typer.Option(help="Rank by growth on the previous period.")] = False,
    n: Annotated[int, typer.Option("-n", help="How many.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Top hashtags, or rising ones (needs --since and --until)."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        if rising:
            if not (since and until):
                raise InvalidInputError("--rising needs --since and --until")
            df = listen.rising_hashtags(posts, since, until, n=n)
        else:
            df = listen.top_hashtags(posts, since, until, n=n)
    show(df, "rising hashtags" if rising else "top hashtags", as_json)


@app.command()
def cohashtags(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_weight: Annotated[int, typer.Option(help="Fewest posts for an edge.")] = 2,
    gexf: Annotated[Path | None, typer.Option(help="Also write the network as GEXF.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The co-hashtag network (hashtags used together in a post)."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.cohashtag_network(posts, since, until, min_weight=min_weight)
        if gexf is not None:
            listen.write_gexf(listen.cohashtag_graph(df), gexf)
    show(df, "co-hashtags", as_json)


@app.command()
def trend(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    interval: IntervalOpt = "day",
    tz: TzOpt = "UTC",
    as_json: JsonOpt = False,
) -> None:
    """Trend index 0-100 (share of all posts per interval, scaled to the peak)."""
    from agorascope import listen

    with fail_on_errors():
        if not (query or topic):
            raise InvalidInputError("a trend needs --query or --topic")
        posts, sub = select_posts(ctx, query, topic)
        df = listen.trend(posts, sub, since, until, interval=interval, tz=tz)
    show(df, "trend", as_json)


@app.command()
def coordination(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    window: Annotated[float, typer.Option(help="Seconds between two co-reposts.")] = 60.0,
    min_items: Annotated[int, typer.Option(help="Fewest items co-reposted per edge.")] = 2,
    gexf: Annotated[Path | None, typer.Option(help="Write the network as GEXF.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Accounts that repeatedly repost the same items within a short window."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        result = listen.coordinated_clusters(
            posts, since, until, window=window, min_items=min_items
        )
        if gexf is not None:
            listen.write_gexf(result.graph, gexf)
    if as_json:
        print_json({"clusters": records(result.clusters), "edges": records(result.edges)})
        return
    show(result.clusters, "coordinated clusters", False)


@app.command()
def duplicates(
    ctx: typer.Context,
    query: QueryOpt = None,
    topic: TopicOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    threshold: Annotated[float, typer.Option(help="Jaccard similarity (0-1].")] = 0.8,
    min_size: Annotated[int, typer.Option(help="Smallest cluster (posts).")] = 2,
    seed: Annotated[int, typer.Option(help="MinHash seed.")] = 1,
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Clusters of near-duplicate (copy-pasted) texts."""
    from agorascope import listen

    with fail_on_errors():
        _, posts = select_posts(ctx, query, topic)
        df = listen.near_duplicates(
            posts,
            since,
            until,
            threshold=threshold,
            min_size=min_size,
            seed=seed,
            progress=not as_json,
        )
    shown = df.head(limit)
    if not as_json:
        shown = shown.drop(columns=["post_ids"])
    show(shown, "near-duplicates", as_json)
