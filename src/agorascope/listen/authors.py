"""One author's profile: who they are, what they posted, the cascades they started or
amplified, and whether coordination or near-duplicate analyses flag them.

Every part reuses the analysis that computes it for a whole selection (volume, top hashtags,
cascades, coordination, near-duplicates), narrowed to the author's posts or filtered to the
author's clusters, so the author page and the analysis pages never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from agorascope._json import records
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.listen._common import engagement_expr, window_filter
from agorascope.listen.breakdowns import TIERS, UNKNOWN_TIER
from agorascope.listen.cascades import _root_keys, build_cascades, forest_metrics
from agorascope.listen.coordination import coordinated_clusters
from agorascope.listen.duplicates import near_duplicates
from agorascope.listen.hashtags import top_hashtags
from agorascope.listen.volume import volume
from agorascope.store import to_pandas

__all__ = ["AuthorProfile", "author_profile", "tier_of"]

_PROFILE = ("handle", "name", "followers", "following", "verified", "country", "created_at")
_RELATIONS = ("original", "repost", "quote", "reply")


@dataclass
class AuthorProfile:
    """Everything the author page shows (see :func:`author_profile`)."""

    platform: str
    author_id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    country: str | None = None
    created_at: datetime | None = None
    tier: str = UNKNOWN_TIER
    posts: int = 0
    n_original: int = 0
    n_repost: int = 0
    n_quote: int = 0
    n_reply: int = 0
    n_started: int = 0
    n_amplified: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    engagement: int = 0
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    views: int = 0
    reach: int = 0
    volume: list[dict[str, Any]] = field(default_factory=list)
    hashtags: list[dict[str, Any]] = field(default_factory=list)
    started: list[dict[str, Any]] = field(default_factory=list)
    amplified: list[dict[str, Any]] = field(default_factory=list)
    coordination: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The profile as a dict of plain values."""
        return asdict(self)


def tier_of(followers: int | None) -> str:
    """The amplifier tier (:data:`~agorascope.listen.breakdowns.TIERS`) of a follower count."""
    if followers is None:
        return UNKNOWN_TIER
    return next(label for label, _, hi in TIERS if hi is None or followers < hi)


def _profile(authors: ir.Table, platform: str, author_id: str) -> dict[str, Any] | None:
    row = to_pandas(
        authors.filter((authors.platform == platform) & (authors.id == author_id))
        .select(*_PROFILE)
        .limit(1)
    )
    if row.empty:
        return None
    out = records(row)[0]
    out["created_at"] = _ts(out["created_at"])
    return out


def _by_handle(posts: ir.Table, authors: ir.Table, platform: str, handle: str) -> str:
    """The id of the author of ``platform`` whose handle is ``handle`` (any case)."""
    wanted = handle.removeprefix("@").lower()
    a = authors.filter((authors.platform == platform) & (authors.handle.lower() == wanted))
    ids = set(to_pandas(a.select(i=a.id).distinct())["i"])
    if not ids:
        t = posts.filter((posts.platform == platform) & (posts.author_handle.lower() == wanted))
        ids = set(to_pandas(t.select(i=t.author_id).distinct())["i"].dropna())
    if not ids:
        raise NotFoundError(f"no author @{wanted} on {platform!r}")
    if len(ids) > 1:
        raise InvalidInputError(f"several authors are @{wanted} on {platform!r}: {sorted(ids)}")
    return str(ids.pop())


