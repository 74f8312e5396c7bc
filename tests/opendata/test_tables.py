"""The bundled tables: their catalog, keys, and figures checked against published counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from agorascope.errors import NotFoundError
from agorascope.opendata import CATALOG, info, load
from agorascope.opendata.tables import data_path


def test_every_table_has_its_file_source_licence_and_year() -> None:
    source = Path(data_path("SOURCE.md")).read_text(encoding="utf-8")
    for t in CATALOG.values():
        frame = load(t.name)
        assert list(frame.columns) == [c.name for c in t.columns]
        assert t.source and t.licence and t.year
        assert f"`{t.file}`" in source
        assert all(c.year for c in t.columns if c.unit), t.name


def test_keys_are_unique_zero_padded_fips() -> None:
    counties, states = load("counties"), load("states")
    assert counties["fips"].str.fullmatch(r"\d{5}").all() and counties["fips"].is_unique
    assert states["fips"].str.fullmatch(r"\d{2}").all() and states["fips"].is_unique
    assert set(counties["fips"].str[:2]) == set(states["fips"])
    assert len(states) == 52  # 50 states, DC, Puerto Rico


@pytest.mark.parametrize(
    ("table", "fips", "column", "published"),
    [
        # 2020 Census apportionment and redistricting counts (census.gov QuickFacts)
        ("states", "06", "population_2020", 39_538_223),
        ("states", "48", "population_2020", 29_145_505),
        ("counties", "06037", "population_2020", 10_014_009),
        ("counties", "17031", "population_2020", 5_275_541),
    ],
    ids=["california", "texas", "los-angeles-county", "cook-county"],
)
def test_populations_equal_the_published_census_counts(
    table: str, fips: str, column: str, published: int
) -> None:
    frame = load(table).set_index("fips")
    assert frame.loc[fips, column] == published


def test_state_rows_sum_their_counties() -> None:
    """ERS states are not computed from the county rows here: their sums must agree."""
    counties, states = load("counties"), load("states").set_index("fips")
    sums = counties.groupby(counties["fips"].str[:2])["population_2020"].sum()
    assert (sums == states["population_2020"].reindex(sums.index)).all()


def test_an_unknown_table_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="counties, states, places"):
        info("opioids")


def test_load_returns_a_copy() -> None:
    frame = load("states")
    frame.loc[0, "name"] = "changed"
    assert load("states").loc[0, "name"] == "Alabama"
