"""The open-data analyses as the registry declares them: list, show, correlate, per-capita,
locations.

Each declaration gives ``ws.opendata.<name>()``, ``agorascope opendata <name>``,
``GET /api/opendata/<name>`` and a page. ``agorascope opendata join`` (a file in, a file out)
is a plain command over :func:`agorascope.opendata.join.join_file`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from agorascope.errors import InvalidInputError
from agorascope.opendata.correlate import ECOLOGICAL_NOTE, Correlation, correlate
from agorascope.opendata.join import join_file
from agorascope.opendata.mentions import author_places, per_capita
from agorascope.opendata.tables import CATALOG, info, load
from agorascope.registry import Context, Output, Params, Row, analysis, row_of

__all__: list[str] = []

TableName = Literal["counties", "states", "places"]
FigureTable = Literal["counties", "states"]
Population = Literal["population_2020", "population_2023"]


class ListParams(Params):
    """No parameters."""


class TableRow(Row):
    """One bundled table: its level, rows, columns, years, source and licence."""

    name: str
    level: str
    title: str
    rows: int
    columns: int
    year: str
    source: str
    licence: str


@analysis("opendata", "list", params=ListParams, row=TableRow, needs="workspace")
def _list(ctx: Context, p: ListParams) -> Output:
    """The bundled public tables (counties, states, gazetteer)."""
    return Output(
        [
            {"name": t.name, "level": t.level, "title": t.title, "rows": len(load(t.name)),
             "columns": len(t.columns), "year": t.year, "source": t.source, "licence": t.licence}
            for t in CATALOG.values()
        ]
    )  # fmt: skip


class ShowParams(Params):
    """A table."""

    table: TableName = Field(description="The table.", examples=["counties"])
    preview: int = Field(5, ge=0, le=100, description="Rows of the table shown in meta.")


class ColumnRow(Row):
    """One column of a table: meaning, unit, year, filled cells, smallest and largest."""

    column: str
    description: str
    unit: str
    year: str
    filled: int
    min: float | None
    max: float | None


@analysis(
    "opendata", "show", params=ShowParams, row=ColumnRow, needs="workspace", arguments=("table",)
)
def _show(ctx: Context, p: ShowParams) -> Output:
    """The columns of a bundled table, its source, licence and years, and its first rows."""
    t, frame = info(p.table), load(p.table)
    rows = []
    for c in t.columns:
        col = frame[c.name]
        numeric = bool(c.unit)
        rows.append(
            {"column": c.name, "description": c.description, "unit": c.unit, "year": c.year,
             "filled": int(col.notna().sum()),
             "min": float(col.min()) if numeric and col.notna().any() else None,
             "max": float(col.max()) if numeric and col.notna().any() else None}
        )  # fmt: skip
    preview = frame.head(p.preview).astype(object).where(frame.head(p.preview).notna(), None)
    meta = {
        "title": t.title, "level": t.level, "rows": len(frame), "year": t.year,
        "source": t.source, "licence": t.licence, "preview": preview.to_dict("records"),
    }  # fmt: skip
    return Output(rows, meta)


class CorrelateParams(Params):
    """Two columns of a bundled table, or of a file joined with it."""

    x: str = Field(
        min_length=1, max_length=200, description="Column on the x axis.",
        examples=["median_household_income_2021"],
    )  # fmt: skip
    y: str = Field(
        min_length=1, max_length=200, description="Column on the y axis.",
        examples=["unemployment_rate_2020"],
    )  # fmt: skip
    table: FigureTable = Field("counties", description="The bundled table.")
    file: Path | None = Field(
        None, description="A CSV/TSV file of counties or states, joined with the table first."
    )
    on: str | None = Field(
        None, max_length=200, description="The file's key column (default: fips, geoid, state...)."
    )


CorrelationRow = row_of(
    Correlation,
    "Pearson r (p-value, 95 % interval), Spearman rho (p-value) and the OLS line of y on x.",
)


def correlation_frame(p: CorrelateParams) -> tuple[pd.DataFrame, str, dict[str, object]]:
    """The rows :func:`_correlate` reads: the table, or the file joined with it."""
    if p.file is None:
        return load(p.table), p.table, {}
    level = info(p.table).level
    joined = join_file(p.file, on=p.on, tables=[p.table], level=level)
    unmatched = [u.__dict__ for u in joined.unmatched[:100]]
    return (
        joined.frame,
        str(p.file),
        {"unmatched": len(joined.unmatched), "unmatched_lines": unmatched},
    )


@analysis(
    "opendata",
    "correlate",
    params=CorrelateParams,
    row=CorrelationRow,
    needs="workspace",
    arguments=("x", "y"),
)
def _correlate(ctx: Context, p: CorrelateParams) -> Output:
    """Correlation of two columns per county or state: Pearson, Spearman, OLS line and band.

    Pearson's 95 % interval is Fisher's z; the p-values are two-sided t tests; the band of the
    line (on the page and in ``opendata.charts.scatter_chart``) is the 95 % confidence band of
    the mean. The figures describe areas, not people (see the note in meta).
    """
    frame, source, extra = correlation_frame(p)
    fit = correlate(frame, p.x, p.y, source)
    return Output([fit.correlation.__dict__], {"note": ECOLOGICAL_NOTE, **extra})


def _places(ctx: Context) -> pd.DataFrame:
    """The selection's authors in the window with where their profile location resolves."""
    sel = ctx.selection
    if sel is None:
        raise InvalidInputError("this analysis needs a selection of posts")
    return author_places(sel.windowed(), ctx.workspace.backend.table("authors"))


class PerCapitaParams(Params):
    """Level and population."""

    level: Literal["state", "county"] = Field("state", description="Per state or per county.")
    population: Population = Field("population_2020", description="Population column.")


class PerCapitaRow(Row):
    """One state or county: posts and authors placed there, population, posts per 100,000."""

    fips: str
    state: str
    name: str
    posts: int
    authors: int
    population: int | None
    per_100k: float | None


@analysis("opendata", "per-capita", params=PerCapitaParams, row=PerCapitaRow)
def _per_capita(ctx: Context, p: PerCapitaParams) -> Output:
    """Posts per 100,000 inhabitants by US state or county, from authors' profile locations.

    Authors are placed by the gazetteer (``opendata locations`` lists how each location
    resolved); posts of authors placed nowhere are counted in ``unresolved_posts`` and left out
    of the rates.
    """
    rows, meta = per_capita(_places(ctx), p.level, p.population)
    return Output(rows, meta)


class LocationsParams(Params):
    """How many locations."""

    n: int = Field(100, ge=1, le=100_000, description="How many locations (most posts first).")


class LocationRow(Row):
    """One profile location: its authors and posts, and where the gazetteer placed it."""

    location: str
    authors: int
    posts: int
    state: str | None
    county_fips: str | None
    how: str


@analysis("opendata", "locations", params=LocationsParams, row=LocationRow)
def _locations(ctx: Context, p: LocationsParams) -> Output:
    """Authors' profile locations in the selection and the state and county each resolves to."""
    places = _places(ctx)
    places = places[places["location"].notna()]
    grouped = (
        places.groupby(["location", "how"], dropna=False)
        .agg(authors=("author_id", "size"), posts=("posts", "sum"),
             state=("state", "first"), county_fips=("county_fips", "first"))
        .reset_index()
        .sort_values(["posts", "location"], ascending=[False, True])
        .head(p.n)
    )  # fmt: skip
    return Output(grouped[["location", "authors", "posts", "state", "county_fips", "how"]])
