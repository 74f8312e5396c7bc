"""Survey insights: weighted shares, lifts and intervals checked against statsmodels and by hand."""

from __future__ import annotations

import json
import sys
import typing
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from typer.testing import CliRunner

import agorascope
from agorascope.api import create_app
from agorascope.audience.survey import (
    BUNDLED_SURVEYS,
    Survey,
    bundled_survey,
    kish_n_eff,
    parse_condition,
    profile,
    read_survey,
)
from agorascope.audience.survey_analyses import BundledSurvey
from agorascope.cli import app
from agorascope.components import Analyses
from agorascope.config import Settings
from agorascope.errors import (
    ImportFormatError,
    InvalidInputError,
    MissingExtraError,
    NotFoundError,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's import-time notice
    from fastapi.testclient import TestClient

LOCAL = "http://127.0.0.1:8000"


def _survey(frame: pd.DataFrame, weight: str | None = None) -> Survey:
    w = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype=float)
    return Survey("test.csv", frame, w, weight)


def _row(rows: list[Any], column: str, value: str) -> Any:
    (found,) = [r for r in rows if r.column == column and r.value == value]
    return found


# -- a small weighted case by hand --------------------------------------------------------

SMALL = pd.DataFrame(
    {
        "g": [1, 1, 1, 0, 0, 0, 0],
        "x": ["a", "b", "a", "a", "b", "b", "b"],
        "w": [1.0, 2.0, 3.0, 1.0, 1.0, 2.0, 4.0],
    }
)


def test_a_small_weighted_case_by_hand() -> None:
    found = profile(_survey(SMALL, "w"), "g=1", ["x"], min_group=1)
    a = _row(found.rows, "x", "a")
    # group weights 1, 2, 3: "a" weighs 1 + 3 = 4 of 6; rest weights 1, 1, 2, 4: "a" 1 of 8
    assert a.share == pytest.approx(4 / 6)
    assert a.baseline == pytest.approx(1 / 8)
    assert a.lift == pytest.approx(100 * ((4 / 6) / (1 / 8) - 1))  # +433 %
    assert a.n_eff == pytest.approx(36 / 14)  # (1+2+3)^2 / (1+4+9)
    assert a.baseline_n_eff == pytest.approx(64 / 22)  # (1+1+2+4)^2 / (1+1+4+16)
    assert a.respondents == 2
    assert found.meta["group_design_effect"] == pytest.approx(3 / (36 / 14))
    # Wald z on effective sizes: (p1 - p2) / sqrt(p1 q1 / n1 + p2 q2 / n2)
    se = np.sqrt((4 / 6) * (2 / 6) / (36 / 14) + (1 / 8) * (7 / 8) / (64 / 22))
    z = (4 / 6 - 1 / 8) / se
    from math import erfc, sqrt

    assert a.p_value == pytest.approx(erfc(abs(z) / sqrt(2)))
    b = _row(found.rows, "x", "b")
    assert b.share == pytest.approx(2 / 6) and b.baseline == pytest.approx(7 / 8)
    assert "less likely than the rest" in b.finding


def test_versus_all_uses_everyone_who_answered() -> None:
    found = profile(_survey(SMALL, "w"), "g=1", ["x"], versus="all", min_group=1)
    a = _row(found.rows, "x", "a")
    assert a.baseline == pytest.approx(5 / 14)
    assert a.lift == pytest.approx(100 * ((4 / 6) / (5 / 14) - 1))
    assert found.meta["baseline_respondents"] == 7
    assert "than everyone" in a.finding


# -- against statsmodels on real answers with uneven weights ------------------------------


@pytest.fixture(scope="module")
def weighted() -> Survey:
    """ANES 1996 with uneven weights (a seeded draw: the answers are real, the weights not)."""
    frame = bundled_survey("anes96").frame.copy()
    frame["w"] = np.random.default_rng(7).gamma(2.0, 1.0, len(frame))
    return _survey(frame, "w")


