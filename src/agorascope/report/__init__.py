"""Charts, dashboard data and self-contained HTML reports.

:func:`topic_report` gathers what a topic page shows (timeline with explained spikes, share of
voice, countries, languages, platforms, amplifier tiers, authors, hashtags, cascades);
:func:`write_report` writes it as one HTML file, scripts and map outlines inlined, that opens
with no internet.
"""

from __future__ import annotations

from agorascope.report.cache import ReportCache
from agorascope.report.data import (
    CompareReport,
    PageWindow,
    TopicReport,
    compare_report,
    default_window,
    overview_report,
    topic_report,
)
from agorascope.report.render import (
    compare_figures,
    environment,
    plotly_js,
    render_topic_html,
    topic_figures,
    write_report,
)
from agorascope.report.tree import CascadeTree, cascade_tree, tree_layout

__all__ = [
    "CascadeTree",
    "CompareReport",
    "PageWindow",
    "ReportCache",
    "TopicReport",
    "cascade_tree",
    "compare_figures",
    "compare_report",
    "default_window",
    "environment",
    "overview_report",
    "plotly_js",
    "render_topic_html",
    "topic_figures",
    "topic_report",
    "tree_layout",
    "write_report",
]
