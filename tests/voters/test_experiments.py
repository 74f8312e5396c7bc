"""Experiment import, storage and comparison on real data, against statsmodels and SciPy."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

import agorascope
from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError
from agorascope.store import Store
from agorascope.voters.experiments import (
    Experiment,
    import_experiment,
    list_experiments,
    load_experiment,
)
from agorascope.voters.experiments_compare import compare_arms, parse_split, sequential_looks

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's import-time notice
    from fastapi.testclient import TestClient

DATA = Path(__file__).parents[1] / "data" / "voters" / "hillstrom_6000.csv"
CONTROL = "No E-Mail"


@pytest.fixture
def store() -> Store:
    s = Store.memory()
    import_experiment(s, DATA, "hillstrom")
    return s


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(DATA)


@pytest.mark.parametrize("metric", ["clicked", "donated"])
def test_arm_figures_equal_statsmodels(store: Store, frame: pd.DataFrame, metric: str) -> None:
    rows, meta = compare_arms(load_experiment(store, "hillstrom"), metric=metric, control=CONTROL)
    by = frame.groupby("arm")[metric].agg(["sum", "count"])
    k0, n0 = by.loc[CONTROL]
    tested = []
    for r in rows:
        k, n = by.loc[r["arm"]]
        assert (r["successes"], r["sent"]) == (k, n)
        assert (r["rate_lo"], r["rate_hi"]) == pytest.approx(
            proportion_confint(k, n, method="wilson"), abs=1e-12
        )
        if r["arm"] == CONTROL:
            assert r["control"] and r["diff"] is None and r["p_holm"] is None
            continue
        assert (r["diff_lo"], r["diff_hi"]) == pytest.approx(
            confint_proportions_2indep(k, n, k0, n0, method="newcomb", compare="diff"), abs=1e-12
        )
        z, p = proportions_ztest([k, k0], [n, n0])
        assert (r["z"], r["p_value"]) == pytest.approx((z, p), rel=1e-10)
        tested.append(r)
    holm = multipletests([r["p_value"] for r in tested], method="holm")[1]
    assert [r["p_holm"] for r in tested] == pytest.approx(list(holm), rel=1e-12)
    assert meta["control"] == CONTROL and meta["recipients"] == len(frame)
    chi = stats.chisquare(frame.groupby("arm").size().to_numpy())
    assert (meta["srm_chi2"], meta["srm_p"]) == pytest.approx((chi.statistic, chi.pvalue))
    assert meta["srm_flag"] is False


def test_amounts_bootstrap_equals_scipy_and_is_seeded(store: Store, frame: pd.DataFrame) -> None:
    exp = load_experiment(store, "hillstrom")
    rows, _ = compare_arms(exp, control=CONTROL, seed=5, resamples=500)
    again, _ = compare_arms(exp, control=CONTROL, seed=5, resamples=500)
    assert rows == again
    for i, r in enumerate(rows):
        x = np.sort(frame.loc[frame["arm"] == r["arm"], "amount"].to_numpy())
        assert r["amount_per_recipient"] == pytest.approx(x.mean(), rel=1e-12)
        ci = stats.bootstrap(
            (x,), np.mean, n_resamples=500, method="percentile",
            rng=np.random.default_rng(5 + i), batch=100,
        ).confidence_interval  # fmt: skip
        assert (r["amount_lo"], r["amount_hi"]) == pytest.approx((ci.low, ci.high), rel=1e-12)
    other, _ = compare_arms(exp, control=CONTROL, seed=6, resamples=500)
    assert other[0]["amount_lo"] != rows[0]["amount_lo"]


def test_arm_level_file_gives_the_same_rates(tmp_path: Path, frame: pd.DataFrame) -> None:
    agg = frame.groupby("arm").agg(
        sent=("clicked", "size"), clicked=("clicked", "sum"), donated=("donated", "sum"),
        amount=("amount", "sum"),
    ).reset_index()  # fmt: skip
    path = tmp_path / "arms.csv"
    agg.to_csv(path, index=False)
    s = Store.memory()
    info = import_experiment(s, path, "agg")
    assert info.level == "arm" and sum(info.sent.values()) == len(frame)
    import_experiment(s, DATA, "rec")
    a, _ = compare_arms(load_experiment(s, "agg"), control=CONTROL)
    b, _ = compare_arms(load_experiment(s, "rec"), control=CONTROL)
    keys = ["arm", "sent", "successes", "rate", "rate_lo", "diff_hi", "p_holm"]
    assert [{k: r[k] for k in keys} for r in a] == [{k: r[k] for k in keys} for r in b]
    assert [r["amount_per_recipient"] for r in a] == pytest.approx(
        [r["amount_per_recipient"] for r in b]
    )
    assert all(r["amount_lo"] is None for r in a)  # no recipients' amounts, no bootstrap


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_parquet_and_json_lines_read_as_csv(
    tmp_path: Path, frame: pd.DataFrame, suffix: str
) -> None:
    path = tmp_path / f"h{suffix}"
    if suffix == ".parquet":
        frame.astype({"clicked": float}).to_parquet(path)  # flags as 0.0 / 1.0
    else:
        frame.to_json(path, orient="records", lines=True)
    s = Store.memory()
    import_experiment(s, DATA, "csv")
    info = import_experiment(s, path, "other")
    assert not info.rejects
    pd.testing.assert_frame_equal(
        load_experiment(s, "other").counts, load_experiment(s, "csv").counts
    )


def test_reimport_is_idempotent_and_listed(store: Store) -> None:
    before = load_experiment(store, "hillstrom").counts
    import_experiment(store, DATA, "hillstrom")
    pd.testing.assert_frame_equal(load_experiment(store, "hillstrom").counts, before)
    listed = list_experiments(store)
    assert [(e["name"], e["arms"], e["sent"], e["rejected"]) for e in listed] == [
        ("hillstrom", 3, 6000, 0)
    ]
    with pytest.raises(NotFoundError, match="known: hillstrom"):
        load_experiment(store, "nope")


def test_bad_rows_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "arm,clicked,donated,amount\n"
        "A,1,0,0\n"
        "B,2,0,0\n"  # line 3: clicked is no flag
        ",1,0,0\n"  # line 4: no arm
        "A,0,0,12.5\n"  # line 5: amount without donation
        "B,0,1,-3\n"  # line 6: negative amount
        "B,1,1,30\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    info = import_experiment(Store.memory(), path, "bad", rejects_path=rejects)
    got = [(r.file, r.line, r.field) for r in info.rejects]
    assert got == [
        ("bad.csv", 3, "clicked"), ("bad.csv", 4, "arm"), ("bad.csv", 5, "donated"),
        ("bad.csv", 6, "amount"),
    ]  # fmt: skip
    assert info.sent == {"A": 1, "B": 1}
    with rejects.open(encoding="utf-8") as fh:
        assert [r["line"] for r in csv.DictReader(fh)] == ["3", "4", "5", "6"]
    arms = tmp_path / "arms.jsonl"
    arms.write_text(
        '{"arm": "A", "sent": 100, "clicked": 5}\n{"arm": "B", "sent": 10, "clicked": 11}\n'
        "not json\n",
        encoding="utf-8",
    )
    info = import_experiment(Store.memory(), arms, "arms")
    assert [(r.line, r.field) for r in info.rejects] == [(2, "clicked"), (3, "")]
    assert "more than the 10 sent" in info.rejects[0].reason
    with pytest.raises(ImportFormatError, match="missing column 'arm'"):
        (tmp_path / "x.csv").write_text("group,clicked\nA,1\n", encoding="utf-8")
        import_experiment(Store.memory(), tmp_path / "x.csv", "x")


def test_unknown_metric_control_and_split(store: Store) -> None:
    exp = load_experiment(store, "hillstrom")
    with pytest.raises(InvalidInputError, match="has no 'opened'"):
        compare_arms(exp, metric="opened")
    with pytest.raises(InvalidInputError, match="no arm 'X'"):
        compare_arms(exp, control="X")
    with pytest.raises(InvalidInputError, match="give a weight to each arm"):
        parse_split("Mens E-Mail=1", exp.arms)
    split = parse_split("Mens E-Mail=1,No E-Mail=1,Womens E-Mail=2", exp.arms)
    _, meta = compare_arms(exp, control=CONTROL, split=split)
    assert meta["srm_flag"] is True  # a third of the mail went to each, not a half to Womens


def _with_days(tmp_path: Path, frame: pd.DataFrame, per_day: int = 500) -> Path:
    """The real rows given days in file order (looks at 500 recipients a day)."""
    out = frame.copy()
    out["day"] = [
        (pd.Timestamp("2008-03-01") + pd.Timedelta(days=i // per_day)).date().isoformat()
        for i in range(len(out))
    ]
    path = tmp_path / "days.csv"
    out.to_csv(path, index=False)
    return path


def test_sequential_looks_equal_cumulative_z_tests(tmp_path: Path, frame: pd.DataFrame) -> None:
    s = Store.memory()
    import_experiment(s, _with_days(tmp_path, frame), "days")
    rows, meta = sequential_looks(load_experiment(s, "days"), control=CONTROL, tau=0.02)
    assert meta["days"] == 12 and len(rows) == 24
    last = [r for r in rows if r["day"].isoformat() == "2008-03-12"]
    by = frame.groupby("arm")["clicked"].agg(["sum", "count"])
    for r in last:
        _, p = proportions_ztest(
            [by.loc[r["arm"], "sum"], by.loc[CONTROL, "sum"]],
            [by.loc[r["arm"], "count"], by.loc[CONTROL, "count"]],
        )
        assert r["z_p_value"] == pytest.approx(p, rel=1e-10)
    mens = [r["always_valid_p"] for r in rows if r["arm"] == "Mens E-Mail"]
    assert mens == sorted(mens, reverse=True)  # never rises
    assert all(r["always_valid_p"] >= r["z_p_value"] for r in rows)  # the price of peeking
    assert meta["significant_since"]["Mens E-Mail"] is not None
    with pytest.raises(InvalidInputError, match="'day' column"):
        sequential_looks(_no_days(s))


def _no_days(s: Store) -> Experiment:
    import_experiment(s, DATA, "nodays")
    return load_experiment(s, "nodays")


def test_workspace_cli_and_rest_agree(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agorascope.cli import app

    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    out = runner.invoke(
        app, ["--db", str(db), "experiment", "import", str(DATA), "--name", "h", "--json"]
    )
    assert out.exit_code == 0, out.output
    sizes = pd.read_csv(DATA)["arm"].value_counts()
    assert json.loads(out.stdout)["sent"] == {str(k): int(v) for k, v in sizes.items()}
    out = runner.invoke(
        app, ["--db", str(db), "experiment", "analyze", "h", "--control", CONTROL, "--json"]
    )
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    with agorascope.open(db) as ws:
        py = ws.voters.experiment(experiment="h", control=CONTROL)
    assert cli["items"] == py.rows and cli["meta"] == py.meta
    with TestClient(create_app(Settings(db=db)), base_url="http://127.0.0.1:8000") as client:
        r = client.get("/api/voters/experiment", params={"experiment": "h", "control": CONTROL})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["items"] == py.rows and r.json()["meta"] == py.meta
    out = runner.invoke(app, ["--db", str(db), "experiment", "list", "--json"])
    assert [e["name"] for e in json.loads(out.stdout)["items"]] == ["h"]
    out = runner.invoke(
        app, ["experiment", "power", "--baseline", "0.02", "--mde", "0.1", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["items"][0]["n_per_arm"] == 80_682
    out = runner.invoke(app, ["--db", str(db), "experiment", "analyze", "nope"])
    assert out.exit_code == 1 and "no experiment 'nope'" in out.output


def test_the_guides_cover_every_voters_analysis_and_command() -> None:
    from agorascope import registry

    docs = Path(__file__).parents[2] / "docs"
    text = "".join((docs / name).read_text() for name in ("voters.md", "voters-experiments.md"))
    for spec in registry.analyses("voters"):
        assert f"voters {spec.name}" in text or f"voters.{spec.attr}" in text, spec.name
    for cmd in ("import", "analyze", "sequential", "power", "list"):
        assert f"experiment {cmd}" in text, cmd
