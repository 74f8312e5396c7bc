"""Charts of the voters analyses (plain Plotly JSON, as :mod:`agorascope.report.charts`).

Per-arm rates with their interval bars, the always-valid p-value over days, and the budget as a
US map beside a bar chart. :func:`chart_for` picks the chart of an analysis's result.
"""

from __future__ import annotations

from typing import Any

from agorascope.report.charts import Figure

__all__ = ["arm_rates_chart", "budget_chart", "chart_for", "sequential_chart"]

_FONT = {"family": "system-ui, sans-serif", "size": 12}
_BLUE, _GREY, _RED = "#2563eb", "#6b7280", "#dc2626"


def _layout(title: str, x: str, y: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title}, "font": _FONT, "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "xaxis": {"title": {"text": x}, "automargin": True},
        "yaxis": {"title": {"text": y}, "automargin": True}, **extra,
    }  # fmt: skip


def arm_rates_chart(rows: list[dict[str, Any]], metric: str, alpha: float) -> Figure:
    """Each arm's rate (percent) with its Wilson interval as error bars; the control in grey."""
    pct = [100 * r["rate"] for r in rows]
    bar = {
        "type": "bar",
        "x": [r["arm"] for r in rows],
        "y": pct,
        "marker": {"color": [_GREY if r["control"] else _BLUE for r in rows]},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [100 * r["rate_hi"] - p for r, p in zip(rows, pct, strict=True)],
            "arrayminus": [p - 100 * r["rate_lo"] for r, p in zip(rows, pct, strict=True)],
        },
        "hovertemplate": "%{x}: %{y:.2f} %<extra></extra>",
    }
    level = round(100 * (1 - alpha))
    title = f"{metric} rate by arm, with {level} % Wilson intervals"
    return {"data": [bar], "layout": _layout(title, "arm", f"{metric} rate (%)")}


def sequential_chart(rows: list[dict[str, Any]], alpha: float) -> Figure:
    """Always-valid p-value (and the naive z test's) per day, one line per arm, log scale."""
    data: list[dict[str, Any]] = []
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    for arm in arms:
        mine = [r for r in rows if r["arm"] == arm]
        days = [str(r["day"]) for r in mine]
        data.append({"type": "scatter", "mode": "lines+markers", "name": f"{arm}: always-valid",
                     "x": days, "y": [r["always_valid_p"] for r in mine]})  # fmt: skip
        data.append({"type": "scatter", "mode": "lines", "line": {"dash": "dot"},
                     "name": f"{arm}: naive z test", "x": days,
                     "y": [r["z_p_value"] for r in mine]})  # fmt: skip
    layout = _layout(
        "p-value over time (cumulative data)", "day", "p-value (log scale)",
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": alpha, "y1": alpha,
                 "line": {"color": _RED, "dash": "dash"}}],
    )  # fmt: skip
    layout["yaxis"]["type"] = "log"
    return {"data": data, "layout": layout}


def budget_chart(rows: list[dict[str, Any]], title: str = "Budget by state") -> Figure:
    """A US map of the dollars per state above a bar chart of the states that get money.

    The map needs plotly's ``usa_110m.json`` (the dashboard serves it offline).
    """
    funded = sorted((r for r in rows if r["spend"] > 0), key=lambda r: -r["spend"])
    choropleth = {
        "type": "choropleth", "locationmode": "USA-states", "geo": "geo",
        "locations": [r["state"] for r in rows], "z": [r["spend"] for r in rows],
        "text": [r["name"] for r in rows], "colorscale": "Blues",
        "colorbar": {"title": {"text": "dollars"}, "len": 0.5, "y": 0.78},
        "hovertemplate": "%{text}: $%{z:,.0f}<extra></extra>",
    }  # fmt: skip
    bars = {
        "type": "bar", "x": [r["state"] for r in funded], "y": [r["spend"] for r in funded],
        "marker": {"color": _BLUE}, "xaxis": "x", "yaxis": "y",
        "hovertemplate": "%{x}: $%{y:,.0f}<extra></extra>",
    }  # fmt: skip
    layout = _layout(title, "state", "dollars")
    layout["geo"] = {"scope": "usa", "domain": {"x": [0, 1], "y": [0.5, 1]}}
    layout["xaxis"]["domain"] = [0, 1]
    layout["yaxis"]["domain"] = [0, 0.4]
    layout["height"] = 700
    layout["showlegend"] = False
    return {"data": [choropleth, bars], "layout": layout}


def chart_for(name: str, rows: list[dict[str, Any]], meta: dict[str, Any]) -> Figure | None:
    """The chart of the voters analysis ``name`` (None when it has none or no rows)."""
    if not rows:
        return None
    if name == "experiment":
        return arm_rates_chart(rows, str(meta.get("metric")), float(meta.get("alpha", 0.05)))
    if name == "experiment-sequential":
        return sequential_chart(rows, float(meta.get("alpha", 0.05)))
    if name == "budget":
        return budget_chart(rows, f"Budget of ${float(meta.get('total', 0)):,.0f} by state")
    return None
