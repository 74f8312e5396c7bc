"""What the open-data explorer page shows: tables, a preview, a correlation, maps.

The page (``/opendata``) only renders this; every number comes from the functions of this
package (:func:`~agorascope.opendata.correlate.correlate`,
:func:`~agorascope.opendata.mentions.per_capita`), the same ones the commands call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.opendata.charts import choropleth, scatter_chart
from agorascope.opendata.correlate import ECOLOGICAL_NOTE, correlate
from agorascope.opendata.join import Joined
from agorascope.opendata.tables import CATALOG, Level, info, load, numeric_columns

__all__ = ["GEO_URL", "Explorer", "explore", "posts_map"]

GEO_URL = "/opendata/geo/{level}"
"""Where the app serves the outlines (the page's maps fetch them from there)."""
PREVIEW_ROWS = 20


@dataclass
class Explorer:
    """The page's content.

    Attributes:
        tables: the bundled tables (name, level, title, year, licence).
        table: the table looked at.
        columns: its figure columns (name, description, unit, year).
        preview: its first rows.
        figure_columns: the columns that hold numbers (the file's first, after an upload).
        x: the x column of the correlation, if chosen.
        y: the y column.
        column: the mapped column.
        correlation: the correlation's figures (a dict), if both columns are chosen.
        error: why the correlation could not be computed.
        note: the ecological-fallacy note.
        figures: Plotly figures by name (``scatter``, ``map``, ``posts_map``).
        joined: the summary of an uploaded file's join, if any.
    """

    tables: list[dict[str, Any]]
    table: str
    columns: list[dict[str, str]]
    preview: list[dict[str, Any]]
    figure_columns: list[str] = field(default_factory=list)
    x: str | None = None
    y: str | None = None
    column: str | None = None
    correlation: dict[str, Any] | None = None
    error: str | None = None
    note: str = ECOLOGICAL_NOTE
    figures: dict[str, Any] = field(default_factory=dict)
    joined: dict[str, Any] | None = None


def _unit_title(name: str, units: dict[str, str]) -> str:
    unit = units.get(name, "")
    return f"{name.replace('_', ' ')} ({unit})" if unit else name.replace("_", " ")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    shown = frame.head(PREVIEW_ROWS).astype(object)
    return shown.where(shown.notna(), None).to_dict("records")  # type: ignore[return-value]


def explore(
    table: str = "counties",
    x: str | None = None,
    y: str | None = None,
    column: str | None = None,
    joined: Joined | None = None,
    source: str = "upload",
) -> Explorer:
    """The explorer for ``table`` (or an uploaded file joined with it).

    Args:
        table: ``counties`` or ``states``.
        x: the x column of the scatter (None: no scatter).
        y: the y column.
        column: the column to map (default: the first figure column).
        joined: an uploaded file joined with ``table``.
        source: the uploaded file's name, for messages.
    """
    t = info(table)
    if t.name == "places":
        raise InvalidInputError("the gazetteer 'places' has no figures to explore")
    units = {c.name: c.unit for c in t.columns}
    frame = load(table) if joined is None else joined.frame.drop(columns=["line"])
    figures_cols = numeric_columns(table)
    if joined is not None:
        extra = [c for c in joined.frame.columns if c not in units and c not in ("line", "fips")]
        figures_cols = extra + figures_cols
    out = Explorer(
        tables=[{"name": i.name, "level": i.level, "title": i.title, "year": i.year,
                 "licence": i.licence, "source": i.source} for i in CATALOG.values()],
        table=table,
        columns=[{"name": c.name, "description": c.description, "unit": c.unit, "year": c.year}
                 for c in t.columns],
        preview=_records(frame),
        figure_columns=figures_cols,
        x=x, y=y,
        column=column or figures_cols[0],
    )  # fmt: skip
    if joined is not None:
        out.joined = {
            "rows": len(joined.frame), "matched": joined.matched, "on": joined.on,
            "level": joined.level, "unmatched": [u.__dict__ for u in joined.unmatched[:200]],
        }  # fmt: skip
    names = "county" if t.level == "county" else "name"
    if x and y:
        try:
            fit = correlate(frame, x, y, source if joined is not None else table)
        except InvalidInputError as e:
            out.error = str(e)
        else:
            out.correlation = fit.correlation.__dict__
            keep = frame[[x, y]].apply(pd.to_numeric, errors="coerce").notna().all(axis=1)
            labels = frame.loc[keep, names].astype(str).tolist() if names in frame else None
            out.figures["scatter"] = scatter_chart(
                fit, x_title=_unit_title(x, units), y_title=_unit_title(y, units), labels=labels
            )
    mapped = out.column
    if mapped is not None and mapped in frame.columns:
        out.figures["map"] = choropleth(
            frame, mapped, level=t.level, title=_unit_title(mapped, units),
            unit=units.get(mapped, ""), names=names if names in frame else None,
            geo=GEO_URL.format(level=t.level),
        )  # fmt: skip
    return out


def posts_map(rows: list[dict[str, Any]], level: Level, topic: str) -> dict[str, Any]:
    """The choropleth of posts per 100,000 inhabitants (``opendata per-capita`` rows)."""
    frame = pd.DataFrame(rows, columns=["fips", "state", "name", "posts", "per_100k"])
    return choropleth(
        frame, "per_100k", level=level, title=f"Posts per 100,000 inhabitants: {topic}",
        unit="posts per 100,000", names="name", geo=GEO_URL.format(level=level),
    )  # fmt: skip
