"""Public names of the demo package and the counter-based randomness under it."""

from __future__ import annotations

import numpy as np

import agorascope.demo as demo
from agorascope.demo._counter import Keys, scramble, uniform


def test_exported_names() -> None:
    assert sorted(demo.__all__) == ["DEMO_SCHEMA", "SCENARIO", "Scenario", "generate", "write"]
    for name in demo.__all__:
        assert getattr(demo, name) is not None


def test_counter_randomness_is_seeded() -> None:
    index = np.arange(10_000)
    same = uniform(Keys(1)("x"), index), uniform(Keys(1)("x"), index)
    assert (same[0] == same[1]).all()
    assert (uniform(Keys(2)("x"), index) != same[0]).mean() > 0.99
    assert (uniform(Keys(1)("y"), index) != same[0]).mean() > 0.99
    assert same[0].min() >= 0.0 and same[0].max() < 1.0
    assert abs(same[0].mean() - 0.5) < 0.02


def test_scramble_is_a_bijection() -> None:
    values = scramble(np.arange(1 << 16), 16, key=12345)
    assert sorted(values.tolist()) == list(range(1 << 16))
    assert not (values == np.arange(1 << 16)).all()
