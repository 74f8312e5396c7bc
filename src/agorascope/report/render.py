"""Rendering: the Jinja2 environment, the figures of each page and self-contained reports.

Templates live in ``agorascope/web/templates`` and are shared by the dashboard and the HTML
reports. Autoescaping is always on: every post text and author name is escaped.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from agorascope.display import cell, duration
from agorascope.report.charts import (
    Figure,
    bar_chart,
    cascade_chart,
    compare_volume_chart,
    grouped_bars,
    share_of_voice_chart,
    tiers_chart,
    timeline_chart,
    topic_colour,
    world_map,
)
from agorascope.report.data import CompareReport, TopicReport
from agorascope.report.sentiment_charts import sentiment_figures
from agorascope.report.timecontrols import local

__all__ = [
    "TOPOJSON",
    "compare_figures",
    "environment",
    "plotly_js",
    "render_topic_html",
    "static_text",
    "topic_figures",
    "write_report",
]

TOPOJSON = ("world_110m", "usa_110m")
"""Map outlines shipped in ``web/static/topojson`` (see the SOURCE.md there)."""


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of pages and reports (autoescape on, undefined is an error)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("agorascope", "web/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = lambda v: "" if v is None else f"{float(v):.1f} %"
    env.filters["when"] = _when
    env.filters["highlight"] = _highlight
    env.filters["cell"] = cell
    env.filters["duration"] = duration
    env.filters["yesno"] = lambda v: cell(bool(v)) if v is not None else ""
    env.filters["signed"] = _signed
    env.filters["inzone"] = _in_zone
    env.filters["topic_colour"] = topic_colour
    return env


def _in_zone(v: Any, tz: str) -> str:
    """A naive UTC time (or its ISO text) as wall-clock time in ``tz``, to the minute."""
    if not v:
        return ""
    t = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    return _when(local(t.replace(tzinfo=None), tz))


def _signed(v: Any, unit: str = "") -> str:
    """A change with its sign (``+12``, ``-3.5 %``); empty for None."""
    if v is None:
        return ""
    text = f"{v:+,.1f}" if isinstance(v, float) else f"{v:+,}"
    return text + (f" {unit}" if unit else "")


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _highlight(snip: Any) -> markupsafe.Markup:
    # Snippet.to_html escapes every piece of the post and adds only <mark> tags
    return markupsafe.Markup(snip.to_html("mark"))


def _when(v: Any) -> str:
    if not v:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    return str(v).replace("T", " ")[:16]


def topic_figures(r: TopicReport) -> dict[str, Figure]:
    """The Plotly figures of a topic page, by element id."""
    tz = r.window.tz
    previous = r.previous["volume"] if r.previous else None
    figs = {
        "timeline": timeline_chart(r.volume, r.spikes, tz=tz, previous=previous),
        "share_of_voice": share_of_voice_chart(r.share_of_voice, r.name, tz=tz),
        "map": world_map(r.countries),
        "languages": bar_chart(r.languages, "key", "posts", "Languages", key_title="language"),
        "platforms": bar_chart(r.platforms, "key", "posts", "Platforms", key_title="platform"),
        "tiers": tiers_chart(r.tiers),
        "authors": bar_chart(
            r.top_authors, "handle", "posts", "Top authors", prefix="@", key_title="author"
        ),
        "hashtags": bar_chart(
            r.hashtags, "hashtag", "posts", "Hashtags", prefix="#", key_title="hashtag"
        ),
    }
    if r.cascade is not None:
        figs["cascade"] = cascade_chart(r.cascade)
    if r.sentiment is not None:
        figs |= sentiment_figures(r.sentiment)
    return figs


def compare_figures(r: CompareReport) -> dict[str, Figure]:
    """The Plotly figures of the compare page, by element id."""
    return {
        "volume": compare_volume_chart(r.volume, tz=r.window.tz),
        "share_of_voice": share_of_voice_chart(r.share_of_voice, tz=r.window.tz),
        "tiers": grouped_bars(
            r.tiers, "tier", "post_share", "Posts by amplifier tier (%)", x_title="followers"
        ),
        "countries": grouped_bars(
            r.countries, "key", "share", "Top countries (% of posts)", x_title="country"
        ),
    }


@cache
def plotly_js() -> str:
    """plotly.min.js from the installed plotly package (no CDN)."""
    return files("plotly").joinpath("package_data/plotly.min.js").read_text(encoding="utf-8")


@cache
def static_text(name: str) -> str:
    """A text file of ``web/static`` (``app.css``, ``topojson/world_110m.json``, ...)."""
    if ".." in Path(name).parts:
        raise ValueError(f"bad static name {name!r}")
    return files("agorascope").joinpath("web/static", name).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    # JSON or JS placed inside <script>: a "</" could close the element early
    return text.replace("</", "<\\/")


def render_topic_html(r: TopicReport) -> str:
    """A self-contained HTML report of a topic: plotly.js, styles and map outlines inlined."""
    geo = {name: json.loads(static_text(f"topojson/{name}.json")) for name in TOPOJSON}
    return (
        environment()
        .get_template("report.html")
        .render(
            r=r,
            figures=topic_figures(r),
            plotly_js=plotly_js(),
            app_js=_script_safe(static_text("app.js")),
            css=static_text("app.css"),
            geo_assets=_script_safe(json.dumps({"topojson": geo}, separators=(",", ":"))),
        )
    )


def write_report(report: TopicReport, out: str | Path) -> Path:
    """Write ``report`` as one self-contained HTML file at ``out``; returns the path.

    Examples:
        >>> write_report(ws.reports.topic("it_outage"), "outage.html")  # doctest: +SKIP
    """
    path = Path(out)
    html = render_topic_html(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
