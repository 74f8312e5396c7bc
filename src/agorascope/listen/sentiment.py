"""Sentiment of posts with VADER, and its shares over time and per spike.

VADER (Hutto & Gilbert, ICWSM 2014; PyPI ``vadersentiment``, lexicon inside the wheel) is a
lexicon and rule method built for English social-media text. A post is labelled from its
``compound`` score with VADER's documented thresholds: ``positive`` at 0.05 or more,
``negative`` at -0.05 or less, ``neutral`` in between. Only posts whose ``lang`` is English are
scored; every other post (another language, no language, no text) is ``not scored``: the
lexicon would read a French or Spanish post as mostly unknown words and call it neutral, a
guess we do not make. No other language has a maintained lexicon that installs offline from
PyPI (see ``docs/sentiment.md``).

Scoring runs in Python on the window's posts (a text repeated by reposts is scored once), so
its cost grows with the window: ``benchmarks/bench_sentiment.py`` measures it.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import Window, bucket_expr, window_filter
from agorascope.listen.spikes import Spike
from agorascope.listen.volume import _dense
from agorascope.store import to_pandas

__all__ = [
    "LABELS",
    "NEGATIVE",
    "POSITIVE",
    "SCORED_LANGUAGES",
    "classify",
    "evaluate_labelled",
    "score_posts",
    "score_texts",
    "sentiment_of_spikes",
    "sentiment_over_time",
    "sentiment_report",
    "sentiment_shares",
    "totals_of",
]

POSITIVE = 0.05
"""VADER's documented threshold: a compound score at or above it is positive."""
NEGATIVE = -0.05
"""VADER's documented threshold: a compound score at or below it is negative."""
LABELS = ("positive", "neutral", "negative", "not_scored")
"""Every label a post can get, in the order the shares are listed."""
SCORED_LANGUAGES = frozenset({"en"})
"""Primary language subtags with a lexicon (``en``, ``en-US`` and ``EN`` are English)."""


@cache
def _analyzer() -> Any:
    """VADER's analyser (loading its lexicon takes a few tens of milliseconds: once)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def classify(compound: float | None) -> str:
    """The label of a compound score (``not_scored`` for None).

    Examples:
        >>> classify(0.05), classify(0.0), classify(-0.05), classify(None)
        ('positive', 'neutral', 'negative', 'not_scored')
    """
    if compound is None or np.isnan(compound):
        return "not_scored"
    if compound >= POSITIVE:
        return "positive"
    if compound <= NEGATIVE:
        return "negative"
    return "neutral"


def scored_language(lang: str | None) -> bool:
    """Whether a post's ``lang`` has a lexicon (its primary subtag, case-insensitive)."""
    if not isinstance(lang, str) or not lang:  # None, or NaN from a frame
        return False
    return lang.strip().lower().replace("_", "-").split("-", 1)[0] in SCORED_LANGUAGES


def score_texts(texts: Iterable[str | None], langs: Iterable[str | None]) -> np.ndarray:
    """VADER compound scores, NaN where the post is not scored (not English, or no text).

    Args:
        texts: post texts.
        langs: their languages (``posts.lang``), one per text.

    Returns:
        A float array, one score in [-1, 1] (or NaN) per text; equal texts are scored once.
    """
    vader = _analyzer()
    seen: dict[str, float] = {}
    out = []
    for text, lang in zip(texts, langs, strict=True):
        if not isinstance(text, str) or not text or not scored_language(lang):
            out.append(np.nan)
            continue
        value = seen.get(text)
        if value is None:
            value = seen[text] = float(vader.polarity_scores(text)["compound"])
        out.append(value)
    return np.asarray(out, dtype="float64")


def _labels(compound: np.ndarray) -> np.ndarray:
    """The label of every score at once (the rule of :func:`classify`)."""
    return np.select(
        [np.isnan(compound), compound >= POSITIVE, compound <= NEGATIVE],
        ["not_scored", "positive", "negative"],
        "neutral",
    )


