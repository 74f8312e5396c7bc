"""The audience analyses of this package as the registry declares them: lift, overlap, upset.

Each declaration turns a function of this package into ``ws.audience.<name>()``, the command
``agorascope audience <name>``, the route ``GET /api/audience/<name>`` and its page. Results
are aggregates over at least ``min_size`` authors; no author is listed.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from agorascope.audience.audiences import (
    MIN_AUDIENCE_SIZE,
    Audience,
    Relation,
    audience_of,
    named_audiences,
    named_selection,
)
from agorascope.audience.lift import KINDS, lift
from agorascope.audience.overlap import MAX_AUDIENCES, overlap, upset
from agorascope.errors import InvalidInputError
from agorascope.registry import Context, Output, Params, Row, analysis

__all__: list[str] = []

_MIN_SIZE = Field(
    MIN_AUDIENCE_SIZE,
    ge=1,
    le=1_000_000,
    description="Fewest authors an audience needs; smaller ones are withheld.",
)


class LiftParams(Params):
    """Affinity and lift."""

    baseline: str = Field(
        "everyone",
        min_length=1,
        max_length=2000,
        description="everyone (every author who posted in the window), or a topic name, "
        "NAME=QUERY or query whose authors in the window are the baseline.",
    )
    kinds: list[str] | None = Field(
        None, max_length=len(KINDS), description="Attribute kinds: " + ", ".join(KINDS) + "."
    )
    min_posts: int = Field(1, ge=1, le=100_000, description="Fewest posts in the selection.")
    relation: Relation = Field("any", description="Count only posts of this relation.")
    handles: list[str] | None = Field(
        None, max_length=100_000, description="Keep only these handles in the audience."
    )
    min_authors: int = Field(
        5, ge=1, le=1_000_000, description="Fewest audience authors an attribute needs."
    )
    min_size: int = _MIN_SIZE
    n: int = Field(50, ge=1, le=100_000, description="How many attributes.")

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            unknown = sorted(set(v) - set(KINDS))
            if unknown or not v:
                raise ValueError(f"unknown kinds {unknown}; choose among {', '.join(KINDS)}")
        return v


class OverlapParams(Params):
    """Audiences to compare."""

    audiences: list[str] = Field(
        min_length=2,
        max_length=MAX_AUDIENCES,
        description="Topic names, or NAME=QUERY pairs (a text that is no topic is a query).",
        examples=[["it_outage", "olympics"]],
    )
    min_size: int = _MIN_SIZE


class LiftRow(Row):
    """One attribute: authors having it in the audience and in the rest of the baseline
    (share in %), lift (%), risk ratio with its 95 % interval, p- and q-value, affinity."""

    kind: str
    value: str
    label: str
    authors: int
    share: float
    baseline_authors: int
    baseline_share: float
    lift: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    test: str
    p_value: float
    q_value: float
    affinity: float


class OverlapRow(Row):
    """Two audiences: sizes, authors in both, share (%) of each in the other with its Wilson
    95 % interval, Jaccard index."""

    a: str
    b: str
    size_a: int
    size_b: int
    both: int
    a_in_b: float
    a_in_b_low: float
    a_in_b_high: float
    b_in_a: float
    b_in_a_low: float
    b_in_a_high: float
    jaccard: float


class UpsetRow(Row):
    """One combination of audiences: authors in exactly these (share in % of the union)."""

    audiences: list[str]
    degree: int
    authors: int
    share: float


@analysis("audience", "lift", params=LiftParams, row=LiftRow)
def _lift(ctx: Context, p: LiftParams) -> Output:
    """Attributes the selection's authors have more often than a baseline (lift, affinity).

    An author has an attribute when any of their posts in the window has it; the audience is
    compared with the baseline's other authors (docs/audience.md has every formula).
    """
    sel = ctx.selection
    if sel is None:
        raise InvalidInputError("audience lift needs a selection")
    everyone = ctx.workspace.select(window=sel.window)
    posts = everyone.windowed()
    audience = audience_of(
        sel.name, sel.windowed(), min_posts=p.min_posts, relation=p.relation, handles=p.handles
    )
    baseline: Audience
    if p.baseline.strip() == "everyone":
        baseline = audience_of("everyone", posts)
    else:
        name, bsel = named_selection(ctx.workspace, p.baseline, sel.window)
        baseline = audience_of(name, bsel.windowed())
    df, meta = lift(
        posts, everyone.all_posts, audience, baseline,
        kinds=tuple(p.kinds or KINDS), min_authors=p.min_authors, min_size=p.min_size, n=p.n,
    )  # fmt: skip
    return Output(df, meta=meta)


def _audiences(ctx: Context, p: OverlapParams) -> list[Audience]:
    sel = ctx.selection
    if sel is None:
        raise InvalidInputError("audience overlap needs a window")
    return named_audiences(ctx.workspace, p.audiences, sel.window, min_size=p.min_size)


@analysis(
    "audience", "overlap", params=OverlapParams, row=OverlapRow, needs="window",
    arguments=("audiences",),
)  # fmt: skip
def _overlap(ctx: Context, p: OverlapParams) -> Output:
    """How much 2 to 8 audiences overlap: authors in both, shares with Wilson intervals, Jaccard.

    Each audience is the authors who posted in a topic or query in the window.
    """
    df, meta = overlap(_audiences(ctx, p))
    return Output(df, meta=meta)


@analysis(
    "audience", "upset", params=OverlapParams, row=UpsetRow, needs="window",
    arguments=("audiences",),
)  # fmt: skip
def _upset(ctx: Context, p: OverlapParams) -> Output:
    """UpSet intersections of 2 to 8 audiences: authors in exactly each combination."""
    df, meta = upset(_audiences(ctx, p))
    return Output(df, meta=meta)
