"""Audiences and lift: every figure against scipy/statsmodels or a hand-computed case."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from agorascope.audience import attributes, audience_authors, audience_of, lift, lift_stats
from agorascope.errors import AudienceTooSmallError, InvalidInputError
from agorascope.store import to_pandas

MakeTable = Any  # the ``table`` fixture: rows or an Arrow table -> an Ibis table
DAY = datetime(2024, 7, 1, 12)
_IDS = itertools.count(1)
BEFORE = datetime(2024, 6, 1)


def _post(author: str, **values: Any) -> dict[str, Any]:
    return {"id": f"p{next(_IDS)}", "author_id": author, "author_handle": author.upper(),
            "created_at": DAY, "relation": "original", **values}  # fmt: skip


def _hand_rows() -> list[dict[str, Any]]:
    """Audience a1-a4, rest b1-b6; #x: a1 (twice), a2, a3 and b1; one #x of b2 before."""
    return [
        _post("a1", hashtags=["x"], mentions=["m"], lang="en", country="FR",
              urls=["https://ana@www.Example.com:443/a"], author_category="news"),
        _post("a1", hashtags=["x"], mentions=["m"]),
        _post("a2", hashtags=["x"], lang="en", author_category="news"),
        _post("a3", hashtags=["x"], relation="repost", parent_id="p0"),
        _post("a4", lang="fr"),
        _post("b1", hashtags=["x"], lang="en"),
        *(_post(f"b{i}", lang="en") for i in range(2, 7)),
        _post("b2", hashtags=["x"], created_at=BEFORE),
        {"id": "p0", "author_id": "b6", "author_handle": "B6", "created_at": BEFORE,
         "relation": "original", "platform": "x"},
    ]  # fmt: skip


def _window(t: Any) -> Any:
    return t.filter(t.created_at >= datetime(2024, 7, 1), t.created_at < datetime(2024, 7, 2))


def _hand(table: MakeTable, **options: Any) -> tuple[Any, dict[str, Any]]:
    t = table(_hand_rows())
    w = _window(t)
    audience = audience_of("A", w.filter(w.author_id.isin(["a1", "a2", "a3", "a4"])))
    everyone = audience_of("everyone", w)
    args = {"min_authors": 1, "min_size": 4, "n": None, **options}
    df, meta = lift(w, t, audience, everyone, **args)
    return df.set_index(["kind", "value"]), meta


def test_hand_made_case(table: MakeTable) -> None:
    df, meta = _hand(table)
    assert (meta["audience_size"], meta["baseline_size"]) == (4, 6)
    x = df.loc[("hashtag", "x")]
    # per author: a1's two posts count once, b2's post before the window not at all
    assert (x.authors, x.baseline_authors) == (3, 1)
    assert x.share == pytest.approx(75.0)
    assert x.baseline_share == pytest.approx(100 / 6)
    assert x.ratio == pytest.approx(4.5)
    assert x.lift == pytest.approx(350.0)
    se = math.sqrt(1 / 3 - 1 / 4 + 1 / 1 - 1 / 6)  # Katz's log method, by hand
    assert x.ratio_low == pytest.approx(math.exp(math.log(4.5) - 1.959964 * se), rel=1e-6)
    assert x.ratio_high == pytest.approx(math.exp(math.log(4.5) + 1.959964 * se), rel=1e-6)
    ci = stats.contingency.relative_risk(3, 4, 1, 6).confidence_interval(0.95)
    assert (x.ratio_low, x.ratio_high) == pytest.approx((ci.low, ci.high))
    assert x.test == "fisher"
    assert x.p_value == pytest.approx(stats.fisher_exact([[3, 1], [1, 5]]).pvalue)
    assert x.affinity == pytest.approx((3.5 / 5) / (1.5 / 7) * 3 / 4)
    # the other kinds: host rule of the text kernel, the reposted post's author, the profile
    assert df.loc[("domain", "www.example.com")].authors == 1
    assert df.loc[("mention", "m")].authors == 1
    assert df.loc[("repost", "b6")].authors == 1
    assert df.loc[("country", "FR")].authors == 1
    assert df.loc[("category", "news")].authors == 2
    en = df.loc[("lang", "en")]
    assert (en.authors, en.baseline_authors) == (2, 6)
    assert en.lift == pytest.approx(100 * ((2 / 4) / (6 / 6) - 1))
    assert math.isnan(df.loc[("lang", "fr")].lift)  # nobody else: no finite ratio
    assert df.loc[("lang", "fr")].label == "post in language fr"
    q = multipletests(df["p_value"].to_numpy(), method="fdr_bh")[1]
    assert df["q_value"].to_numpy() == pytest.approx(q)
    assert meta["tried"] == len(df)


