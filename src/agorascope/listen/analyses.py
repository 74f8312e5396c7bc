"""The listening analyses as the registry declares them (parameters, rows, function).

Each declaration turns a function of this package into ``ws.listen.<name>()``, the command
``agorascope listen <name>``, the route ``GET /api/listen/<name>`` and its dashboard page.
Parameter defaults equal those of the functions they call (a test compares them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, create_model

from agorascope.errors import InvalidInputError
from agorascope.listen.breakdowns import amplifier_tiers, breakdown, top_authors
from agorascope.listen.cascades import account_stats, cascade_metrics
from agorascope.listen.coordination import coordinated_clusters
from agorascope.listen.duplicates import near_duplicates
from agorascope.listen.hashtags import cohashtag_network, rising_hashtags, top_hashtags, trend
from agorascope.listen.mentions import MAX_PER_PAGE, PER_PAGE, MentionFilters, mentions
from agorascope.listen.sentiment import (
    LABELS,
    sentiment_of_spikes,
    sentiment_over_time,
    totals_of,
)
from agorascope.listen.spikes import Spike, detect_spikes
from agorascope.listen.volume import VolumeSummary, share_of_voice, volume, volume_summary
from agorascope.registry import Context, Output, Params, Row, analysis, row_of
from agorascope.selection import named_selection
from agorascope.timeutil import Window

__all__: list[str] = []

Interval = Literal["minute", "hour", "day", "week", "month"]
_TZ = Field("UTC", max_length=64, description="IANA time zone of the intervals.")


# -- parameters ---------------------------------------------------------------------------


class NoParams(Params):
    """No parameters besides the selection."""


class SeriesParams(Params):
    """A time series."""

    interval: Interval = Field("day", description="Length of one interval.")
    tz: str = _TZ


class ShareParams(SeriesParams):
    """Share of voice."""

    topics: list[str] = Field(
        min_length=2,
        max_length=8,
        description="Topic names, or NAME=QUERY pairs (a text that is no topic is a query).",
        examples=[["it_outage", "olympics"]],
    )


class BreakdownParams(Params):
    """A breakdown."""

    by: Literal["country", "lang", "platform", "relation", "author"] = Field(
        description="What to group the posts by.", examples=["country"]
    )
    top: int | None = Field(
        None, ge=1, le=100_000, description="Largest groups kept (all when unset)."
    )


class TopAuthorsParams(Params):
    """Top authors."""

    by: Literal["posts", "reach", "engagement"] = Field("posts", description="Ranking.")
    n: int = Field(10, ge=1, le=1000, description="How many authors.")


class SpikeParams(Params):
    """Spike detection."""

    interval: Interval = Field("hour", description="Length of one interval.")
    tz: str = _TZ
    baseline: int = Field(12, ge=2, le=1000, description="Intervals in the baseline.")
    threshold: float = Field(3.0, gt=0, le=1000, description="z-score that opens a spike.")
    min_posts: int = Field(5, ge=1, description="Smallest count that opens a spike.")


class CascadeParams(Params):
    """Cascades."""

    min_size: int = Field(2, ge=1, description="Smallest cascade (posts).")


class HashtagParams(Params):
    """Top hashtags."""

    n: int = Field(20, ge=1, le=1000, description="How many hashtags.")


class RisingParams(HashtagParams):
    """Rising hashtags."""

    min_posts: int = Field(3, ge=1, description="Fewest posts in the window to be ranked.")


class CohashtagParams(Params):
    """The co-hashtag network."""

    min_weight: int = Field(2, ge=1, description="Fewest posts for an edge.")


class CoordinationParams(Params):
    """Co-repost coordination."""

    window: float = Field(
        60.0, gt=0, le=86_400, description="Seconds between two co-reposts.", examples=[21600]
    )
    min_items: int = Field(2, ge=1, description="Fewest items co-reposted per edge.")


class DuplicateParams(Params):
    """Near-duplicate texts."""

    threshold: float = Field(0.8, gt=0, le=1, description="Jaccard similarity (0-1].")
    min_size: int = Field(2, ge=2, description="Smallest cluster (posts).")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="MinHash seed.")


class MentionsParams(Params):
    """The mentions list (filters, sort, collapsing, keyset page)."""

    author: str | None = Field(None, max_length=300, description="Author as PLATFORM:ID.")
    hashtag: str | None = Field(None, max_length=200, description="Hashtag (with or without #).")
    domain: str | None = Field(
        None, max_length=300, description="Domain of a link (any subdomain)."
    )
    country: str | None = Field(None, max_length=8, description="ISO 3166-1 alpha-2 country.")
    lang: str | None = Field(None, max_length=16, description="ISO 639-1 language.")
    platform: str | None = Field(None, max_length=50, description="Platform name.")
    relation: Literal["original", "repost", "quote", "reply"] | None = Field(
        None, description="Relation (original: originals only)."
    )
    tier: Literal["<1k", "1k-10k", "10k-100k", "100k-1M", ">1M", "unknown"] | None = Field(
        None, description="Follower tier of the author (as in listen tiers)."
    )
    root: str | None = Field(None, max_length=300, description="Cascade root post id: its cascade.")
    tag: str | None = Field(None, max_length=50, description="A tag put on posts.")
    sort: Literal["newest", "engagement", "reach"] = Field("newest", description="Order.")
    collapse: bool = Field(False, description="One row per original, with its reposts counted.")
    after: str | None = Field(None, max_length=500, description="Cursor of the previous page.")
    per_page: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Rows per page.")

    def filters(self) -> MentionFilters:
        """The filters of these parameters."""
        return MentionFilters(**{k: getattr(self, k) for k in MentionFilters.names()})


# -- rows ---------------------------------------------------------------------------------


class VolumeRow(Row):
    """One interval of the volume series (local time of ``tz``)."""

    bucket: datetime
    posts: int
    authors: int
    engagement: int
    likes: int
    reposts: int
    replies: int
    views: int


SummaryRow = row_of(
    VolumeSummary,
    "Totals of the window against the previous period of the same length (change in %).",
)


class ShareRow(Row):
    """One topic's share (%) of the posts of all the topics in one interval."""

    bucket: datetime
    topic: str
    posts: int
    share: float | None