def _totals(t: ir.Table) -> dict[str, Any]:
    agg = t.aggregate(
        posts=t.count(),
        first_at=t.created_at.min(),
        last_at=t.created_at.max(),
        engagement=engagement_expr(t).sum(),
        likes=t.likes.fill_null(0).sum(),
        reposts=t.reposts.fill_null(0).sum(),
        replies=t.replies.fill_null(0).sum(),
        views=t.views.fill_null(0).sum(),
        reach=t.author_followers.fill_null(0).sum(),
        followers=t.author_followers.max(),
        handle=t.author_handle.max(),
        name=t.author_name.max(),
        **{f"n_{r}": (t.relation == r).cast("int64").sum() for r in _RELATIONS},
    )
    row = records(to_pandas(agg))[0]
    for k in ("posts", "engagement", "likes", "reposts", "replies", "views", "reach"):
        row[k] = int(row[k] or 0)
    row["first_at"], row["last_at"] = _ts(row["first_at"]), _ts(row["last_at"])
    row.update({f"n_{r}": int(row[f"n_{r}"] or 0) for r in _RELATIONS})
    return row


def _cascades(
    posts: ir.Table, platform: str, author_id: str, since: Any, until: Any, min_size: int, top: int
) -> tuple[int, int, list[dict[str, Any]], list[dict[str, Any]]]:
    """The cascades whose root the author wrote and those where they wrote another node.

    Only the cascades holding a post of the author are rebuilt (whole, so their metrics equal
    those of ``listen cascades`` on the same selection).

    Returns:
        How many started and amplified, and the ``top`` largest of each.
    """
    t = window_filter(posts, since, until)
    keyed = t.mutate(_rk=_root_keys(t))
    own = keyed.filter((keyed.platform == platform) & (keyed.author_id == author_id))
    own = own.select(_p=own.platform, _k=own._rk).distinct()
    touched = keyed.semi_join(own, (keyed.platform == own._p) & (keyed._rk == own._k))
    forest = build_cascades(touched.drop("_rk"), min_size=min_size)
    if forest.n_cascades == 0:
        return 0, 0, [], []
    nd = forest.nodes
    metrics = {r["root_id"]: r for r in records(forest_metrics(forest))}
    mine = nd[(nd["platform"] == platform) & (nd["author_id"] == author_id) & ~nd["virtual"]]
    is_root = mine["parent"].to_numpy() < 0
    root_ids = nd["id"].to_numpy()[forest.roots]
    out = []
    for nodes in (mine[is_root], mine[~is_root]):
        counts = nodes.groupby("cascade").size()
        rows = []
        for c, n in zip(counts.index.tolist(), counts.tolist(), strict=True):
            m = metrics[str(root_ids[c])]
            rows.append({**m, "start": _ts(m["start"]), "posts": int(n)})
        rows.sort(key=lambda r: (-r["size"], r["root_id"]))
        out.append(rows)
    return len(out[0]), len(out[1]), out[0][:top], out[1][:top]


def _ts(v: Any) -> datetime | None:
    ts = None if v is None else pd.Timestamp(v)
    return None if ts is None or pd.isna(ts) else ts.to_pydatetime()


def _coordination(
    posts: ir.Table, key: str, since: Any, until: Any, window: float, min_items: int
) -> list[dict[str, Any]]:
    """The co-repost cluster holding the account ``key`` (``platform:author_id``), if any."""
    result = coordinated_clusters(posts, since, until, window=window, min_items=min_items)
    g = result.graph
    if key not in g:
        return []
    cluster = int(g.nodes[key]["cluster"])
    row = result.clusters[result.clusters["cluster"] == cluster].iloc[0]
    partners = sorted(g[key], key=lambda k: (-g[key][k]["weight"], k))
    return [
        {
            "cluster": cluster,
            "size": int(row["size"]),
            "score": float(row["score"]),
            "items": int(sum(g[key][k]["weight"] for k in partners)),
            "partners": partners,
        }
    ]


def _duplicates(
    posts: ir.Table,
    platform: str,
    author_id: str,
    since: Any,
    until: Any,
    threshold: float,
    min_size: int,
    seed: int,
) -> list[dict[str, Any]]:
    """The near-duplicate clusters holding a post of the author."""
    df = near_duplicates(posts, since, until, threshold=threshold, min_size=min_size, seed=seed)
    if df.empty:
        return []
    t = window_filter(posts, since, until)
    own = t.filter((t.platform == platform) & (t.author_id == author_id)).select("id")
    ids = set(to_pandas(own)["id"].astype(str))
    out = []
    for r in records(df):
        n = sum(1 for p in r["post_ids"] if p in ids)
        if n and author_id in r["accounts"]:
            out.append({
                **{k: r[k] for k in ("cluster", "size", "n_accounts", "sample")},
                "posts": n, "first_at": _ts(r["first_at"]),
            })  # fmt: skip
    return out


