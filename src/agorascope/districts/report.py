"""Outlier analysis: where plans sit in an ensemble, as a table and an HTML report."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agorascope.districts.ensemble import Ensemble
from agorascope.districts.graph import DistrictGraph
from agorascope.districts.metrics import cut_edges
from agorascope.districts.partisan import (
    Election,
    efficiency_gap,
    mean_median,
    partisan_bias,
    seats,
)
from agorascope.districts.plan import Plan, district_populations
from agorascope.errors import InvalidInputError

__all__ = [
    "OutlierRow",
    "ensemble_histogram",
    "html_report",
    "metric_title",
    "outlier_table",
    "plan_statistics",
]


def plan_statistics(
    graph: DistrictGraph, plan: Plan, population: str, elections: Sequence[Election] = ()
) -> dict[str, float]:
    """The statistics an ensemble records, computed for one plan (same column names)."""
    pop = graph.numeric(population)
    dpop = district_populations(plan, pop)
    ideal = pop.sum() / plan.k
    out = {
        "cut_edges": float(cut_edges(graph, plan)),
        "max_deviation": float(np.abs(dpop - ideal).max() / ideal),
    }
    for el in elections:
        a, b = el.tallies(graph, plan)
        out[f"seats_{el.name}"] = float(seats(a, b))
        out[f"efficiency_gap_{el.name}"] = efficiency_gap(a, b)
        out[f"mean_median_{el.name}"] = mean_median(a, b)
        out[f"partisan_bias_{el.name}"] = partisan_bias(a, b)
    return out


@dataclass(frozen=True)
class OutlierRow:
    """One plan on one metric.

    Attributes:
        plan: plan name.
        metric: statistic name.
        value: the plan's value.
        percentile: share of ensemble values below it, ties counted half (0-100).
        z: ``(value - mean) / sd`` of the ensemble (NaN when the ensemble is constant).
        mean: ensemble mean.
        sd: ensemble standard deviation.
        low: ensemble minimum.
        high: ensemble maximum.
    """

    plan: str
    metric: str
    value: float
    percentile: float
    z: float
    mean: float
    sd: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row (NaN becomes null)."""
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in vars(self).items()
        }


def _rank(values: npt.NDArray[np.float64], v: float) -> float:
    below = float((values < v).sum())
    ties = float((values == v).sum())
    return 100.0 * (below + 0.5 * ties) / len(values)


def outlier_table(ensemble: Ensemble, plans: Mapping[str, Mapping[str, float]]) -> list[OutlierRow]:
    """Percentile and z-score of each plan on each statistic the ensemble recorded.

    Args:
        ensemble: the ensemble.
        plans: plan name to its statistics (see :func:`plan_statistics`).
    """
    if len(ensemble.stats) == 0:
        raise InvalidInputError("the ensemble has no states")
    rows = []
    for name, stats in plans.items():
        for metric, value in stats.items():
            if metric not in ensemble.stats.columns:
                continue
            vals = ensemble.values(metric)
            sd = float(vals.std(ddof=1)) if len(vals) > 1 else 0.0
            mean = float(vals.mean())
            z = (value - mean) / sd if sd > 0 else math.nan
            rows.append(
                OutlierRow(
                    name,
                    metric,
                    float(value),
                    _rank(vals, value),
                    z,
                    mean,
                    sd,
                    float(vals.min()),
                    float(vals.max()),
                )
            )
    return rows


_UNITS = {
    "cut_edges": "cut edges (count)",
    "max_deviation": "largest population deviation (share of the ideal)",
    "seats": "seats won by party A (count)",
    "efficiency_gap": "efficiency gap (share of votes; + favours A)",
    "mean_median": "mean-median difference (vote share; + favours A)",
    "partisan_bias": "partisan bias (seat share at 50 % of the vote; + favours A)",
}
_MARKS = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#1f77b4"]


def metric_title(metric: str) -> str:
    """A statistic's axis title with its unit (``efficiency_gap_SEN10`` names its election)."""
    if metric in _UNITS:
        return _UNITS[metric]
    for base, title in _UNITS.items():
        if metric.startswith(base + "_"):
            return f"{title}, {metric[len(base) + 1 :]}"
    return metric


def ensemble_histogram(
    ensemble: Ensemble, metric: str, plans: Mapping[str, Mapping[str, float]]
) -> Any:
    """Histogram (a Plotly figure) of one statistic over the ensemble, each plan marked."""
    import plotly.graph_objects as go

    vals = ensemble.values(metric)
    fig = go.Figure(go.Histogram(x=vals, name="ensemble", marker_color="#7f7f7f"))
    for i, (name, stats) in enumerate(plans.items()):
        if metric in stats:
            fig.add_vline(
                x=stats[metric], line_color=_MARKS[i % len(_MARKS)], line_width=3,
                annotation_text=name, annotation_position="top",
            )  # fmt: skip
    fig.update_layout(
        title=metric, height=320, margin={"l": 60, "r": 20, "t": 50, "b": 50},
        showlegend=False, bargap=0.05, xaxis_title=metric_title(metric),
        yaxis_title="plans in the ensemble",
    )  # fmt: skip
    return fig


def html_report(
    ensemble: Ensemble,
    plans: Mapping[str, Mapping[str, float]],
    path: str | Path,
    title: str = "Ensemble report",
) -> Path:
    """Write a self-contained HTML page: one histogram per statistic with each plan marked.

    plotly.js is inlined from the installed plotly package, so the page works offline.
    """
    from plotly.offline import get_plotlyjs

    rows = outlier_table(ensemble, plans)
    metrics = [c for c in ensemble.stats.columns if c not in ("chain", "step")]
    figures = [
        ensemble_histogram(ensemble, metric, plans).to_html(full_html=False, include_plotlyjs=False)
        for metric in metrics
    ]
    table = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(_fmt(v))}</td>"
            for v in (r.plan, r.metric, r.value, r.percentile, r.z, r.mean, r.sd)
        )
        + "</tr>"
        for r in rows
    )
    s = ensemble.settings
    summary = html.escape(
        f"{len(ensemble.stats)} plans kept from {s.chains} chain(s) of {s.steps} steps "
        f"(burn-in {s.burn_in}, thinning {s.thin}, tolerance {s.tolerance:.2%}, seed {s.seed})"
    )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><script>{get_plotlyjs()}</script>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{summary}</p>"
        "<table><tr><th>plan</th><th>metric</th><th>value</th><th>percentile</th><th>z</th>"
        f"<th>ensemble mean</th><th>ensemble sd</th></tr>{table}</table>"
        + "".join(f"<div class='figure'>{f}</div>" for f in figures)
        + "</body></html>"
    )
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return str(v)
