"""Partisan metrics on hand-computed cases and published reference values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.districts import (
    Election,
    declination,
    efficiency_gap,
    mean_median,
    partisan_bias,
    partisan_summary,
    responsiveness,
    seats,
    seats_votes_curve,
)
from agorascope.errors import InvalidInputError


def test_efficiency_gap_hand_computed() -> None:
    # Three districts of 100 voters; A wins 70-30, loses 45-55 twice.
    a, b = [70, 45, 45], [30, 55, 55]
    # wasted A: 20 + 45 + 45 = 110; wasted B: 30 + 5 + 5 = 40; total 300
    assert efficiency_gap(a, b) == pytest.approx((40 - 110) / 300)
    assert seats(a, b) == 1


def test_declination_matches_warrington_example() -> None:
    # Warrington's small example: A's shares 0.3, 0.3, 0.7. His value (positive favours B) is
    # 2 (atan(1.2) - atan(0.6)) / pi; ours is its negative.
    warrington = 2 * (math.atan((2 * 0.7 - 1) * 3 / 1) - math.atan((1 - 2 * 0.3) * 3 / 2)) / math.pi
    assert declination([30, 30, 70], [70, 70, 30]) == pytest.approx(-warrington)
    assert declination([30, 30, 70], [70, 70, 30]) < 0  # A is packed: the plan hurts A


def test_declination_undefined_when_one_party_sweeps() -> None:
    assert math.isnan(declination([60, 70], [40, 30]))


def test_mean_median_and_bias_hand_computed() -> None:
    a = np.array([0.9, 0.4, 0.4, 0.45, 0.45]) * 100
    b = 100 - a
    s = a / 100
    assert mean_median(a, b) == pytest.approx(np.median(s) - s.mean())
    assert mean_median(a, b) < 0  # A packed in one district
    # mean share 0.52: shift by -0.02; only the 0.9 district stays above 1/2 -> 1/5 - 1/2
    assert partisan_bias(a, b) == pytest.approx(0.2 - 0.5)


def test_seats_votes_curve_and_responsiveness() -> None:
    a = np.array([40.0, 48.0, 52.0, 60.0])
    b = 100 - a
    v, s = seats_votes_curve(a, b, votes=[0.3, 0.5, 0.7])
    assert v.tolist() == [0.3, 0.5, 0.7]
    # mean 0.5: at 0.3 nothing above 1/2; at 0.5 two; at 0.7 all four
    assert s.tolist() == [0.0, 0.5, 1.0]
    _, full = seats_votes_curve(a, b)
    assert (np.diff(full) >= 0).all()
    # 0.48 and 0.52 cross 1/2 within +-0.03: slope (3/4 - 1/4) / 0.06
    assert responsiveness(a, b, bandwidth=0.03) == pytest.approx(0.5 / 0.06)


def test_vote_weighted_swing_basis() -> None:
    a = np.array([10.0, 300.0])
    b = np.array([90.0, 200.0])
    v, s = seats_votes_curve(a, b, votes=[0.5], basis="votes")
    # statewide share 310/600; shifting to 0.5 moves each district by -0.01667
    assert s.tolist() == [0.5]
    assert v.tolist() == [0.5]


def test_summary_counts_competitive() -> None:
    out = partisan_summary([50, 54, 70], [50, 46, 30])
    assert out["competitive_districts"] == 2
    assert out["seats_a"] == 2 and out["seats_b"] == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [([], []), ([1, 2], [1]), ([-1], [2]), ([0], [0]), ([math.nan], [1])],
    ids=["empty", "lengths", "negative", "no-votes", "nan"],
)
def test_bad_votes(a: list[float], b: list[float]) -> None:
    with pytest.raises(InvalidInputError):
        efficiency_gap(a, b)


votes = st.lists(st.tuples(st.integers(1, 10_000), st.integers(1, 10_000)), min_size=2, max_size=30)


@given(votes)
def test_swapping_parties_negates(pairs: list[tuple[int, int]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    assert mean_median(a, b) == pytest.approx(-mean_median(b, a), abs=1e-12)
    if not any(x == y for x, y in pairs):  # a tie counts as a loss for A, as in GerryChain
        assert efficiency_gap(a, b) == pytest.approx(-efficiency_gap(b, a), abs=1e-12)
        d1, d2 = declination(a, b), declination(b, a)
        assert (math.isnan(d1) and math.isnan(d2)) or d1 == pytest.approx(-d2, abs=1e-12)


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", min_size=1, max_size=12)


@given(names, names, names)
def test_election_spec_round_trip(name: str, a: str, b: str) -> None:
    el = Election.parse(f"{name}={a},{b}")
    assert (el.name, el.votes_a, el.votes_b) == (name, a, b)
    assert Election.parse(f"{a},{b}").name == a


@pytest.mark.parametrize(
    "spec", ["X=A", "X=A,B,C", "X=,B", ""], ids=["one", "three", "empty", "blank"]
)
def test_bad_election_spec(spec: str) -> None:
    with pytest.raises(InvalidInputError):
        Election.parse(spec)
