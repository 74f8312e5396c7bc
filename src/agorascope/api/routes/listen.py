"""Every listening analysis of :mod:`agorascope.listen`, over a query or a saved topic.

Each route takes ``q`` (boolean query) or ``topic``, a UTC window ``since``/``until``, and
answers one page (``limit``/``offset``) of rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from agorascope import listen
from agorascope.api.deps import Page, Selected, StoreDep, Viewer
from agorascope.api.schemas import ErrorPublic, PagePublic
from agorascope.errors import InvalidInputError
from agorascope.report import compare_report
from agorascope.report._json import plain, records
from agorascope.report.data import select

router = APIRouter(
    prefix="/api/listen",
    tags=["listen"],
    responses={
        400: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)

Since = Annotated[str | None, Query(max_length=40, description="Window start (ISO, UTC).")]
Until = Annotated[str | None, Query(max_length=40, description="Window end; a date is included.")]
Interval = Annotated[Literal["minute", "hour", "day", "week", "month"], Query()]
Tz = Annotated[str, Query(max_length=64, description="IANA time zone of the intervals.")]
By = Literal["country", "lang", "platform", "relation", "author"]


@router.get("/volume", response_model=PagePublic)
def volume(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    interval: Interval = "day",
    tz: Tz = "UTC",
) -> dict[str, Any]:
    """Posts, authors and engagement per interval."""
    return paging.page(records(listen.volume(posts, since, until, interval=interval, tz=tz)))


@router.get("/summary")
def summary(_: Viewer, posts: Selected, since: str, until: str) -> dict[str, Any]:
    """Totals of the window against the previous period of the same length."""
    return plain(listen.volume_summary(posts, since, until).to_dict())  # type: ignore[no-any-return]


@router.get("/share-of-voice", response_model=PagePublic)
def share_of_voice(
    _: Viewer,
    store: StoreDep,
    paging: Page,
    topics: Annotated[
        list[str], Query(min_length=1, max_length=8, description="Topic names or queries.")
    ],
    since: Since = None,
    until: Until = None,
    interval: Interval = "day",
    tz: Tz = "UTC",
) -> dict[str, Any]:
    """Each topic's share of the posts of all the topics, per interval."""
    tables = {t: select(store, t).posts for t in topics}
    df = listen.share_of_voice(tables, since, until, interval=interval, tz=tz)
    return paging.page(records(df))


@router.get("/compare")
def compare(
    _: Viewer,
    store: StoreDep,
    topics: Annotated[
        list[str], Query(min_length=2, max_length=8, description="Topic names or queries.")
    ],
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Several topics side by side (the compare page's data)."""
    return compare_report(store, topics, since, until).to_dict()


@router.get("/breakdown/{by}", response_model=PagePublic)
def breakdown(
    _: Viewer, posts: Selected, paging: Page, by: By, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """Posts, share, authors, engagement and reach per country, language, platform, ..."""
    return paging.page(records(listen.breakdown(posts, by, since, until)))


@router.get("/top-authors", response_model=PagePublic)
def top_authors(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    by: Literal["posts", "reach", "engagement"] = "posts",
    n: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Top authors by posts, reach or engagement received."""
    return paging.page(records(listen.top_authors(posts, since, until, by=by, n=n)))


@router.get("/tiers", response_model=PagePublic)
def tiers(
    _: Viewer, posts: Selected, paging: Page, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """Amplifier tiers: share of posts, reach and engagement by follower count."""
    return paging.page(records(listen.amplifier_tiers(posts, since, until)))


@router.get("/spikes", response_model=PagePublic)
def spikes(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    interval: Interval = "hour",
    tz: Tz = "UTC",
    baseline: Annotated[int, Query(ge=2, le=1000)] = 12,
    threshold: Annotated[float, Query(gt=0, le=1000)] = 3.0,
    min_posts: Annotated[int, Query(ge=1)] = 5,
) -> dict[str, Any]:
    """Bursts of volume, each explained (terms, hashtags, authors, first post)."""
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
    return paging.page([plain(s.to_dict()) for s in found])


@router.get("/cascades", response_model=PagePublic)
def cascades(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    min_size: Annotated[int, Query(ge=1)] = 2,
) -> dict[str, Any]:
    """Cascade size, depth, breadth, structural virality and speed, largest first."""
    return paging.page(records(listen.cascade_metrics(posts, since, until, min_size=min_size)))


@router.get("/accounts", response_model=PagePublic)
def accounts(
    _: Viewer, posts: Selected, paging: Page, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """Per account: cascades started and amplified, reposts received, t-factor."""
    return paging.page(records(listen.account_stats(posts, since, until)))


@router.get("/hashtags", response_model=PagePublic)
def hashtags(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    rising: bool = False,
    n: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Top hashtags, or rising ones against the previous period (needs since and until)."""
    if rising:
        if not (since and until):
            raise InvalidInputError("rising hashtags need since and until")
        return paging.page(records(listen.rising_hashtags(posts, since, until, n=n)))
    return paging.page(records(listen.top_hashtags(posts, since, until, n=n)))


@router.get("/cohashtags", response_model=PagePublic)
def cohashtags(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    min_weight: Annotated[int, Query(ge=1)] = 2,
) -> dict[str, Any]:
    """Edges of the co-hashtag network (hashtags used together in a post)."""
    return paging.page(
        records(listen.cohashtag_network(posts, since, until, min_weight=min_weight))
    )


@router.get("/trend", response_model=PagePublic)
def trend(
    _: Viewer,
    store: StoreDep,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    interval: Interval = "day",
    tz: Tz = "UTC",
) -> dict[str, Any]:
    """Trend index 0-100: the selection's share of all posts per interval, peak = 100."""
    df = listen.trend(store.posts(), posts, since, until, interval=interval, tz=tz)
    return paging.page(records(df))


@router.get("/coordination", response_model=PagePublic)
def coordination(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    window: Annotated[float, Query(gt=0, le=86_400)] = 60.0,
    min_items: Annotated[int, Query(ge=1)] = 2,
) -> dict[str, Any]:
    """Clusters of accounts that repeatedly repost the same items within ``window`` seconds."""
    result = listen.coordinated_clusters(posts, since, until, window=window, min_items=min_items)
    return paging.page(records(result.clusters))


@router.get("/duplicates", response_model=PagePublic)
def duplicates(
    _: Viewer,
    posts: Selected,
    paging: Page,
    since: Since = None,
    until: Until = None,
    threshold: Annotated[float, Query(gt=0, le=1)] = 0.8,
    min_size: Annotated[int, Query(ge=2)] = 2,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 1,
) -> dict[str, Any]:
    """Clusters of near-duplicate (copy-pasted) texts."""
    df = listen.near_duplicates(
        posts, since, until, threshold=threshold, min_size=min_size, seed=seed
    )
    return paging.page(records(df))