def test_min_authors_limits_what_is_tried(table: MakeTable) -> None:
    df, meta = _hand(table, min_authors=2)
    assert set(df.index) == {("hashtag", "x"), ("lang", "en"), ("category", "news")}
    assert meta["tried"] == 3
    q = multipletests(df["p_value"].to_numpy(), method="fdr_bh")[1]
    assert df["q_value"].to_numpy() == pytest.approx(q)


def test_baseline_that_is_another_audience(table: MakeTable) -> None:
    # B shares a1, a2 with A; a3, a4 and b4-b6 are in neither: the rest is b1, b2, b3
    w = _window(table(_hand_rows()))
    a = audience_of("A", w.filter(w.author_id.isin(["a1", "a2", "a3", "a4"])))
    b = audience_of("B", w.filter(w.author_id.isin(["a1", "a2", "b1", "b2", "b3"])))
    df, meta = lift(w, w, a, b, kinds=("hashtag", "lang"), min_authors=1, min_size=2, n=None)
    got = df.set_index(["kind", "value"])
    assert (meta["audience_size"], meta["baseline_size"]) == (4, 3)
    assert (got.loc[("hashtag", "x")].authors, got.loc[("hashtag", "x")].baseline_authors) == (3, 1)
    assert (got.loc[("lang", "en")].authors, got.loc[("lang", "en")].baseline_authors) == (2, 3)
    assert (got.loc[("lang", "fr")].authors, got.loc[("lang", "fr")].baseline_authors) == (1, 0)
    assert len(got) == meta["tried"] == 3


def test_audience_filters(table: MakeTable) -> None:
    w = _window(table(_hand_rows()))

    def ids(**options: Any) -> list[str]:
        return sorted(to_pandas(audience_authors(w, **options))["author_id"])

    assert ids(min_posts=2) == ["a1"]
    assert ids(relation="repost") == ["a3"]
    assert ids(handles=["@A2", " b1 "]) == ["a2", "b1"]
    assert len(ids()) == 10
    with pytest.raises(InvalidInputError, match="handles"):
        ids(handles=["@"])


def test_below_the_minimum_size_results_are_withheld(table: MakeTable) -> None:
    with pytest.raises(AudienceTooSmallError, match=r"'A' has 4 author.*min_size=5"):
        _hand(table, min_size=5)
    t = table(_hand_rows())
    w = _window(t)
    a = audience_of("A", w.filter(w.author_id.isin(["a1", "a2", "a3", "a4"])))
    small = audience_of("B", w.filter(w.author_id.isin(["a1", "b1", "b2"])))
    with pytest.raises(AudienceTooSmallError, match=r"'B \(without A\)' has 2 author"):
        lift(w, t, a, small, min_size=3)


def test_chi_square_with_yates_equals_scipy() -> None:
    a = np.array([30, 12, 50, 7, 40])
    b = np.array([20, 40, 150, 3, 0])
    got = lift_stats(a, 100, b, 300)
    for i in range(len(a)):
        table = np.array([[a[i], 100 - a[i]], [b[i], 300 - b[i]]])
        expected = stats.contingency.expected_freq(table)
        if expected.min() < 5:
            assert got["test"][i] == "fisher"
            assert got["p_value"][i] == pytest.approx(stats.fisher_exact(table).pvalue)
        else:
            assert got["test"][i] == "chi2"
            assert got["p_value"][i] == pytest.approx(stats.chi2_contingency(table).pvalue)
    assert list(got["test"]) == ["chi2", "chi2", "chi2", "fisher", "chi2"]


def test_fisher_on_repeated_tables_equals_scipy_row_by_row() -> None:
    a = np.array([3, 1, 3, 2, 1, 3])
    b = np.array([1, 0, 1, 4, 0, 2])
    got = lift_stats(a, 40, b, 90)
    assert set(got["test"]) == {"fisher"}
    for i in range(len(a)):
        table = np.array([[a[i], 40 - a[i]], [b[i], 90 - b[i]]])
        assert got["p_value"][i] == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-12)