class BreakdownRow(Row):
    """One group: posts, share (%), distinct authors, engagement and reach (followers)."""

    key: str | None
    platform: str | None = None
    handle: str | None = None
    posts: int
    share: float
    authors: int
    engagement: int
    reach: int


class AuthorRow(Row):
    """One author."""

    platform: str
    author_id: str | None
    handle: str | None
    followers: int | None
    posts: int
    engagement: int


class TierRow(Row):
    """One follower tier: shares (%) of posts, reach and engagement."""

    tier: str
    min_followers: int | None
    max_followers: int | None
    posts: int
    post_share: float
    authors: int
    reach: int
    reach_share: float
    engagement: int
    engagement_share: float


SpikeRow = row_of(
    Spike,
    "One burst of volume with what drove it (``explanation``: terms, hashtags, authors).",
    explanation=dict[str, Any] | None,
)


class CascadeRow(Row):
    """One cascade: size, depth, breadth, structural virality, seconds to 50 % and 90 %."""

    platform: str
    root_id: str
    root_author: str | None
    start: datetime | None
    size: int
    depth: int
    max_breadth: int
    structural_virality: float | None
    time_to_50: float | None
    time_to_90: float | None
    unique_users: int
    reattached: int
    root_missing: bool


class AccountRow(Row):
    """One account in the cascades (t-factor: reposts received per cascade amplified)."""

    platform: str
    author_id: str | None
    posts: int
    started: int
    amplified: int
    reposts_received: int
    t_factor: int


class HashtagRow(Row):
    """One hashtag (share in % of the posts)."""

    hashtag: str
    posts: int
    share: float
    authors: int
    engagement: int


class RisingRow(Row):
    """One hashtag's growth against the previous period."""

    hashtag: str
    posts: int
    previous: int
    change: int
    growth: float | None


class EdgeRow(Row):
    """Two hashtags used together in ``weight`` posts."""

    source: str
    target: str
    weight: int


class TrendRow(Row):
    """The selection's share of all posts in one interval, and the index (peak = 100)."""

    bucket: datetime
    posts: int
    total: int
    share: float | None
    index: float | None
    rounded: int | None


class ClusterRow(Row):
    """A group of accounts that co-reposted the same items (score = density x mean items)."""

    cluster: int
    accounts: list[str]
    size: int
    edges: int
    density: float
    items: int
    mean_items: float
    score: float


class DuplicateRow(Row):
    """A cluster of near-duplicate texts."""

    cluster: int
    size: int
    texts: int
    n_accounts: int
    accounts: list[str]
    post_ids: list[str]
    first_id: str
    first_at: datetime | None
    sample: str


class MentionRow(Row):
    """One post (or, collapsed, one original with ``copies``: its reposts in the list)."""

    platform: str
    id: str
    created_at: datetime | None
    author_id: str | None
    author_handle: str | None
    author_followers: int | None
    text: str | None
    lang: str | None
    country: str | None
    url: str | None
    relation: str | None
    parent_id: str | None
    root_id: str | None
    hashtags: list[str] | None
    urls: list[str] | None
    likes: int | None
    reposts: int | None
    replies: int | None
    views: int | None
    engagement: int
    copies: int | None
    tags: list[str]