@pytest.mark.parametrize("column", ["PID", "educ", "selfLR"])
def test_shares_intervals_and_p_values_match_statsmodels(weighted: Survey, column: str) -> None:
    found = profile(weighted, "vote=1", [column])
    frame, w = weighted.frame, weighted.weights
    g, r = frame["vote"].to_numpy() == 1, frame["vote"].to_numpy() == 0
    n_g, n_r = kish_n_eff(w[g]), kish_n_eff(w[r])
    assert found.meta["group_n_eff"] == pytest.approx(w[g].sum() ** 2 / (w[g] ** 2).sum())
    assert len(found.rows) == frame[column].nunique()
    for row in found.rows:
        x = (frame[column].to_numpy() == float(row.value)).astype(float)
        dg, dr = DescrStatsW(x[g], weights=w[g]), DescrStatsW(x[r], weights=w[r])
        assert row.share == pytest.approx(dg.mean) and row.baseline == pytest.approx(dr.mean)
        lo, hi = proportion_confint(row.share * n_g, n_g, alpha=0.05, method="wilson")
        assert (row.share_lo, row.share_hi) == pytest.approx((lo, hi))
        lo, hi = proportion_confint(row.baseline * n_r, n_r, alpha=0.05, method="wilson")
        assert (row.baseline_lo, row.baseline_hi) == pytest.approx((lo, hi))
        # DescrStatsW divides the variance by (sum of weights - 1): weights scaled to sum to
        # n_eff + 1 make its standard error of the mean Kish's sqrt(p q / n_eff)
        eg = DescrStatsW(x[g], weights=w[g] * (n_g + 1) / w[g].sum())
        er = DescrStatsW(x[r], weights=w[r] * (n_r + 1) / w[r].sum())
        _, p = CompareMeans(eg, er).ztest_ind(usevar="unequal")
        assert row.p_value == pytest.approx(p)
        if row.share > 0:
            lo, hi = confint_proportions_2indep(
                row.share * n_g, n_g, row.baseline * n_r, n_r, compare="ratio", method="log"
            )
            assert (row.lift_lo, row.lift_hi) == pytest.approx((100 * (lo - 1), 100 * (hi - 1)))


def test_lift_interval_against_everyone_is_the_delta_method(weighted: Survey) -> None:
    """The group is part of everyone: a numerical gradient of log(pg / pall) gives the same."""
    found = profile(weighted, "vote=1", ["PID"], versus="all", confidence=0.9)
    frame, w = weighted.frame, weighted.weights
    g, r = frame["vote"].to_numpy() == 1, frame["vote"].to_numpy() == 0
    a = w[g].sum() / w.sum()
    for row in found.rows:
        x = frame["PID"].to_numpy() == float(row.value)
        pg, pr = w[g & x].sum() / w[g].sum(), w[r & x].sum() / w[r].sum()
        vg, vr = pg * (1 - pg) / kish_n_eff(w[g]), pr * (1 - pr) / kish_n_eff(w[r])

        def f(pg: float, pr: float) -> float:
            return float(np.log(pg / (a * pg + (1 - a) * pr)))

        h = 1e-7
        dg, dr = (f(pg + h, pr) - f(pg - h, pr)) / 2 / h, (f(pg, pr + h) - f(pg, pr - h)) / 2 / h
        se = np.sqrt(dg**2 * vg + dr**2 * vr)
        z = 1.6448536269514722  # 90 %
        assert row.baseline == pytest.approx(w[x].sum() / w.sum())
        assert row.lift_lo == pytest.approx(100 * (np.exp(f(pg, pr) - z * se) - 1), rel=1e-5)
        assert row.lift_hi == pytest.approx(100 * (np.exp(f(pg, pr) + z * se) - 1), rel=1e-5)


def test_unequal_weights_widen_the_intervals(weighted: Survey) -> None:
    flat = _survey(weighted.frame)
    a = _row(profile(weighted, "vote=1", ["PID"]).rows, "PID", "6")
    b = _row(profile(flat, "vote=1", ["PID"]).rows, "PID", "6")
    assert b.n_eff == 393 and a.n_eff < b.n_eff
    assert a.share_hi - a.share_lo > b.share_hi - b.share_lo


# -- the worked example -------------------------------------------------------------------