def _ira_expected(arrow: pa.Table, audience: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, value) -> (audience authors, other authors) counted in plain Python."""
    holders: dict[tuple[str, str], set[str]] = {}
    lists = {"hashtag": "hashtags", "mention": "mentions"}
    single = {"lang": "lang", "country": "country", "category": "author_category"}
    for r in arrow.to_pylist():
        for kind, col in lists.items():
            for v in r[col] or []:
                holders.setdefault((kind, v), set()).add(r["author_id"])
        for kind, col in single.items():
            if r[col]:
                holders.setdefault((kind, r[col]), set()).add(r["author_id"])
    return {k: (len(s & audience), len(s - audience)) for k, s in holders.items()}


@pytest.mark.parametrize(
    ("data", "min_size", "sizes", "tried"),
    [("ira_arrow", 10, (20, 20), 15), ("ira_authors_arrow", 50, (78, 140), 33)],
    ids=["ira-slice", "ira-authors"],
)
def test_ira_against_scipy_and_statsmodels(
    table: MakeTable,
    request: pytest.FixtureRequest,
    data: str,
    min_size: int,
    sizes: tuple[int, int],
    tried: int,
) -> None:
    arrow = request.getfixturevalue(data)
    t = table(arrow)
    audience = audience_of("Unknown", t.filter(t.author_category == "Unknown"))
    everyone = audience_of("everyone", t)
    df, meta = lift(t, t, audience, everyone, min_authors=2, min_size=min_size, n=None)
    members = set(to_pandas(audience.authors)["author_id"])
    n_a = len(members)
    n_b = len({r["author_id"] for r in arrow.to_pylist()}) - n_a
    assert (meta["audience_size"], meta["baseline_size"]) == (n_a, n_b) == sizes
    expected = {k: v for k, v in _ira_expected(arrow, members).items() if v[0] >= 2}
    got = df.set_index(["kind", "value"])
    assert set(got.index) == set(expected)
    assert len(got) == meta["tried"] == tried
    p_values, tests = [], set()
    for (kind, value), (a, b) in sorted(expected.items()):
        row = got.loc[(kind, value)]
        assert (row.authors, row.baseline_authors) == (a, b)
        assert row.share == pytest.approx(100 * a / n_a)
        assert row.baseline_share == pytest.approx(100 * b / n_b)
        table2 = np.array([[a, n_a - a], [b, n_b - b]])
        small = stats.contingency.expected_freq(table2).min() < 5
        p = stats.fisher_exact(table2).pvalue if small else stats.chi2_contingency(table2).pvalue
        assert row.test == ("fisher" if small else "chi2")
        assert row.p_value == pytest.approx(p)
        if b:
            ci = stats.contingency.relative_risk(a, n_a, b, n_b).confidence_interval(0.95)
            assert row.ratio == pytest.approx((a / n_a) / (b / n_b))
            assert row.lift == pytest.approx(100 * ((a / n_a) / (b / n_b) - 1))
            assert (row.ratio_low, row.ratio_high) == pytest.approx((ci.low, ci.high))
        p_values.append((p, row.q_value))
        tests.add(row.test)
    assert tests == {"fisher", "chi2"}
    ps, qs = np.array(p_values).T
    assert qs == pytest.approx(multipletests(ps, method="fdr_bh")[1])
    assert got.loc[("category", "Unknown")].authors == n_a
    assert meta["sentence"].startswith("Authors of Unknown were more likely to: be Unknown")


def test_same_rows_whatever_the_row_order(table: MakeTable, ira_arrow: pa.Table) -> None:
    order = np.random.default_rng(3).permutation(ira_arrow.num_rows)
    runs = []
    for arrow in (ira_arrow, ira_arrow, ira_arrow.take(order)):
        t = table(arrow)
        audience = audience_of("Unknown", t.filter(t.author_category == "Unknown"))
        df, meta = lift(t, t, audience, audience_of("all", t), min_authors=2, min_size=10, n=30)
        runs.append(str((df.to_dict("records"), meta)))  # as text, NaN equals NaN
    assert runs[0] == runs[1] == runs[2]
    assert "nan" in runs[0]


def test_unknown_kinds_are_refused(table: MakeTable) -> None:
    t = table(_hand_rows())
    with pytest.raises(InvalidInputError, match="choose among hashtag"):
        attributes(t, t, ("hashtag", "emoji"))
