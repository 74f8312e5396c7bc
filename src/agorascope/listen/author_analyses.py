"""The author profile as the registry declares it (``listen author``).

The dashboard's author page ``/authors/{platform}/{author_id}`` and ``GET /api/listen/author``
both run this declaration, so they show the same numbers.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agorascope.listen.analyses import CascadeRow, Interval
from agorascope.listen.authors import author_profile
from agorascope.registry import Context, Output, Params, Row, analysis

__all__: list[str] = []


class AuthorParams(Params):
    """One author."""

    platform: str = Field(
        min_length=1, max_length=64, description="The author's platform.", examples=["x"]
    )
    author_id: str | None = Field(
        None, min_length=1, max_length=200, description="The author's id on the platform."
    )
    handle: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Or the author's handle (without @), when the id is not known.",
        examples=["realinsidernews"],
    )
    interval: Interval = Field("day", description="Length of one interval of the series.")
    tz: str = Field("UTC", max_length=64, description="IANA time zone of the intervals.")
    hashtags: int = Field(10, ge=1, le=100, description="How many top hashtags.")
    min_size: int = Field(2, ge=1, description="Smallest cascade (posts).")
    window: float = Field(
        60.0, gt=0, le=86_400, description="Seconds between two co-reposts (coordination)."
    )
    min_items: int = Field(2, ge=1, description="Fewest items co-reposted per edge.")
    threshold: float = Field(0.8, gt=0, le=1, description="Near-duplicate Jaccard similarity.")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="MinHash seed.")

    @model_validator(mode="after")
    def _one_author(self) -> AuthorParams:
        if (self.author_id is None) == (self.handle is None):
            raise ValueError("give the author's id or handle (one of them)")
        return self


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorPoint(_Part):
    """The author's posts in one interval."""

    bucket: datetime
    posts: int
    engagement: int


class AuthorTag(_Part):
    """One of the author's hashtags."""

    hashtag: str
    posts: int
    engagement: int


class AuthorCascade(CascadeRow):
    """A cascade the author started or amplified (``posts``: the author's posts in it)."""

    posts: int


class AuthorCluster(_Part):
    """The co-repost cluster holding the author, with the accounts linked to it."""

    cluster: int
    size: int
    score: float
    items: int
    partners: list[str]


class AuthorDuplicates(_Part):
    """A near-duplicate cluster holding ``posts`` posts of the author."""

    cluster: int
    size: int
    n_accounts: int
    posts: int
    first_at: datetime | None
    sample: str


class AuthorProfileRow(Row):
    """One author: profile, tier, totals of the window, series, hashtags, cascades, flags."""

    platform: str
    author_id: str
    handle: str | None
    name: str | None
    followers: int | None
    following: int | None
    verified: bool | None
    country: str | None
    created_at: datetime | None
    tier: str
    posts: int
    n_original: int
    n_repost: int
    n_quote: int
    n_reply: int
    n_started: int
    n_amplified: int
    first_at: datetime | None
    last_at: datetime | None
    engagement: int
    likes: int
    reposts: int
    replies: int
    views: int
    reach: int
    volume: list[AuthorPoint]
    hashtags: list[AuthorTag]
    started: list[AuthorCascade]
    amplified: list[AuthorCascade]
    coordination: list[AuthorCluster]
    duplicates: list[AuthorDuplicates]


@analysis(
    "listen",
    "author",
    params=AuthorParams,
    row=AuthorProfileRow,
    arguments=("platform",),
)
def _author(ctx: Context, p: AuthorParams) -> Output:
    """One author: profile, posts over time, reach, tier, hashtags, cascades and flags.

    The cascades, coordination and near-duplicate flags are computed over the selection's
    posts in the window, with the rules of ``cascades``, ``coordination`` and ``duplicates``.
    """
    profile = author_profile(
        ctx.posts, ctx.workspace.backend.table("authors"), p.platform, p.author_id,
        *ctx.bounds, handle=p.handle, interval=p.interval, tz=p.tz, hashtags=p.hashtags,
        min_size=p.min_size, window=p.window, min_items=p.min_items, threshold=p.threshold,
        seed=p.seed,
    )  # fmt: skip
    return Output([profile.to_dict()])
