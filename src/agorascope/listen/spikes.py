"""Spike detection on a volume series and the explanation of each spike.

Method (a documented baseline, in the spirit of Meltwater alerts that compare the last hour with
the previous 12): for each interval, the baseline is the mean ``m`` and population standard
deviation ``s`` of the ``baseline`` intervals just before it; the noise floor is
``sd = max(s, sqrt(max(m, 1)))`` (Poisson noise, so a flat baseline does not make every post a
spike); ``z = (count - m) / sd``. A spike starts at an interval with ``z >= threshold`` and
``count >= min_posts``; it keeps the baseline frozen at its start and lasts while the count
stays at or above ``m + sd``; the next interval below ends it.

The baseline is read from the data even before ``since`` (see :func:`spike_lookback`), so the
first interval of a window can open a spike. Intervals without posts count 0, the time before
the first post included: with fewer than ``baseline`` earlier intervals in the data (no window,
or a window opening on the first post), the missing ones are zeros, and a topic's first burst
stands out against the quiet before it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import INTERVALS, Window, local_bounds, window_filter
from agorascope.listen.volume import volume
from agorascope.store import to_pandas
from agorascope.text import CJK_CLASS, without_links, without_links_expr, words, words_expr

__all__ = [
    "Spike",
    "SpikeExplanation",
    "detect_spikes",
    "explain_spike",
    "spike_lookback",
    "tokenize",
]

TERM_SAMPLE = 10_000
"""Most posts of a spike (and of its baseline) whose terms :func:`explain_spike` counts."""

_STEP = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}

_STOPWORD_TEXT = """
a an and are as at be been but by can for from had has have he her his i if in into is it its just
me my no not of on or our rt she so than that the their them then there these they this to too us
was we were what when which who will with you your le la les de des du un une et est en que qui
pour pas sur au aux ce il elle ne se dans par plus der die das und ist nicht den mit von zu el los
las y por con para del
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_MIN_TERM = 3
_CJK_WORD = f"^[{CJK_CLASS}]$"
_CJK_WORD_RE = re.compile(_CJK_WORD)


def _is_term(word: str) -> bool:
    return (len(word) >= _MIN_TERM or _CJK_WORD_RE.match(word) is not None) and (
        word not in _STOPWORDS
    )


def tokenize(text: str | None) -> set[str]:
    """Distinct terms of a text, the rule :func:`explain_spike` applies in the database.

    The terms are the words of the word rule (:func:`agorascope.text.words`) of the text left
    once link, mention and hashtag chunks are removed (:func:`agorascope.text.without_links`;
    hashtags are counted from the ``hashtags`` column), except stop words and words shorter
    than 3 characters (a CJK ideograph or kana, a word by itself, is kept). A term pasted into
    a search query matches every post it was counted in. ``"RT @a: l'aéroport, 2024!"`` has
    the terms ``aeroport`` and ``2024``.
    """
    return {w for w in words(without_links(text, hashtags=True)) if _is_term(w)}


def _term_counts(t: ir.Table) -> pd.DataFrame:
    """How many posts of ``t`` hold each term of :func:`tokenize` (computed by the backend)."""
    # not .strip(): Ibis writes it for Spark as TRIM(' \t\n\r\v\f' ...), a literal whose
    # \v and \f Spark reads as the letters v and f ("focus" lost its f)
    spaced = words_expr(without_links_expr(t.text, hashtags=True)).re_replace("^ +| +$", "")
    pieces = t.select(id=t.platform.fill_null("") + "\x1f" + t.id, term=spaced.split(" "))
    u = pieces.select("id", term=pieces.term.unnest())  # Spark: a generator stands alone
    long_enough = (u.term.length() >= _MIN_TERM) | u.term.re_search(_CJK_WORD)
    u = u.filter(long_enough & ~u.term.isin(sorted(_STOPWORDS))).distinct()
    return to_pandas(u.group_by("term").aggregate(n=u.count()))


