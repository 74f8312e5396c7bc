"""Plotly figures (as plain JSON dicts) for the dashboard pages and the HTML reports.

A figure is ``{"data": [...], "layout": {...}}``; the page hands it to ``Plotly.newPlot``.
Text in figures (handles, hashtags, post text) is data, never markup: Plotly renders hover
text as text, and the page embeds the JSON through Jinja's ``tojson`` filter.
"""

from __future__ import annotations

import colorsys
import hashlib
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pycountry

from agorascope.report.timecontrols import wall_to_utc
from agorascope.report.tree import CascadeTree

__all__ = [
    "MAP_NO_DATA",
    "MAP_SCALE",
    "NO_POSTS",
    "Figure",
    "bar_chart",
    "cascade_chart",
    "compare_volume_chart",
    "grouped_bars",
    "iso3",
    "label",
    "share_of_voice_chart",
    "tiers_chart",
    "time_title",
    "timeline_chart",
    "topic_colour",
    "world_map",
]

Figure = dict[str, Any]
_FONT = {"family": "system-ui, sans-serif", "size": 12}
_PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]


# above the plot, right-aligned: below it, a legend would cover the x axis' title
_TOP_LEGEND = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}

NO_POSTS = "No posts in this window"
"""What a chart with nothing to draw says instead."""

MAP_SCALE = [[0.0, "#9ecae1"], [0.5, "#3182bd"], [1.0, "#08306b"]]
"""The map's sequential scale: the smallest share is already a clear blue and the largest the
darkest, so that no country with posts looks like a country without (:data:`MAP_NO_DATA`)."""

MAP_NO_DATA = "#e0e0e0"
"""The grey of countries without posts (no blue at all: unlike any colour of the scale)."""


@cache
def topic_colour(name: str) -> str:
    """The colour of a topic on every page: a hue derived from the name's SHA-256 (not
    Python's ``hash``, which changes with the hash seed), at a saturation and lightness
    readable on white. The same name gets the same colour whatever the other topics.

    Examples:
        >>> topic_colour("it_outage") == topic_colour("it_outage")
        True
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    r, g, b = colorsys.hls_to_rgb(hue, 0.42, 0.7)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))


def time_title(tz: str = "UTC") -> str:
    """The title of a time axis: the zone in which its times are shown."""
    return f"time ({tz})"


def _axes(layout: dict[str, Any], x: str, y: str) -> dict[str, Any]:
    layout["xaxis"] = {**layout.get("xaxis", {}), "title": {"text": x}, "automargin": True}
    layout["yaxis"] = {**layout.get("yaxis", {}), "title": {"text": y}, "automargin": True}
    return layout


def _no_posts(fig: Figure) -> Figure:
    """``fig`` emptied: no traces, no tick labels, the :data:`NO_POSTS` notice in the middle."""
    layout = fig["layout"]
    layout["annotations"] = [
        {
            "text": NO_POSTS,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "font": {"size": 16, "color": "#6b7280"},
        }
    ]
    layout["shapes"] = []
    for axis in ("xaxis", "yaxis"):
        if axis not in layout:  # a map: no axes to draw
            layout[axis] = {"visible": False}
        else:
            layout[axis] = {
                **layout[axis],
                "showticklabels": False,
                "showgrid": False,
                "zeroline": False,
                "range": [0, 1],
            }
    layout.pop("geo", None)
    return {"data": [], "layout": layout}


def _over_time(data: list[dict[str, Any]], layout: dict[str, Any]) -> None:
    """One interval only: a category axis, with stacked areas drawn as one stacked bar and
    lines as markers (a line needs two points, and a date axis spread over a single instant
    shows meaningless ticks)."""
    if len({x for trace in data for x in trace["x"]}) != 1:
        return
    for trace in data:
        if trace.pop("stackgroup", None) is not None:
            trace["type"] = "bar"
            trace.pop("mode", None)
            trace.pop("fillcolor", None)
            colour = trace.pop("line", {}).get("color")
            if colour:
                trace["marker"] = {"color": colour}
            layout["barmode"] = "stack"
        else:
            trace["mode"] = "markers"
    layout["xaxis"] = {**layout.get("xaxis", {}), "type": "category"}


def label(value: Any) -> str:
    """Text from a post or a profile made inert for Plotly, which reads a few HTML tags
    (``<a href>``, ``<b>``) in labels: angle brackets become entities, shown as typed."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "font": {"size": 14}},
        "font": _FONT,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "height": 320,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": _PALETTE,
    }
    base.update(extra)
    return base


