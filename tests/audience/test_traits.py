"""Trait inference from footprints and its privacy audit, on real IRA accounts (SOURCE.md)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

import agorascope
from agorascope.audience.traits import (
    Footprints,
    TraitModel,
    calibration_bins,
    fit_traits,
    footprints,
    trait_audit,
)
from agorascope.components import Analyses
from agorascope.config import Settings
from agorascope.text import words

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's TestClient warns at import
    from fastapi.testclient import TestClient

DATA = Path(__file__).parent / "data"
LOCAL = "http://127.0.0.1:8000"
pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")


def _store(folder: Path, name: str) -> Path:
    db = folder / f"{name}.duckdb"
    with agorascope.open(db) as ws:
        ws.import_files([DATA / f"ira_{name}.csv.gz"], format="ira", index=False)
    return db


@pytest.fixture(scope="module")
def train_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("traits"), "train")


@pytest.fixture(scope="module")
def train(train_db: Path) -> Footprints:
    with agorascope.open(train_db, read_only=True) as ws:
        return footprints(ws.posts())


@pytest.fixture(scope="module")
def model(train: Footprints) -> TraitModel:
    return fit_traits(train)


def _authors(name: str) -> pd.Series:
    """Each author's category, read from the bundled CSV (independent of the store)."""
    d = pd.read_csv(DATA / f"ira_{name}.csv.gz", dtype=str, keep_default_na=False)
    return d.groupby("author_id")["account_category"].first()


def test_class_sizes_and_labels_match_the_file(train: Footprints, model: TraitModel) -> None:
    cats = _authors("train")
    assert len(train.accounts) == len(cats)
    assert int((~train.known).sum()) == int((cats == "Unknown").sum())
    sizes = cats[cats != "Unknown"].value_counts()
    assert model.classes == sorted(sizes[sizes >= 5].index)
    assert model.dropped == {c: int(n) for c, n in sizes[sizes < 5].items()}
    for i, c in enumerate(model.classes):
        assert int((model.y == i).sum()) == sizes[c]


def test_footprints_of_a_hand_made_case(tmp_path: Path) -> None:
    posts = [
        {"platform": "x", "id": "1", "author_id": "a", "created_at": "2024-01-01T00:00:00",
         "text": "Vote #MAGA @Bob https://www.Ex.com/x", "author_category": "R",
         "urls": ["https://www.Ex.com/x"]},
        {"platform": "x", "id": "2", "author_id": "a", "created_at": "2024-01-01T01:00:00",
         "text": "vote vote #maga", "author_category": "R"},
        {"platform": "x", "id": "3", "author_id": "b", "created_at": "2024-01-01T02:00:00",
         "text": "Vote blue @bob", "author_category": "L"},
    ]  # fmt: skip
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    with agorascope.open(tmp_path / "s.duckdb") as ws:
        ws.import_files([path], format="native", index=False)
        fp = footprints(ws.posts(), min_uses=1)
    got = pd.DataFrame(fp.matrix.toarray(), index=fp.accounts["author_id"], columns=fp.names)
    # posts of each account holding the footprint; mentions and hashtags are not words
    assert got.loc["a"].to_dict() == {
        "#maga": 2,
        "@bob": 1,
        "url:www.ex.com": 1,
        "vote": 2,
        "blue": 0,
    } | {k: 0 for k in got.columns if k not in {"#maga", "@bob", "url:www.ex.com", "vote"}}
    assert got.loc["b", "blue"] == 1 and got.loc["b", "@bob"] == 1 and got.loc["b", "vote"] == 1
    assert list(fp.accounts["label"]) == ["R", "L"]
    assert sorted(fp.texts[1].split("\n")) == ["Vote blue @bob"]


def test_auc_equals_mann_whitney(model: TraitModel) -> None:
    for i, auc in enumerate(model.auc()):
        pos, neg = model.oof[model.y == i, i], model.oof[model.y != i, i]
        u = stats.mannwhitneyu(pos, neg).statistic
        assert auc == pytest.approx(u / (len(pos) * len(neg)), abs=1e-12)