@dataclass
class SpikeExplanation:
    """Why a spike happened: what was said more than usual, by whom, and where it started.

    Attributes:
        terms, hashtags: rows ``{term|hashtag, spike_posts, baseline_posts, lift}`` sorted by
            lift; ``lift = (c_s / n_s) / ((c_b + 1) / (n_b + 1))`` with ``c`` the number of
            posts holding the term and ``n`` the number of posts, in the spike (s) and the
            baseline (b), so a term absent from the baseline is not infinitely surprising.
            Terms are counted in at most ``term_sample`` posts of each side (see
            :func:`explain_spike`): their ``n`` are ``term_posts`` and ``baseline_term_posts``.
        top_authors: rows ``{platform, author_id, handle, followers, posts}``.
        first_post: the earliest post of the spike (ties broken by id).
        posts, baseline_posts: posts in the spike and in the baseline window.
        term_posts, baseline_term_posts: posts whose terms were counted (all of them, or the
            systematic sample).
    """

    terms: list[dict[str, Any]] = field(default_factory=list)
    hashtags: list[dict[str, Any]] = field(default_factory=list)
    top_authors: list[dict[str, Any]] = field(default_factory=list)
    first_post: dict[str, Any] | None = None
    posts: int = 0
    baseline_posts: int = 0
    term_posts: int = 0
    baseline_term_posts: int = 0


@dataclass
class Spike:
    """A burst of volume.

    Attributes:
        start, peak, end: bucket starts (local to ``tz``) of the first, the largest and the
            last interval of the spike; ``until`` = ``end`` + one interval.
        start_utc, until_utc: the same span in UTC (used to fetch its posts).
        posts: posts inside the spike; peak_posts: posts in the peak interval.
        baseline_mean, baseline_sd: the frozen baseline (see the module docstring).
        z: z-score of the peak; ratio: ``peak_posts / baseline_mean`` (None when 0);
        excess: ``posts - baseline_mean * intervals``, the posts above the baseline.
    """

    start: datetime
    peak: datetime
    end: datetime
    until: datetime
    start_utc: datetime
    until_utc: datetime
    intervals: int
    posts: int
    peak_posts: int
    baseline_mean: float
    baseline_sd: float
    z: float
    ratio: float | None
    excess: float
    explanation: SpikeExplanation | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return asdict(self)


def _shift(bucket: pd.Timestamp, interval: str, n: int) -> pd.Timestamp:
    """The bucket ``n`` intervals after ``bucket`` (before it when ``n`` is negative)."""
    if interval == "month":
        return bucket + pd.DateOffset(months=n)
    return bucket + pd.Timedelta(_STEP[interval]) * n


def spike_lookback(since: datetime, interval: str, baseline: int = 12) -> datetime:
    """The earliest instant :func:`detect_spikes` reads for a window starting at ``since``.

    ``baseline`` intervals before ``since``, and one more so that a change of UTC offset in the
    time zone of the buckets never shortens the baseline.
    """
    start: datetime = _shift(pd.Timestamp(since), interval, -baseline - 1).to_pydatetime()
    return start


