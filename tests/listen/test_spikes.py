"""Spike detection and explanation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from agorascope.errors import InvalidInputError
from agorascope.listen import detect_spikes, explain_spike
from agorascope.listen.spikes import tokenize

T0 = datetime(2024, 7, 19)


def _hourly(
    counts: list[int], text: str = "ordinary chatter about weather", tags: list[str] | None = None
) -> list[dict[str, Any]]:
    rows = []
    for h, n in enumerate(counts):
        for i in range(n):
            rows.append(
                {
                    "id": f"{h}-{i}",
                    "author_id": f"u{i % 3}",
                    "text": text,
                    "hashtags": tags or [],
                    "created_at": T0 + timedelta(hours=h, minutes=i % 60),
                    "author_followers": 10,
                }
            )
    return rows


def test_one_spike_hand_case(table: Any) -> None:
    base = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3]  # mean 2.5, sd 0.5 -> floor sqrt(2.5)
    rows = _hourly([*base, 0, 0, 1, 1])
    burst = [(12, 30), (13, 10)]
    for h, n in burst:
        for i in range(n):
            rows.append(
                {
                    "id": f"b{h}-{i}",
                    "author_id": "bot" if i % 2 else f"v{i}",
                    "text": "Crowdstrike outage grounds flights everywhere",
                    "hashtags": ["outage"],
                    "created_at": T0 + timedelta(hours=h, minutes=1 + i),
                    "author_followers": 300_000 if i == 0 else 5,
                }
            )
    found = detect_spikes(table(rows), T0, T0 + timedelta(hours=16), interval="hour")
    assert len(found) == 1
    s = found[0]
    assert s.start == T0 + timedelta(hours=12) and s.peak == s.start
    assert s.end == T0 + timedelta(hours=13) and s.until == T0 + timedelta(hours=14)
    assert s.posts == 40 and s.peak_posts == 30 and s.intervals == 2
    assert s.baseline_mean == pytest.approx(2.5)
    sd = max(0.5, 2.5**0.5)
    assert s.baseline_sd == pytest.approx(sd)
    assert s.z == pytest.approx((30 - 2.5) / sd)
    assert s.ratio == pytest.approx(12.0)
    assert s.excess == pytest.approx(40 - 2 * 2.5)
    ex = s.explanation
    assert ex is not None
    assert ex.hashtags[0]["hashtag"] == "outage"
    # 40 of 40 spike posts, none of the 30 baseline posts: lift = 1 / (1 / 31)
    assert ex.hashtags[0]["lift"] == pytest.approx(31.0)
    terms = {t["term"]: t for t in ex.terms}
    assert terms["crowdstrike"]["spike_posts"] == 40 and terms["crowdstrike"][
        "lift"
    ] == pytest.approx(31.0)
    assert "weather" not in terms
    assert ex.top_authors[0]["author_id"] == "bot" and ex.top_authors[0]["posts"] == 20
    assert ex.first_post is not None and ex.first_post["id"] == "b12-0"


def test_flat_series_has_no_spike(table: Any) -> None:
    flat = table(_hourly([5] * 30))
    assert detect_spikes(flat, T0 + timedelta(hours=12), T0 + timedelta(hours=30)) == []
    # the window opens on the first post: before it the data is quiet (zeros)
    onset = detect_spikes(flat, T0, T0 + timedelta(hours=30), explain=False)
    assert [(s.start, s.baseline_mean, s.baseline_sd) for s in onset] == [(T0, 0.0, 1.0)]


def test_the_baseline_is_read_before_the_window(table: Any) -> None:
    rows = _hourly([*[2, 3] * 6, 30, 2])
    w = T0 + timedelta(hours=12), T0 + timedelta(hours=14)
    found = detect_spikes(table(rows), *w, explain=False)
    assert [(s.start, s.posts) for s in found] == [(T0 + timedelta(hours=12), 30)]
    assert found[0].baseline_mean == pytest.approx(2.5)
    # no window: the spike is found the same way, once
    again = detect_spikes(table(rows), explain=False)
    assert [(s.start, s.baseline_mean) for s in again] == [(found[0].start, 2.5)]


def test_fewer_earlier_intervals_count_as_quiet(table: Any) -> None:
    rows = _hourly([2, 3, 2, 9])
    found = detect_spikes(table(rows), explain=False)
    assert len(found) == 1 and found[0].start == T0 + timedelta(hours=3)
    # baseline: 9 quiet hours before the first post, then 2, 3, 2
    base = [0] * 9 + [2, 3, 2]
    m = sum(base) / 12
    sd = (sum((x - m) ** 2 for x in base) / 12) ** 0.5
    assert found[0].baseline_mean == pytest.approx(m)
    assert found[0].baseline_sd == pytest.approx(max(sd, 1.0))


def test_min_posts_and_threshold(table: Any) -> None:
    rows = _hourly([0] * 12 + [4])
    assert detect_spikes(table(rows), T0, T0 + timedelta(hours=13), min_posts=5) == []
    assert len(detect_spikes(table(rows), T0, T0 + timedelta(hours=13), min_posts=4)) == 1
    with pytest.raises(InvalidInputError):
        detect_spikes(table(rows), interval="fortnight")
    with pytest.raises(InvalidInputError):
        detect_spikes(table(rows), baseline=1)


def test_spikes_on_ira_match_the_rule(ira: Any) -> None:
    from agorascope.listen import volume

    since, until = "2016-01-01", "2016-12-31"
    # the baseline of the first days is read before the window: 8 days back (one spare)
    series = volume(ira, "2015-12-24", until, interval="day")["posts"].tolist()
    assert sum(series[:8]) > 0
    found = detect_spikes(ira, since, until, interval="day", baseline=7, explain=False)
    assert found
    starts = []
    i = 8
    while i < len(series):  # the documented rule, re-implemented plainly
        base = series[i - 7 : i]
        m = sum(base) / 7
        sd = max((sum((x - m) ** 2 for x in base) / 7) ** 0.5, max(m, 1) ** 0.5)
        if (series[i] - m) / sd >= 3 and series[i] >= 5:
            starts.append(i)
            while i + 1 < len(series) and series[i + 1] >= m + sd:
                i += 1
        i += 1
    first = datetime(2015, 12, 24)
    assert [s.start for s in found] == [first + timedelta(days=k) for k in starts]
    top = found[0]
    ex = explain_spike(
        ira, top.start_utc, top.until_utc, top.start_utc - timedelta(days=7), top.start_utc
    )
    assert ex.first_post is not None
    assert ex.first_post["created_at"] >= top.start_utc


def test_tokenize() -> None:
    text = "RT @Someone: The #Outage hit Airports https://t.co/x and l'aéroport, 2024!"
    assert tokenize(text) == {"hit", "airports", "aeroport", "2024"}
    assert tokenize(None) == set()


def test_database_terms_equal_the_python_rule_on_real_tweets(ira: Any, ira_arrow: Any) -> None:
    """The backend (the word rule as a UDF) counts exactly the terms of :func:`tokenize`."""
    from collections import Counter

    from agorascope.listen.spikes import _term_counts

    got = dict(_term_counts(ira).itertuples(index=False, name=None))
    want: Counter[str] = Counter()
    for text in ira_arrow["text"].to_pylist():
        want.update(tokenize(text))
    assert len(want) > 5000  # a real vocabulary, hashtags, links and accents included
    assert got == dict(want)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("--abc's- 2024abc x_y ab-' ", {"abc", "2024abc"}),
        ("www.example.org/x #Tag @user_1 Éolienne’s", {"eolienne"}),
        ("(HTTPS://t.co/x) «#Tag» e-mail", {"tag", "mail"}),
        ("foohttps://x.com/abc", {"foohttps", "com", "abc"}),  # not a link: no chunk start
        ("the and les der 東京タワー", {"東", "京", "タ", "ワ", "ー"}),
        ("nai\u0308ve STRASSE straße", {"naive", "strasse"}),
    ],
    ids=["apostrophe", "link-tag-mention", "brackets", "glued-link", "cjk", "normalised"],
)
def test_tokenize_hand_cases(text: str, terms: set[str]) -> None:
    assert tokenize(text) == terms


def test_spike_terms_pasted_into_search_match_the_posts_they_were_counted_in(
    ira: Any, ira_arrow: Any
) -> None:
    """Every term of a real spike, as a search query, finds each post it was counted in."""
    from agorascope.query import filter_posts

    since, until = "2016-01-01", "2017-01-01"
    top = detect_spikes(ira, since, until, interval="day", baseline=7, explain=True)[0]
    assert top.explanation is not None and len(top.explanation.terms) >= 5
    rows = [
        r
        for r in ira_arrow.select(["id", "created_at", "text"]).to_pylist()
        if top.start_utc <= r["created_at"] < top.until_utc
    ]
    window = ira.filter((ira.created_at >= top.start_utc) & (ira.created_at < top.until_utc))
    for row in top.explanation.terms:
        counted = {r["id"] for r in rows if row["term"] in tokenize(r["text"])}
        assert len(counted) == row["spike_posts"]
        found = set(filter_posts(window, row["term"]).id.execute())
        assert counted <= found, row["term"]


def test_spike_terms_of_decomposed_and_glued_text_are_searchable(table: Any) -> None:
    from agorascope.query import filter_posts

    text = "nai\u0308ve voters: foohttps://x.org/abc"  # a combining mark; a glued link
    t = table(_hourly([1] * 12 + [9], text=text))
    spike, end = T0 + timedelta(hours=12), T0 + timedelta(hours=13)
    ex = explain_spike(t, spike, end, T0, spike)
    assert {r["term"] for r in ex.terms} == {"naive", "voters", "foohttps", "org", "abc"}
    for row in ex.terms:
        assert filter_posts(t, row["term"]).count().execute() == 21, row["term"]


def test_terms_of_a_large_spike_come_from_every_kth_post(ira: Any, ira_arrow: Any) -> None:
    from collections import Counter

    import pandas as pd

    from agorascope.listen.spikes import _lift_rows

    since, until = datetime(2016, 1, 1), datetime(2017, 1, 1)
    base_since, base_until = datetime(2015, 1, 1), since
    ex = explain_spike(ira, since, until, base_since, base_until, term_sample=100)
    d = ira_arrow.select(["platform", "id", "created_at", "text"]).to_pandas()
    d = d.sort_values(["created_at", "platform", "id"])

    def side(lo: datetime, hi: datetime) -> tuple[Counter[str], int, int]:
        rows = d[(d.created_at >= pd.Timestamp(lo)) & (d.created_at < pd.Timestamp(hi))]
        k = -(-len(rows) // 100)
        kept = rows.iloc[::k]
        return Counter(w for t in kept["text"] for w in tokenize(t)), len(kept), len(rows)

    c_s, m_s, n_s = side(since, until)
    c_b, m_b, n_b = side(base_since, base_until)
    assert n_s > 300 and n_b > 300  # both sides really sampled
    assert (ex.posts, ex.term_posts, ex.baseline_posts, ex.baseline_term_posts) == (
        n_s,
        m_s,
        n_b,
        m_b,
    )
    assert m_s <= 100 and m_b <= 100
    assert ex.terms == _lift_rows(dict(c_s), dict(c_b), m_s, m_b, "term", 10, 2)
    full = explain_spike(ira, since, until, base_since, base_until, term_sample=None)
    assert full.term_posts == n_s