def test_calibration_bins_match_scikit_learn(model: TraitModel) -> None:
    from sklearn.calibration import calibration_curve

    for i in range(len(model.classes)):
        truth, prob = model.y == i, model.oof[:, i]
        bins = calibration_bins(truth, prob, 5)
        observed, predicted = calibration_curve(truth, prob, n_bins=5, strategy="uniform")
        assert [b["observed"] for b in bins] == pytest.approx(list(observed))
        assert [b["predicted"] for b in bins] == pytest.approx(list(predicted))
        assert sum(b["accounts"] for b in bins) == len(prob)


def test_back_projected_weights_reproduce_the_model(train: Footprints, model: TraitModel) -> None:
    from scipy.special import softmax

    weighted = model.pipeline[0].transform(train.matrix)
    logits = weighted @ model.weights.T + model.intercepts
    assert softmax(logits, axis=1) == pytest.approx(model.predict_proba(train.matrix), abs=1e-9)


def test_binary_trait_weights_reproduce_the_model(train: Footprints) -> None:
    from scipy.special import softmax

    two = train.accounts["label"].where(train.accounts["label"].isin(["NonEnglish"]), "Other")
    fp = Footprints(
        train.accounts.assign(label=two), train.names, train.families, train.matrix, train.texts
    )
    m = fit_traits(fp, baseline=False)
    logits = m.pipeline[0].transform(fp.matrix) @ m.weights.T + m.intercepts
    assert softmax(logits, axis=1) == pytest.approx(m.predict_proba(fp.matrix), abs=1e-9)


def test_same_seed_same_result(train: Footprints, model: TraitModel) -> None:
    again = fit_traits(train)
    assert np.array_equal(again.oof, model.oof)
    assert np.array_equal(again.weights, model.weights)


