"""The topic page's sentiment section: its data and its Plotly figures."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agorascope._json import plain, records
from agorascope.listen.sentiment import LABELS, sentiment_report
from agorascope.report.charts import Figure, _axes, _layout, _no_posts, _over_time

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from agorascope.listen.spikes import Spike

__all__ = [
    "COLOURS",
    "sentiment_figures",
    "sentiment_section",
    "sentiment_spikes_chart",
    "sentiment_time_chart",
]

COLOURS = {
    "positive": "#15803d",
    "neutral": "#6b7280",
    "negative": "#b91c1c",
    "not_scored": "#d1d5db",
}
"""One colour per label, the same on every chart."""
NAMES = {"positive": "positive", "neutral": "neutral", "negative": "negative"}
NAMES["not_scored"] = "not scored"


PAGE_POSTS = 10_000
"""Most posts the topic page scores: a larger window is sampled (one post in ``k``), which
keeps the page's cost near a second; the shares' 95 % margin is then about 1 point."""


def sentiment_section(
    posts: ir.Table,
    since: datetime,
    until: datetime,
    interval: str,
    spikes: list[Spike],
    total: int,
) -> dict[str, Any]:
    """What the topic page shows: shares per interval and per spike (UTC intervals).

    Args:
        posts, since, until: the page's posts and window.
        interval: the page's interval; shares of hourly intervals swing on a handful of
            posts, so below a day the section uses days, as share of voice does.
        spikes: the page's spikes.
        total: posts in the window; above :data:`PAGE_POSTS` one post in ``every`` is scored.
    """
    interval = "day" if interval in ("minute", "hour") else interval
    every = max(1, math.ceil(total / PAGE_POSTS))
    over_time, per_spike = sentiment_report(
        posts, since, until, spikes, interval=interval, every=every
    )
    section: dict[str, Any] = plain(
        {
            "over_time": records(over_time),
            "spikes": per_spike,
            "every": every,
            "posts": int(over_time["posts"].sum()),
        }
    )
    return section


def sentiment_time_chart(rows: list[dict[str, Any]]) -> Figure:
    """Stacked shares (%) of positive, neutral, negative and not-scored posts per interval."""
    x = [r["bucket"] for r in rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "sentiment",
            "name": NAMES[lab],
            "x": x,
            "y": [r[f"{lab}_share"] or 0 for r in rows],
            "line": {"width": 1, "color": COLOURS[lab]},
            "fillcolor": COLOURS[lab],
        }
        for lab in LABELS
    ]
    layout = _layout("Sentiment over time (VADER, % of posts)", yaxis={"range": [0, 100]})
    _axes(layout, "time (UTC)", "% of posts")
    if not any(r["posts"] for r in rows):
        return _no_posts({"data": data, "layout": layout})
    _over_time(data, layout)
    return {"data": data, "layout": layout}


def sentiment_spikes_chart(rows: list[dict[str, Any]]) -> Figure:
    """One stacked bar per spike and one for the whole window: shares (%) by label."""
    names = [f"spike {i + 1}" for i in range(len(rows))]
    if rows:
        names.append("whole window")
    data = []
    for lab in LABELS:
        values = [r[f"{lab}_share"] for r in rows]
        if rows:
            values.append(rows[0][f"window_{lab}_share"])
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": NAMES[lab],
                "y": names,
                "x": [v or 0 for v in values],
                "marker": {"color": COLOURS[lab]},
            }
        )
    layout = _layout("Sentiment of each spike (VADER, % of posts)", barmode="stack")
    layout["yaxis"] = {"autorange": "reversed"}
    _axes(layout, "% of posts", "spike")
    if not rows:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def sentiment_figures(section: dict[str, Any]) -> dict[str, Figure]:
    """The section's figures by element id (``sentiment``, ``sentiment_spikes``)."""
    return {
        "sentiment": sentiment_time_chart(section["over_time"]),
        "sentiment_spikes": sentiment_spikes_chart(section["spikes"]),
    }
