"""Overlap and UpSet intersections against Python sets and statsmodels; charts and pages."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from statsmodels.stats.proportion import proportion_confint

import agorascope
from agorascope.audience import audience_of, memberships, overlap, upset, wilson
from agorascope.errors import AudienceTooSmallError, InvalidInputError
from agorascope.report.audience_charts import lift_chart, upset_chart
from agorascope.store import to_pandas

MakeTable = Any  # the ``table`` fixture: rows or an Arrow table -> an Ibis table
SETS = {"A": {1, 2, 3, 4, 5, 6}, "B": {4, 5, 6, 7}, "C": {6, 8}}


def _audiences(table: MakeTable) -> list[Any]:
    rows = [{"id": f"{name}{a}", "author_id": f"u{a}", "created_at": datetime(2024, 7, 1)}
            for name, members in SETS.items() for a in sorted(members)]  # fmt: skip
    t = table(rows)
    return [audience_of(name, t.filter(t.id.startswith(name))) for name in SETS]


def test_wilson_equals_statsmodels() -> None:
    k = np.array([0, 1, 13, 50, 99, 100])
    n = np.array([10, 10, 200, 100, 100, 100])
    low, high = wilson(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_pairs_against_sets_and_statsmodels(table: MakeTable) -> None:
    df, meta = overlap(_audiences(table))
    assert meta["sizes"] == {"A": 6, "B": 4, "C": 2}
    assert [(r.a, r.b) for r in df.itertuples()] == [("A", "B"), ("A", "C"), ("B", "C")]
    for r in df.itertuples():
        a, b = SETS[r.a], SETS[r.b]
        both = len(a & b)
        assert (r.size_a, r.size_b, r.both) == (len(a), len(b), both)
        assert r.a_in_b == pytest.approx(100 * both / len(a))
        assert r.b_in_a == pytest.approx(100 * both / len(b))
        lo, hi = proportion_confint(both, len(a), method="wilson")
        assert (r.a_in_b_low, r.a_in_b_high) == pytest.approx((100 * lo, 100 * hi))
        lo, hi = proportion_confint(both, len(b), method="wilson")
        assert (r.b_in_a_low, r.b_in_a_high) == pytest.approx((100 * lo, 100 * hi))
        assert r.jaccard == pytest.approx(both / len(a | b))
    assert meta["sentences"][0].startswith("50.0 % of the authors of A also posted in B (95 %")


def test_upset_counts_exactly_each_combination(table: MakeTable) -> None:
    df, meta = upset(_audiences(table))
    everyone = set().union(*SETS.values())
    expected = {}
    for k in range(1, 4):
        for combo in itertools.combinations(SETS, k):
            inside = set.intersection(*(SETS[c] for c in combo))
            outside = set().union(*(SETS[c] for c in SETS if c not in combo))
            if inside - outside:
                expected[combo] = len(inside - outside)
    got = {tuple(r.audiences): r.authors for r in df.itertuples()}
    assert got == expected == {("A",): 3, ("A", "B"): 2, ("B",): 1, ("C",): 1, ("A", "B", "C"): 1}
    assert list(df["authors"]) == sorted(df["authors"], reverse=True)
    assert meta["union"] == len(everyone) == df["authors"].sum()
    assert df["share"].sum() == pytest.approx(100.0)


def test_ira_languages_against_sets(table: MakeTable, ira_arrow: pa.Table) -> None:
    t = table(ira_arrow)
    langs = ["en", "es", "ru", "fr"]
    auds = [audience_of(lang, t.filter(t.lang == lang)) for lang in langs]
    sets = {
        lang: {r["author_id"] for r in ira_arrow.to_pylist() if r["lang"] == lang} for lang in langs
    }
    df, _ = overlap(auds)
    for r in df.itertuples():
        assert r.both == len(sets[r.a] & sets[r.b])
        assert r.jaccard == pytest.approx(len(sets[r.a] & sets[r.b]) / len(sets[r.a] | sets[r.b]))
    masks = memberships(auds)
    by_author: dict[str, int] = {}
    for i, lang in enumerate(langs):
        for a in sets[lang]:
            by_author[a] = by_author.get(a, 0) | 1 << i
    counts = np.bincount(list(by_author.values()), minlength=16)
    assert dict(zip(masks["mask"], masks["authors"], strict=True)) == {
        m: int(c) for m, c in enumerate(counts) if c
    }


def test_two_to_eight_audiences(table: MakeTable) -> None:
    auds = _audiences(table)
    with pytest.raises(InvalidInputError, match="2 to 8 audiences, not 1"):
        memberships(auds[:1])
    with pytest.raises(InvalidInputError, match="not 9"):
        memberships(auds * 3)


def test_upset_chart_draws_bars_and_the_dot_matrix() -> None:
    rows = [{"audiences": ["A", "B"], "degree": 2, "authors": 5, "share": 50.0},
            {"audiences": ["<b>C</b>"], "degree": 1, "authors": 5, "share": 50.0}]  # fmt: skip
    fig = upset_chart(rows, ["A", "B", "<b>C</b>"], "t")
    bars, outside, *lines = fig["data"]
    assert bars["y"] == [5, 5] and bars["x"] == ["1", "2"]
    assert list(zip(outside["x"], outside["y"], strict=True)) == [
        ("1", "&lt;b&gt;C&lt;/b&gt;"), ("2", "A"), ("2", "B"),
    ]  # fmt: skip
    assert [line["y"] for line in lines] == [["A", "B"], ["&lt;b&gt;C&lt;/b&gt;"]]
    assert fig["layout"]["yaxis"]["title"]["text"] == "authors in exactly these"
    assert fig["layout"]["xaxis"]["title"]["text"] == "combination"


def test_lift_chart_lists_what_the_audience_does_more() -> None:
    rows = [
        {"label": "use #a", "lift": None, "share": 10.0, "baseline_share": 0.0},
        {"label": "use #b", "lift": 66.4, "share": 20.0, "baseline_share": 12.0},
        {"label": "use #c", "lift": -50.0, "share": 5.0, "baseline_share": 10.0},
    ]
    fig = lift_chart(rows, "t")
    rest, audience = fig["data"]
    assert audience["y"] == ["use #b (+66 %)", "use #a (only them)"]  # first row on top
    assert (audience["x"], rest["x"]) == ([20.0, 10.0], [12.0, 0.0])
    assert fig["layout"]["xaxis"]["title"]["text"] == "authors having it (%)"
    assert lift_chart(rows[2:], "t")["data"] == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo store of the API tests."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
    from api_fixtures import build_store

    yield build_store(tmp_path_factory.mktemp("audience-demo"), posts=4000)


WINDOW = {"since": "2024-07-18", "until": "2024-07-21"}


def test_workspace_pages_and_the_minimum_size(demo: Path) -> None:
    from api_fixtures import LOCAL, TestClient

    from agorascope.api import create_app
    from agorascope.config import Settings

    with agorascope.open(demo) as ws:
        r = ws.audience.upset(audiences=["it_outage", "olympics"], **WINDOW)
        posts = to_pandas(ws.select("it_outage", **WINDOW).windowed())
        assert (
            r.meta["sizes"]["it_outage"]
            == posts[["platform", "author_id"]].drop_duplicates().shape[0]
        )
        with pytest.raises(AudienceTooSmallError, match="'pwn' has 2 author"):
            ws.audience.lift(topic="pwn", **WINDOW)
        assert ws.audience.lift(topic="pwn", min_size=2, min_authors=1, **WINDOW).rows
    with TestClient(create_app(Settings(db=demo)), base_url=LOCAL) as client:
        r = client.get("/api/audience/lift", params={"topic": "pwn", **WINDOW})
        assert r.status_code == 422
        assert r.json()["error"]["type"] == "AudienceTooSmallError"
        lift = {"run": 1, "topic": "it_outage", **WINDOW}
        page = client.get("/analyses/audience/lift", params=lift)
        assert 'data-figure="result"' in page.text
        assert "authors having it (%)" in page.text
        upset = {"run": 1, "audiences": "it_outage, olympics", **WINDOW}
        page = client.get("/analyses/audience/upset", params=upset)
        assert page.status_code == 200
        assert "authors in exactly these" in page.text
