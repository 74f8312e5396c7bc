"""Public data to join with: US county and state tables, a gazetteer, maps and correlations.

:mod:`~agorascope.opendata.tables` holds the bundled tables (population, unemployment, income,
poverty; sources and licences in ``data/opendata/SOURCE.md``); :func:`join_file` joins a user's
county or state file with them; :func:`correlate` gives Pearson, Spearman and the OLS line of
two columns; :func:`choropleth` draws county and state maps offline; :class:`Gazetteer` places
free-text profile locations in states and counties, so that posts become joinable
(:func:`per_capita`). Method and accuracy: ``docs/opendata.md``.
"""

from __future__ import annotations

from agorascope.opendata.charts import choropleth, geojson, scatter_chart
from agorascope.opendata.correlate import ECOLOGICAL_NOTE, Correlation, Fit, correlate
from agorascope.opendata.gazetteer import Gazetteer, Place, gazetteer
from agorascope.opendata.join import Joined, Unmatched, join_file, join_frame, normalize_key
from agorascope.opendata.mentions import author_places, per_capita
from agorascope.opendata.tables import CATALOG, TableInfo, info, load

__all__ = [
    "CATALOG",
    "ECOLOGICAL_NOTE",
    "Correlation",
    "Fit",
    "Gazetteer",
    "Joined",
    "Place",
    "TableInfo",
    "Unmatched",
    "author_places",
    "choropleth",
    "correlate",
    "gazetteer",
    "geojson",
    "info",
    "join_file",
    "join_frame",
    "load",
    "normalize_key",
    "per_capita",
    "scatter_chart",
]
