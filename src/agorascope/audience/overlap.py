"""Overlap of 2 to 8 audiences: pairwise intersections and the UpSet intersections.

One backend query gives every author's membership as a bit mask (bit ``i`` set when the
author is in audience ``i``) and counts the authors per mask: those counts are the *exclusive*
intersections an UpSet chart draws (authors in exactly that combination of audiences), and
every pairwise figure is a sum of them.

Per pair ``(A, B)``: ``both`` = authors in A and B; ``a_in_b = 100 both / |A|`` (the share of
A's authors also in B: "6.5 % of A care about B") and ``b_in_a = 100 both / |B|``, each with
its Wilson 95 % interval (:func:`wilson`); ``jaccard = both / |A ∪ B|``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from agorascope.audience.audiences import KEY, Audience
from agorascope.audience.lift import Z95
from agorascope.errors import InvalidInputError
from agorascope.store import to_pandas

__all__ = ["MAX_AUDIENCES", "memberships", "overlap", "upset", "wilson"]

MAX_AUDIENCES = 8
"""Most audiences compared at once (an UpSet chart of 8 has up to 255 combinations)."""


def wilson(
    k: np.ndarray[Any, Any], n: np.ndarray[Any, Any], z: float = Z95
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The Wilson score interval of the proportions ``k / n`` (as fractions; NaN when n = 0).

    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        denom = 1 + z * z / n
        return (centre - half) / denom, (centre + half) / denom


def memberships(audiences: Sequence[Audience]) -> pd.DataFrame:
    """Authors per membership mask: ``mask`` (bit ``i`` = in ``audiences[i]``), ``authors``.

    Raises:
        InvalidInputError: fewer than 2 or more than :data:`MAX_AUDIENCES` audiences.
    """
    if not 2 <= len(audiences) <= MAX_AUDIENCES:
        raise InvalidInputError(f"give 2 to {MAX_AUDIENCES} audiences, not {len(audiences)}")
    parts = [
        a.authors.select(
            **{c: a.authors[c].cast("string") for c in KEY}, bit=ibis.literal(1 << i, type="int64")
        )
        for i, a in enumerate(audiences)
    ]
    union = parts[0]
    for p in parts[1:]:
        union = union.union(p, distinct=False)
    masks = union.group_by(KEY).aggregate(mask=union.bit.sum())
    counts = masks.group_by("mask").aggregate(authors=masks.count())
    df = to_pandas(counts).astype("int64")
    return df.sort_values("mask").reset_index(drop=True)


def _sizes(masks: pd.DataFrame, bits: int) -> int:
    """Authors whose mask holds every bit of ``bits``."""
    m = masks["mask"].to_numpy()
    return int(masks["authors"].to_numpy()[(m & bits) == bits].sum())


def overlap(
    audiences: Sequence[Audience], masks: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every pair of ``audiences`` (module docstring), shares in percent.

    Returns:
        The rows (``a``, ``b``, ``size_a``, ``size_b``, ``both``, ``a_in_b`` with
        ``a_in_b_low``/``a_in_b_high``, ``b_in_a`` with its bounds, ``jaccard``) in the order
        the audiences were given, and the meta values ``sizes`` (name -> authors) and
        ``sentences`` ("6.5 % of the authors of A also posted in B").
    """
    masks = memberships(audiences) if masks is None else masks
    sizes = [_sizes(masks, 1 << i) for i in range(len(audiences))]
    pairs = [(i, j) for i in range(len(audiences)) for j in range(i + 1, len(audiences))]
    both = np.array([_sizes(masks, (1 << i) | (1 << j)) for i, j in pairs], dtype=float)
    size_a = np.array([sizes[i] for i, _ in pairs], dtype=float)
    size_b = np.array([sizes[j] for _, j in pairs], dtype=float)
    a_low, a_high = wilson(both, size_a)
    b_low, b_high = wilson(both, size_b)
    df = pd.DataFrame(
        {
            "a": [audiences[i].name for i, _ in pairs],
            "b": [audiences[j].name for _, j in pairs],
            "size_a": size_a.astype("int64"),
            "size_b": size_b.astype("int64"),
            "both": both.astype("int64"),
            "a_in_b": 100 * both / size_a,
            "a_in_b_low": 100 * a_low,
            "a_in_b_high": 100 * a_high,
            "b_in_a": 100 * both / size_b,
            "b_in_a_low": 100 * b_low,
            "b_in_a_high": 100 * b_high,
            "jaccard": both / (size_a + size_b - both),
        }
    )
    sentences = []
    for r in df.itertuples():
        for share, lo, hi, x, y in (
            (r.a_in_b, r.a_in_b_low, r.a_in_b_high, r.a, r.b),
            (r.b_in_a, r.b_in_a_low, r.b_in_a_high, r.b, r.a),
        ):
            sentences.append(
                f"{share:.1f} % of the authors of {x} also posted in {y} "
                f"(95 % interval {lo:.1f}-{hi:.1f} %)"
            )
    meta = {"sizes": {a.name: s for a, s in zip(audiences, sizes, strict=True)}}
    return df, {**meta, "sentences": sentences}


def upset(
    audiences: Sequence[Audience], masks: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The exclusive intersections of ``audiences``: authors in exactly each combination.

    Returns:
        Rows ``audiences`` (names, in the order given), ``degree``, ``authors`` and ``share``
        (percent of the union), largest first (then by degree and mask), empty combinations
        left out; meta ``sizes`` and ``union``.
    """
    masks = memberships(audiences) if masks is None else masks
    names = [a.name for a in audiences]
    df = masks[masks["authors"] > 0].copy()
    union = int(df["authors"].sum())
    df["audiences"] = [[names[i] for i in range(len(names)) if m >> i & 1] for m in df["mask"]]
    df["degree"] = [len(x) for x in df["audiences"]]
    df["share"] = 100 * df["authors"] / union if union else 0.0
    df = df.sort_values(
        ["authors", "degree", "mask"], ascending=[False, True, True], kind="mergesort"
    )
    sizes = {n: _sizes(masks, 1 << i) for i, n in enumerate(names)}
    cols = ["audiences", "degree", "authors", "share"]
    return df[cols].reset_index(drop=True), {"sizes": sizes, "union": union}
