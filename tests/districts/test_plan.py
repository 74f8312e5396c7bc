from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agorascope.districts import (
    DistrictGraph,
    grid_graph,
    plan_from_array,
    plan_from_attribute,
    plan_from_csv,
    validate_plan,
)
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError


def test_pa_2011_plan_is_valid(pa: DistrictGraph) -> None:
    plan = plan_from_attribute(pa, "CD_2011")
    v = validate_plan(pa, plan, "TOTPOP", k=18, tolerance=0.02)
    assert v.valid, v.errors
    assert v.k == 18
    assert v.ideal == pytest.approx(12_702_379 / 18)
    assert sum(v.populations.values()) == 12_702_379


def test_invalid_plan_reports_every_rule() -> None:
    g = grid_graph(2, 3)
    # district 0 = cells 0 and 2 (not adjacent)
    plan = plan_from_array([0, 1, 0, 1, 1, 1])
    v = validate_plan(g, plan, "population", k=3, tolerance=0.1)
    assert not v.valid
    assert v.noncontiguous == ["0"]
    assert any("expected 3" in e for e in v.errors)
    assert any("exceeds tolerance" in e for e in v.errors)
    assert v.max_deviation == pytest.approx(1 / 3)


def test_plan_from_csv(tmp_path: Path) -> None:
    g = grid_graph(1, 4)
    path = tmp_path / "plan.csv"
    path.write_text("id,district\n0,A\n1,A\n2,B\n3,B\n")
    plan = plan_from_csv(g, path)
    assert plan.labels == ("A", "B")
    assert plan.assignment.tolist() == [0, 0, 1, 1]
    assert validate_plan(g, plan, "population", 2, 0.0).valid


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("id,district\n0,A\n9,B\n", "line 3, field id: unknown unit '9'"),
        ("id,district\n0,A\n0,B\n", "line 3, field id: unit '0' twice"),
        ("id,district\n0,\n", "line 2, field district: empty"),
        ("id,district\n0,A\n1,A\n", "2 unit"),
    ],
    ids=["unknown", "twice", "empty", "unassigned"],
)
def test_bad_plan_csv(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(content)
    with pytest.raises(ImportFormatError, match=match):
        plan_from_csv(grid_graph(1, 4), path)


def test_plan_csv_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("unit,d\n0,1\n")
    with pytest.raises(NotFoundError):
        plan_from_csv(grid_graph(1, 4), path)


def test_plan_needs_every_unit() -> None:
    g = grid_graph(1, 3).with_attrs(cd=np.array([1.0, np.nan, 2.0]))
    with pytest.raises(InvalidInputError, match="without a district"):
        plan_from_attribute(g, "cd")
    with pytest.raises(NotFoundError):
        plan_from_attribute(g, "nope")
