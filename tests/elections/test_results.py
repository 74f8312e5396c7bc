from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agorascope.elections.results import read_electoral_votes, read_results
from agorascope.elections.states import STATES
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError


def test_mit_and_economist_results_agree(data_dir: Path) -> None:
    # two independent compilations of the same elections
    mit = read_results(data_dir / "mit_president_2012_2016.csv")
    eco = read_results(data_dir / "potus_results_1976_2016.csv")
    for year in (2012, 2016):
        a = mit.year(year).reindex(list(STATES))
        b = eco.year(year).reindex(list(STATES))
        assert np.abs(a["dem2"] - b["dem2"]).max() < 1e-3
        assert np.abs(a["total_votes"] / b["total_votes"] - 1).max() < 0.01


def test_published_2016_figures(data_dir: Path) -> None:
    r = read_results(data_dir / "mit_president_2012_2016.csv").year(2016)
    # certified 2016 Pennsylvania count: Clinton 2,926,441, Trump 2,970,733
    assert r.loc["PA", "dem2"] == pytest.approx(2926441 / (2926441 + 2970733), abs=1e-4)
    assert (r["dem2"] > 0.5).sum() == 21  # Clinton carried 20 states and DC


def test_previous_year_and_missing_year(data_dir: Path) -> None:
    eco = read_results(data_dir / "potus_results_1976_2016.csv")
    assert eco.previous_year(2016) == 2012
    assert eco.previous_year(2020) == 2016
    with pytest.raises(NotFoundError):
        eco.year(2020)
    with pytest.raises(NotFoundError):
        eco.previous_year(1976)


def test_unknown_results_format(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFormatError):
        read_results(p)


def test_bad_result_rows_are_rejected(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "year,state,total_votes,dem,rep,other\n2016,PA,100,0.5,0.45,0.05\n2016,XX,1,0.5,0.4,0.1\n2016,OH,1,0.9,0.9,0\n"
    )
    rs = read_results(p)
    assert list(rs.results["state"]) == ["PA"]
    assert [r.line for r in rs.rejects] == [3, 4]


def test_electoral_votes_file(tmp_path: Path) -> None:
    p = tmp_path / "ev.csv"
    rows = ["state_po,ev_2012_2020"] + [
        f"{s},{v}" for s, v in read_electoral_votes(None, 2016).items()
    ]
    p.write_text("\n".join([*rows, "ME-2,1"]) + "\n")
    assert sum(read_electoral_votes(p).values()) == 538
    p.write_text("\n".join(rows[:-1]) + "\n")
    with pytest.raises(InvalidInputError, match="WY"):
        read_electoral_votes(p)
    p.write_text("\n".join(rows).replace("CA,55", "CA,54") + "\n")
    with pytest.raises(InvalidInputError, match="537"):
        read_electoral_votes(p)
