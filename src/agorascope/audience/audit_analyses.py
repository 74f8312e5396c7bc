"""The influencer audit as the registry declares it (``agorascope audience audit``).

One row per audited account; the example posts behind each topic and risk share are in
``meta["evidence"]``. The analysis page (``/analyses/audience/audit``) and ``--json`` carry the
whole audit; there is no separate report file.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agorascope.audience.audiences import MIN_AUDIENCE_SIZE, audience_of, named_selection
from agorascope.audience.audit import audit
from agorascope.errors import InvalidInputError
from agorascope.registry import Context, Output, Params, Row, analysis

__all__: list[str] = []

_SPECS = "Topic names, or NAME=QUERY pairs (a text that is no topic is a query)."


class AuditParams(Params):
    """Accounts to audit and what to look for."""

    handles: list[str] = Field(
        min_length=1,
        max_length=50,
        description="Handles of the accounts to audit (@ optional).",
        examples=[["realinsidernews", "globalnewsflash"]],
    )
    topics: list[str] | None = Field(
        None,
        max_length=20,
        description="Topics whose share of each account's posts is measured. " + _SPECS,
        examples=[["it_outage", "olympics"]],
    )
    risk: list[str] | None = Field(
        None,
        max_length=20,
        description="Risk topics: their posts are listed as evidence. " + _SPECS,
        examples=[["hoax=intern"]],
    )
    target: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="Target audience (authors of a topic, NAME=QUERY or query in the window) "
        "that the accounts' engagers are compared with.",
        examples=["it_outage"],
    )
    examples: int = Field(3, ge=0, le=20, description="Example posts per account and topic.")
    min_size: int = Field(
        MIN_AUDIENCE_SIZE,
        ge=1,
        le=1_000_000,
        description="Fewest engagers for the audience fit to be shown.",
    )
    coordination_window: float = Field(
        60.0, ge=0, le=86_400, description="Co-repost window, in seconds."
    )
    coordination_items: int = Field(
        2, ge=1, le=10_000, description="Fewest co-reposted items linking two accounts."
    )
    duplicate_threshold: float = Field(
        0.8, gt=0, le=1, description="Jaccard similarity of near-duplicate texts."
    )
    seed: int = Field(1, ge=0, le=2**32 - 1, description="Seed of the near-duplicate MinHash.")


class AuditRow(Row):
    """One audited account: activity, engagement, tier, topic and risk shares (%),
    authenticity signals and audience fit (% of engagers in the target, Wilson 95 %)."""

    platform: str
    author_id: str
    handle: str
    followers: int | None
    following: int | None
    tier: str
    posts: int
    active_days: int
    authored: int
    engagement: int
    engagement_per_post: float | None
    engagement_rate: float | None
    topics: dict[str, dict[str, Any]]
    risk: dict[str, dict[str, Any]]
    risk_posts: int
    risk_share: float | None
    cluster: int | None
    cluster_size: int | None
    cluster_score: float | None
    duplicates: int
    duplicate_share: float | None
    ratio: float | None
    ratio_z: float | None
    ratio_percentile: float | None
    ratio_anomaly: bool
    engagers: int | None
    engagers_in_target: int | None
    fit: float | None
    fit_low: float | None
    fit_high: float | None


@analysis("audience", "audit", params=AuditParams, row=AuditRow, needs="window")
def _audit(ctx: Context, p: AuditParams) -> Output:
    """Influencer audit: activity, engagement, topics, risk evidence, authenticity, audience fit.

    Per account (every platform a handle is found on): posts and active days in the window,
    engagement per authored post and per follower, follower tier, share of its posts in each
    topic and risk topic (examples in meta.evidence), co-repost cluster, share of near-duplicate
    posts, follower/following ratio robust z and percentile among the window's accounts, and
    the share of its engagers in a target audience (docs/audience.md).
    """
    sel = ctx.selection
    if sel is None:
        raise InvalidInputError("audience audit needs a window")
    ws, window = ctx.workspace, sel.window
    everyone = ws.select(window=window)

    def resolve(specs: list[str] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in specs or []:
            name, s = named_selection(ws, spec, window)
            if name in out:
                raise InvalidInputError(f"topic {name!r} is given twice")
            out[name] = s.windowed()
        return out

    target = None
    if p.target is not None:
        name, s = named_selection(ws, p.target, window)
        target = audience_of(name, s.windowed())
    df, meta = audit(
        everyone.windowed(), everyone.all_posts, p.handles,
        topics=resolve(p.topics), risk=resolve(p.risk), target=target, examples=p.examples,
        min_size=p.min_size, coordination_window=p.coordination_window,
        coordination_items=p.coordination_items, duplicate_threshold=p.duplicate_threshold,
        seed=p.seed,
    )  # fmt: skip
    return Output(df, meta=meta)
