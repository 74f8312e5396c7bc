"""Influencer audit: what a few named accounts post, how they perform, and how genuine they look.

Per audited account (``(platform, author_id)`` of a handle, on every platform it is found):

- **activity**: posts in the window and the distinct UTC days with a post;
- **engagement**: likes + reposts + replies summed over the account's *authored* posts
  (originals, quotes and replies; a repost carries the counts of the post it reposts), per
  authored post, and per follower in % (``engagement_rate``) when the follower count is known;
- **tier**: the follower tier of :data:`agorascope.listen.TIERS`;
- **topics** and **risk**: how many of its posts in the window each topic (or query) holds, the
  share of its posts, and a few example posts (earliest first) as evidence;
- **authenticity**: whether it sits in a co-repost coordination cluster
  (:func:`agorascope.listen.coordinated_clusters`), the share of its authored posts that are
  near-duplicates of a post in the window (:func:`agorascope.listen.near_duplicates`), and how
  unusual its follower/following ratio is among the window's accounts (robust z of
  ``log10((followers + 1) / (following + 1))`` with the normal-consistent MAD, and percentile);
- **audience fit**: of the accounts that reposted, quoted or replied to its posts in the window
  (its *engagers*, itself excluded), the share also in a target audience, with its Wilson 95 %
  interval (:func:`agorascope.audience.overlap.wilson`); withheld (null) below ``min_size``
  engagers.

Nothing here infers a trait of an account: the audit reports the account's own public posts and
counts. Every read is an Ibis expression (DuckDB or Spark); only the per-account aggregates, the
examples and the follower counts of the window's accounts (one row per account) come into memory,
besides what coordination and near-duplicates gather (see their modules).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy.special import ndtri

from agorascope.audience.audiences import MIN_AUDIENCE_SIZE, Audience
from agorascope.audience.overlap import wilson
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.listen._common import engagement_expr
from agorascope.listen.breakdowns import tier_expr
from agorascope.listen.coordination import coordinated_clusters
from agorascope.listen.duplicates import near_duplicates
from agorascope.store import to_pandas

__all__ = [
    "ANOMALY_Z",
    "ENGAGING",
    "account_activity",
    "audience_fit",
    "audit",
    "coordination_of",
    "duplicate_shares",
    "find_accounts",
    "ratio_anomaly",
    "topic_posts",
]

ENGAGING = ("repost", "quote", "reply")
"""Relations by which an account engages with another's post."""

ANOMALY_Z = 3.5
"""Robust z beyond which a follower/following ratio is flagged (Iglewicz and Hoaglin)."""

SNIPPET = 140
"""Characters of a post's text kept in an example."""

KEY = ["platform", "author_id"]


def _handles(handles: Sequence[str]) -> list[str]:
    out = sorted({h.strip().lstrip("@").lower() for h in handles if h.strip().lstrip("@")})
    if not out:
        raise InvalidInputError("handles: give at least one handle")
    return out


def find_accounts(all_posts: ir.Table, handles: Sequence[str]) -> pd.DataFrame:
    """The accounts of ``handles`` (``@`` and case ignored) among every post's authors.

    Returns:
        ``platform``, ``author_id``, ``handle`` (as asked, lower-case), ``followers`` and
        ``following`` (null when unknown), ``tier`` (:data:`agorascope.listen.TIERS` label or
        ``unknown``), by handle then platform.

    Raises:
        InvalidInputError: no handle given.
        NotFoundError: a handle has no post in the store (the message names each one).
    """
    wanted = _handles(handles)
    t = all_posts.filter(all_posts.author_id.notnull())
    t = t.mutate(handle=t.author_handle.lower()).filter(lambda x: x.handle.isin(wanted))
    agg = t.group_by([*KEY, "handle"]).aggregate(
        followers=t.author_followers.max(), following=t.author_following.max()
    )
    agg = agg.mutate(tier=tier_expr(agg.followers))
    df = to_pandas(agg).sort_values(["handle", "platform", "author_id"]).reset_index(drop=True)
    missing = [h for h in wanted if h not in set(df["handle"])]
    if missing:
        raise NotFoundError(
            "no posts by " + ", ".join(f"@{h}" for h in missing) + " in the store: check the "
            "spelling of the handle or import the account's posts"
        )
    for c in ("followers", "following"):
        df[c] = df[c].astype("Int64")
    return df[[*KEY, "handle", "followers", "following", "tier"]]