def detect_spikes(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    interval: str = "hour",
    baseline: int = 12,
    threshold: float = 3.0,
    min_posts: int = 5,
    tz: str = "UTC",
    explain: bool = True,
    top: int = 10,
    where: ir.BooleanValue | None = None,
) -> list[Spike]:
    """Find bursts in the volume of ``posts`` (method in the module docstring).

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        since, until: UTC window; interval, tz: as in :func:`~agorascope.listen.volume`.
        baseline: number of previous intervals forming the baseline (Meltwater: 12 hours).
        threshold: z-score that opens a spike.
        min_posts: smallest count that can open a spike.
        explain: attach a :class:`SpikeExplanation` to each spike.
        top: rows kept in each explanation list.
        where: optional extra Ibis predicate.

    Returns:
        Spikes in time order.
    """
    if interval not in INTERVALS:
        raise InvalidInputError(f"unknown interval {interval!r}")
    if baseline < 2:
        raise InvalidInputError("the baseline needs at least 2 intervals")
    w = Window.of(since, until)
    lookback = None if w.since is None else spike_lookback(w.since, interval, baseline)
    series = volume(posts, lookback, w.until, interval=interval, tz=tz, where=where)
    buckets: list[Any] = list(series["bucket"])
    # Intervals before the window (or before the first post) are read, not shown: the first
    # interval that may open a spike is the window's first one (or the first post's).
    first = 0
    if w.since is not None:
        lo = local_bounds(tz, w.since, None, interval)[0]
        first = next((k for k, b in enumerate(buckets) if b >= lo), len(buckets))
    # Fewer than ``baseline`` earlier intervals exist: the time before them was quiet (zeros).
    pad = max(baseline - first, 0)
    counts = np.concatenate([np.zeros(pad), series["posts"].to_numpy(dtype=float)])
    buckets = [None] * pad + buckets
    spikes: list[Spike] = []
    i = first + pad
    while i < len(counts):
        base = counts[i - baseline : i]
        m = float(base.mean())
        sd = max(float(base.std()), math.sqrt(max(m, 1.0)))
        z = (counts[i] - m) / sd
        if z >= threshold and counts[i] >= min_posts:
            j = i
            while j + 1 < len(counts) and counts[j + 1] >= m + sd:
                j += 1
            span = counts[i : j + 1]
            k = i + int(span.argmax())
            start, end = buckets[i], buckets[j]
            until_local = _shift(pd.Timestamp(end), interval, 1)
            spikes.append(
                Spike(
                    start=pd.Timestamp(start).to_pydatetime(),
                    peak=pd.Timestamp(buckets[k]).to_pydatetime(),
                    end=pd.Timestamp(end).to_pydatetime(),
                    until=until_local.to_pydatetime(),
                    start_utc=_to_utc(pd.Timestamp(start), tz),
                    until_utc=_to_utc(until_local, tz),
                    intervals=j - i + 1,
                    posts=int(span.sum()),
                    peak_posts=int(counts[k]),
                    baseline_mean=m,
                    baseline_sd=sd,
                    z=float((counts[k] - m) / sd),
                    ratio=None if m == 0 else float(counts[k] / m),
                    excess=float(span.sum() - m * (j - i + 1)),
                )
            )
            i = j + 1
        else:
            i += 1
    if explain:
        for s in spikes:
            base_since = _to_utc(_shift(pd.Timestamp(s.start), interval, -baseline), tz)
            s.explanation = explain_spike(
                posts, s.start_utc, s.until_utc, base_since, s.start_utc, top=top, where=where
            )
    return spikes


def _to_utc(local: pd.Timestamp, tz: str) -> datetime:
    if tz == "UTC":
        return local.to_pydatetime()
    aware = local.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return aware.tz_convert("UTC").tz_localize(None).to_pydatetime()


def _hashtag_counts(t: ir.Table) -> pd.DataFrame:
    u = t.select(id=t.platform.fill_null("") + "\x1f" + t.id, tag=t.hashtags.unnest())
    u = u.filter(u.tag.notnull())
    return to_pandas(u.group_by("tag").aggregate(n=u.id.nunique()))


def _as_counts(frame: pd.DataFrame) -> dict[str, int]:
    """``{key: count}`` from a two-column frame (key, count)."""
    return {str(k): int(v) for k, v in frame.itertuples(index=False, name=None)}


