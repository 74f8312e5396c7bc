"""Dual graphs and compactness from geometry (the geo extra)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from agorascope.districts import (
    check_graph,
    compactness_from_attributes,
    geometric_compactness,
    graph_from_file,
    graph_from_geodataframe,
    plan_from_array,
)
from agorascope.errors import InvalidInputError, NotFoundError

gpd = pytest.importorskip("geopandas")
shapely_geometry = pytest.importorskip("shapely.geometry")
box = shapely_geometry.box


def _squares(rows: int, cols: int) -> object:
    geoms = [box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)]
    return gpd.GeoDataFrame(
        {"uid": [f"u{i}" for i in range(rows * cols)], "pop": [10] * (rows * cols)},
        geometry=geoms,
    )


@pytest.mark.parametrize(("adjacency", "edges"), [("rook", 24), ("queen", 42)])
def test_grid_adjacency(adjacency: str, edges: int) -> None:
    g = graph_from_geodataframe(_squares(4, 4), adjacency, "uid")  # type: ignore[arg-type]
    assert g.n_edges == edges
    assert g.node_ids[0] == "u0"
    assert g.numeric("pop").sum() == 160
    sp = g.edge_shared_perim()
    assert np.isclose(sp, 1.0).sum() == 24  # rook borders; queen corners have length 0
    assert int(np.asarray(g.column("boundary_node"), dtype=bool).sum()) == 12


def test_compactness_from_geometry_hand_values() -> None:
    gdf = _squares(4, 4)
    g = graph_from_geodataframe(gdf)
    plan = plan_from_array([(r // 2) * 2 + c // 2 for r in range(4) for c in range(4)])
    geo = geometric_compactness(gdf.geometry, plan)
    # a 2 x 2 square: PP = 4 pi 4 / 8^2 = pi / 4; Reock = 4 / (pi 2) = 2 / pi
    assert geo["polsby_popper"] == pytest.approx([math.pi / 4] * 4)
    assert geo["reock"] == pytest.approx([2 / math.pi] * 4)
    assert geo["schwartzberg"] == pytest.approx([math.sqrt(math.pi) / 2] * 4)
    attrs = compactness_from_attributes(g, plan)
    assert attrs["polsby_popper"] == pytest.approx(geo["polsby_popper"])
    assert attrs["perimeter"] == pytest.approx(geo["perimeter"])


def test_strip_is_less_compact() -> None:
    gdf = _squares(4, 4)
    strips = plan_from_array([c for _ in range(4) for c in range(4)])
    geo = geometric_compactness(gdf.geometry, strips)
    # a 1 x 4 strip: PP = 4 pi 4 / 100; Reock = 4 / (pi (sqrt(17)/2)^2)
    assert geo["polsby_popper"][0] == pytest.approx(16 * math.pi / 100)
    assert geo["reock"][0] == pytest.approx(4 / (math.pi * 17 / 4))


def test_file_round_trip_and_islands(tmp_path: Path) -> None:
    gdf = _squares(2, 2)
    island = gpd.GeoDataFrame({"uid": ["far"], "pop": [5]}, geometry=[box(10, 10, 11, 11)])
    layer = gpd.pd.concat([gdf, island], ignore_index=True).set_crs("EPSG:3857")
    path = tmp_path / "units.geojson"
    layer.to_file(path, driver="GeoJSON")
    g = graph_from_file(path, "rook", "uid")
    report = check_graph(g, ["pop"])
    assert report.islands == ["far"]
    assert report.component_sizes == [4, 1]


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        graph_from_file(tmp_path / "none.shp")
    with pytest.raises(InvalidInputError):
        graph_from_geodataframe(_squares(2, 2), "bishop")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="duplicate"):
        layer = _squares(1, 2)
        layer["uid"] = ["x", "x"]
        graph_from_geodataframe(layer, id_column="uid")