def test_dole_voters_against_clinton_voters() -> None:
    """1996: 167 of 393 Dole voters and 8 of 551 Clinton voters were strong Republicans."""
    found = profile(bundled_survey("anes96"), "vote=1", ["PID", "educ", "income"])
    strong = _row(found.rows, "PID", "6")
    assert strong.label == "Strong Republican" and strong.respondents == 167
    assert strong.share == pytest.approx(167 / 393)
    assert strong.baseline == pytest.approx(8 / 551)
    assert strong.finding.startswith(
        "respondents with vote=1 (Dole) were 2827 % more likely than the rest to answer PID = 6"
    )
    masters = _row(found.rows, "educ", "6")
    assert masters.share == pytest.approx(108 / 393) and masters.baseline == pytest.approx(
        119 / 551
    )
    assert round(masters.lift) == 27 and masters.p_value == pytest.approx(0.0392, abs=1e-4)
    assert found.meta["group_respondents"] == 393 and found.meta["baseline_respondents"] == 551
    assert [c for c in found.meta["columns"]] == ["PID", "educ", "income"]


def test_default_columns_skip_the_group_weight_and_many_valued_columns(weighted: Survey) -> None:
    found = profile(weighted, "vote=1")
    assert found.meta["columns"] == [
        "TVnews",
        "selfLR",
        "ClinLR",
        "DoleLR",
        "PID",
        "educ",
        "income",
    ]


def test_conditions() -> None:
    survey = bundled_survey("anes96")
    republicans = int(survey.frame["PID"].isin([5, 6]).sum())
    assert profile(survey, "PID>=5", ["vote"]).meta["group_respondents"] == republicans
    assert profile(survey, "PID=5,6", ["vote"]).meta["group_respondents"] == republicans
    assert profile(survey, "PID!=5,6", ["vote"]).meta["group_respondents"] == 944 - republicans
    assert profile(survey, "educ<3", ["vote"]).meta["group_respondents"] == int(
        (survey.frame["educ"] < 3).sum()
    )
    assert str(parse_condition(" educ <= 3 ")) == "educ<=3"
    text = _survey(pd.DataFrame({"g": ["a b"] * 10 + ["c"] * 10, "x": [1, 2] * 10}))
    assert profile(text, "g=a b", ["x"]).meta["group_respondents"] == 10


def test_missing_answers_are_left_out_of_their_column() -> None:
    frame = pd.DataFrame({"g": [1] * 12 + [0] * 12 + [None], "x": [1.0, None] * 12 + [1.0]})
    found = profile(_survey(frame), "g=1", ["x"])
    (row,) = found.rows
    assert row.share == 1.0 and row.n_eff == 6 and found.meta["group_respondents"] == 12


# -- files and bad input ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet", ".dta"])
def test_every_format_reads_the_same_answers(tmp_path: Path, suffix: str) -> None:
    frame = bundled_survey("anes96").frame.assign(w=np.linspace(0.5, 2.0, 944))
    path = tmp_path / f"s{suffix}"
    {".parquet": frame.to_parquet, ".dta": lambda p: frame.to_stata(p, write_index=False)}.get(
        suffix, lambda p: frame.to_csv(p, index=False)
    )(path)
    got = profile(read_survey(path, "w"), "vote=1", ["PID"]).rows
    want = profile(_survey(frame, "w"), "vote=1", ["PID"]).rows
    assert [r.value for r in got] == [r.value for r in want]
    assert [r.share for r in got] == pytest.approx([r.share for r in want])
    assert [r.p_value for r in got] == pytest.approx([r.p_value for r in want])


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("g,x,w\n1,a,1\n0,b,heavy\n", r"answers.csv, line 3: weight column 'w' is 'heavy'"),
        ("g,x,w\n1,a,1\n0,b,\n", r"answers.csv, line 3: weight column 'w' is missing"),
        ("g,x,w\n1,a,1\n0,b,2\n1,b,-1\n", r"answers.csv, line 4: weight column 'w' is negative"),
        ("g,x,w\n1,a,0\n0,b,0\n", r"every weight in column 'w' is 0"),
    ],
    ids=["not-a-number", "missing", "negative", "all-zero"],
)
def test_bad_weights_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_survey(_csv(tmp_path, text), "w")