def _lift_rows(
    spike: dict[str, int],
    base: dict[str, int],
    n_s: int,
    n_b: int,
    name: str,
    top: int,
    min_count: int,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for term, c_s in spike.items():
        if c_s < min_count:
            continue
        c_b = base.get(term, 0)
        lift = (c_s / n_s) / ((c_b + 1) / (n_b + 1))
        rows.append({name: term, "spike_posts": c_s, "baseline_posts": c_b, "lift": lift})
    rows.sort(key=lambda r: (-r["lift"], -r["spike_posts"], r[name]))
    return rows[:top]


def explain_spike(
    posts: ir.Table,
    since: datetime,
    until: datetime,
    baseline_since: datetime,
    baseline_until: datetime,
    *,
    top: int = 10,
    min_count: int = 2,
    term_sample: int | None = TERM_SAMPLE,
    where: ir.BooleanValue | None = None,
) -> SpikeExplanation:
    """Terms and hashtags with the highest lift in ``[since, until)`` against the baseline
    window, the top authors and the first post of the spike.

    Terms follow :func:`tokenize` and are counted by the backend (the backend form of the
    word rule, :func:`agorascope.text.words_expr`, in DuckDB or Spark); only the per-term
    counts come back. Tokenising costs time in every post, so each side with more than
    ``term_sample`` posts (None: no limit) has its terms counted in a systematic sample: every
    k-th post in ``(created_at, platform, id)`` order, ``k = ceil(n / term_sample)``, the same
    posts on every backend. Hashtags, authors and the first post always use every post.
    """
    s = window_filter(posts, since, until, where)
    b = window_filter(posts, baseline_since, baseline_until, where)
    n_s = int(to_pandas(s.aggregate(n=s.count()))["n"].iloc[0])
    if n_s == 0:
        return SpikeExplanation()
    n_b = int(to_pandas(b.aggregate(n=b.count()))["n"].iloc[0])
    s_terms, m_s = _systematic_sample(s, n_s, term_sample)
    b_terms, m_b = _systematic_sample(b, n_b, term_sample)
    c_s = _as_counts(_term_counts(s_terms))
    c_b = _as_counts(_term_counts(b_terms)) if n_b else {}
    h_s, h_b = _as_counts(_hashtag_counts(s)), _as_counts(_hashtag_counts(b))
    authors = s.filter(s.author_id.notnull())
    top_auth = to_pandas(
        authors.group_by(platform=authors.platform, author_id=authors.author_id).aggregate(
            handle=authors.author_handle.max(),
            followers=authors.author_followers.max(),
            posts=authors.count(),
        )
    ).sort_values(["posts", "platform", "author_id"], ascending=[False, True, True])
    first = to_pandas(s.order_by(["created_at", "platform", "id"]).limit(1))
    first_post = None
    if len(first):
        r = first.iloc[0]
        first_post = {
            k: (None if _isna(r[k]) else r[k])
            for k in ("platform", "id", "author_id", "author_handle", "created_at", "text")
            if k in r.index
        }
        if first_post.get("created_at") is not None:
            first_post["created_at"] = pd.Timestamp(
                cast(Any, first_post["created_at"])
            ).to_pydatetime()
    return SpikeExplanation(
        terms=_lift_rows(c_s, c_b, m_s, m_b, "term", top, min_count),
        hashtags=_lift_rows(h_s, h_b, n_s, n_b, "hashtag", top, min_count),
        top_authors=[
            {
                "platform": r.platform,
                "author_id": r.author_id,
                "handle": None if _isna(r.handle) else r.handle,
                "followers": None if _isna(r.followers) else int(r.followers),
                "posts": int(r.posts),
            }
            for r in cast(Any, top_auth.head(top)).itertuples()
        ],
        first_post=first_post,
        posts=n_s,
        baseline_posts=n_b,
        term_posts=m_s,
        baseline_term_posts=m_b,
    )


def _systematic_sample(t: ir.Table, n: int, limit: int | None) -> tuple[ir.Table, int]:
    """Every k-th row of ``t`` (``n`` rows) in a fixed order, at most ``limit`` rows."""
    if limit is None or n <= limit:
        return t, n
    if limit < 1:
        raise InvalidInputError("term_sample must be at least 1")
    k = -(-n // limit)
    r = t.mutate(_rank=ibis.row_number().over(order_by=[t.created_at, t.platform, t.id]))
    return r.filter(r._rank % k == 0).drop("_rank"), -(-n // k)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
