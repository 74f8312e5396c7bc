from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agorascope.elections.model import ModelConfig, election_day, estimate_states
from agorascope.elections.polls import PollSet
from agorascope.elections.results import ResultSet, read_results
from agorascope.elections.states import STATES
from agorascope.errors import ComputationError, InvalidInputError

from ._synth import synth_polls

EDAY = date(2016, 11, 8)


@pytest.fixture(scope="module")
def results(data_dir: Path) -> ResultSet:
    return read_results(data_dir / "potus_results_1976_2016.csv")


@pytest.fixture(scope="module")
def truth(results: ResultSet) -> tuple[dict[str, float], float]:
    r = results.year(2016).reindex(list(STATES))
    nat = float(np.average(r["dem2"], weights=r["total_votes"]))
    return dict(zip(STATES, r["dem2"], strict=True)), nat


@pytest.mark.parametrize(
    ("year", "day"),
    [(2008, date(2008, 11, 4)), (2012, date(2012, 11, 6)), (2016, EDAY),
     (2020, date(2020, 11, 3)), (2024, date(2024, 11, 5))],
)  # fmt: skip
def test_election_day(year: int, day: date) -> None:
    assert election_day(year) == day


def test_recovers_the_truth_from_unbiased_polls(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    est = estimate_states(synth_polls(t, nat, end=EDAY, n_national=300), results, 2016, EDAY)
    err = est.mean - np.array([t[s] for s in STATES])
    assert abs(est.national_mean - nat) < 0.008
    assert np.abs(err).mean() < 0.01
    assert np.all(np.abs(err) < 0.04)
    assert np.all(est.n_polls == 12)


def test_house_effect_is_estimated_and_removed(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    clean = estimate_states(synth_polls(t, nat, end=EDAY), results, 2016, EDAY)
    biased = estimate_states(
        synth_polls(t, nat, end=EDAY, biased=("Lean D", 0.04)), results, 2016, EDAY
    )
    others = np.mean([biased.house_effects[f"P{k}"] for k in range(4)])
    assert biased.house_effects["Lean D"] - others == pytest.approx(0.04, abs=0.01)
    assert all(abs(v) < 0.01 for k, v in clean.house_effects.items())
    # house effects average to zero over polls; the level moves by about the biased share
    # of polls times the bias (0.25 x 4 points), not by the bias
    assert abs(biased.national_mean - clean.national_mean) < 0.02


def test_population_effect(results: ResultSet, truth: tuple[dict[str, float], float]) -> None:
    t, nat = truth
    ps = synth_polls(t, nat, end=EDAY, seed=3)
    df = ps.polls.copy()
    rv = df.index % 2 == 0
    df.loc[rv, "population"] = "rv"
    df.loc[rv, "dem"] += 2.0  # registered voters 2 points more Democratic (1 point two-party)
    df.loc[rv, "rep"] -= 2.0
    est = estimate_states(PollSet(df, [], "dem", "rep"), results, 2016, EDAY)
    assert est.population_effects["lv"] == 0.0
    assert est.population_effects["rv"] == pytest.approx(0.02, abs=0.008)


def test_only_polls_that_ended_before_the_date(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    as_of = EDAY - timedelta(days=20)
    ps = synth_polls(t, nat, end=as_of)
    late = ps.polls.iloc[[0]].copy()
    late["end"] = pd.Timestamp(as_of)
    late["dem"], late["rep"] = 90.0, 10.0
    more = PollSet(pd.concat([ps.polls, late], ignore_index=True), [], "dem", "rep")
    a = estimate_states(ps, results, 2016, as_of)
    b = estimate_states(more, results, 2016, as_of)
    np.testing.assert_allclose(a.mean, b.mean)


def test_polls_weigh_more_as_election_day_nears(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    shifted = {s: v + (0.03 if s == "OH" else 0.0) for s, v in t.items()}
    # the same polls, taken 100 days before the election or in its last weeks
    early_polls = synth_polls(shifted, nat, end=EDAY - timedelta(days=100), days=40)
    late_polls = synth_polls(shifted, nat, end=EDAY, days=40)
    early = estimate_states(early_polls, results, 2016, EDAY - timedelta(days=100))
    late = estimate_states(late_polls, results, 2016, EDAY)
    i = STATES.index("OH")

    def poll_weight(e: object) -> float:
        lean = e.mean[i] - e.national_mean  # type: ignore[attr-defined]
        return float((lean - e.prior_lean[i]) / (e.poll_lean[i] - e.prior_lean[i]))  # type: ignore[attr-defined]

    assert 0 < poll_weight(early) < poll_weight(late) < 1
    assert early.national_sd > late.national_sd


def test_fundamentals_pull_the_national_level(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    ps = synth_polls(t, nat, end=EDAY)
    base = estimate_states(ps, results, 2016, EDAY)
    low = estimate_states(ps, results, 2016, EDAY, fundamentals=(0.45, 0.02))
    assert low.national_mean < base.national_mean
    assert low.national_sd < base.national_sd
    with pytest.raises(InvalidInputError):
        estimate_states(ps, results, 2016, EDAY, fundamentals=(1.5, 0.02))


def test_no_polls(results: ResultSet, truth: tuple[dict[str, float], float]) -> None:
    t, nat = truth
    ps = synth_polls(t, nat, end=EDAY)
    with pytest.raises(ComputationError, match="no usable polls"):
        estimate_states(ps, results, 2016, date(2016, 1, 1))


def test_state_without_polls_follows_prior(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    ps = synth_polls(t, nat, end=EDAY)
    df = ps.polls[ps.polls["state"] != "WY"]
    est = estimate_states(PollSet(df, [], "dem", "rep"), results, 2016, EDAY)
    i = STATES.index("WY")
    assert est.n_polls[i] == 0 and np.isnan(est.poll_lean[i])
    assert est.mean[i] == pytest.approx(est.national_mean + est.prior_lean[i])


def test_config_is_validated() -> None:
    with pytest.raises(InvalidInputError):
        ModelConfig(df=2)
    with pytest.raises(InvalidInputError):
        replace(ModelConfig(), lean_half_life=0)


def test_stale_polls_stay_uncertain(
    results: ResultSet, truth: tuple[dict[str, float], float]
) -> None:
    t, nat = truth
    ps = synth_polls(t, nat, end=EDAY - timedelta(days=60))
    fresh = estimate_states(synth_polls(t, nat, end=EDAY), results, 2016, EDAY)
    stale = estimate_states(ps, results, 2016, EDAY)  # forecast on election day, polls 60 days old
    early = estimate_states(ps, results, 2016, EDAY - timedelta(days=60))
    assert stale.national_sd == pytest.approx(early.national_sd, rel=0.05)
    assert stale.national_sd > 1.1 * fresh.national_sd
    assert np.all(stale.lean_sd > fresh.lean_sd)