def test_bad_columns_and_files(tmp_path: Path) -> None:
    path = _csv(tmp_path, "g,x\n" + "1,a\n0,b\n" * 10)
    with pytest.raises(
        NotFoundError, match=r"answers.csv: no weight column 'wt' \(columns: g, x\)"
    ):
        read_survey(path, "wt")
    survey = read_survey(path)
    with pytest.raises(NotFoundError, match=r"answers.csv: no column 'age'"):
        profile(survey, "g=1", ["age"])
    with pytest.raises(NotFoundError, match=r"answers.csv: no column 'G'"):
        profile(survey, "G=1", ["x"])
    with pytest.raises(InvalidInputError, match="is not a condition"):
        profile(survey, "g 1")
    with pytest.raises(InvalidInputError, match="'x' holds text"):
        profile(survey, "x>a")
    with pytest.raises(InvalidInputError, match="'g' is numeric"):
        profile(survey, "g=yes")
    with pytest.raises(InvalidInputError, match="has 9 respondents, fewer than 10"):
        profile(read_survey(_csv(tmp_path, "g,x\n" + "1,a\n" * 9 + "0,b\n" * 20)), "g=1")
    with pytest.raises(InvalidInputError, match="max_levels=2"):
        profile(bundled_survey("anes96"), "vote=1", ["PID"], max_levels=2)
    with pytest.raises(NotFoundError, match="no survey file"):
        read_survey(tmp_path / "nope.csv")
    (tmp_path / "s.xlsx").write_text("x")
    with pytest.raises(ImportFormatError, match=r"unknown survey format '\.xlsx'"):
        read_survey(tmp_path / "s.xlsx")
    (tmp_path / "s.parquet").write_text("not parquet")
    with pytest.raises(ImportFormatError, match=r"s\.parquet: cannot read"):
        read_survey(tmp_path / "s.parquet")
    with pytest.raises(NotFoundError, match="have: anes96"):
        bundled_survey("gss")


def test_spss_without_pyreadstat_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    (tmp_path / "s.sav").write_bytes(b"$FL2")
    with pytest.raises(MissingExtraError, match=r"agorascope\[spss\]"):
        read_survey(tmp_path / "s.sav")


# -- adapters -----------------------------------------------------------------------------


def test_bundled_names_are_the_bundled_surveys() -> None:
    assert typing.get_args(BundledSurvey) == tuple(BUNDLED_SURVEYS)


def test_python_cli_and_rest_agree(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    frame = bundled_survey("anes96").frame.assign(w=np.linspace(0.5, 2.0, 944))
    frame.to_csv(folder / "anes.csv", index=False)
    params = {"group": "vote=1", "weight": "w", "columns": ["PID", "educ"], "versus": "all"}
    db = tmp_path / "s.duckdb"
    with agorascope.open(db) as ws:
        py = Analyses(ws, "audience").survey(file=folder / "anes.csv", **params)
    assert len(py.rows) == 14 and py.meta["weight"] == "w"
    assert py.rows[0] == {**py.rows[0], "column": "PID", "value": "0", "label": None}

    args = ["--group", "vote=1", "--weight", "w", "--columns", "PID", "--columns", "educ"]
    out = CliRunner().invoke(
        app, ["--db", str(db), "audience", "survey", "--file", str(folder / "anes.csv"), *args,
              "--versus", "all", "--json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)

    with TestClient(create_app(Settings(db=db, data_dir=folder)), base_url=LOCAL) as client:
        r = client.get("/api/audience/survey", params={**params, "file": "anes.csv"})
        assert r.status_code == 200, r.text[:500]
        outside = client.get("/api/audience/survey", params={**params, "file": "../s.duckdb"})
        assert outside.status_code == 403
        bundled = client.get("/api/audience/survey", params={"group": "vote=1"})
        assert bundled.status_code == 200 and bundled.json()["meta"]["survey"] == "anes96"
    rest = r.json()
    assert cli["items"] == rest["items"] == py.rows
    assert cli["meta"]["group_n_eff"] == rest["meta"]["group_n_eff"] == py.meta["group_n_eff"]


def test_a_file_and_a_dataset_together_are_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "g,x\n" + "1,a\n0,b\n" * 10)
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        with pytest.raises(InvalidInputError, match="not both"):
            Analyses(ws, "audience").survey(group="g=1", file=path, dataset="anes96")
        assert len(Analyses(ws, "audience").survey(group="g=1", file=path)) == 2


def test_no_data_folder_means_no_files_over_http(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "s.duckdb")), base_url=LOCAL) as client:
        r = client.get("/api/audience/survey", params={"group": "vote=1", "file": "a.csv"})
    assert r.status_code == 403 and "AGORASCOPE_DATA_DIR" in r.text
