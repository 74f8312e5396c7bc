"""A fundamentals prior for the national vote: Abramowitz's "time for change" model.

The incumbent party's share of the two-party vote is regressed on the president's net approval
in June, second-quarter GDP growth (annualised) and whether the party has held the White House
for one term only (Abramowitz 2008, "Forecasting the 2008 presidential election with the
time-for-change model", PS: Political Science & Politics 41(4)). The model is refitted on the
elections before the forecast year only, so a backtest never sees its own result.
"""

from __future__ import annotations

import csv
import io
import math
from importlib import resources
from pathlib import Path

import numpy as np

from agorascope.errors import ComputationError, ImportFormatError, InvalidInputError, NotFoundError

__all__ = ["time_for_change"]

_BUNDLED = "abramowitz_fundamentals.csv"


def _load(path: str | Path | None) -> list[dict[str, str]]:
    if path is None:
        text = (resources.files("agorascope") / "data" / "elections" / _BUNDLED).read_text("utf-8")
        name = _BUNDLED
    else:
        p = Path(path)
        if not p.exists():
            raise InvalidInputError(f"no such file: {p}")
        text, name = p.read_text(encoding="utf-8-sig"), p.name
    rows = list(csv.DictReader(io.StringIO(text)))
    need = {"year", "deminc", "incvote", "juneapp", "q2gdp", "term1"}
    if not rows or not need <= set(rows[0]):
        raise ImportFormatError(f"{name}: needs columns {sorted(need)}")
    return rows


def _num(v: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def time_for_change(year: int, path: str | Path | None = None) -> tuple[float, float]:
    """Fundamentals forecast of the Democratic two-party share for ``year``.

    Args:
        year: the election year; its June approval, Q2 GDP and term must be in the file.
        path: a file with The Economist's ``abramowitz_data.csv`` columns (default: bundled).

    Returns:
        (mean, sd) of the Democratic share of the two-party vote, 0-1; the sd is the
        regression's standard error of prediction.

    Raises:
        NotFoundError: the year's predictors are not in the file.
        ComputationError: fewer than 6 earlier elections to fit on.
    """
    rows = _load(path)
    by_year = {int(_num(r["year"])): r for r in rows if not math.isnan(_num(r["year"]))}
    if year not in by_year:
        raise NotFoundError(f"no fundamentals for {year}")
    target = by_year[year]
    x_new = np.array([1.0, _num(target["juneapp"]), _num(target["q2gdp"]), _num(target["term1"])])
    if np.isnan(x_new).any():
        raise NotFoundError(f"incomplete fundamentals for {year}")
    xs, ys = [], []
    for y, r in by_year.items():
        if y >= year:
            continue
        x = [1.0, _num(r["juneapp"]), _num(r["q2gdp"]), _num(r["term1"])]
        v = _num(r["incvote"])
        if not any(math.isnan(a) for a in [*x, v]):
            xs.append(x)
            ys.append(v)
    if len(xs) < 6:
        raise ComputationError(f"only {len(xs)} elections before {year} to fit fundamentals on")
    xm, yv = np.array(xs), np.array(ys)
    beta, *_ = np.linalg.lstsq(xm, yv, rcond=None)
    resid = yv - xm @ beta
    dof = len(yv) - xm.shape[1]
    s2 = float(resid @ resid) / dof
    xtx_inv = np.linalg.inv(xm.T @ xm)
    se = math.sqrt(s2 * (1 + float(x_new @ xtx_inv @ x_new)))
    inc = float(x_new @ beta)
    dem = inc if _num(target["deminc"]) == 1 else 100 - inc
    return dem / 100, se / 100
