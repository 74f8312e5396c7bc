"""The time zone and the previous period on the demo data, checked against pandas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from agorascope.config import Settings
from agorascope.store import to_pandas
from agorascope.workspace import Workspace

TZ = "Asia/Tokyo"
# since/until given as days are read in the zone: [19 July 00:00, 21 July 00:00) in Tokyo
LO, HI = pd.Timestamp("2024-07-19", tz=TZ), pd.Timestamp("2024-07-21", tz=TZ)
PREV_LO = LO - (HI - LO)


@pytest.fixture(scope="module")
def ws(web_db: Path) -> Any:
    with Workspace(Settings(db=web_db)) as w:
        yield w


def _posts(ws: Any, topic: str) -> pd.DataFrame:
    df = to_pandas(ws.select(topic=topic).posts.select("created_at", "country"))
    df["local"] = df["created_at"].dt.tz_localize("UTC").dt.tz_convert(TZ)
    return df


def _within(df: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    return df[(df["local"] >= lo) & (df["local"] < hi)]


@pytest.fixture(scope="module")
def report(ws: Any) -> Any:
    return ws.reports.topic(
        topic="it_outage", since="2024-07-19", until="2024-07-20", tz=TZ, compare=True
    )


def test_the_window_and_its_hours_are_cut_in_the_zone(ws: Any, report: Any) -> None:
    assert (report.window.since.isoformat(), report.window.until.isoformat()) == (
        "2024-07-18T15:00:00", "2024-07-20T15:00:00",
    )  # fmt: skip
    assert report.window.tz == TZ and report.window.interval == "hour"
    df = _within(_posts(ws, "it_outage"), LO, HI)
    expected = df["local"].dt.floor("h").dt.tz_localize(None).value_counts().to_dict()
    got = {pd.Timestamp(r["bucket"]): r["posts"] for r in report.volume if r["posts"]}
    assert got == expected
    assert len(report.volume) == 48 and pd.Timestamp(report.volume[0]["bucket"]) == pd.Timestamp(
        "2024-07-19"
    )


def test_the_previous_period_counts_match_pandas(ws: Any, report: Any) -> None:
    posts = _posts(ws, "it_outage")
    now, before = _within(posts, LO, HI), _within(posts, PREV_LO, LO)
    assert report.summary["posts"] == len(now)
    assert report.summary["previous_posts"] == len(before)
    assert sum(r["posts"] for r in report.previous["volume"]) == len(before)
    assert report.previous["window"]["since"] == "2024-07-16T15:00:00"
    counts_now = now["country"].value_counts(dropna=False).to_dict()
    counts_before = before["country"].value_counts(dropna=False).to_dict()
    for row in report.previous["countries"]:
        key = row["key"] if row["key"] is not None else float("nan")
        assert row["posts"] == counts_now.get(key, 0), row
        assert row["previous"] == counts_before.get(key, 0), row
        b = counts_before.get(key, 0)
        if b:
            assert row["change_pct"] == pytest.approx(100 * (row["posts"] - b) / b, abs=0.01)


def test_share_of_voice_against_the_previous_period_matches_pandas(ws: Any, report: Any) -> None:
    names = [t.name for t in ws.topics.list()]
    counts = {n: _posts(ws, n) for n in names}
    now = {n: len(_within(df, LO, HI)) for n, df in counts.items()}
    before = {n: len(_within(df, PREV_LO, LO)) for n, df in counts.items()}
    rows = {r["topic"]: r for r in report.previous["share_of_voice"]}
    assert set(rows) == set(names)
    for n in names:
        assert rows[n]["posts"] == now[n] and rows[n]["previous_posts"] == before[n]
        assert rows[n]["share"] == pytest.approx(100 * now[n] / sum(now.values()), abs=0.01)
        if sum(before.values()):
            share = 100 * before[n] / sum(before.values())
            assert rows[n]["previous_share"] == pytest.approx(share, abs=0.01)
