"""Synthetic polls drawn from a known truth, for model tests."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from agorascope.elections.polls import POLL_COLUMNS, PollSet
from agorascope.elections.states import STATES


def synth_polls(
    truth: dict[str, float],
    national: float,
    *,
    end: date,
    days: int = 60,
    per_state: int = 12,
    n_national: int = 60,
    seed: int = 0,
    biased: tuple[str, float] | None = None,
) -> PollSet:
    """Polls of size 800 drawn binomially from ``truth`` (two-party shares), no undecided."""
    rng = np.random.default_rng(seed)
    rows = []
    line = 2

    def add(state: str, share: float, pollster: str) -> None:
        nonlocal line
        d = end - timedelta(days=int(rng.integers(1, days)))
        dem = rng.binomial(800, share) / 8.0
        rows.append(
            {
                "state": state, "pollster": pollster, "start": pd.Timestamp(d - timedelta(days=3)),
                "end": pd.Timestamp(d), "n": 800.0, "population": "lv", "mode": "",
                "dem": dem, "rep": 100.0 - dem, "partisan": False, "line": line,
            }
        )  # fmt: skip
        line += 1

    for s in STATES:
        for k in range(per_state):
            add(s, truth[s], f"P{k % 4}")
    for k in range(n_national):
        add("US", national, f"P{k % 4}")
    if biased is not None:
        name, shift = biased
        for s in STATES:
            for _ in range(4):
                add(s, truth[s] + shift, name)
        for _ in range(30):
            add("US", national + shift, name)
    df = pd.DataFrame(rows, columns=list(POLL_COLUMNS))
    return PollSet(df.sort_values("end").reset_index(drop=True), [], "dem", "rep")
