"""Correlation of two columns of a joined table: Pearson, Spearman and the OLS line.

Formulas (``n`` pairs with both values):

- Pearson ``r``; its p-value from ``t = r sqrt((n-2)/(1-r^2))`` with ``n-2`` degrees of freedom;
  the 95 % interval by Fisher's z, ``tanh(atanh(r) +- 1.96/sqrt(n-3))``.
- Spearman ``rho``: Pearson's ``r`` of the average ranks, p-value by the same t statistic.
- OLS ``y = a + b x``; the 95 % confidence band of the mean at ``x0`` is
  ``a + b x0 +- t(0.975, n-2) s sqrt(1/n + (x0 - mean x)^2 / Sxx)``.

The tests compare every figure with ``scipy.stats.pearsonr``/``spearmanr`` and statsmodels OLS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from agorascope.errors import InvalidInputError

__all__ = ["ECOLOGICAL_NOTE", "Correlation", "Fit", "correlate", "numbers"]

ECOLOGICAL_NOTE = (
    "These are correlations between areas, not between people: a county where incomes are "
    "low and prescriptions high does not show that the people with low incomes are the ones "
    "given prescriptions (the ecological fallacy). Areas also differ in size; a correlation "
    "is no evidence of a cause."
)


@dataclass(frozen=True)
class Correlation:
    """Pearson, Spearman and the OLS line of ``y`` on ``x``.

    Attributes:
        x: the column on the horizontal axis.
        y: the column on the vertical axis.
        n: pairs with both values.
        missing: rows left out because a value was empty.
        pearson_r: Pearson's r.
        pearson_p: its two-sided p-value.
        pearson_low: lower end of its 95 % interval (Fisher z; None below 4 pairs).
        pearson_high: upper end.
        spearman_rho: Spearman's rho.
        spearman_p: its two-sided p-value.
        slope: OLS slope (units of y per unit of x).
        slope_low: lower end of the slope's 95 % interval.
        slope_high: upper end.
        intercept: OLS intercept.
        r_squared: share of the variance of y the line explains.
    """

    x: str
    y: str
    n: int
    missing: int
    pearson_r: float
    pearson_p: float
    pearson_low: float | None
    pearson_high: float | None
    spearman_rho: float
    spearman_p: float
    slope: float
    slope_low: float
    slope_high: float
    intercept: float
    r_squared: float


def numbers(frame: pd.DataFrame, column: str, source: str = "input") -> pd.Series:
    """``frame[column]`` as floats (empty cells as NaN).

    Raises:
        InvalidInputError: no such column, or a cell that is not a number (the message names
            the source, the line when the frame has a ``line`` column, and the field).
    """
    if column not in frame.columns:
        cols = ", ".join(c for c in frame.columns if c != "line")
        raise InvalidInputError(f"{source}: no column {column!r} (columns: {cols})")
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = values.isna() & text.fillna("").ne("")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        where = f" line {int(frame['line'].iloc[i])}" if "line" in frame.columns else ""
        raise InvalidInputError(
            f"{source}{where}: field {column!r} is not a number: {raw.iloc[i]!r}"
        )
    return values


@dataclass(frozen=True)
class Fit:
    """A correlation with what its band needs.

    Attributes:
        correlation: the figures.
        xs: the x values used.
        ys: the y values used.
        x_mean: mean of ``xs``.
        sxx: sum of squared deviations of ``xs``.
        s: residual standard deviation of the line.
    """

    correlation: Correlation
    xs: np.ndarray
    ys: np.ndarray
    x_mean: float
    sxx: float
    s: float

    def band(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The fitted line and its 95 % confidence band at ``grid``."""
        c = self.correlation
        fit = c.intercept + c.slope * grid
        spread = np.sqrt(1 / c.n + (grid - self.x_mean) ** 2 / self.sxx)
        half = float(stats.t.ppf(0.975, c.n - 2)) * self.s * spread
        return fit, fit - half, fit + half


def _pearson(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    da, db = a - a.mean(), b - b.mean()
    r = float(np.clip((da @ db) / math.sqrt((da @ da) * (db @ db)), -1.0, 1.0))
    n = len(a)
    if abs(r) == 1.0:
        return r, 0.0
    t = r * math.sqrt((n - 2) / (1 - r * r))
    return r, float(2 * stats.t.sf(abs(t), n - 2))


def correlate(frame: pd.DataFrame, x: str, y: str, source: str = "input") -> Fit:
    """Pearson, Spearman and OLS of column ``y`` on column ``x`` of ``frame``.

    Raises:
        InvalidInputError: a column is missing or not numeric, fewer than 3 pairs, or a
            column is constant.
    """
    xv, yv = numbers(frame, x, source), numbers(frame, y, source)
    keep = xv.notna() & yv.notna()
    xs, ys = xv[keep].to_numpy(), yv[keep].to_numpy()
    n = len(xs)
    if n < 3:
        raise InvalidInputError(f"{source}: {n} rows have both {x!r} and {y!r}; 3 are needed")
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        raise InvalidInputError(f"{source}: {x!r} or {y!r} is constant: no correlation")
    r, p = _pearson(xs, ys)
    low = high = None
    if n > 3 and abs(r) < 1:
        z, half = math.atanh(r), stats.norm.ppf(0.975) / math.sqrt(n - 3)
        low, high = math.tanh(z - half), math.tanh(z + half)
    rho, rho_p = _pearson(stats.rankdata(xs), stats.rankdata(ys))
    x_mean = float(xs.mean())
    sxx = float(((xs - x_mean) ** 2).sum())
    slope = float(((xs - x_mean) * (ys - ys.mean())).sum() / sxx)
    intercept = float(ys.mean() - slope * x_mean)
    resid = ys - (intercept + slope * xs)
    s = math.sqrt(float(resid @ resid) / (n - 2))
    half_b = float(stats.t.ppf(0.975, n - 2)) * s / math.sqrt(sxx)
    c = Correlation(
        x, y, n, int((~keep).sum()), r, p, low, high, rho, rho_p,
        slope, slope - half_b, slope + half_b, intercept, r * r,
    )  # fmt: skip
    return Fit(c, xs, ys, x_mean, sxx, s)
