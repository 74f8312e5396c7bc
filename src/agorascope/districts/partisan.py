"""Partisan fairness metrics of a plan from two-party district vote totals.

**Sign convention (one for the whole package).** Every election names two parties, A then B
(for example ``Election("SEN10", "SEN10D", "SEN10R")`` makes the Democrats party A). Every
metric is computed from party A's point of view and **a positive value favours party A**:

- ``seats``: districts where A has strictly more votes than B.
- ``efficiency_gap``: ``(wasted_B - wasted_A) / total votes``; a winner wastes the votes beyond
  half of the district's two-party total, a loser wastes all of its votes.
- ``mean_median``: ``median(share_A) - mean(share_A)`` over districts.
- ``partisan_bias``: A's seat share minus 1/2 after a uniform swing that sets the mean district
  share of A to 1/2 (a district counts when its swung share is strictly above 1/2).
- ``declination``: ``2 (theta_B - theta_A) / pi`` with Warrington's angles (the negative of
  Warrington's value computed on A's shares, whose positive sign favours B).

This is GerryChain's convention with ``parties=[A, B]``. ``docs/districts.md`` has the table
that converts to PlanScore, Dave's Redistricting and redist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from agorascope.districts.graph import DistrictGraph
from agorascope.districts.plan import Plan
from agorascope.errors import InvalidInputError

__all__ = [
    "Election",
    "declination",
    "efficiency_gap",
    "mean_median",
    "partisan_bias",
    "partisan_summary",
    "responsiveness",
    "seats",
    "seats_votes_curve",
    "vote_shares",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Election:
    """A two-party election stored as two node attributes.

    Attributes:
        name: a short name used in column names (``"SEN10"``).
        votes_a: attribute with party A's votes (positive metrics favour A).
        votes_b: attribute with party B's votes.
        party_a: display name of party A.
        party_b: display name of party B.
    """

    name: str
    votes_a: str
    votes_b: str
    party_a: str = "A"
    party_b: str = "B"

    def tallies(self, graph: DistrictGraph, plan: Plan) -> tuple[FloatArray, FloatArray]:
        """Votes of A and of B in each district."""
        a = np.bincount(plan.assignment, weights=graph.numeric(self.votes_a), minlength=plan.k)
        b = np.bincount(plan.assignment, weights=graph.numeric(self.votes_b), minlength=plan.k)
        return a.astype(np.float64), b.astype(np.float64)

    @classmethod
    def parse(cls, spec: str) -> Election:
        """Parse ``NAME=A_COLUMN,B_COLUMN`` or ``A_COLUMN,B_COLUMN`` (CLI syntax).

        Raises:
            InvalidInputError: a malformed spec.
        """
        name, _, cols = spec.rpartition("=")
        parts = [p.strip() for p in cols.split(",")]
        if len(parts) != 2 or not all(parts):
            raise InvalidInputError(
                f"election {spec!r}: expected NAME=VOTES_A,VOTES_B (e.g. SEN10=SEN10D,SEN10R)"
            )
        return cls(name.strip() or parts[0], parts[0], parts[1], parts[0], parts[1])


def _arrays(
    a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray
) -> tuple[FloatArray, FloatArray]:
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    if va.shape != vb.shape or va.ndim != 1 or va.size == 0:
        raise InvalidInputError("votes of A and B must be two non-empty vectors of equal length")
    if (va < 0).any() or (vb < 0).any() or not (np.isfinite(va).all() and np.isfinite(vb).all()):
        raise InvalidInputError("votes must be finite and non-negative")
    if ((va + vb) <= 0).any():
        raise InvalidInputError("every district needs at least one two-party vote")
    return va, vb


def vote_shares(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> FloatArray:
    """Two-party share of A in each district."""
    va, vb = _arrays(a, b)
    return va / (va + vb)


def seats(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> int:
    """Districts where A has strictly more votes than B."""
    va, vb = _arrays(a, b)
    return int((va > vb).sum())


def efficiency_gap(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float:
    """Efficiency gap ``(wasted_B - wasted_A) / total``; positive favours A."""
    va, vb = _arrays(a, b)
    half = (va + vb) / 2
    a_wins = va > vb
    wasted_a = np.where(a_wins, va - half, va)
    wasted_b = np.where(a_wins, vb, vb - half)
    return float((wasted_b.sum() - wasted_a.sum()) / (va.sum() + vb.sum()))


def mean_median(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float:
    """Median minus mean of A's district shares; positive favours A."""
    s = vote_shares(a, b)
    return float(np.median(s) - np.mean(s))