def score_posts(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    columns: Sequence[str] = (),
    extra: dict[str, ir.Value] | None = None,
) -> pd.DataFrame:
    """The window's posts with their compound score and label.

    Args:
        posts: posts (``post_view`` columns), narrowed to a topic or query.
        since, until: the UTC window ``[since, until)``.
        columns: more columns of ``posts`` to keep (``created_at``, ``id``...).
        extra: named Ibis expressions on ``posts`` to keep as well (e.g. a bucket).

    Returns:
        The kept columns, ``compound`` (NaN when not scored) and ``label``.
    """
    w = Window.of(since, until)
    t = window_filter(posts, w.since, w.until)
    t = t.select(*columns, "text", "lang", **(extra or {}))
    df = to_pandas(t)
    df["compound"] = score_texts(df["text"].tolist(), df["lang"].tolist())
    df["label"] = _labels(df["compound"].to_numpy())
    return df.drop(columns=["text", "lang"])


def _row(counts: dict[str, int], compound_sum: float) -> dict[str, Any]:
    """``posts``, the count and share (% of all posts) of each label, ``scored`` and
    ``mean_compound`` from the counts per label and the sum of the scored posts' compounds."""
    n = sum(counts.values())
    row: dict[str, Any] = {"posts": n, **{lab: counts[lab] for lab in LABELS}}
    for lab in LABELS:
        row[f"{lab}_share"] = 100.0 * counts[lab] / n if n else None
    row["scored"] = n - counts["not_scored"]
    row["mean_compound"] = compound_sum / row["scored"] if row["scored"] else None
    return row


def _shares(df: pd.DataFrame) -> dict[str, Any]:
    """Counts, shares (% of all posts) and mean compound of one group of scored posts."""
    counts = df["label"].value_counts()
    found = {lab: int(counts.get(lab, 0)) for lab in LABELS}
    return _row(found, float(df["compound"].sum()))


def sentiment_shares(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
) -> dict[str, Any]:
    """Positive, neutral, negative and not-scored posts of a whole window.

    Returns:
        ``posts``, a count per label (``positive``, ``neutral``, ``negative``,
        ``not_scored``), ``<label>_share`` in % of all posts (None without posts), ``scored``
        and ``mean_compound`` (mean VADER compound of the scored posts, None without one).
    """
    return _shares(score_posts(posts, since, until))


def _scored_window(
    posts: ir.Table, w: Window, interval: str, tz: str, columns: Sequence[str] = ()
) -> pd.DataFrame:
    """The window's dated posts scored, with their local ``bucket``."""
    dated = posts.filter(posts.created_at.notnull())
    bucket = bucket_expr(dated, interval, tz, w.since, w.until)
    return score_posts(dated, w.since, w.until, columns=columns, extra={"bucket": bucket})


def _per_bucket(df: pd.DataFrame, interval: str, tz: str, w: Window) -> pd.DataFrame:
    """Counts, shares and mean compound per interval of scored posts (every interval listed)."""
    cols = ["posts", *LABELS]
    if len(df):
        counts = pd.crosstab(df["bucket"], df["label"]).reindex(columns=list(LABELS), fill_value=0)
        counts.columns.name = None
        counts.insert(0, "posts", counts.sum(axis=1))
        counts = counts.reset_index()
        means = df.groupby("bucket")["compound"].mean()
    else:
        counts = pd.DataFrame({"bucket": pd.Series([], dtype="datetime64[us]")})
        counts = counts.assign(**{c: pd.Series([], dtype="int64") for c in cols})
        means = pd.Series([], dtype="float64")
    out = _dense(counts, interval, tz, w, cols)
    n = out["posts"].where(out["posts"] > 0)
    for lab in LABELS:
        out[f"{lab}_share"] = (100.0 * out[lab] / n).astype("float64")
    out["scored"] = out["posts"] - out["not_scored"]
    means.index = pd.to_datetime(means.index).astype("datetime64[us]")
    out["mean_compound"] = out["bucket"].map(means).astype("float64")
    return out.astype(object).where(out.notna(), None)


def _per_spike(df: pd.DataFrame, spikes: Sequence[Spike]) -> list[dict[str, Any]]:
    """The shares of each spike's scored posts (``created_at`` in UTC) and of all of them."""
    whole = _shares(df)
    stamps = pd.to_datetime(df["created_at"])
    out = []
    for s in spikes:
        inside = df[(stamps >= s.start_utc) & (stamps < s.until_utc)]
        row: dict[str, Any] = {
            "start": s.start,
            "peak": s.peak,
            "until": s.until,
            "start_utc": s.start_utc,
            "until_utc": s.until_utc,
            **_shares(inside),
        }
        for lab in LABELS:
            row[f"window_{lab}_share"] = whole[f"{lab}_share"]
        out.append(row)
    return out


