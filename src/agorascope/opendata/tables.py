"""The bundled public tables: what each holds, where it comes from, and its rows.

The files live in ``agorascope/data/opendata`` (sources and licences in ``SOURCE.md`` there) and
are read offline. Every table is keyed by FIPS: 5 digits for a county, 2 for a state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

import pandas as pd

from agorascope.errors import NotFoundError

__all__ = [
    "CATALOG",
    "Column",
    "Level",
    "TableInfo",
    "data_path",
    "info",
    "load",
    "numeric_columns",
]

Level = Literal["county", "state"]


@dataclass(frozen=True)
class Column:
    """One column of a bundled table.

    Attributes:
        name: the column name.
        description: what it holds.
        unit: its unit ("" for labels).
        year: the year of the figure ("" for labels).
    """

    name: str
    description: str
    unit: str = ""
    year: str = ""


@dataclass(frozen=True)
class TableInfo:
    """A bundled table.

    Attributes:
        name: how commands name it.
        file: its file in ``data/opendata``.
        level: ``county`` or ``state`` (what its ``fips`` key identifies).
        title: one line.
        source: who published the figures, and where they were copied from.
        licence: the licence of the file.
        year: the years of its figures.
        columns: its columns, key first.
    """

    name: str
    file: str
    level: Level
    title: str
    source: str
    licence: str
    year: str
    columns: tuple[Column, ...]


_ERS = (
    "USDA Economic Research Service, County-level Data Sets (Census population estimates, "
    "BLS Local Area Unemployment Statistics, Census SAIPE), via the public repository "
    "MaxDi94/2020-US-Election-By-County"
)
_FIGURES = (
    Column("population_2020", "resident population, 2020 Census count", "people", "2020"),
    Column("population_2023", "resident population, July 1 estimate", "people", "2023"),
    Column("labor_force_2020", "civilian labour force, annual average", "people", "2020"),
    Column("unemployed_2020", "unemployed, annual average", "people", "2020"),
    Column("unemployment_rate_2020", "unemployment rate, annual average", "%", "2020"),
    Column("median_household_income_2021", "median household income", "US dollars", "2021"),
    Column("poverty_rate_2021", "people of all ages in poverty", "%", "2021"),
)

CATALOG: dict[str, TableInfo] = {
    t.name: t
    for t in (
        TableInfo(
            "counties",
            "counties.csv",
            "county",
            "US counties: population, unemployment, income, poverty",
            _ERS,
            "public domain (US Government work)",
            "2020-2023",
            (
                Column("fips", "5-digit county FIPS code"),
                Column("state", "state postal code"),
                Column("county", "county name"),
                *_FIGURES,
            ),
        ),
        TableInfo(
            "states",
            "states.csv",
            "state",
            "US states, DC and Puerto Rico: population, unemployment, income, poverty",
            _ERS,
            "public domain (US Government work)",
            "2020-2023",
            (
                Column("fips", "2-digit state FIPS code"),
                Column("state", "state postal code"),
                Column("name", "state name"),
                *_FIGURES,
            ),
        ),
        TableInfo(
            "places",
            "places.csv",
            "county",
            "Gazetteer: US cities with the county holding most of their ZIP codes",
            "GeoNames postal codes, from the npm package vega-datasets 3.2.1 (zipcodes.csv)",
            "CC BY 4.0 (GeoNames)",
            "2017",
            (
                Column("city", "city name"),
                Column("state", "state postal code"),
                Column("county_fips", "5-digit FIPS of the county holding most ZIP codes"),
                Column("zips", "ZIP codes of the city", "ZIP codes", "2017"),
            ),
        ),
    )
}
"""Every bundled table by name."""

_TEXT = {"fips", "state", "county", "name", "city", "county_fips"}


def data_path(file: str) -> str:
    """The path of a file of ``data/opendata``."""
    return str(files("agorascope").joinpath("data/opendata", file))


def info(name: str) -> TableInfo:
    """The description of table ``name``.

    Raises:
        NotFoundError: no such table (the message lists them).
    """
    found = CATALOG.get(name)
    if found is None:
        raise NotFoundError(f"no open-data table {name!r} (tables: {', '.join(CATALOG)})")
    return found


@lru_cache(maxsize=8)
def _read(name: str) -> pd.DataFrame:
    t = info(name)
    dtypes = {c.name: ("string" if c.name in _TEXT else "Float64") for c in t.columns}
    frame = pd.read_csv(data_path(t.file), dtype=dtypes, keep_default_na=False, na_values=[""])
    for c in t.columns:
        if c.unit == "people" or c.unit == "US dollars" or c.unit == "ZIP codes":
            frame[c.name] = frame[c.name].astype("Int64")
    return frame


def load(name: str) -> pd.DataFrame:
    """The rows of table ``name`` (a copy: callers may change it).

    Raises:
        NotFoundError: no such table.
    """
    return _read(name).copy()


def numeric_columns(name: str) -> list[str]:
    """The columns of ``name`` that hold figures (those with a unit)."""
    return [c.name for c in info(name).columns if c.unit]
