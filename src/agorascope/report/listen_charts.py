"""Charts of the listening analyses' pages: networks, the 0-100 trend, rising hashtags, the
author's posts over time.

:data:`CHARTS` maps an analysis name to the function that draws its rows, so the generic
analysis page asks the table instead of testing names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agorascope.report.charts import _PALETTE, Figure, _axes, _layout, _no_posts, label
from agorascope.report.network import network_chart

__all__ = ["CHARTS", "author_volume_chart", "chart_for", "rising_chart", "trend_chart"]


def _time_title(interval: str, tz: str) -> str:
    return f"{interval} starting (local time, {tz})"


def trend_chart(rows: list[dict[str, Any]], *, interval: str, tz: str) -> Figure:
    """The 0-100 trend index per interval, its peak (100) marked and labelled."""
    x = [r["bucket"] for r in rows]
    y = [r["index"] for r in rows]
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": "trend index", "x": x, "y": y,
         "line": {"color": _PALETTE[0], "width": 2},
         "customdata": [[r["posts"], r["total"]] for r in rows],
         "hovertemplate": "%{x}<br>index %{y:.1f}<br>%{customdata[0]:,} of %{customdata[1]:,}"
                          " posts<extra></extra>"},
    ]  # fmt: skip
    layout = _layout("Trend index (the peak interval = 100)", yaxis={"range": [0, 105]})
    _axes(layout, _time_title(interval, tz), "trend index (peak = 100)")
    peaks = [r for r in rows if r["index"] is not None and r["index"] >= 100.0 - 1e-9]
    if not peaks:
        return _no_posts({"data": data, "layout": layout})
    first = peaks[0]
    data.append({
        "type": "scatter", "mode": "markers", "name": "peak = 100", "x": [first["bucket"]],
        "y": [first["index"]], "marker": {"color": _PALETTE[1], "size": 11, "symbol": "star"},
    })  # fmt: skip
    layout["annotations"] = [{"x": first["bucket"], "y": first["index"], "text": "peak = 100",
                              "showarrow": True, "arrowhead": 2, "ax": 30, "ay": -25}]  # fmt: skip
    return {"data": data, "layout": layout}


def rising_chart(rows: list[dict[str, Any]]) -> Figure:
    """Bars of each hashtag's growth against the previous period, labelled with both counts."""
    shown = rows[::-1]  # the fastest riser on top
    data = [
        {"type": "bar", "orientation": "h", "name": "growth",
         "y": ["#" + label(r["hashtag"]) for r in shown], "x": [r["growth"] for r in shown],
         "text": [f"{r['posts']:,} posts (previous {r['previous']:,})" for r in shown],
         "textposition": "auto", "marker": {"color": _PALETTE[0]},
         "hovertemplate": "%{y}: x%{x:.2f}<br>%{text}<extra></extra>"},
    ]  # fmt: skip
    layout = _layout(
        "Rising hashtags: growth against the previous period",
        height=max(320, 80 + 28 * len(rows)), margin={"l": 160, "r": 20, "t": 40, "b": 40},
    )  # fmt: skip
    _axes(layout, "growth ((posts + 1) / (previous + 1), times)", "hashtag")
    if not rows:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def author_volume_chart(points: list[dict[str, Any]], *, interval: str, tz: str) -> Figure:
    """An author's posts per interval, with the engagement they received."""
    x = [p["bucket"] for p in points]
    data = [
        {"type": "bar", "name": "posts", "x": x, "y": [p["posts"] for p in points],
         "marker": {"color": _PALETTE[0]}},
        {"type": "scatter", "mode": "lines+markers", "name": "engagement received", "x": x,
         "y": [p["engagement"] for p in points], "yaxis": "y2",
         "line": {"color": _PALETTE[3]}},
    ]  # fmt: skip
    layout = _layout("Posts over time")
    _axes(layout, _time_title(interval, tz), "posts")
    layout["yaxis2"] = {"title": {"text": "engagement (likes + reposts + replies)"},
                        "overlaying": "y", "side": "right", "rangemode": "tozero"}  # fmt: skip
    layout["legend"] = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02,
                        "yanchor": "bottom"}  # fmt: skip
    layout["margin"] = {"l": 50, "r": 60, "t": 40, "b": 40}
    if not any(p["posts"] for p in points):
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def _params(result: Any, name: str, default: str) -> str:
    return str(getattr(result.params, name, default))


CHARTS: dict[str, Callable[[Any], Figure]] = {
    "coordination": lambda r: network_chart(
        r.graph, "Co-repost network", size_label="items co-reposted with others"
    ),
    "cohashtags": lambda r: network_chart(
        r.graph, "Co-hashtag network", size_label="posts shared with other hashtags"
    ),
    "trend": lambda r: trend_chart(
        r.rows, interval=_params(r, "interval", "day"), tz=_params(r, "tz", "UTC")
    ),
    "rising-hashtags": lambda r: rising_chart(r.rows),
}
"""Listening analysis name -> the chart of a :class:`~agorascope.registry.Result`."""


def chart_for(result: Any) -> Figure | None:
    """The chart of a listening result from :data:`CHARTS` (None when it has none)."""
    if result.analysis.domain != "listen" or result.analysis.name not in CHARTS:
        return None
    if result.analysis.graph and result.graph is None:
        return None
    return CHARTS[result.analysis.name](result)