def _of_accounts(posts: ir.Table, accounts: pd.DataFrame, column: str = "author_id") -> ir.Table:
    """The rows of ``posts`` whose ``column`` is one of ``accounts`` (on its platform)."""
    preds = [
        (posts.platform == p) & (posts[column] == a)
        for p, a in zip(accounts["platform"], accounts["author_id"], strict=True)
    ]
    return posts.filter(reduce(lambda x, y: x | y, preds))


def _merge(accounts: pd.DataFrame, got: pd.DataFrame, fill: Mapping[str, Any]) -> pd.DataFrame:
    out = accounts[KEY].merge(got, on=KEY, how="left")
    for c, v in fill.items():
        out[c] = out[c].fillna(v)
    return out


def account_activity(posts: ir.Table, accounts: pd.DataFrame) -> pd.DataFrame:
    """Activity, engagement and tier of ``accounts`` in ``posts`` (already cut to the window).

    Returns:
        ``platform``, ``author_id``, ``posts``, ``active_days``, ``authored`` (posts that are
        not reposts), ``engagement`` (over authored posts), ``engagement_per_post`` (null with
        no authored post), ``engagement_rate`` (% of followers, null when followers are unknown
        or 0); in the order of ``accounts``.
    """
    t = _of_accounts(posts, accounts)
    authored = t.relation.isnull() | (t.relation != "repost")
    agg = t.group_by(KEY).aggregate(
        posts=t.count(),
        active_days=t.created_at.date().nunique(),
        authored=authored.cast("int64").sum(),
        engagement=ibis.ifelse(authored, engagement_expr(t), 0).sum(),
    )
    got = to_pandas(agg)
    df = _merge(accounts, got, {"posts": 0, "active_days": 0, "authored": 0, "engagement": 0})
    for c in ("posts", "active_days", "authored", "engagement"):
        df[c] = df[c].astype("int64")
    followers = accounts["followers"].astype("float").to_numpy()
    eng, n = df["engagement"].to_numpy(float), df["authored"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_post = np.where(n > 0, eng / n, np.nan)
        rate = np.where(followers > 0, 100 * per_post / followers, np.nan)
    df["engagement_per_post"] = per_post
    df["engagement_rate"] = rate
    return df


def topic_posts(
    posts: ir.Table, accounts: pd.DataFrame, *, examples: int = 3
) -> tuple[pd.DataFrame, dict[tuple[str, str], list[dict[str, Any]]]]:
    """Posts of ``accounts`` in ``posts`` (a topic's posts cut to the window), with examples.

    Returns:
        ``platform``, ``author_id``, ``posts`` in the order of ``accounts``; and per account the
        ``examples`` earliest posts (``id``, ``created_at``, ``relation``, ``text`` cut to
        :data:`SNIPPET` characters), ties broken by id.
    """
    t = _of_accounts(posts, accounts)
    counts = to_pandas(t.group_by(KEY).aggregate(posts=t.count()))
    df = _merge(accounts, counts, {"posts": 0})
    df["posts"] = df["posts"].astype("int64")
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if examples > 0:
        rank = ibis.row_number().over(group_by=KEY, order_by=[t.created_at, t.id])
        first = t.mutate(_rank=rank).filter(lambda x: x._rank < examples)
        ex = to_pandas(first.select(*KEY, "id", "created_at", "relation", "text"))
        ex = ex.sort_values([*KEY, "created_at", "id"])
        r: Any
        for r in ex.itertuples(index=False):
            text = "" if r.text is None or pd.isna(r.text) else str(r.text)
            found.setdefault((r.platform, r.author_id), []).append(
                {
                    "id": str(r.id),
                    "created_at": None if pd.isna(r.created_at) else pd.Timestamp(r.created_at),
                    "relation": r.relation,
                    "text": text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…",
                }
            )
    return df, found


def coordination_of(
    posts: ir.Table, accounts: pd.DataFrame, *, window: float = 60.0, min_items: int = 2
) -> pd.DataFrame:
    """The co-repost cluster of each account among ``posts`` (already cut to the window).

    Returns:
        ``platform``, ``author_id``, ``cluster`` (null when in none), ``cluster_size``,
        ``cluster_score`` (see :class:`agorascope.listen.Coordination`).
    """
    clusters = coordinated_clusters(posts, window=window, min_items=min_items).clusters
    where: dict[str, tuple[int, int, float]] = {}
    c: Any
    for c in clusters.itertuples(index=False):
        for node in c.accounts:
            where[node] = (int(c.cluster), int(c.size), float(c.score))
    rows = []
    for p, a in zip(accounts["platform"], accounts["author_id"], strict=True):
        got = where.get(f"{p or ''}:{a}")
        rows.append(
            {"platform": p, "author_id": a, "cluster": got[0] if got else None,
             "cluster_size": got[1] if got else None, "cluster_score": got[2] if got else None}
        )  # fmt: skip
    df = pd.DataFrame(rows)
    for col in ("cluster", "cluster_size"):
        df[col] = df[col].astype("Int64")
    return df


def duplicate_shares(
    posts: ir.Table, accounts: pd.DataFrame, *, threshold: float = 0.8, seed: int = 1
) -> pd.DataFrame:
    """Share (%) of each account's authored posts that are near-duplicates of a post in ``posts``.

    Near-duplicates are found among every authored post (not reposts) of ``posts`` (already cut
    to the window) with the defaults of :func:`agorascope.listen.near_duplicates`; a post counts
    when its cluster holds another post (by anyone).

    Returns:
        ``platform``, ``author_id``, ``duplicates`` (posts), ``duplicate_share`` (% of authored
        posts with text; null with none).
    """
    authored = posts.relation.isnull() | (posts.relation != "repost")
    clusters = near_duplicates(posts, where=authored, threshold=threshold, seed=seed)
    copied = {str(i) for ids in clusters["post_ids"] for i in ids}
    mine = _of_accounts(posts, accounts)
    mine = mine.filter((mine.relation.isnull() | (mine.relation != "repost")) & mine.text.notnull())
    ids = to_pandas(mine.select(*KEY, "id"))
    ids["dup"] = ids["id"].astype(str).isin(copied)
    got = ids.groupby(KEY, as_index=False).agg(n=("dup", "size"), duplicates=("dup", "sum"))
    df = _merge(accounts, got, {"n": 0, "duplicates": 0})
    df["duplicates"] = df["duplicates"].astype("int64")
    n = df.pop("n").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["duplicate_share"] = np.where(n > 0, 100 * df["duplicates"] / n, np.nan)
    return df


def ratio_anomaly(posts: ir.Table, accounts: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """How unusual each account's follower/following ratio is among the authors of ``posts``.

    The ratio is ``log10((followers + 1) / (following + 1))``; its robust z is
    ``(x - median) / MAD`` with the MAD scaled to be consistent with a normal standard deviation
    (``scipy.stats.median_abs_deviation(scale="normal")``), and its percentile the % of the
    window's accounts whose ratio is at most the account's. Accounts with an unknown count are
    left out of the reference and get nulls.

    Returns:
        ``platform``, ``author_id``, ``ratio``, ``ratio_z``, ``ratio_percentile``; and the size
        of the reference.
    """
    t = posts.filter(
        posts.author_id.notnull()
        & posts.author_followers.notnull()
        & posts.author_following.notnull()
    )
    ref = to_pandas(
        t.group_by(KEY).aggregate(
            followers=t.author_followers.max(), following=t.author_following.max()
        )
    )
    x = np.sort(_log_ratio(ref["followers"], ref["following"]))
    median = float(np.median(x)) if len(x) else np.nan
    mad = float(np.median(np.abs(x - median))) / ndtri(0.75) if len(x) else np.nan
    mine = _log_ratio(accounts["followers"], accounts["following"])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(mad > 0, (mine - median) / mad, np.nan)
    pct = np.array(
        [100 * np.searchsorted(x, v, side="right") / len(x) if len(x) and not np.isnan(v)
         else np.nan for v in mine]
    )  # fmt: skip
    df = accounts[KEY].copy()
    df["ratio"], df["ratio_z"], df["ratio_percentile"] = mine, z, pct
    return df, len(x)


def _log_ratio(followers: pd.Series, following: pd.Series) -> np.ndarray[Any, Any]:
    f = pd.to_numeric(followers, errors="coerce").astype(float).to_numpy()
    g = pd.to_numeric(following, errors="coerce").astype(float).to_numpy()
    return np.asarray(np.log10((f + 1) / (g + 1)), dtype=float)


def audience_fit(
    posts: ir.Table,
    all_posts: ir.Table,
    accounts: pd.DataFrame,
    target: Audience,
    *,
    min_size: int = MIN_AUDIENCE_SIZE,
) -> pd.DataFrame:
    """Share (%) of each account's engagers who are in ``target``, with a Wilson interval.

    Engagers: authors of ``posts`` (already cut to the window) that repost, quote or reply to
    any post of the account (on the same platform), the account itself excluded.

    Returns:
        ``platform``, ``author_id``, ``engagers``, ``engagers_in_target``, ``fit`` with
        ``fit_low``/``fit_high`` (null below ``min_size`` engagers: withheld).
    """
    mine = _of_accounts(all_posts, accounts)
    parents = mine.select(p_platform=mine.platform, p_id=mine.id, account=mine.author_id)
    kids = posts.filter(
        posts.relation.isin(list(ENGAGING)) & posts.parent_id.notnull() & posts.author_id.notnull()
    )
    e = kids.join(
        parents, (kids.platform == parents.p_platform) & (kids.parent_id == parents.p_id)
    ).select(platform=kids.platform, author_id=parents.account, engager=kids.author_id)
    e = e.filter(e.engager != e.author_id).distinct()
    tg = target.authors.select(
        t_platform=target.authors.platform.cast("string"),
        t_author=target.authors.author_id.cast("string"),
    )
    inside = e.semi_join(tg, (e.platform == tg.t_platform) & (e.engager == tg.t_author))
    total = to_pandas(e.group_by(KEY).aggregate(engagers=e.count()))
    both = to_pandas(inside.group_by(KEY).aggregate(engagers_in_target=inside.count()))
    df = _merge(accounts, total, {"engagers": 0})
    df = df.merge(both, on=KEY, how="left").fillna({"engagers_in_target": 0})
    for c in ("engagers", "engagers_in_target"):
        df[c] = df[c].astype("int64")
    k, n = df["engagers_in_target"].to_numpy(float), df["engagers"].to_numpy(float)
    low, high = wilson(k, n)
    shown = n >= max(min_size, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["fit"] = np.where(shown, 100 * k / n, np.nan)
    df["fit_low"] = np.where(shown, 100 * low, np.nan)
    df["fit_high"] = np.where(shown, 100 * high, np.nan)
    return df


def audit(
    posts: ir.Table,
    all_posts: ir.Table,
    handles: Sequence[str],
    *,
    topics: Mapping[str, ir.Table] | None = None,
    risk: Mapping[str, ir.Table] | None = None,
    target: Audience | None = None,
    examples: int = 3,
    min_size: int = MIN_AUDIENCE_SIZE,
    coordination_window: float = 60.0,
    coordination_items: int = 2,
    duplicate_threshold: float = 0.8,
    seed: int = 1,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The audit of ``handles`` (module docstring): one row per account, evidence in the meta.

    Args:
        posts: every post of the window (``post_view`` rows cut to the window).
        all_posts: every post (to find the accounts and the posts others engage with).
        handles: the accounts to audit.
        topics: name -> that topic's posts cut to the window.
        risk: name -> a risk topic's posts cut to the window (its posts are evidence).
        target: the audience the engagers are compared with (no fit without it).
        examples: example posts kept per account and topic.
        min_size: fewest engagers for the fit to be shown.
        coordination_window, coordination_items: co-repost thresholds (seconds, items).
        duplicate_threshold: Jaccard similarity of near-duplicates.
        seed: MinHash seed of near-duplicates.

    Returns:
        The rows and the meta (``evidence``: per account, ``topics`` and ``risk`` examples;
        ``reference_accounts``: accounts behind the ratio percentiles; ``target``).

    Raises:
        NotFoundError: a handle has no post in the store.
    """
    accounts = find_accounts(all_posts, handles)
    df = accounts.merge(account_activity(posts, accounts), on=KEY)
    keys = list(zip(df["platform"], df["author_id"], strict=True))
    evidence: dict[str, dict[str, Any]] = {
        f"{p}:{a}": {"handle": h, "topics": {}, "risk": {}}
        for (p, a), h in zip(keys, df["handle"], strict=True)
    }
    for field, specs in (("topics", topics or {}), ("risk", risk or {})):
        counts: dict[str, list[int]] = {}
        for name, t in specs.items():
            got, found = topic_posts(t, accounts, examples=examples)
            counts[name] = list(got["posts"])
            for p, a in keys:
                evidence[f"{p}:{a}"][field][name] = found.get((p, a), [])
        df[field] = pd.Series(_shares(counts, df["posts"]), index=df.index, dtype=object)
    if risk:
        parts = [_of_accounts(t, accounts).select(*KEY, "id") for t in risk.values()]
        risky = reduce(lambda x, y: x.union(y), parts).distinct()
        got = to_pandas(risky.group_by(KEY).aggregate(n=risky.count()))
        n = _merge(accounts, got, {"n": 0})["n"].to_numpy(float)
        df["risk_posts"] = n.astype("int64")
        with np.errstate(divide="ignore", invalid="ignore"):
            df["risk_share"] = np.where(df["posts"] > 0, 100 * n / df["posts"], np.nan)
    else:
        df["risk_posts"], df["risk_share"] = 0, np.nan
    df = df.merge(
        coordination_of(posts, accounts, window=coordination_window, min_items=coordination_items),
        on=KEY,
    )
    df = df.merge(
        duplicate_shares(posts, accounts, threshold=duplicate_threshold, seed=seed), on=KEY
    )
    ratios, reference = ratio_anomaly(posts, accounts)
    df = df.merge(ratios, on=KEY)
    df["ratio_anomaly"] = df["ratio_z"].abs() > ANOMALY_Z
    if target is not None:
        df = df.merge(audience_fit(posts, all_posts, accounts, target, min_size=min_size), on=KEY)
    else:
        for c in ("engagers", "engagers_in_target"):
            df[c] = None
        df["fit"] = df["fit_low"] = df["fit_high"] = np.nan
    meta = {
        "evidence": evidence,
        "reference_accounts": reference,
        "anomaly_z": ANOMALY_Z,
        "target": None if target is None else {"name": target.name, "authors": target.size},
        "min_size": min_size,
    }
    return df.reset_index(drop=True), meta


def _shares(counts: Mapping[str, list[int]], posts: pd.Series) -> list[dict[str, Any]]:
    """Per account: topic name -> ``{posts, share}`` (share in % of its posts, null with none)."""
    out = []
    for i, total in enumerate(posts):
        out.append(
            {
                name: {"posts": int(c[i]), "share": 100 * c[i] / total if total else None}
                for name, c in counts.items()
            }
        )
    return out