def timeline_chart(
    volume: list[dict[str, Any]],
    spikes: list[dict[str, Any]],
    *,
    tz: str = "UTC",
    previous: list[dict[str, Any]] | None = None,
) -> Figure:
    """Posts per interval, each spike shaded and labelled with what drove it.

    Args:
        volume: rows with ``bucket`` (local start), ``posts`` and ``authors``.
        spikes: rows with ``start``, ``until``, ``peak``, ``peak_posts`` and ``summary``.
        tz: the zone the buckets were cut in (named in the time axis' title).
        previous: the volume of the previous period of equal length, drawn dashed over the
            current one, interval by interval (its own times in the hover text).
    """
    x = [r["bucket"] for r in volume]
    utc = [_utc_start(b, tz) for b in x]  # what a click drills down to, whatever the zone
    shapes, notes = [], []
    for i, s in enumerate(spikes):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": s["start"],
                "x1": s["until"],
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(220,38,38,0.15)",
                "line": {"width": 0},
            }
        )
        notes.append(
            {
                "x": s["peak"],
                "y": s["peak_posts"],
                "text": f"spike {i + 1}",
                "showarrow": True,
                "arrowhead": 2,
                "ax": 30,
                "ay": -25,
                "hovertext": label(s.get("summary", "")),
            }
        )
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "posts",
            "x": x,
            "y": [r["posts"] for r in volume],
            "customdata": utc,
            "line": {"color": _PALETTE[0], "width": 2},
            "fill": "tozeroy",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "authors",
            "x": x,
            "y": [r["authors"] for r in volume],
            "customdata": utc,
            "line": {"color": _PALETTE[3], "width": 1, "dash": "dot"},
        },
    ]
    if previous:
        data.append(_previous_trace(x, previous))
    layout = _layout("Posts over time (spikes shaded)", shapes=shapes, annotations=notes)
    layout["legend"] = _TOP_LEGEND
    _axes(layout, time_title(tz), "posts")
    if not any(r["posts"] for r in volume):
        return _no_posts({"data": data, "layout": layout})
    _over_time(data, layout)
    return {"data": data, "layout": layout}


def _utc_start(bucket: Any, tz: str) -> str:
    """A bucket's local start (a datetime or an ISO string) as an ISO UTC instant."""
    t = bucket if isinstance(bucket, datetime) else datetime.fromisoformat(str(bucket))
    utc = t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo is not None else wall_to_utc(t, tz)
    return utc.isoformat() + "Z"


def _previous_trace(x: list[Any], previous: list[dict[str, Any]]) -> dict[str, Any]:
    """The previous period's posts laid over the current interval at the same position."""
    n = min(len(x), len(previous))
    return {
        "type": "scatter",
        "mode": "lines",
        "name": "previous period",
        "x": x[:n],
        "y": [r["posts"] for r in previous[:n]],
        "customdata": [str(r["bucket"]) for r in previous[:n]],
        "hovertemplate": "previous period %{customdata}: %{y:,} posts<extra></extra>",
        "line": {"color": "#6b7280", "width": 1.5, "dash": "dash"},
    }


def share_of_voice_chart(
    rows: list[dict[str, Any]], highlight: str | None = None, *, tz: str = "UTC"
) -> Figure:
    """Each topic's share (%) of the posts of all topics per interval, stacked, each topic in
    its own colour (:func:`topic_colour`)."""
    topics: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        topics.setdefault(str(r["topic"]), []).append(r)
    data = []
    for name, rs in topics.items():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "sov",
                "name": label(name),
                "x": [r["bucket"] for r in rs],
                "y": [r["share"] for r in rs],
                "line": {"width": 3 if name == highlight else 1, "color": topic_colour(name)},
                "fillcolor": topic_colour(name),
            }
        )
    layout = _layout("Share of voice among topics (%)", yaxis={"range": [0, 100]})
    _axes(layout, time_title(tz), "% of the topics' posts")
    if not any(r["posts"] for r in rows):
        return _no_posts({"data": data, "layout": layout})
    _over_time(data, layout)
    return {"data": data, "layout": layout}