def test_held_out_accounts_at_least_as_well_as_tfidf(
    tmp_path_factory: pytest.TempPathFactory, train: Footprints, model: TraitModel
) -> None:
    """Accounts the model never saw (disjoint authors): macro AUC >= TF-IDF + LR."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline

    db = _store(tmp_path_factory.mktemp("heldout"), "heldout")
    with agorascope.open(db, read_only=True) as ws:
        test = footprints(ws.posts(), vocabulary=train.names)
    assert not set(test.accounts["author_id"]) & set(train.accounts["author_id"])
    rows = np.flatnonzero(test.accounts["label"].isin(model.classes).to_numpy())
    y = np.array([model.classes.index(v) for v in test.accounts["label"].iloc[rows]])
    assert len(rows) >= 40

    def macro(p: np.ndarray) -> float:
        return float(np.mean([roc_auc_score(y == i, p[:, i]) for i in range(len(model.classes))]))

    ours = macro(model.predict_proba(test.matrix[rows]))
    plain = TfidfVectorizer()
    house = TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, min_df=2)
    for vectorizer in (plain, house):  # the second is the baseline the audit reports
        base = make_pipeline(vectorizer, LogisticRegression(max_iter=5000))
        base.fit([train.texts[i] for i in model.rows], model.y)
        theirs = macro(base.predict_proba([test.texts[i] for i in rows]))
        assert ours >= theirs > 0.9, (ours, theirs)


def test_audit_rows(train: Footprints) -> None:
    m, rows, probs = trait_audit(train, remove=(10, 3000))
    sure = probs[m.classes].max(axis=1) >= 0.9
    best = probs[m.classes].to_numpy().argmax(axis=1)
    for i, r in enumerate(rows):
        assert r["value"] == m.classes[i]
        mine = sure & (best == i)
        assert r["confident"] == int(mine.sum())
        assert r["confident_unlabelled"] == int((mine & ~train.known).sum())
        assert set(r["family_auc"]) == {"hashtags", "mentions", "words"}  # t.co links only
        assert r["auc_without_top"]["3000"] is None  # fewer than two footprints left
        assert 0.5 < r["auc_without_top"]["10"] <= 1
        assert r["footprints"] and all(f["weight"] > 0 for f in r["footprints"])
    # the IRA classes' telling footprints are what one would expect
    tags = {r["value"]: [f["footprint"] for f in r["footprints"]] for r in rows}
    assert "trump" in tags["RightTroll"] and "в" in tags["NonEnglish"]


# -- the analysis, and privacy through every adapter ---------------------------------------


def _unlabelled(train: Footprints) -> set[str]:
    return set(train.accounts.loc[~train.known, "author_id"])


def _audit_rows(db: Path) -> list[tuple[Any, ...]]:
    with agorascope.open(db, read_only=True) as ws:
        return ws.store.execute(
            "SELECT action, target, detail FROM audit_log WHERE action LIKE 'audience.%'"
        )


def test_aggregate_by_default_in_python_cli_and_rest(train_db: Path, train: Footprints) -> None:
    from agorascope.api import create_app
    from agorascope.cli import app

    hidden = _unlabelled(train)
    with agorascope.open(train_db, read_only=True) as ws:
        py = Analyses(ws, "audience").traits(folds=3, remove=[10])
    assert py.meta["sensitive"] == "political opinion" and "predictions" not in py.meta
    assert py.meta["unlabelled"] == len(hidden)
    args = ["--db", str(train_db), "audience", "traits", "--folds", "3", "--remove", "10"]
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    with TestClient(create_app(Settings(db=train_db)), base_url=LOCAL) as client:
        r = client.get("/api/audience/traits", params={"folds": 3, "remove": 10})
    assert r.status_code == 200, r.text[:300]
    for text in (json.dumps(py.to_dict()), out.stdout, r.text):
        assert not any(f'"{a}"' in text for a in hidden)
    assert json.loads(out.stdout)["items"] == r.json()["items"] == py.rows
    assert _audit_rows(train_db) == []


def test_individual_predictions_are_audited(
    tmp_path: Path, train_db: Path, train: Footprints
) -> None:
    from agorascope.api import create_app
    from agorascope.cli import app

    db = tmp_path / "copy.duckdb"
    db.write_bytes(train_db.read_bytes())
    with agorascope.open(db) as ws:
        py = Analyses(ws, "audience").traits(folds=3, remove=[10], individual=True)
    predicted = {p["author_id"]: p["probabilities"] for p in py.meta["predictions"]}
    assert set(predicted) == _unlabelled(train)
    for probs in predicted.values():
        assert sum(probs.values()) == pytest.approx(1.0)
    args = ["--db", str(db), "audience", "traits", "--folds", "3", "--remove", "10"]
    out = CliRunner().invoke(app, [*args, "--individual", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["meta"]["predictions"] == py.meta["predictions"]
    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        r = client.get("/api/audience/traits", params={"folds": 3, "remove": 10,
                                                       "individual": "true"})  # fmt: skip
    assert r.status_code == 200 and r.json()["meta"]["predictions"] == py.meta["predictions"]
    logged = _audit_rows(db)
    assert [a for a, _, _ in logged] == ["audience.traits.individual"] * 3
    detail = json.loads(logged[0][2])
    assert detail["sensitive"] == "political opinion" and detail["accounts"] == len(predicted)


def test_no_prediction_without_an_audit_entry(train_db: Path) -> None:
    with (
        agorascope.open(train_db, read_only=True) as ws,
        pytest.raises(agorascope.InvalidInputError, match="audit log"),
    ):
        Analyses(ws, "audience").traits(folds=3, remove=[10], individual=True)


def test_bad_label_names_the_columns(train_db: Path) -> None:
    with (
        agorascope.open(train_db, read_only=True) as ws,
        pytest.raises(agorascope.InvalidInputError, match="author_category"),
    ):
        Analyses(ws, "audience").traits(label="text")


@pytest.mark.spark
def test_footprints_are_the_same_on_spark(
    train_db: Path, train: Footprints, spark_session: Any
) -> None:
    import ibis

    from agorascope.store import run

    cols = ["platform", "id", "author_id", "text", "hashtags", "mentions", "urls",
            "author_category"]  # fmt: skip
    with agorascope.open(train_db, read_only=True) as ws:
        arrow = run(ws.posts().select(*cols))
    con = ibis.pyspark.connect(spark_session)
    fp = footprints(con.create_table("trait_posts", arrow, overwrite=True))
    assert list(fp.names) == list(train.names)
    pd.testing.assert_frame_equal(fp.accounts, train.accounts)
    assert (fp.matrix != train.matrix).nnz == 0
    assert [sorted(t.split("\n")) for t in fp.texts] == [sorted(t.split("\n")) for t in train.texts]
