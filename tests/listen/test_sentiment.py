"""Sentiment: VADER labels, languages left unscored, shares per interval and per spike."""

from __future__ import annotations

import csv
import html
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from listen_data import ira_frame
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from agorascope.errors import InvalidInputError
from agorascope.listen import detect_spikes
from agorascope.listen.sentiment import (
    classify,
    evaluate_labelled,
    scored_language,
    sentiment_of_spikes,
    sentiment_over_time,
    sentiment_report,
    sentiment_shares,
    totals_of,
)
from agorascope.report.sentiment_charts import sentiment_figures

LABELLED = Path(__file__).resolve().parents[1] / "data" / "sentiment" / "sentiment140_test.csv"
VADER = SentimentIntensityAnalyzer()

# Measured on the 498 hand-labelled Sentiment140 test tweets (BENCHMARKS.md, docs/sentiment.md)
ACCURACY = 0.7249
MACRO_F1 = 0.7217


def _vader_label(text: str) -> str:
    """The reference: vaderSentiment called directly, with its documented thresholds."""
    c = VADER.polarity_scores(text)["compound"]
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


@pytest.mark.parametrize(
    "compound,label",
    [(0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"),
     (-0.05, "negative"), (0.9, "positive"), (-0.9, "negative"), (None, "not_scored")],
    ids=str,
)  # fmt: skip
def test_documented_thresholds(compound: float | None, label: str) -> None:
    assert classify(compound) == label


@pytest.mark.parametrize(
    "lang,scored",
    [("en", True), ("EN", True), ("en-US", True), ("en_GB", True), ("fr", False),
     ("es", False), ("", False), (None, False), ("eng", False)],
    ids=str,
)  # fmt: skip
def test_only_english_is_scored(lang: str | None, scored: bool) -> None:
    assert scored_language(lang) is scored


def test_accuracy_and_macro_f1_on_sentiment140_stay_as_measured() -> None:
    got = evaluate_labelled(LABELLED)
    assert got["posts"] == 498
    assert got["counts"] == {"positive": 182, "neutral": 139, "negative": 177}
    assert got["accuracy"] == pytest.approx(ACCURACY, abs=0.005)
    assert got["macro_f1"] == pytest.approx(MACRO_F1, abs=0.005)


def test_accuracy_equals_a_hand_count_with_vader_called_directly() -> None:
    with open(LABELLED, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    hits = sum(_vader_label(html.unescape(r["text"])) == r["label"] for r in rows)
    assert evaluate_labelled(LABELLED)["accuracy"] == hits / len(rows)


def test_bad_label_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("label,text\npositive,great\nhappy,what a day\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"bad\.csv: line 3: field label: 'happy'"):
        evaluate_labelled(bad)
    bad.write_text("polarity,text\n4,great\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"line 1: missing column"):
        evaluate_labelled(bad)


def _hand(table: Any) -> Any:
    texts = [
        ("I love this, wonderful day", "en", "2024-05-01 10:00"),
        ("This is terrible and I hate it", "en-GB", "2024-05-01 11:00"),
        ("The meeting is at noon", "en", "2024-05-01 12:00"),
        ("C'est une catastrophe terrible", "fr", "2024-05-01 13:00"),
        ("Great news, thanks!", None, "2024-05-01 14:00"),
        ("Awful, just awful", "en", "2024-05-03 09:00"),
        (None, "en", "2024-05-03 10:00"),
        ("I love it", "en", None),
    ]
    rows = [
        {"id": str(i), "text": t, "lang": lang,
         "created_at": datetime.fromisoformat(at) if at else None}
        for i, (t, lang, at) in enumerate(texts)
    ]  # fmt: skip
    return table(rows)


def test_shares_per_day_by_hand(table: Any) -> None:
    posts = _hand(table)
    df = sentiment_over_time(posts, "2024-05-01", "2024-05-03", interval="day")
    assert [str(b)[:10] for b in df["bucket"]] == ["2024-05-01", "2024-05-02", "2024-05-03"]
    first, empty, third = df.to_dict("records")
    # day 1: love (+), hate (-), noon (neutral), French and no-language posts not scored
    assert (first["posts"], first["positive"], first["neutral"], first["negative"]) == (5, 1, 1, 1)
    assert first["not_scored"] == 2 and first["scored"] == 3
    assert first["positive_share"] == pytest.approx(20.0)
    assert first["not_scored_share"] == pytest.approx(40.0)
    expected = np.mean(
        [VADER.polarity_scores(t)["compound"] for t in
         ("I love this, wonderful day", "This is terrible and I hate it", "The meeting is at noon")]
    )  # fmt: skip
    assert first["mean_compound"] == pytest.approx(expected)
    assert empty["posts"] == 0 and empty["positive_share"] is None
    assert empty["mean_compound"] is None
    # day 3: a negative post and a post without text (not scored); the undated post is nowhere
    assert (third["posts"], third["negative"], third["not_scored"]) == (2, 1, 1)
    whole = sentiment_shares(posts, "2024-05-01", "2024-05-03")
    assert whole["posts"] == 7 and whole["not_scored"] == 3
    shares = sum(whole[f"{k}_share"] for k in ("positive", "neutral", "negative", "not_scored"))
    assert shares == pytest.approx(100.0)


def test_daily_shares_match_pandas_and_vader_on_ira(ira: Any) -> None:
    d = ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    d = d[(d.t >= "2015-07-01") & (d.t < "2015-09-01")].copy()
    english = d["language"] == "English"
    d["label"] = "not_scored"
    d.loc[english, "label"] = [_vader_label(t) for t in d.loc[english, "content"]]
    expected = pd.crosstab(d.t.dt.floor("D"), d["label"])
    got = sentiment_over_time(ira, "2015-07-01", "2015-08-31", interval="day")
    got = got.set_index(pd.to_datetime(got["bucket"]))
    assert got["posts"].sum() == len(d)
    assert english.sum() > 100 and (~english).sum() > 10  # both kinds are in the window
    for lab in ("positive", "neutral", "negative", "not_scored"):
        want = expected[lab].reindex(got.index, fill_value=0)
        assert list(got[lab]) == list(want), lab


def test_spike_shares_match_the_spike_posts(ira: Any) -> None:
    spikes = detect_spikes(ira, "2016-09-01", "2016-12-31", interval="day", explain=False)
    assert spikes
    rows = sentiment_of_spikes(ira, spikes, "2016-09-01", "2016-12-31")
    d = ira_frame()
    d["t"] = pd.to_datetime(d["publish_date"])
    for s, row in zip(spikes, rows, strict=True):
        inside = d[(d.t >= s.start_utc) & (d.t < s.until_utc)]
        english = inside[inside["language"] == "English"]
        labels = [_vader_label(t) for t in english["content"]]
        assert row["posts"] == len(inside) == s.posts
        assert row["negative"] == labels.count("negative")
        assert row["positive"] == labels.count("positive")
        assert row["not_scored"] == len(inside) - len(english)
    over, per_spike = sentiment_report(ira, "2016-09-01", "2016-12-31", spikes)
    assert per_spike == rows
    assert int(over["posts"].sum()) > 0


def test_topic_page_figures_have_titles_and_units(table: Any) -> None:
    posts = _hand(table)
    over, spikes = sentiment_report(posts, "2024-05-01", "2024-05-03", [])
    figs = sentiment_figures({"over_time": over.to_dict("records"), "spikes": spikes})
    chart = figs["sentiment"]
    assert chart["layout"]["xaxis"]["title"]["text"] == "time (UTC)"
    assert chart["layout"]["yaxis"]["title"]["text"] == "% of posts"
    assert [t["name"] for t in chart["data"]] == ["positive", "neutral", "negative", "not scored"]
    # no spike: the per-spike chart says so instead of drawing empty bars
    assert figs["sentiment_spikes"]["data"] == []


def test_window_totals_from_the_intervals_equal_one_pass(ira: Any) -> None:
    over = sentiment_over_time(ira, "2015-07-01", "2015-08-31", interval="week")
    got = totals_of(over)
    want = sentiment_shares(ira, "2015-07-01", "2015-08-31")
    assert {k: v for k, v in got.items() if k != "mean_compound"} == {
        k: v for k, v in want.items() if k != "mean_compound"
    }
    assert got["mean_compound"] == pytest.approx(want["mean_compound"])


def test_a_systematic_sample_is_a_stable_subset(ira: Any) -> None:
    full, _ = sentiment_report(ira, "2015-01-01", "2017-12-31", [], interval="month")
    one, _ = sentiment_report(ira, "2015-01-01", "2017-12-31", [], interval="month", every=4)
    again, _ = sentiment_report(ira, "2015-01-01", "2017-12-31", [], interval="month", every=4)
    assert one.equals(again)  # the same posts on every run
    n, k = int(full["posts"].sum()), int(one["posts"].sum())
    # one post in four, within four standard deviations of a binomial draw
    assert abs(k - n / 4) < 4 * (n * 0.25 * 0.75) ** 0.5
    for lab in ("positive", "neutral", "negative", "not_scored"):
        assert (one[lab] <= full[lab]).all()


def test_the_topic_page_samples_a_large_window(ira: Any) -> None:
    from agorascope.report.sentiment_charts import PAGE_POSTS, sentiment_section

    lo, hi = datetime(2014, 1, 1), datetime(2018, 1, 1)
    small = sentiment_section(ira, lo, hi, "hour", [], total=PAGE_POSTS)
    assert small["every"] == 1 and small["posts"] == 2203
    assert len(small["over_time"]) == (hi - lo).days  # hours become days
    large = sentiment_section(ira, lo, hi, "day", [], total=3 * PAGE_POSTS + 1)
    assert large["every"] == 4 and 0 < large["posts"] < 2203
