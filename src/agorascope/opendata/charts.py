"""Offline maps and the correlation scatter, as Plotly figures (plain JSON dicts).

County and state outlines come from the bundled ``counties-10m.json`` (us-atlas, TopoJSON),
decoded here to GeoJSON: a page passes the URL the app serves them at, a report embeds them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from agorascope.opendata.correlate import ECOLOGICAL_NOTE, Fit
from agorascope.opendata.tables import Level, data_path
from agorascope.report.charts import Figure, label

__all__ = ["NO_DATA_COLOUR", "choropleth", "geojson", "scatter_chart"]

NO_DATA_COLOUR = "#bdbdbd"
"""Areas with no value: a mid grey, never confused with the palest colour of the scale."""
_SCALE = [[0.0, "#fff3b0"], [0.5, "#f08a24"], [1.0, "#7a0c02"]]  # sequential, no grey in it
_OBJECTS = {"county": "counties", "state": "states"}


def _arcs(topo: dict[str, Any]) -> list[np.ndarray]:
    scale = np.asarray(topo["transform"]["scale"], dtype=float)
    shift = np.asarray(topo["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(a, dtype=float), axis=0) * scale + shift for a in topo["arcs"]]


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> list[list[float]]:
    points: list[np.ndarray] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.append(arc if not points else arc[1:])
    ring = np.round(np.concatenate(points), 4)
    return ring.tolist()  # type: ignore[no-any-return]


@lru_cache(maxsize=2)
def _geojson_text(level: Level) -> str:
    with open(data_path("counties-10m.json"), encoding="utf-8") as f:
        topo = json.load(f)
    arcs = _arcs(topo)
    features = []
    for g in topo["objects"][_OBJECTS[level]]["geometries"]:
        if g["type"] == "Polygon":
            coords: Any = [_ring(r, arcs) for r in g["arcs"]]
        elif g["type"] == "MultiPolygon":
            coords = [[_ring(r, arcs) for r in poly] for poly in g["arcs"]]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": g["id"],
                "properties": {"name": g.get("properties", {}).get("name", "")},
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def geojson(level: Level) -> dict[str, Any]:
    """County or state outlines as GeoJSON (feature ids are FIPS codes)."""
    loaded: dict[str, Any] = json.loads(_geojson_text(level))
    return loaded


def geojson_text(level: Level) -> str:
    """:func:`geojson` as compact JSON text (what the app serves)."""
    return _geojson_text(level)


def choropleth(
    frame: pd.DataFrame,
    value: str,
    *,
    level: Level,
    title: str,
    unit: str,
    names: str | None = None,
    geo: str | dict[str, Any] | None = None,
) -> Figure:
    """A county or state map of ``frame[value]`` keyed by ``frame["fips"]``.

    Areas of the map without a value are drawn in :data:`NO_DATA_COLOUR` (a second trace,
    named "no data" in the legend), distinct from the lowest value's colour.

    Args:
        frame: rows with ``fips`` and ``value``.
        value: the column to colour by.
        level: ``county`` or ``state``.
        title: the map's title.
        unit: the unit of ``value`` (the colour bar's title).
        names: a column naming each area in the hover text.
        geo: the outlines: a URL the page can fetch, or None to embed them.
    """
    shapes = geo if geo is not None else geojson(level)
    rows = frame[frame["fips"].notna()].copy()
    z = pd.to_numeric(rows[value], errors="coerce")
    have = rows[z.notna()]
    known = set(have["fips"].astype(str))
    all_ids = [f["id"] for f in geojson(level)["features"]]
    missing = [i for i in all_ids if i not in known]
    text = (have[names] if names else have["fips"]).astype(str).map(label).tolist()
    data: list[dict[str, Any]] = [
        {
            "type": "choropleth",
            "geojson": shapes,
            "locations": missing,
            "z": [0] * len(missing),
            "colorscale": [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
            "showscale": False,
            "name": "no data",
            "showlegend": True,
            "hovertemplate": "%{location}: no data<extra></extra>",
            "marker": {"line": {"width": 0.2, "color": "white"}},
        },
        {
            "type": "choropleth",
            "geojson": shapes,
            "locations": have["fips"].astype(str).tolist(),
            "z": z[z.notna()].astype(float).tolist(),
            "text": text,
            "colorscale": _SCALE,
            "name": value,
            "colorbar": {"title": {"text": unit}},
            "hovertemplate": "%{text}<br>%{z:,.4g} " + unit + "<extra></extra>",
            "marker": {"line": {"width": 0.2, "color": "white"}},
        },
    ]
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 14}},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "height": 440,
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        "legend": {"x": 0, "y": 0, "bgcolor": "rgba(255,255,255,0.7)"},
        "geo": {"scope": "usa", "projection": {"type": "albers usa"}, "showlakes": False,
                "bgcolor": "white", "landcolor": NO_DATA_COLOUR},
    }  # fmt: skip
    return {"data": data, "layout": layout}


def scatter_chart(
    fit: Fit, *, x_title: str, y_title: str, labels: list[str] | None = None
) -> Figure:
    """The scatter of ``fit``'s points with the OLS line and its 95 % confidence band.

    Args:
        fit: the correlation (:func:`agorascope.opendata.correlate.correlate`).
        x_title: the x axis title, with its unit.
        y_title: the y axis title, with its unit.
        labels: one label per point (hover text).
    """
    c = fit.correlation
    grid = np.linspace(float(fit.xs.min()), float(fit.xs.max()), 60)
    line, low, high = fit.band(grid)
    points: dict[str, Any] = {
        "type": "scatter",  # SVG: WebGL is missing in many headless and remote browsers
        "mode": "markers",
        "x": fit.xs.tolist(),
        "y": fit.ys.tolist(),
        "name": f"areas (n = {c.n:,})",
        "marker": {"size": 4, "opacity": 0.5, "color": "#2563eb"},
    }
    if labels is not None:
        points["text"] = [label(t) for t in labels]
        points["hovertemplate"] = "%{text}<br>%{x:,.4g}, %{y:,.4g}<extra></extra>"
    data = [
        {"type": "scatter", "mode": "lines", "x": grid.tolist(), "y": high.tolist(),
         "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "x": grid.tolist(), "y": low.tolist(),
         "line": {"width": 0}, "fill": "tonexty", "fillcolor": "rgba(220,38,38,0.2)",
         "name": "95 % confidence band", "hoverinfo": "skip"},
        points,
        {"type": "scatter", "mode": "lines", "x": grid.tolist(), "y": line.tolist(),
         "line": {"color": "#dc2626", "width": 2},
         "name": f"OLS: y = {c.intercept:.4g} + {c.slope:.4g} x"},
    ]  # fmt: skip
    layout = {
        "title": {"text": f"r = {c.pearson_r:.3f}, rho = {c.spearman_rho:.3f}", "x": 0.01},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "height": 420,
        "margin": {"l": 60, "r": 20, "t": 40, "b": 90},
        "xaxis": {"title": {"text": x_title}, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "automargin": True},
        "annotations": [
            {"text": "Areas, not people: beware the ecological fallacy.", "showarrow": False,
             "xref": "paper", "yref": "paper", "x": 0, "y": -0.28, "xanchor": "left",
             "font": {"size": 11, "color": "#555"}, "hovertext": ECOLOGICAL_NOTE},
        ],
    }  # fmt: skip
    return {"data": data, "layout": layout}
