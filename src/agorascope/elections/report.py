"""Charts (Plotly) and a self-contained HTML report of a forecast."""

from __future__ import annotations

import html
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from agorascope.elections.forecast import Forecast

__all__ = [
    "ev_histogram",
    "html_report",
    "snake_chart",
    "state_map",
    "tipping_point_chart",
    "write_report",
]

_DEM, _REP = "#1f5fbf", "#c8262c"


def ev_histogram(fc: Forecast) -> go.Figure:
    """Distribution of the Democrat's electoral votes, the majority line marked."""
    total = len(fc.ev_distribution) - 1
    need = total // 2 + 1
    x = list(range(total + 1))
    colors = [_DEM if v >= need else (_REP if v < total - need + 1 else "#888") for v in x]
    fig = go.Figure(go.Bar(x=x, y=fc.ev_distribution, marker_color=colors, name="probability"))
    fig.add_vline(x=need - 0.5, line_dash="dash", annotation_text=f"{need} to win")
    fig.update_layout(
        title=f"Democratic electoral votes ({fc.n:,} simulations)",
        xaxis_title="electoral votes", yaxis_title="probability", bargap=0,
    )  # fmt: skip
    return fig


def state_map(fc: Forecast) -> go.Figure:
    """US map of the Democrat's chance of winning each state.

    plotly.js draws US maps from topojson files; offline, give their location to
    :func:`html_report` (``topojson_url``).
    """
    st = fc.units[fc.units["kind"] == "state"]
    fig = go.Figure(
        go.Choropleth(
            locations=st["unit"], z=st["dem_win"], locationmode="USA-states",
            colorscale=[[0, _REP], [0.5, "#f2f2f2"], [1, _DEM]], zmin=0, zmax=1,
            text=st["name"], colorbar_title="P(Dem)",
            hovertemplate="%{text}: %{z:.1%}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(title="Chance the Democrat wins each state", geo_scope="usa")
    return fig


def snake_chart(fc: Forecast) -> go.Figure:
    """States and districts ordered by expected margin, each as wide as its electoral votes."""
    sn = fc.snake()
    fig = go.Figure()
    for _, r in sn.iterrows():
        fig.add_trace(
            go.Bar(
                x=[r["ev"]], y=["snake"], orientation="h", name=str(r["unit"]),
                marker_color=_DEM if r["margin"] > 0 else _REP,
                marker_opacity=0.35 + 0.65 * min(1.0, abs(float(r["margin"])) / 0.2),
                hovertemplate=(
                    f"{r['name']}: {r['ev']} EV, margin {100 * r['margin']:+.1f} pts, "
                    f"P(Dem) {r['dem_win']:.0%}<extra></extra>"
                ),
                text=str(r["unit"]), textposition="inside", showlegend=False,
            )
        )  # fmt: skip
    total = int(sn["ev"].sum())
    fig.add_vline(x=total // 2 + 0.5, line_dash="dash", annotation_text="majority")
    fig.update_layout(barmode="stack", title="Snake chart (Democrat's safest on the left)")
    fig.update_yaxes(visible=False)
    return fig


def tipping_point_chart(fc: Forecast, top: int = 15) -> go.Figure:
    """Chance that each state or district casts the decisive electoral vote."""
    tp = fc.units.sort_values("tipping_point", ascending=False).head(top)
    fig = go.Figure(
        go.Bar(x=tp["tipping_point"], y=tp["unit"], orientation="h", marker_color="#6b4fa0")
    )
    fig.update_layout(
        title="Tipping-point chance", xaxis_title="probability", xaxis_tickformat=".0%",
        yaxis_autorange="reversed",
    )  # fmt: skip
    return fig


def html_report(
    fc: Forecast, *, title: str = "Election forecast", topojson_url: str | None = None
) -> str:
    """A self-contained HTML page (plotly.js inline) with the four charts and a state table.

    Args:
        fc: the forecast.
        title: page title (escaped).
        topojson_url: folder URL holding ``usa_110m.json`` for the map; without it plotly.js
            fetches the file from its CDN, which fails offline (the map stays blank).
    """
    config: dict[str, object] = {"displaylogo": False}
    if topojson_url:
        config["topojsonURL"] = topojson_url if topojson_url.endswith("/") else topojson_url + "/"
    figs = [ev_histogram(fc), state_map(fc), snake_chart(fc), tipping_point_chart(fc)]
    divs = "\n".join(
        pio.to_html(f, include_plotlyjs=False, full_html=False, config=config) for f in figs
    )
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            r["unit"], r["ev"], f"{r['dem_win']:.1%}", f"{100 * r['margin']:+.1f}",
            f"{100 * r['margin_lo80']:+.1f} to {100 * r['margin_hi80']:+.1f}",
            f"{r['tipping_point']:.1%}", f"{r['voter_power']:.2f}",
        )) + "</tr>"
        for _, r in fc.units.iterrows()
    )  # fmt: skip
    head = {
        "Democrat wins the Electoral College": f"{fc.dem_ec_win:.1%}",
        "Republican wins the Electoral College": f"{fc.rep_ec_win:.1%}",
        "No majority (tie)": f"{fc.tie:.2%}",
        "Democrat wins the popular vote": f"{fc.dem_pv_win:.1%}",
        "Electoral College and popular vote split": f"{fc.split:.1%}",
        "Democratic electoral votes, median (80 % interval)": (
            f"{fc.ev_percentiles[50]} ({fc.ev_percentiles[10]}-{fc.ev_percentiles[90]})"
        ),
    }
    summary = "".join(
        f"<li>{html.escape(k)}: <b>{html.escape(v)}</b></li>" for k, v in head.items()
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><ul>{summary}</ul>{divs}"
        "<h2>States and districts</h2><table><tr><th>unit</th><th>EV</th><th>P(Dem)</th>"
        "<th>margin (pts)</th><th>80 % interval</th><th>tipping point</th>"
        f"<th>voter power</th></tr>{rows}</table>"
        f"<script type='application/json' id='forecast-data'>"
        f"{html.escape(json.dumps({'simulations': fc.n, 'dem_ec_win': fc.dem_ec_win}))}</script>"
        "</body></html>"
    )


def write_report(fc: Forecast, path: str | Path, **kwargs: str | None) -> Path:
    """Write :func:`html_report` to ``path``."""
    out = Path(path)
    out.write_text(html_report(fc, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return out
