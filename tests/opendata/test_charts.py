"""Outlines decoded from the bundled TopoJSON, maps with a visible "no data", the scatter."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import shape

from agorascope.opendata import choropleth, correlate, geojson, load, scatter_chart
from agorascope.opendata.charts import NO_DATA_COLOUR
from agorascope.opendata.tables import data_path


@pytest.mark.parametrize(
    ("level", "layer", "count"), [("county", "counties", 3231), ("state", "states", 56)]
)
def test_outlines_equal_gdal_reading_the_same_topojson(level: str, layer: str, count: int) -> None:
    ours = geojson(level)  # type: ignore[arg-type]
    ref = gpd.read_file(data_path("counties-10m.json"), layer=layer).set_index("id")
    assert len(ours["features"]) == len(ref) == count
    for feature in ours["features"][:: max(1, count // 60)]:
        mine = shape(feature["geometry"])
        theirs = ref.loc[feature["id"], "geometry"]
        assert mine.area == pytest.approx(theirs.area, rel=1e-3)
        assert mine.bounds == pytest.approx(theirs.bounds, abs=1e-3)


def test_a_map_draws_missing_areas_grey_in_their_own_trace() -> None:
    frame = load("states")
    fig = choropleth(frame, "median_household_income_2021", level="state", title="Income",
                     unit="US dollars", names="name")  # fmt: skip
    missing, values = fig["data"]
    assert missing["name"] == "no data" and sorted(missing["locations"]) == [
        "60",
        "66",
        "69",
        "72",
        "78",
    ]
    assert missing["colorscale"][0][1] == NO_DATA_COLOUR
    assert values["colorscale"][0][1] != NO_DATA_COLOUR
    assert len(values["locations"]) == 51 and values["colorbar"]["title"]["text"] == "US dollars"
    assert isinstance(values["geojson"], dict)  # embedded when no URL is given


def test_a_map_can_point_at_served_outlines() -> None:
    frame = pd.DataFrame({"fips": ["01001"], "v": [1.0]})
    fig = choropleth(frame, "v", level="county", title="t", unit="u", geo="/g.geojson")
    assert all(t["geojson"] == "/g.geojson" for t in fig["data"])
    assert len(fig["data"][0]["locations"]) == 3230


def test_the_scatter_has_the_band_the_line_and_axis_titles_with_units() -> None:
    fit = correlate(load("states"), "median_household_income_2021", "poverty_rate_2021")
    fig = scatter_chart(fit, x_title="income (US dollars)", y_title="poverty (%)")
    upper, lower, points, line = fig["data"]
    assert lower["fill"] == "tonexty" and "95 %" in lower["name"]
    assert all(lo < hi for lo, hi in zip(lower["y"], upper["y"], strict=True))
    assert len(points["x"]) == fit.correlation.n == 51
    assert line["y"][0] == pytest.approx(
        fit.correlation.intercept + fit.correlation.slope * line["x"][0]
    )
    assert fig["layout"]["xaxis"]["title"]["text"] == "income (US dollars)"
    assert fig["layout"]["yaxis"]["title"]["text"] == "poverty (%)"
    assert "ecological fallacy" in fig["layout"]["annotations"][0]["text"]