# -- analyses -----------------------------------------------------------------------------


@analysis("listen", "volume", params=SeriesParams, row=VolumeRow)
def _volume(ctx: Context, p: SeriesParams) -> Output:
    """Posts, authors and engagement per interval."""
    return Output(volume(ctx.posts, *ctx.bounds, interval=p.interval, tz=p.tz))


@analysis("listen", "summary", params=NoParams, row=SummaryRow)
def _summary(ctx: Context, p: NoParams) -> Output:
    """Totals of the window against the previous period (needs since and until)."""
    since, until = ctx.bounds
    if since is None or until is None:
        raise InvalidInputError("a summary needs since and until")
    return Output([volume_summary(ctx.posts, since, until).to_dict()])


@analysis(
    "listen",
    "share-of-voice",
    params=ShareParams,
    row=ShareRow,
    needs="window",
    arguments=("topics",),
)
def _share_of_voice(ctx: Context, p: ShareParams) -> Output:
    """Each topic's share of the posts of all the topics, per interval."""
    since, until = ctx.bounds
    window = Window(since, until)
    tables = {}
    for spec in p.topics:
        name, sel = named_selection(ctx.workspace, spec, window)
        tables[name] = sel.posts
    if len(tables) != len(p.topics):
        raise InvalidInputError("each topic may appear once")
    df = share_of_voice(tables, since, until, interval=p.interval, tz=p.tz)
    return Output(df)


@analysis("listen", "breakdown", params=BreakdownParams, row=BreakdownRow, arguments=("by",))
def _breakdown(ctx: Context, p: BreakdownParams) -> Output:
    """Posts, share, authors, engagement and reach per country, language, platform or author."""
    return Output(breakdown(ctx.posts, p.by, *ctx.bounds, limit=p.top))


@analysis("listen", "top-authors", params=TopAuthorsParams, row=AuthorRow)
def _top_authors(ctx: Context, p: TopAuthorsParams) -> Output:
    """Top authors by posts, reach (followers) or engagement received."""
    return Output(top_authors(ctx.posts, *ctx.bounds, by=p.by, n=p.n))


@analysis("listen", "tiers", params=NoParams, row=TierRow)
def _tiers(ctx: Context, p: NoParams) -> Output:
    """Amplifier tiers: share of posts, reach and engagement by the authors' follower counts."""
    return Output(amplifier_tiers(ctx.posts, *ctx.bounds))


@analysis("listen", "spikes", params=SpikeParams, row=SpikeRow)
def _spikes(ctx: Context, p: SpikeParams) -> Output:
    """Bursts of volume, each explained (terms, hashtags, authors, first post)."""
    found = detect_spikes(
        ctx.posts, *ctx.bounds, interval=p.interval, tz=p.tz, baseline=p.baseline,
        threshold=p.threshold, min_posts=p.min_posts,
    )  # fmt: skip
    return Output([s.to_dict() for s in found])


@analysis("listen", "cascades", params=CascadeParams, row=CascadeRow)
def _cascades(ctx: Context, p: CascadeParams) -> Output:
    """Cascade size, depth, breadth, structural virality and speed, largest first."""
    df = cascade_metrics(ctx.posts, *ctx.bounds, min_size=p.min_size, progress=ctx.progress)
    return Output(df)


@analysis("listen", "accounts", params=CascadeParams, row=AccountRow)
def _accounts(ctx: Context, p: CascadeParams) -> Output:
    """Per account: cascades started and amplified, reposts received, t-factor."""
    df = account_stats(ctx.posts, *ctx.bounds, min_size=p.min_size, progress=ctx.progress)
    return Output(df)


@analysis("listen", "hashtags", params=HashtagParams, row=HashtagRow)
def _hashtags(ctx: Context, p: HashtagParams) -> Output:
    """Top hashtags by posts."""
    return Output(top_hashtags(ctx.posts, *ctx.bounds, n=p.n))


@analysis("listen", "rising-hashtags", params=RisingParams, row=RisingRow)
def _rising(ctx: Context, p: RisingParams) -> Output:
    """Hashtags growing most against the previous period (needs since and until)."""
    since, until = ctx.bounds
    if since is None or until is None:
        raise InvalidInputError("rising hashtags need since and until")
    return Output(rising_hashtags(ctx.posts, since, until, n=p.n, min_posts=p.min_posts))


@analysis("listen", "cohashtags", params=CohashtagParams, row=EdgeRow, graph=True)
def _cohashtags(ctx: Context, p: CohashtagParams) -> Output:
    """The co-hashtag network (hashtags used together in a post)."""
    from agorascope.listen.hashtags import cohashtag_graph

    df = cohashtag_network(ctx.posts, *ctx.bounds, min_weight=p.min_weight)
    return Output(df, graph=cohashtag_graph(df))