def author_profile(
    posts: ir.Table,
    authors: ir.Table,
    platform: str,
    author_id: str | None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    handle: str | None = None,
    interval: str = "day",
    tz: str = "UTC",
    hashtags: int = 10,
    min_size: int = 2,
    cascades: int = 20,
    window: float = 60.0,
    min_items: int = 2,
    threshold: float = 0.8,
    seed: int = 1,
) -> AuthorProfile:
    """One author's profile, activity and flags over the posts of a selection.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query; the
            cascades, coordination and duplicate flags are computed over them.
        authors: the ``authors`` table (the profile: handle, name, counts, country...).
        platform, author_id: the author.
        handle: the author's handle instead of ``author_id`` (without ``@``, any case).
        since, until: UTC window ``[since, until)``.
        interval, tz: the posts-over-time series (as :func:`~agorascope.listen.volume`).
        hashtags: how many of the author's top hashtags.
        min_size: smallest cascade (as ``listen cascades``).
        cascades: most cascades listed per role (started, amplified).
        window, min_items: co-repost rule (as ``listen coordination``).
        threshold: near-duplicate Jaccard similarity (as ``listen duplicates``).
        seed: MinHash seed of the near-duplicate search.

    Returns:
        The profile (from ``authors``, else from the posts' author columns), ``tier``,
        totals of the window (``posts``, ``n_original``, ``n_repost``, ``n_quote``,
        ``n_reply``, ``engagement`` received, ``likes``, ``reposts``, ``replies``,
        ``views``, ``reach`` = sum of followers over the posts), ``volume`` (``bucket``,
        ``posts``, ``engagement``), ``hashtags``, ``started``/``amplified`` cascades,
        ``coordination`` (the co-repost cluster holding the account, with its partners)
        and ``duplicates`` (clusters holding its posts).

    Raises:
        NotFoundError: the author is neither in ``authors`` nor in ``posts``.
        InvalidInputError: several authors of the platform have that handle.
    """
    if author_id is None:
        author_id = _by_handle(posts, authors, platform, handle or "")
    mine = (posts.platform == platform) & (posts.author_id == author_id)
    profile = _profile(authors, platform, author_id)
    theirs = posts.filter(mine)
    anywhere = to_pandas(theirs.aggregate(n=theirs.count()))["n"].iloc[0]
    if profile is None and not anywhere:
        raise NotFoundError(f"no author {author_id!r} on {platform!r}")
    totals = _totals(window_filter(posts, since, until, mine))
    fallback = {k: totals.pop(k) for k in ("handle", "name", "followers")}
    profile = profile or {**dict.fromkeys(_PROFILE), **fallback}
    series = volume(posts, since, until, interval=interval, tz=tz, where=mine)
    tags = top_hashtags(posts, since, until, n=hashtags, where=mine)
    n_started, n_amplified, started, amplified = _cascades(
        posts, platform, author_id, since, until, min_size, cascades
    )
    key = f"{platform}:{author_id}"
    return AuthorProfile(
        platform=platform, author_id=author_id, **profile,
        tier=tier_of(profile["followers"]), **totals,
        n_started=n_started, n_amplified=n_amplified, started=started, amplified=amplified,
        volume=records(series[["bucket", "posts", "engagement"]]),
        hashtags=records(tags[["hashtag", "posts", "engagement"]]),
        coordination=_coordination(posts, key, since, until, window, min_items),
        duplicates=_duplicates(posts, platform, author_id, since, until, threshold, 2, seed),
    )  # fmt: skip