@cache
def iso3(alpha2: str) -> str | None:
    """The ISO 3166 alpha-3 code of an alpha-2 code (None when unknown)."""
    c = pycountry.countries.get(alpha_2=alpha2.upper()) if len(alpha2) == 2 else None
    return c.alpha_3 if c is not None else None


def world_map(countries: list[dict[str, Any]], title: str = "Share of posts by country") -> Figure:
    """A choropleth of the share of posts per country (ISO alpha-2 keys): the scale
    :data:`MAP_SCALE` from 0 to the largest share, countries without posts in
    :data:`MAP_NO_DATA` (said under the title)."""
    locs, z, names, keys = [], [], [], []
    for r in countries:
        code = iso3(str(r["key"])) if r.get("key") else None
        if code is None:
            continue
        locs.append(code)
        z.append(r["share"])
        names.append(f"{r['key']}: {r['posts']:,} posts")
        keys.append(str(r["key"]))
    data = [
        {
            "type": "choropleth",
            "locationmode": "ISO-3",
            "locations": locs,
            "z": z,
            "text": names,
            "customdata": keys,  # the alpha-2 code a click drills down to
            "colorscale": MAP_SCALE,
            "reversescale": False,
            "zmin": 0,
            "zmax": max(z, default=1) or 1,
            "marker": {"line": {"color": "white", "width": 0.5}},
            "colorbar": {"title": {"text": "% of posts"}},
            "hovertemplate": "%{text}<br>%{z:.1f} %<extra></extra>",
        }
    ]
    layout = _layout(
        title,
        height=380,
        geo={
            "projection": {"type": "natural earth"},
            "showframe": False,
            "showcoastlines": True,
            "showland": True,
            "landcolor": MAP_NO_DATA,
            "showcountries": True,
            "countrycolor": "white",
        },
        margin={"l": 0, "r": 0, "t": 40, "b": 20},
        annotations=[
            {"text": "grey: no posts", "xref": "paper", "yref": "paper", "x": 0, "y": 0,
             "xanchor": "left", "yanchor": "top", "showarrow": False,
             "font": {"size": 11, "color": "#4b5563"}}
        ],
    )  # fmt: skip
    if not locs:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def bar_chart(
    rows: list[dict[str, Any]],
    key: str,
    value: str,
    title: str,
    *,
    prefix: str = "",
    horizontal: bool = True,
    key_title: str | None = None,
) -> Figure:
    """Bars of ``value`` per ``key`` (largest on top when horizontal); the axes are titled
    ``key_title`` (default: the key's name) and the value's name, its unit."""
    labels = [prefix + ("(none)" if r.get(key) is None else label(r[key])) for r in rows]
    values = [r.get(value) or 0 for r in rows]
    # what a click drills down to: the raw key (an author as platform:id)
    ids = [
        f"{r['platform']}:{r['author_id']}"
        if r.get("author_id") and r.get("platform")
        else r.get(key)
        for r in rows
    ]
    bar: dict[str, Any]
    if horizontal:
        bar = {"type": "bar", "orientation": "h", "x": values[::-1], "y": labels[::-1]}
        bar["customdata"] = ids[::-1]
        layout = _layout(title, margin={"l": 140, "r": 20, "t": 40, "b": 30})
    else:
        bar = {"type": "bar", "x": labels, "y": values, "customdata": ids}
        layout = _layout(title)
    bar["marker"] = {"color": _PALETTE[0]}
    axis = value.replace("_", " ")
    keys = key_title if key_title is not None else key.replace("_", " ")
    _axes(layout, *((axis, keys) if horizontal else (keys, axis)))
    if not any(values):
        return _no_posts({"data": [bar], "layout": layout})
    return {"data": [bar], "layout": layout}