@analysis("listen", "trend", params=SeriesParams, row=TrendRow)
def _trend(ctx: Context, p: SeriesParams) -> Output:
    """Trend index 0-100: the selection's share of all posts per interval, peak = 100."""
    sel = ctx.selection
    if sel is None or sel.query is None:
        raise InvalidInputError("a trend needs a topic or a query")
    df = trend(sel.all_posts, sel.posts, *ctx.bounds, interval=p.interval, tz=p.tz)
    return Output(df)


@analysis("listen", "coordination", params=CoordinationParams, row=ClusterRow, graph=True)
def _coordination(ctx: Context, p: CoordinationParams) -> Output:
    """Accounts that repeatedly repost the same items within a short window."""
    result = coordinated_clusters(ctx.posts, *ctx.bounds, window=p.window, min_items=p.min_items)
    return Output(result.clusters, meta={"edges": len(result.edges)}, graph=result.graph)


@analysis("listen", "duplicates", params=DuplicateParams, row=DuplicateRow)
def _duplicates(ctx: Context, p: DuplicateParams) -> Output:
    """Clusters of near-duplicate (copy-pasted) texts."""
    df = near_duplicates(
        ctx.posts, *ctx.bounds, threshold=p.threshold, min_size=p.min_size, seed=p.seed,
        progress=ctx.progress,
    )  # fmt: skip
    return Output(df)


@analysis("listen", "mentions", params=MentionsParams, row=MentionRow)
def _mentions(ctx: Context, p: MentionsParams) -> Output:
    """The posts of the selection: filters, sorts, repost collapsing, keyset pages.

    One page of ``per_page`` rows; ``meta.next`` is the cursor of the next page (give it as
    ``after``) and ``meta.total`` the rows of the whole list.
    """
    sel = ctx.selection
    ws = ctx.workspace
    tags = ws.backend.table("post_tags") if p.tag and ws.backend.name == "duckdb" else None
    page = mentions(
        ctx.posts, *ctx.bounds, filters=p.filters(), sort=p.sort, collapse=p.collapse,
        after=p.after, per_page=p.per_page, all_posts=sel.all_posts if sel else None,
        tags=tags, store=ws.store,
    )  # fmt: skip
    meta = {"next": page.next, "total": page.total, "filters": p.filters().active()}
    return Output(page.rows, meta=meta)


# -- sentiment ----------------------------------------------------------------------------


_SHARES: dict[str, Any] = {
    "posts": (int, ...),
    **{label: (int, ...) for label in LABELS},
    **{f"{label}_share": (float | None, ...) for label in LABELS},
    "scored": (int, ...),
    "mean_compound": (float | None, ...),
}
SentimentRow = create_model(
    "SentimentRow",
    __base__=Row,
    __doc__="One interval: posts by VADER label, their shares (% of all posts), mean compound.",
    __module__=__name__,
    bucket=(datetime, ...),
    **_SHARES,
)
_SPIKE_SHARES: dict[str, Any] = {
    **{k: (datetime, ...) for k in ("start", "peak", "until", "start_utc", "until_utc")},
    **_SHARES,
    **{f"window_{label}_share": (float | None, ...) for label in LABELS},
}
SpikeSentimentRow = create_model(
    "SpikeSentimentRow",
    __base__=Row,
    __doc__="One spike: its posts by VADER label and shares (%) beside the whole window's.",
    __module__=__name__,
    **_SPIKE_SHARES,
)


@analysis("listen", "sentiment", params=SeriesParams, row=SentimentRow)
def _sentiment(ctx: Context, p: SeriesParams) -> Output:
    """Shares of positive, neutral, negative and not-scored posts per interval (VADER).

    English posts are scored with VADER (compound >= 0.05 positive, <= -0.05 negative);
    posts in any other language, or without one, are "not scored". ``meta`` holds the
    window's totals.
    """
    since, until = ctx.bounds
    df = sentiment_over_time(ctx.posts, since, until, interval=p.interval, tz=p.tz)
    return Output(df, meta={"window": totals_of(df)})


@analysis("listen", "sentiment-spikes", params=SpikeParams, row=SpikeSentimentRow)
def _sentiment_spikes(ctx: Context, p: SpikeParams) -> Output:
    """Sentiment shares of each spike's posts beside those of the whole window (VADER)."""
    found = detect_spikes(
        ctx.posts, *ctx.bounds, interval=p.interval, tz=p.tz, baseline=p.baseline,
        threshold=p.threshold, min_posts=p.min_posts, explain=False,
    )  # fmt: skip
    return Output(sentiment_of_spikes(ctx.posts, found, *ctx.bounds))