def partisan_bias(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float:
    """A's seat share at a mean district share of 1/2 (uniform swing), minus 1/2."""
    s = vote_shares(a, b)
    return float((s > s.mean()).sum() / s.size - 0.5)


def declination(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float:
    """Warrington's declination, signed so that a positive value favours A.

    Returns NaN when one party wins every district (the angle is undefined).
    """
    s = vote_shares(a, b)
    won = s[s > 0.5]
    lost = s[s <= 0.5]
    if won.size == 0 or lost.size == 0:
        return math.nan
    n = s.size
    theta_b = math.atan((1 - 2 * lost.mean()) * n / lost.size)
    gamma_a = math.atan((2 * won.mean() - 1) * n / won.size)
    return 2.0 * (theta_b - gamma_a) / math.pi


def _swing_offset(s: FloatArray, weights: FloatArray, basis: str) -> float:
    if basis == "mean":
        return float(s.mean())
    if basis == "votes":
        return float((s * weights).sum() / weights.sum())
    raise InvalidInputError(f"unknown swing basis {basis!r} (use 'mean' or 'votes')")


def seats_votes_curve(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    votes: Sequence[float] | FloatArray | None = None,
    basis: Literal["mean", "votes"] = "mean",
) -> tuple[FloatArray, FloatArray]:
    """Seats-votes curve of A under uniform swing.

    Every district's share moves by the same amount; the curve gives A's seat share at each
    vote share. ``basis="mean"`` measures the vote share as the mean district share (the basis
    of :func:`partisan_bias`), ``"votes"`` as the vote-weighted (statewide) share.

    Args:
        a: votes of A per district.
        b: votes of B per district.
        votes: vote shares at which to evaluate (default 0.25 to 0.75 by 0.005).
        basis: how the vote share is measured.

    Returns:
        ``(vote_share, seat_share)`` arrays.
    """
    va, vb = _arrays(a, b)
    s = va / (va + vb)
    v = np.round(np.arange(0.25, 0.75 + 1e-9, 0.005), 6) if votes is None else np.asarray(votes)
    base = _swing_offset(s, va + vb, basis)
    shifted = s[None, :] + (v[:, None] - base)
    return v.astype(np.float64), (shifted > 0.5).mean(axis=1)


def responsiveness(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    at: float | None = None,
    bandwidth: float = 0.01,
    basis: Literal["mean", "votes"] = "mean",
) -> float:
    """Slope of the seats-votes curve: seat share gained per unit of vote share.

    Computed as ``(S(v + h) - S(v - h)) / 2h`` at ``v = at`` (default: the observed share).
    """
    va, vb = _arrays(a, b)
    s = va / (va + vb)
    v = _swing_offset(s, va + vb, basis) if at is None else at
    _, curve = seats_votes_curve(va, vb, [v - bandwidth, v + bandwidth], basis=basis)
    return float((curve[1] - curve[0]) / (2 * bandwidth))


def partisan_summary(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    competitive_band: float = 0.05,
) -> dict[str, Any]:
    """Every partisan metric of one election, plus the district shares.

    Args:
        a: votes of A per district.
        b: votes of B per district.
        competitive_band: a district is competitive when A's share is within this distance
            of 1/2.
    """
    va, vb = _arrays(a, b)
    s = va / (va + vb)
    total = va.sum() + vb.sum()
    return {
        "districts": int(s.size),
        "seats_a": seats(va, vb),
        "seats_b": int((vb > va).sum()),
        "vote_share_a": float(va.sum() / total),
        "mean_district_share_a": float(s.mean()),
        "efficiency_gap": efficiency_gap(va, vb),
        "mean_median": mean_median(va, vb),
        "partisan_bias": partisan_bias(va, vb),
        "declination": declination(va, vb),
        "responsiveness": responsiveness(va, vb),
        "competitive_districts": int((np.abs(s - 0.5) <= competitive_band).sum()),
        "shares_a": s.tolist(),
    }