def sentiment_over_time(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    interval: str = "day",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Shares of positive, neutral, negative and not-scored posts per interval.

    Args:
        posts: posts (``post_view`` columns), narrowed to a topic or query.
        since, until: the UTC window (see :func:`agorascope.listen.volume`).
        interval: ``minute``, ``hour``, ``day``, ``week`` or ``month``.
        tz: IANA time zone in which intervals are cut.

    Returns:
        One row per interval of the window (empty ones included, with None shares):
        ``bucket`` and the values of :func:`sentiment_shares`; the four shares add up to 100.
    """
    w = Window.of(since, until)
    return _per_bucket(_scored_window(posts, w, interval, tz), interval, tz, w)


def totals_of(over_time: pd.DataFrame) -> dict[str, Any]:
    """The whole window's values (as :func:`sentiment_shares`) from its rows per interval."""
    weighted = sum(
        float(m) * int(k)
        for m, k in zip(over_time["mean_compound"], over_time["scored"], strict=True)
        if m is not None and k
    )
    return _row({lab: int(over_time[lab].sum()) for lab in LABELS}, weighted)


def sentiment_of_spikes(
    posts: ir.Table,
    spikes: Sequence[Spike],
    since: datetime | str | None = None,
    until: datetime | str | None = None,
) -> list[dict[str, Any]]:
    """The shares of each spike's posts beside those of the whole window.

    Args:
        posts: posts (``post_view`` columns), narrowed to a topic or query.
        spikes: spikes found in this window (:func:`agorascope.listen.detect_spikes`).
        since, until: the UTC window the spikes were found in.

    Returns:
        One row per spike: ``start``, ``peak``, ``until`` (local to the spikes' time zone),
        ``start_utc``, ``until_utc``, the values of :func:`sentiment_shares` for the spike's
        posts, and ``window_<label>_share`` of the whole window, for comparison.
    """
    return _per_spike(score_posts(posts, since, until, columns=["created_at"]), spikes)


def sentiment_report(
    posts: ir.Table,
    since: datetime | str | None,
    until: datetime | str | None,
    spikes: Sequence[Spike],
    *,
    interval: str = "day",
    tz: str = "UTC",
    every: int = 1,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """:func:`sentiment_over_time` and :func:`sentiment_of_spikes` from one scoring pass.

    Posts without a date are in neither (they are in no interval and in no spike).

    Args:
        posts, since, until, spikes, interval, tz: as in those two functions.
        every: score one post in ``every`` only (a systematic sample by a hash of
            ``platform:id``: the same posts on every run), to bound the cost on a large
            window; counts are then those of the sample, shares estimate the window's.
    """
    w = Window.of(since, until)
    if every > 1:
        key = (posts.platform.fill_null("") + ":" + posts.id.fill_null("")).hash()
        posts = posts.filter(key % every == 0)
    df = _scored_window(posts, w, interval, tz, columns=["created_at"])
    return _per_bucket(df, interval, tz, w), _per_spike(df, spikes)


def evaluate_labelled(path: Path | str) -> dict[str, Any]:
    """Accuracy and macro F1 of the labels against a hand-labelled CSV of English posts.

    Args:
        path: a UTF-8 CSV with the columns ``label`` (``positive``, ``neutral`` or
            ``negative``) and ``text``; HTML entities in the text (``&amp;``, as Twitter's API
            delivered tweets) are decoded first.

    Returns:
        ``posts``, ``accuracy``, ``macro_f1`` (scikit-learn, over the three classes) and
        ``counts`` (posts per true label).

    Raises:
        InvalidInputError: a missing column or an unknown label (naming the file and line).
    """
    from sklearn.metrics import accuracy_score, f1_score

    gold: list[str] = []
    texts: list[str] = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"label", "text"} - set(reader.fieldnames or ())
        if missing:
            raise InvalidInputError(f"{path}: line 1: missing column(s) {sorted(missing)}")
        for row in reader:
            if row["label"] not in LABELS[:3]:
                raise InvalidInputError(
                    f"{path}: line {reader.line_num}: field label: {row['label']!r} is not "
                    "positive, neutral or negative"
                )
            gold.append(row["label"])
            texts.append(html.unescape(row["text"] or ""))
    pred = _labels(score_texts(texts, ["en"] * len(texts)))
    return {
        "posts": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(f1_score(gold, pred, average="macro", labels=list(LABELS[:3]))),
        "counts": {lab: gold.count(lab) for lab in LABELS[:3]},
    }
