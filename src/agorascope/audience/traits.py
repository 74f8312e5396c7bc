"""Traits of accounts predicted from their digital footprints, with a privacy audit.

The method of Kosinski, Stillwell and Graepel (PNAS 2013, "Private traits and attributes are
predictable from digital records of human behavior"), made transparent:

1. **Footprints**: an account x footprint matrix, the number of the account's posts in the
   selection that hold the footprint. A footprint is a hashtag (``#tag``), a mention
   (``@user``), a link's host (``url:host``, :func:`agorascope.text.url_host`) or a word
   (:func:`agorascope.text.words` of the text without links, mentions and hashtags).
   Footprints used by fewer than ``min_uses`` accounts are left out.
2. **Model**: the matrix weighted as TF-IDF (counts times inverse document frequency, each
   account's row scaled to length 1, so that prolific accounts and ubiquitous footprints do
   not dominate), truncated SVD (``components`` dimensions), then a multinomial logistic
   regression on the components (L2 penalty, ``C`` = :data:`C`; scikit-learn, ``seed`` fixed).
   Binary matrices (Kosinski's likes) gave a lower held-out AUC on the IRA accounts than
   counts (0.93 against 0.98).
3. **Cross-validation**: stratified ``folds`` over the accounts whose label is known; every
   figure about accuracy comes from out-of-fold probabilities: one-vs-rest AUC per class,
   calibration bins, and the same for a plain TF-IDF + logistic-regression baseline on the
   accounts' texts (the same folds).
4. **Footprints that carry a class**: the regression's coefficients projected back through the
   SVD onto the weighted footprints (``coef @ components``), fitted on every labelled
   account.
5. **Privacy audit**: per class, how many accounts the model puts in the class with at least
   90 % probability, the AUC of each footprint family alone, and the AUC once the ``k``
   footprints that weigh most (largest absolute back-projected weight in any class) are
   removed.

Accounts whose label is missing (null, or one of the ``unknown`` values) are not trained on;
the model's probabilities for them are *individual predictions* (see
:mod:`agorascope.audience.traits_analyses` for when they are shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy import sparse

from agorascope.errors import InvalidInputError
from agorascope.store import to_pandas
from agorascope.text import url_host_expr, without_links_expr, words, words_expr

__all__ = [
    "CONFIDENT",
    "FAMILIES",
    "SENSITIVE_LABELS",
    "C",
    "Feature",
    "Footprints",
    "TraitModel",
    "calibration_bins",
    "fit_traits",
    "footprints",
    "label_columns",
    "top_columns",
    "trait_audit",
]

Feature = Literal["hashtags", "mentions", "domains", "words"]
FAMILIES: tuple[Feature, ...] = ("hashtags", "mentions", "domains", "words")
"""The footprint families, in the order they are reported."""
_PREFIX: dict[Feature, str] = {"hashtags": "#", "mentions": "@", "domains": "url:", "words": ""}

CONFIDENT = 0.9
"""Probability from which an account counts as confidently classified in the audit."""

SENSITIVE_LABELS: dict[str, str] = {"author_category": "political opinion"}
"""Label columns that hold special-category data, and which. ``author_category`` holds the
political side of an account in the IRA data (RightTroll, LeftTroll...), so it is treated as
political opinion whatever the store holds."""

_NOT_LABELS = frozenset({"author_id", "author_handle", "author_name"})
_KEY = ["platform", "author_id"]


def label_columns(posts: ir.Table) -> list[str]:
    """The author columns of ``posts`` that may serve as a label (identifiers excluded)."""
    return [c for c in posts.columns if c.startswith("author_") and c not in _NOT_LABELS]


@dataclass(frozen=True)
class Footprints:
    """Accounts, their labels and texts, and the account x footprint matrix.

    Attributes:
        accounts: one row per account (``platform``, ``author_id``, ``label``: None when
            unknown), in the matrix's row order.
        names: the footprint of each column (``#tag``, ``@user``, ``url:host`` or a word).
        families: the family of each column.
        matrix: how many of the account's posts hold the footprint (CSR, float64).
        texts: the account's texts joined by line breaks (for the TF-IDF baseline).
    """

    accounts: pd.DataFrame
    names: np.ndarray
    families: np.ndarray
    matrix: sparse.csr_matrix
    texts: list[str]

    @property
    def known(self) -> np.ndarray:
        """Whether each account's label is known."""
        return self.accounts["label"].notna().to_numpy()


def _tokens(posts: ir.Table, features: Sequence[Feature]) -> ir.Table:
    """Distinct (platform, author_id, footprint, family) rows of ``posts``."""
    t = posts.filter(posts.author_id.notnull())
    parts: list[ir.Table] = []
    for family in FAMILIES:
        if family not in features:
            continue
        if family == "words":
            text = without_links_expr(t.text, mentions=True, hashtags=True)
            # no .strip(): Ibis writes it for Spark as a TRIM whose \v and \f Spark reads as
            # letters; the empty pieces of the leading and trailing spaces are dropped below
            values = words_expr(text).split(" ")
        else:
            values = t[{"hashtags": "hashtags", "mentions": "mentions", "domains": "urls"}[family]]
        # unnest alone in its select: Spark refuses a generator nested in an expression
        part = t.select(*_KEY, "id", token=values.unnest())
        if family == "mentions":
            part = part.mutate(token=part.token.lower())
        elif family == "domains":
            part = part.mutate(token=url_host_expr(part.token))
        part = part.filter(part.token.notnull() & (part.token != ""))
        parts.append(part.mutate(family=ibis.literal(family)))
    if not parts:
        raise InvalidInputError("give at least one footprint family (features)")
    used = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    return used.group_by([*_KEY, "token", "family"]).aggregate(posts=used.count())


def footprints(
    posts: ir.Table,
    label: str = "author_category",
    *,
    features: Sequence[Feature] = FAMILIES,
    min_uses: int = 2,
    unknown: Sequence[str] = ("Unknown",),
    vocabulary: Sequence[str] | None = None,
) -> Footprints:
    """The footprints of the accounts that posted in ``posts``.

    Args:
        posts: ``post_view`` rows (already cut to the window).
        label: the author column whose value is the trait (see :func:`label_columns`).
        features: the footprint families used.
        min_uses: fewest accounts that use a footprint for it to be kept.
        unknown: label values that mean "not known", besides null.
        vocabulary: the columns of another :class:`Footprints` (accounts the model has not
            seen are described in the training columns; ``min_uses`` is then not applied).

    Raises:
        InvalidInputError: ``label`` is not a label column, or no family is given.
    """
    allowed = label_columns(posts)
    if label not in allowed:
        raise InvalidInputError(f"label {label!r} is not an author column; use one of {allowed}")
    t = posts.filter(posts.author_id.notnull())
    labels = t.group_by(_KEY).aggregate(
        label=t[label].cast("string").max(), text=t.text.fill_null("").group_concat("\n")
    )
    accounts = to_pandas(labels.order_by(_KEY))
    missing = accounts["label"].isna() | accounts["label"].isin(list(unknown))
    accounts["label"] = accounts["label"].astype(object).where(~missing, None)
    long = to_pandas(_tokens(posts, features))
    long["name"] = [
        _PREFIX[f] + tok  # type: ignore[index]
        for f, tok in zip(long["family"], long["token"], strict=True)
    ]
    if vocabulary is None:
        uses = long.groupby("name")["author_id"].transform("size")
        long = long[uses >= min_uses]
        names = np.array(sorted(set(long["name"])), dtype=object)
    else:
        names = np.array(list(vocabulary), dtype=object)
        long = long[long["name"].isin(set(names))]
    col = {n: i for i, n in enumerate(names)}
    row = {
        k: i for i, k in enumerate(zip(accounts["platform"], accounts["author_id"], strict=True))
    }
    r = np.array([row[k] for k in zip(long["platform"], long["author_id"], strict=True)], int)
    c = np.array([col[n] for n in long["name"]], int)
    # duplicates (two spellings of one footprint) are summed
    matrix = sparse.csr_matrix(
        (long["posts"].to_numpy(np.float64), (r, c)),
        shape=(len(accounts), len(names)),
        dtype=np.float64,
    )
    families = np.array([_family(n) for n in names], dtype=object)
    texts = accounts.pop("text").tolist()
    return Footprints(accounts, names, families, matrix, texts)


def _family(name: str) -> Feature:
    if name.startswith("#"):
        return "hashtags"
    if name.startswith("@"):
        return "mentions"
    return "domains" if name.startswith("url:") else "words"


C = 10.0
"""Inverse strength of the logistic regression's L2 penalty."""


def _pipeline(n_features: int, n_train: int, components: int, seed: int) -> Any:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    k = max(1, min(components, n_features - 1, n_train - 1))
    return make_pipeline(
        TfidfTransformer(),
        TruncatedSVD(n_components=k, random_state=seed),
        LogisticRegression(C=C, max_iter=5000),
    )


def _baseline(seed: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    del seed  # deterministic: no random step
    return make_pipeline(
        TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, min_df=2),
        LogisticRegression(max_iter=5000),
    )


def _auc(truth: np.ndarray, score: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if truth.all() or not truth.any():
        return None
    return float(roc_auc_score(truth, score))


def calibration_bins(truth: np.ndarray, prob: np.ndarray, bins: int) -> list[dict[str, Any]]:
    """Equal-width probability bins: mean predicted probability, observed share, accounts.

    Empty bins are left out; the last bin includes 1.0.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges[1:-1], prob, side="right"), 0, bins - 1)
    out = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            out.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "predicted": float(prob[inside].mean()),
                    "observed": float(truth[inside].mean()),
                    "accounts": int(inside.sum()),
                }
            )
    return out


@dataclass
class TraitModel:
    """A trait model fitted on the labelled accounts of a :class:`Footprints`.

    Attributes:
        classes: the classes trained on (each with at least ``min_accounts`` accounts).
        dropped: classes left out for too few accounts -> their account count.
        y: the class index of each trained account.
        rows: the row in the footprint matrix of each trained account.
        oof: out-of-fold probabilities of the trained accounts (accounts x classes).
        baseline_oof: the same for the TF-IDF baseline (None without texts).
        folds: the number of folds used.
        pipeline: SVD + logistic regression fitted on every trained account.
        weights: back-projected coefficients (classes x footprints).
        intercepts: the regression's intercepts (classes).
    """

    classes: list[str]
    dropped: dict[str, int]
    y: np.ndarray
    rows: np.ndarray
    oof: np.ndarray
    baseline_oof: np.ndarray | None
    folds: int
    pipeline: Any
    weights: np.ndarray
    intercepts: np.ndarray

    def predict_proba(self, matrix: sparse.spmatrix) -> np.ndarray:
        """Probabilities of each class for accounts described in the training columns."""
        return np.asarray(self.pipeline.predict_proba(matrix))

    def auc(self, oof: np.ndarray | None = None) -> list[float | None]:
        """One-vs-rest AUC of each class from out-of-fold probabilities (the model's)."""
        p = self.oof if oof is None else oof
        return [_auc(self.y == i, p[:, i]) for i in range(len(self.classes))]


def _cv(make: Any, x: Any, y: np.ndarray, folds: int, seed: int, n_classes: int) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    p = cross_val_predict(make, x, y, cv=cv, method="predict_proba")
    return np.asarray(p).reshape(len(y), n_classes)


def _back_project(pipeline: Any, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Footprint weights and intercepts such that ``softmax(T @ W.T + b)`` is the model, where
    ``T`` is the TF-IDF-weighted matrix (``pipeline[0].transform``)."""
    svd, lr = pipeline[-2], pipeline[-1]
    coef, intercept = np.asarray(lr.coef_), np.asarray(lr.intercept_)
    if n_classes == 2:  # one logit z: softmax([-z/2, z/2]) = sigmoid(z)
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return coef @ np.asarray(svd.components_), intercept


def fit_traits(
    fp: Footprints,
    *,
    components: int = 50,
    folds: int = 5,
    seed: int = 1,
    min_accounts: int = 5,
    baseline: bool = True,
    columns: np.ndarray | None = None,
) -> TraitModel:
    """Cross-validate and fit the trait model on the labelled accounts of ``fp``.

    Args:
        fp: the footprints.
        components: SVD dimensions (capped by the footprints and accounts available).
        folds: cross-validation folds (capped by the smallest class).
        seed: the seed of the SVD and of the folds.
        min_accounts: fewest labelled accounts for a class to be trained on.
        baseline: also cross-validate the TF-IDF baseline on the same folds.
        columns: use only these footprint columns (a boolean mask).

    Raises:
        InvalidInputError: fewer than two classes have ``min_accounts`` labelled accounts, or
            no footprint is left.
    """
    labels = fp.accounts["label"]
    counts = labels[fp.known].value_counts()
    kept = sorted(str(c) for c, n in counts.items() if n >= min_accounts)
    dropped = {str(c): int(n) for c, n in counts.items() if n < min_accounts}
    if len(kept) < 2:
        raise InvalidInputError(
            f"a trait model needs two classes with at least {min_accounts} labelled accounts "
            f"(found {counts.to_dict()}); widen the selection or lower min_accounts"
        )
    x_all = fp.matrix if columns is None else fp.matrix[:, columns]
    if x_all.shape[1] < 2:
        raise InvalidInputError("fewer than two footprints are left; lower min_uses")
    with _blas_threads(x_all.nnz):
        return _fit(fp, x_all, kept, dropped, components, folds, seed, baseline)


SMALL = 2_000_000
"""Non-zero footprints under which the linear algebra runs on one thread: BLAS threads
cost more than they give on small matrices (the randomized SVD of 146 IRA accounts x 2,420
footprints took 0.72 s with two threads on a loaded two-core machine, 0.05 s with one)."""


def _blas_threads(nnz: int) -> Any:
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1) if nnz < SMALL else nullcontext()


def _fit(
    fp: Footprints,
    x_all: Any,
    kept: list[str],
    dropped: dict[str, int],
    components: int,
    folds: int,
    seed: int,
    baseline: bool,
) -> TraitModel:
    labels = fp.accounts["label"]
    rows = np.flatnonzero(labels.isin(kept).to_numpy())
    index = {c: i for i, c in enumerate(kept)}
    y = np.array([index[str(v)] for v in labels.iloc[rows]])
    n_folds = max(2, min(folds, int(np.bincount(y).min())))
    x = x_all[rows]
    n_train = len(rows) - len(rows) // n_folds
    make = _pipeline(x.shape[1], n_train, components, seed)
    oof = _cv(make, x, y, n_folds, seed, len(kept))
    base = None
    if baseline:
        texts = [fp.texts[i] for i in rows]
        base = _cv(_baseline(seed), np.array(texts, dtype=object), y, n_folds, seed, len(kept))
    pipeline = _pipeline(x.shape[1], len(rows), components, seed).fit(x, y)
    weights, intercepts = _back_project(pipeline, len(kept))
    return TraitModel(kept, dropped, y, rows, oof, base, n_folds, pipeline, weights, intercepts)


def top_columns(model: TraitModel, k: int) -> np.ndarray:
    """The ``k`` columns whose largest absolute weight in any class is largest."""
    strength = np.abs(model.weights).max(axis=0)
    return np.argsort(-strength, kind="stable")[:k]


def trait_audit(
    fp: Footprints,
    *,
    components: int = 50,
    folds: int = 5,
    seed: int = 1,
    min_accounts: int = 5,
    top: int = 10,
    bins: int = 5,
    remove: Sequence[int] = (10, 50),
) -> tuple[TraitModel, list[dict[str, Any]], pd.DataFrame]:
    """The model, one audit row per class, and every account's probabilities.

    Each row: ``value``, ``accounts`` (labelled, trained on), ``auc`` and ``baseline_auc``
    (cross-validated, one-vs-rest), ``calibration`` (:func:`calibration_bins` of the
    out-of-fold probabilities), ``footprints`` (the ``top`` largest positive weights),
    ``family_auc`` (each footprint family alone), ``auc_without_top`` (``k`` -> AUC once the
    ``k`` weightiest footprints are removed; None when fewer would be left than two),
    ``confident`` (accounts put in the class with probability >= :data:`CONFIDENT`: out-of-fold
    for the trained accounts, the full model for the others), ``confident_unlabelled`` (those
    whose label is unknown) and ``confident_precision`` (share of the trained confident ones
    that truly are in the class).

    The probabilities frame has ``platform``, ``author_id``, ``known`` and one column per class.
    """

    def fit(columns: np.ndarray | None = None) -> TraitModel:
        return fit_traits(
            fp, components=components, folds=folds, seed=seed, min_accounts=min_accounts,
            baseline=columns is None, columns=columns,
        )  # fmt: skip

    model = fit()
    n = len(model.classes)
    probs = model.predict_proba(fp.matrix)
    probs[model.rows] = model.oof  # trained accounts: out-of-fold, never their own fit
    family_auc: dict[str, list[float | None]] = {}
    for family in FAMILIES:
        mask = fp.families == family
        if mask.sum() >= 2:
            family_auc[family] = fit(mask).auc()
    without: dict[str, list[float | None]] = {}
    for k in remove:
        mask = np.ones(len(fp.names), bool)
        mask[top_columns(model, k)] = False
        without[str(k)] = fit(mask).auc() if mask.sum() >= 2 else [None] * n
    auc = model.auc()
    base = model.auc(model.baseline_oof) if model.baseline_oof is not None else [None] * n
    best, sure = probs.argmax(axis=1), probs.max(axis=1) >= CONFIDENT
    trained = np.zeros(len(probs), bool)
    trained[model.rows] = True
    truth = np.full(len(probs), -1)
    truth[model.rows] = model.y
    rows = []
    for i, value in enumerate(model.classes):
        order = np.argsort(-model.weights[i], kind="stable")[:top]
        mine = sure & (best == i)
        judged = mine & trained
        rows.append(
            {
                "value": value,
                "accounts": int((model.y == i).sum()),
                "auc": auc[i],
                "baseline_auc": base[i],
                "calibration": calibration_bins(model.y == i, model.oof[:, i], bins),
                "footprints": [
                    {
                        "footprint": str(fp.names[j]),
                        "family": str(fp.families[j]),
                        "weight": float(model.weights[i, j]),
                    }
                    for j in order
                    if model.weights[i, j] > 0
                ],
                "family_auc": {f: a[i] for f, a in family_auc.items()},
                "auc_without_top": {k: a[i] for k, a in without.items()},
                "confident": int(mine.sum()),
                "confident_unlabelled": int((mine & ~fp.known).sum()),
                "confident_precision": float((truth[judged] == i).mean()) if judged.any() else None,
            }
        )
    frame = fp.accounts[["platform", "author_id"]].copy()
    frame["known"] = trained
    for i, value in enumerate(model.classes):
        frame[value] = probs[:, i]
    return model, rows, frame
