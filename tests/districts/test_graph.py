from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from agorascope.districts import (
    DistrictGraph,
    check_graph,
    graph_from_networkx,
    grid_graph,
    read_graph,
    repair_graph,
    write_graph,
)
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError


def test_pa_graph_matches_published_counts(pa: DistrictGraph) -> None:
    assert (pa.n_nodes, pa.n_edges) == (9059, 25519)
    assert pa.numeric("TOTPOP").sum() == 12_702_379
    assert pa.shared_perim is not None


def test_pa_adjacency_equals_networkx(
    pa: DistrictGraph, load_nx: Callable[[str], nx.Graph]
) -> None:
    g = load_nx("PA_vtd_9059")
    assert g.number_of_edges() == pa.n_edges
    index = pa.index_of()
    for u, v in list(g.edges())[:2000]:
        assert index[v] in set(pa.neighbors(index[u]).tolist())
    for i in (0, 100, 9058):
        assert sorted(index[n] for n in g.neighbors(pa.node_ids[i])) == sorted(
            pa.neighbors(i).tolist()
        )


def test_round_trip_json(tmp_path: Path, ia: DistrictGraph) -> None:
    out = write_graph(ia, tmp_path / "ia.json.gz")
    again = read_graph(out)
    assert again.node_ids == ia.node_ids
    assert np.array_equal(again.indices, ia.indices)
    assert np.allclose(again.numeric("TOTPOP"), ia.numeric("TOTPOP"))
    assert np.allclose(again.edge_shared_perim(), ia.edge_shared_perim())


def test_networkx_round_trip(gerrymandria: DistrictGraph) -> None:
    again = graph_from_networkx(gerrymandria.to_networkx())
    assert again.n_edges == gerrymandria.n_edges == 112
    assert list(again.column("county")) == list(gerrymandria.column("county"))


def test_duplicate_and_one_sided_edges_are_merged(tmp_path: Path) -> None:
    data = {
        "directed": False,
        "multigraph": False,
        "graph": [],
        "nodes": [{"id": "a", "pop": 1}, {"id": "b", "pop": 2}, {"id": "c", "pop": None}],
        "adjacency": [[{"id": "b"}, {"id": "b"}, {"id": "a"}], [], []],
    }
    path = tmp_path / "g.json"
    path.write_text(json.dumps(data))
    g = read_graph(path)
    assert g.n_edges == 1  # duplicates, self loop dropped; one-sided edge kept both ways
    assert g.neighbors(1).tolist() == [0]
    report = check_graph(g, ["pop"])
    assert report.islands == ["c"]
    assert report.missing == {"pop": ["c"]}
    assert not report.ok


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("not json", ImportFormatError),
        ('{"nodes": [{"x": 1}], "adjacency": [[]]}', ImportFormatError),
        ('{"nodes": [{"id": 1}], "adjacency": [[{"id": 9}]]}', ImportFormatError),
        ('{"nodes": [{"id": 1}, {"id": 1}], "adjacency": [[], []]}', ImportFormatError),
    ],
    ids=["garbage", "no-id", "unknown-neighbour", "duplicate-id"],
)
def test_bad_files(tmp_path: Path, content: str, error: type[Exception]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(error):
        read_graph(path)


def test_missing_file() -> None:
    with pytest.raises(NotFoundError):
        read_graph("/nonexistent/graph.json")


def _split_grid() -> DistrictGraph:
    """A 2 x 4 grid with the middle edges removed (two parts) plus an island."""
    g = grid_graph(2, 4)
    keep = g.edges()
    keep = keep[
        ~(((keep[:, 0] == 1) & (keep[:, 1] == 2)) | ((keep[:, 0] == 5) & (keep[:, 1] == 6)))
    ]
    from agorascope.districts.graph import _from_directed_arrays

    ids = (*g.node_ids, 8)
    attrs = {k: np.append(v, v[:1]) for k, v in g.attrs.items()}
    attrs["col"][-1] = 10.0
    return _from_directed_arrays(ids, keep[:, 0], keep[:, 1], attrs, None)


def test_components_and_repairs() -> None:
    g = _split_grid()
    report = check_graph(g, ["population"])
    assert report.component_sizes == [4, 4, 1]
    assert report.islands == [8]
    dropped = repair_graph(g, islands="drop")
    assert check_graph(dropped).component_sizes == [4, 4]
    largest = repair_graph(g, components_mode="largest")
    assert largest.n_nodes == 4
    joined = repair_graph(g, islands="connect", components_mode="connect", coords=("col", "row"))
    assert check_graph(joined).ok
    # the island (col 10, row 0) joins its nearest unit, the node at col 3 row 0
    assert joined.neighbors(8).tolist() == [3]
    with pytest.raises(InvalidInputError):
        repair_graph(g, components_mode="connect")


def test_fill_missing() -> None:
    g = grid_graph(1, 3)
    pop = g.numeric("population").copy()
    pop[1] = np.nan
    g = g.with_attrs(population=pop)
    with pytest.raises(InvalidInputError, match="missing"):
        g.numeric("population")
    fixed = repair_graph(g, fill_missing={"population": 0.0})
    assert fixed.numeric("population").tolist() == [1.0, 0.0, 1.0]
