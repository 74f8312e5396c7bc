"""Correlations equal scipy's and statsmodels' on the same joined table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from typer.testing import CliRunner

from agorascope.cli import app
from agorascope.errors import InvalidInputError
from agorascope.opendata import correlate, join_file, load

X, Y = "median_household_income_2021", "unemployment_rate_2020"


def _reference(frame: pd.DataFrame, x: str, y: str) -> dict[str, object]:
    both = frame[[x, y]].apply(pd.to_numeric, errors="coerce").dropna().astype(float)
    p = stats.pearsonr(both[x], both[y])
    s = stats.spearmanr(both[x], both[y])
    ols = sm.OLS(both[y], sm.add_constant(both[x])).fit()
    return {"n": len(both), "pearson": p, "ci": p.confidence_interval(), "spearman": s, "ols": ols}


def _check(frame: pd.DataFrame, x: str, y: str) -> None:
    fit = correlate(frame, x, y)
    c, ref = fit.correlation, _reference(frame, x, y)
    ols = ref["ols"]
    assert c.n == ref["n"]
    assert c.pearson_r == pytest.approx(ref["pearson"].statistic, rel=1e-12)
    assert c.pearson_p == pytest.approx(ref["pearson"].pvalue, rel=1e-6, abs=1e-300)
    assert (c.pearson_low, c.pearson_high) == pytest.approx(tuple(ref["ci"]), rel=1e-9)
    assert c.spearman_rho == pytest.approx(ref["spearman"].statistic, rel=1e-12)
    assert c.spearman_p == pytest.approx(ref["spearman"].pvalue, rel=1e-6, abs=1e-300)
    assert (c.intercept, c.slope) == pytest.approx(tuple(ols.params), rel=1e-9)
    assert (c.slope_low, c.slope_high) == pytest.approx(tuple(ols.conf_int().iloc[1]), rel=1e-9)
    assert c.r_squared == pytest.approx(ols.rsquared, rel=1e-9)
    grid = np.linspace(fit.xs.min(), fit.xs.max(), 7)
    line, low, high = fit.band(grid)
    band = ols.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
    assert line == pytest.approx(band["mean"].to_numpy(), rel=1e-9)
    assert low == pytest.approx(band["mean_ci_lower"].to_numpy(), rel=1e-9)
    assert high == pytest.approx(band["mean_ci_upper"].to_numpy(), rel=1e-9)


def test_income_and_unemployment_per_county_equal_scipy_and_statsmodels() -> None:
    """The first seed's example is opioid prescriptions against income per county; no
    prescriptions table is free and offline, so a real county table we ship stands in."""
    _check(load("counties"), X, Y)


def test_a_joined_user_file_equals_scipy_and_statsmodels(tmp_path: Path) -> None:
    counties = load("counties")
    sample = counties[counties["state"] == "IA"].reset_index(drop=True)
    # a user's file: poverty per county, FIPS without the leading zero where it has one
    user = pd.DataFrame(
        {"FIPS": sample["fips"].str.lstrip("0"), "pov": sample["poverty_rate_2021"]}
    )
    path = tmp_path / "iowa.csv"
    user.to_csv(path, index=False)
    joined = join_file(path)
    assert joined.matched == len(sample) == 99
    _check(joined.frame, "pov", X)


def test_a_hand_computed_case() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 4.0, 5.0, 4.0]})
    c = correlate(frame, "x", "y").correlation
    # Sxx = 5, Sxy = 3.5, Syy = 4.75: slope 0.7, intercept 3.75 - 0.7 * 2.5 = 2
    assert c.slope == pytest.approx(0.7) and c.intercept == pytest.approx(2.0)
    assert c.pearson_r == pytest.approx(3.5 / np.sqrt(5 * 4.75))
    # ranks of y: 1, 2.5, 4, 2.5: Sxy = 3, Sxx = 5, Syy = 4.5, rho = 3 / sqrt(22.5)
    assert c.spearman_rho == pytest.approx(0.632455532, rel=1e-8)


@pytest.mark.parametrize(
    ("frame", "x", "message"),
    [
        (
            pd.DataFrame({"x": ["1", "b", "3"], "y": [1, 2, 3], "line": [2, 3, 4]}),
            "x",
            r"in line 3: field 'x' is not a number: 'b'",
        ),
        (pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 2.0]}), "x", "2 rows have both"),
        (pd.DataFrame({"x": [1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0]}), "x", "constant"),
        (pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]}), "z", "no column 'z'"),
    ],
    ids=["not-a-number", "too-few", "constant", "no-column"],
)
def test_bad_columns_are_named(frame: pd.DataFrame, x: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        correlate(frame, x, "y", source="in")


def test_the_command_prints_the_figures_and_the_note() -> None:
    r = CliRunner().invoke(app, ["opendata", "correlate", X, Y, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    ref = stats.pearsonr(*load("counties")[[X, Y]].dropna().astype(float).T.to_numpy())
    assert out["items"][0]["pearson_r"] == pytest.approx(ref.statistic, rel=1e-12)
    assert "ecological fallacy" in out["meta"]["note"]
