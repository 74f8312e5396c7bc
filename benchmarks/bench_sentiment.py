"""Sentiment: VADER labels against hand-labelled tweets, and the cost of scoring posts.

Usage: ``python benchmarks/bench_sentiment.py [--posts N] [--repeat R]``.

- Accuracy and macro F1 (scikit-learn) of the labels on the 498 hand-labelled Sentiment140
  test tweets (``tests/data/sentiment``), which VADER was not tuned on.
- Posts per second: the shares of a window of real tweets (the IRA sample in
  ``/work/shared/data/social`` when present, else the bundled test slice) in an in-memory
  DuckDB table, through :func:`agorascope.listen.sentiment.sentiment_shares` (read, score
  each distinct English text once, count), beside the peer: ``vaderSentiment`` called
  directly in a loop over the same English texts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import ibis
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

sys.path.insert(0, str(Path(__file__).parent))
from _common import median, timeit, write_section
from agorascope.listen.sentiment import evaluate_labelled, sentiment_shares

HERE = Path(__file__).parent
LABELLED = HERE.parent / "tests" / "data" / "sentiment" / "sentiment140_test.csv"
SHARED_IRA = Path("/work/shared/data/social/ira_tweets_sample.csv.gz")
BUNDLED_IRA = HERE.parent / "tests" / "listen" / "data" / "ira_slice.csv.gz"
LANGS = {"English": "en", "Russian": "ru", "German": "de", "French": "fr", "Spanish": "es"}


def posts_frame(n: int | None) -> tuple[pd.DataFrame, str]:
    """Real tweets as ``created_at, text, lang`` (the first ``n``), and the file's name."""
    path = SHARED_IRA if SHARED_IRA.exists() else BUNDLED_IRA
    d = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=n)
    frame = pd.DataFrame(
        {
            "created_at": pd.to_datetime(d["publish_date"]).astype("datetime64[us]"),
            "text": d["content"],
            "lang": d["language"].map(LANGS),
        }
    )
    return frame, path.name


def accuracy_rows() -> tuple[str, dict[str, float]]:
    got = evaluate_labelled(LABELLED)
    c = got["counts"]
    lines = [
        f"Sentiment140 test set (Go, Bhayani & Huang 2009): {got['posts']} English tweets "
        f"labelled by hand ({c['negative']} negative, {c['neutral']} neutral, "
        f"{c['positive']} positive), not used to tune VADER.",
        "",
        "| method | accuracy | macro F1 (3 classes) |",
        "|---|---:|---:|",
        f"| VADER 3.3.2, compound >= 0.05 positive, <= -0.05 negative | "
        f"{got['accuracy']:.4f} | {got['macro_f1']:.4f} |",
        "| always the most frequent class (positive) | "
        f"{c['positive'] / got['posts']:.4f} | "
        f"{(2 * c['positive'] / (got['posts'] + c['positive'])) / 3:.4f} |",
    ]
    return "\n".join(lines), got


def speed_rows(n: int | None, repeat: int) -> str:
    frame, name = posts_frame(n)
    con = ibis.duckdb.connect()
    posts = con.create_table("posts", frame)
    english = frame.loc[frame["lang"] == "en", "text"].tolist()
    distinct = len(set(english))
    vader = SentimentIntensityAnalyzer()

    def peer() -> None:
        for text in english:
            vader.polarity_scores(text)

    ours = timeit(lambda: sentiment_shares(posts), repeat=repeat)
    theirs = timeit(peer, repeat=repeat)
    total = len(frame)
    con.disconnect()
    return "\n".join(
        [
            f"{total:,} real tweets ({name}): {len(english):,} in English, {distinct:,} distinct "
            "English texts; the others are not scored.",
            "",
            "| implementation | seconds | posts/s (all posts) | English posts/s |",
            "|---|---:|---:|---:|",
            f"| agorascope `sentiment_shares` (DuckDB read, each distinct text scored once) | "
            f"{median(ours):.2f} | {total / median(ours):,.0f} | "
            f"{len(english) / median(ours):,.0f} |",
            f"| peer: `vaderSentiment` `polarity_scores` in a loop over the English texts | "
            f"{median(theirs):.2f} | {total / median(theirs):,.0f} | "
            f"{len(english) / median(theirs):,.0f} |",
            "",
            f"Median of {repeat} runs after one warm-up.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=None, help="First N tweets (default all).")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t0 = time.perf_counter()
    body_a, got = accuracy_rows()
    body_s = speed_rows(args.posts, args.repeat)
    body = (
        "### Accuracy on hand-labelled tweets\n\n" + body_a + "\n\n### Cost of scoring\n\n"
        + body_s + "\n\n"
        "Figures taken on a machine loaded by other jobs (2 shared cores); load average at the "
        f"end (1/5/15 min): {' / '.join(f'{x:.1f}' for x in os.getloadavg())}; wall time "
        f"{time.perf_counter() - t0:.0f} s."
    )  # fmt: skip
    cmd = "python benchmarks/bench_sentiment.py" + (f" --posts {args.posts}" if args.posts else "")
    out = write_section("sentiment", "Sentiment (VADER)", body, cmd)
    print(body)
    print(f"accuracy {got['accuracy']:.4f}, macro F1 {got['macro_f1']:.4f} -> {out}")


if __name__ == "__main__":
    main()