def tiers_chart(tiers: list[dict[str, Any]]) -> Figure:
    """Share of posts, reach and engagement by the follower tier of the authors."""
    shown = [t for t in tiers if t["tier"] != "unknown" or t["posts"]]
    x = [t["tier"] for t in shown]
    data = [
        {"type": "bar", "name": "posts %", "x": x, "y": [t["post_share"] for t in shown]},
        {"type": "bar", "name": "reach %", "x": x, "y": [t["reach_share"] for t in shown]},
        {
            "type": "bar",
            "name": "engagement %",
            "x": x,
            "y": [t["engagement_share"] for t in shown],
        },
    ]
    layout = _layout("Amplifier tiers (authors' followers)", barmode="group")
    layout["legend"] = _TOP_LEGEND
    _axes(layout, "authors' followers", "% of the topic")
    if not any(t["posts"] for t in shown):
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def cascade_chart(tree: CascadeTree) -> Figure:
    """The cascade as a tree: depth left to right, one dot per post, lines to the parent."""
    nodes = tree.nodes
    ex: list[Any] = []
    ey: list[Any] = []
    for n in nodes:
        p = n["parent"]
        if p >= 0:
            ex += [nodes[p]["x"], n["x"], None]
            ey += [nodes[p]["y"], n["y"], None]
    relations = ["original", "quote", "repost", "reply", None]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": ex,
            "y": ey,
            "line": {"color": "#9ca3af", "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    for i, rel in enumerate(relations):
        group = [n for n in nodes if n["relation"] == rel]
        if not group:
            continue
        followers = [n["author_followers"] or 0 for n in group]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": rel or "unknown",
                "x": [n["x"] for n in group],
                "y": [n["y"] for n in group],
                "marker": {
                    "size": [6 + min(18.0, (f**0.5) / 40) for f in followers],
                    "color": _PALETTE[i],
                },
                "customdata": [
                    [
                        label(n["author_handle"] or "?"),
                        n["author_followers"] or 0,
                        n["created_at"] or "",
                    ]
                    for n in group
                ],
                "hovertemplate": "@%{customdata[0]} (%{customdata[1]:,} followers)"
                "<br>%{customdata[2]}<extra></extra>",
            }
        )
    title = f"Cascade {label(tree.platform)}:{label(tree.root_id)} ({tree.total_nodes:,} posts"
    title += f", first {len(nodes):,} drawn)" if tree.truncated else ")"
    layout = _layout(
        title,
        height=420,
        xaxis={"title": {"text": "depth"}, "dtick": 1},
        yaxis={"visible": False},
    )
    return {"data": data, "layout": layout}


def compare_volume_chart(rows: list[dict[str, Any]], *, tz: str = "UTC") -> Figure:
    """Posts per interval, one line per topic in its colour (:func:`topic_colour`)."""
    topics: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        topics.setdefault(str(r["topic"]), []).append(r)
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": label(name),
            "x": [r["bucket"] for r in rs],
            "y": [r["posts"] for r in rs],
            "line": {"color": topic_colour(name)},
        }
        for name, rs in topics.items()
    ]
    layout = _axes(_layout("Posts over time"), time_title(tz), "posts")
    if not any(r["posts"] for r in rows):
        return _no_posts({"data": data, "layout": layout})
    _over_time(data, layout)
    return {"data": data, "layout": layout}


def grouped_bars(
    rows: list[dict[str, Any]], key: str, value: str, title: str, *, x_title: str = ""
) -> Figure:
    """One bar group per ``key`` (axis titled ``x_title``), one bar per topic."""
    topics: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        topics.setdefault(str(r["topic"]), []).append(r)
    data = [
        {
            "type": "bar",
            "name": label(name),
            "x": ["(none)" if r.get(key) is None else label(r[key]) for r in rs],
            "y": [r.get(value) or 0 for r in rs],
            "marker": {"color": topic_colour(name)},
        }
        for name, rs in topics.items()
    ]
    layout = _axes(_layout(title, barmode="group"), x_title, "%")
    if not any(r.get(value) for r in rows):
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}


def result_chart(
    rows: list[dict[str, Any]],
    x: str,
    y: str,
    *,
    group: str | None = None,
    title: str,
    x_title: str,
    y_title: str,
) -> Figure:
    """Lines of ``y`` over time ``x`` (one line per ``group`` value), axes titled with units.

    Used for any registered analysis whose rows are a time series (a ``bucket`` column).
    """
    series: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        series.setdefault(label(r.get(group)) if group else y, []).append(r)
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": [r.get(x) for r in points],
            "y": [r.get(y) for r in points],
        }
        for name, points in series.items()
    ]
    layout = _axes(_layout(title), x_title, y_title)
    layout["yaxis"]["rangemode"] = "tozero"
    if not rows:
        return _no_posts({"data": data, "layout": layout})
    return {"data": data, "layout": layout}
