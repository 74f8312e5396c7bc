from __future__ import annotations

import pytest

from agorascope.elections.states import (
    DISTRICTS,
    STATES,
    electoral_units,
    electoral_votes,
    normalize_state,
)
from agorascope.errors import InvalidInputError


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("PA", "PA"), ("pennsylvania", "PA"), ("42", "PA"), ("KA", "KS"),
        ("District of Columbia", "DC"), ("Maine CD-2", "ME-2"), ("NE-3", "NE-3"),
        ("Nebraska CD-1", "NE-1"),
    ],
    ids=lambda v: str(v),
)  # fmt: skip
def test_normalize_state(raw: str, code: str) -> None:
    assert normalize_state(raw) == code


@pytest.mark.parametrize("raw", ["XX", "Maine CD-3", "", "Puerto Rico"])
def test_unknown_state_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown state"):
        normalize_state(raw)


@pytest.mark.parametrize("year", [2004, 2008, 2012, 2016, 2020, 2024])
def test_electoral_votes_add_up_to_538(year: int) -> None:
    ev = electoral_votes(year)
    assert set(ev) == set(STATES)
    assert sum(ev.values()) == 538


def test_known_apportionments() -> None:
    # published apportionments: 2008 (2000 census), 2016 (2010), 2024 (2020)
    assert (electoral_votes(2008)["TX"], electoral_votes(2008)["NY"]) == (34, 31)
    assert (electoral_votes(2016)["FL"], electoral_votes(2016)["OH"]) == (29, 18)
    assert (electoral_votes(2024)["TX"], electoral_votes(2024)["CA"]) == (40, 54)


def test_units_split_maine_and_nebraska() -> None:
    units = electoral_units(electoral_votes(2016))
    assert sum(u.ev for u in units) == 538
    by = {u.code: u for u in units}
    assert by["ME"].ev == 2 and by["NE"].ev == 2
    assert all(by[d].ev == 1 and by[d].state == s for d, s in DISTRICTS)
    flat = electoral_units(electoral_votes(2016), split_districts=False)
    assert len(flat) == 51 and {u.code: u.ev for u in flat}["NE"] == 5


def test_units_need_every_state() -> None:
    ev = electoral_votes(2016)
    del ev["WY"]
    with pytest.raises(InvalidInputError, match="WY"):
        electoral_units(ev)


def test_nebraska_district_leans_match_an_independent_table(data_dir: object) -> None:
    from pathlib import Path

    from agorascope.elections.results import read_results
    from agorascope.elections.states import DEFAULT_DISTRICT_LEAN

    state = read_results(Path(str(data_dir)) / "potus_results_1976_2016.csv").year(2016)
    ne = float(state.loc["NE", "dem2"])
    # Clinton and Trump shares by district, 2016, from Cook's district table
    cook = {"NE-1": (35.5, 56.2), "NE-2": (44.9, 47.2), "NE-3": (19.7, 73.9)}
    for d, (c, t) in cook.items():
        assert DEFAULT_DISTRICT_LEAN[d] == pytest.approx(c / (c + t) - ne, abs=0.002), d
