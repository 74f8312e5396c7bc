"""State error correlation: The Economist's matrix, or one estimated from historical results."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from agorascope.elections.results import ResultSet
from agorascope.elections.states import STATES, normalize_state
from agorascope.errors import ComputationError, ImportFormatError, InvalidInputError

__all__ = ["economist_correlation", "historical_correlation", "nearest_correlation"]


def nearest_correlation(c: np.ndarray) -> np.ndarray:
    """Project a symmetric matrix to a positive-definite correlation matrix.

    Eigenvalues are floored at 1e-6 and the diagonal rescaled to 1 (Higham's first step; good
    enough for a simulation covariance).
    """
    sym = (c + c.T) / 2
    vals, vecs = np.linalg.eigh(sym)
    fixed = (vecs * np.clip(vals, 1e-6, None)) @ vecs.T
    d = np.sqrt(np.diag(fixed))
    out: np.ndarray = fixed / np.outer(d, d)
    return out


def economist_correlation(
    path: str | Path | None = None, *, clip_negative: bool = True
) -> np.ndarray:
    """The Economist's 51 x 51 state correlation matrix, in :data:`STATES` order.

    The file has a header of postal codes (Kansas spelled "KA") and no row labels. As in The
    Economist's ``final_model.R``, negative correlations are set to 0 (the national error is
    modelled separately) and the result is projected to a valid correlation matrix.

    Args:
        path: a file in that format; default the copy bundled with agorascope.
        clip_negative: set negative correlations to 0.
    """
    if path is None:
        ref = (
            resources.files("agorascope")
            / "data"
            / "elections"
            / "state_correlation_matrix_economist.csv"
        )
        text = ref.read_text(encoding="utf-8")
        name = "state_correlation_matrix_economist.csv"
    else:
        p = Path(path)
        if not p.exists():
            raise InvalidInputError(f"no such file: {p}")
        text, name = p.read_text(encoding="utf-8-sig"), p.name
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    header = [normalize_state(h.strip().strip('"')) for h in lines[0].split(",")]
    try:
        m = np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]])
    except ValueError as e:
        raise ImportFormatError(f"{name}: not a numeric matrix ({e})") from e
    if m.shape != (len(header), len(header)) or set(header) != set(STATES):
        raise ImportFormatError(f"{name}: expected a 51 x 51 matrix over the 50 states and DC")
    order = [header.index(s) for s in STATES]
    m = m[np.ix_(order, order)]
    if clip_negative:
        m = np.clip(m, 0.0, None)
    return nearest_correlation(m)


def historical_correlation(
    results: ResultSet, before: int, *, shrinkage: float = 0.5
) -> np.ndarray:
    """Correlation of state lean changes between consecutive elections before ``before``.

    Each year's change in every state's lean (two-party share minus the national share) is a
    draw of correlated state errors; with few elections the sample matrix is singular, so it is
    shrunk towards the average off-diagonal correlation (Ledoit & Wolf's constant-correlation
    target) with weight ``shrinkage``, then negatives are set to 0.

    Raises:
        ComputationError: fewer than three pairs of complete consecutive elections.
    """
    if not 0 <= shrinkage <= 1:
        raise InvalidInputError("shrinkage must be within 0-1")
    years = [y for y in results.years if y < before]
    changes = []
    for y in years:
        if y - 4 not in years:
            continue
        a, b = results.year(y - 4).reindex(list(STATES)), results.year(y).reindex(list(STATES))
        if a["dem2"].isna().any() or b["dem2"].isna().any():
            continue
        la = a["dem2"] - np.average(a["dem2"], weights=a["total_votes"])
        lb = b["dem2"] - np.average(b["dem2"], weights=b["total_votes"])
        changes.append((lb - la).to_numpy())
    if len(changes) < 3:
        raise ComputationError(f"need >= 3 pairs of complete elections before {before}")
    x = np.array(changes)
    c = np.corrcoef(x, rowvar=False)
    off = c[~np.eye(len(STATES), dtype=bool)].mean()
    target = np.full_like(c, off)
    np.fill_diagonal(target, 1.0)
    c = (1 - shrinkage) * c + shrinkage * target
    return nearest_correlation(np.clip(c, 0.0, None))
