"""The four stories of the scenario, measured from the generated posts (demo size: 20,000)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from agorascope.demo import SCENARIO

from ._helpers import DEMO_POSTS, make_table

HOAX = SCENARIO.hoax


def _hoax(demo: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    starter = demo[(demo["author_handle"] == HOAX.handle) & (demo["relation"] == "original")]
    assert len(starter) == 1
    fake = starter.iloc[0]
    return fake, demo[demo["root_id"] == fake["id"]]


@pytest.fixture(scope="module", params=[1, 2, 3], ids=lambda s: f"seed={s}")
def posts(request: pytest.FixtureRequest, demo: pd.DataFrame) -> pd.DataFrame:
    if request.param == 1:
        return demo
    return make_table(DEMO_POSTS, request.param).to_pandas()


def test_fake_post_comes_from_a_small_account(posts: pd.DataFrame) -> None:
    fake, _ = _hoax(posts)
    assert 100 <= fake["author_followers"] < 1_000
    assert fake["author_followers"] == HOAX.followers
    assert fake["created_at"] == SCENARIO.start + timedelta(hours=HOAX.at_h)
    assert fake["author_country"] == "US" and fake["lang"] == "en"
    assert fake["text"].startswith(HOAX.text)
    assert list(fake["hashtags"]) == ["itoutage"]


def test_hoax_goes_viral(posts: pd.DataFrame) -> None:
    _, cascade = _hoax(posts)
    assert len(cascade) >= 0.08 * len(posts)
    assert cascade["author_id"].nunique() >= 500  # many accounts, most of them posting once
    assert cascade["created_at"].is_unique


def test_hoax_countries_in_case_study_order(posts: pd.DataFrame) -> None:
    _, cascade = _hoax(posts)
    share = cascade["country"].value_counts(normalize=True)
    assert list(share.index[:4]) == ["US", "TR", "JP", "FR"]
    assert share["FR"] > share.iloc[4:].max()


def test_hoax_is_carried_by_small_accounts_and_two_large_ones(posts: pd.DataFrame) -> None:
    _, cascade = _hoax(posts)
    assert (cascade["author_followers"] < 1_000).mean() >= 0.85
    large = cascade[cascade["author_followers"] >= 100_000].drop_duplicates("author_id")
    assert sorted(large["author_handle"]) == sorted(a.handle for a in HOAX.amplifiers)
    followers = sorted(large["author_followers"], reverse=True)
    assert 250_000 <= followers[0] <= 350_000 and 150_000 <= followers[1] <= 250_000
    for amp in HOAX.amplifiers:
        post = cascade[cascade["author_handle"] == amp.handle]
        assert len(post) == 1 and post.iloc[0]["relation"] == amp.relation
        reactions = (cascade["parent_id"] == post.iloc[0]["id"]).sum()
        assert reactions >= 0.05 * len(cascade), amp.handle


def test_hoax_bursts_in_its_first_day(posts: pd.DataFrame) -> None:
    fake, cascade = _hoax(posts)
    age = cascade["created_at"] - fake["created_at"]
    first_day = (age < pd.Timedelta(hours=24)).mean()
    assert 0.8 <= first_day <= 0.97
    hourly = age.dt.total_seconds().floordiv(3600).value_counts()
    assert hourly.idxmax() <= 3  # quick decay from the first hours
    assert hourly.get(30, 0) < hourly.max() / 10


def test_topics_are_a_minority(posts: pd.DataFrame) -> None:
    story_tags = {t.core_hashtag.lower() for t in SCENARIO.topics.values() if t.core_hashtag}
    tagged = posts["hashtags"].map(lambda tags: bool(story_tags.intersection(tags)))
    assert 0.1 < tagged.mean() < 0.5
    assert sum(t.share for t in SCENARIO.topics.values()) == pytest.approx(1.0)
    for key, topic in SCENARIO.topics.items():
        streams = [s for s in SCENARIO.streams if s.topic == key]
        assert sum(s.per_mille for s in streams) == round(topic.share * 1000)
        assert {s.platform for s in streams} == set(topic.platforms)


def _days(frame: pd.DataFrame) -> pd.Series:
    day = (frame["created_at"] - SCENARIO.start).dt.days
    return day.value_counts().reindex(range(SCENARIO.days), fill_value=0)


def test_boycott_spreads_over_days_on_two_platforms(posts: pd.DataFrame) -> None:
    boycott = posts[posts["hashtags"].map(lambda tags: "boycottnovamart" in tags)]
    assert set(boycott["platform"]) == {"x", "tiktok"}
    for platform in ("x", "tiktok"):
        days = _days(boycott[boycott["platform"] == platform])
        assert (days >= 0.1 * days.sum()).sum() >= 3, platform  # several active days
    co = {t.lower() for t in SCENARIO.topics["boycott"].hashtags}
    assert boycott["hashtags"].map(lambda tags: bool(co.intersection(tags))).mean() > 0.3
    x_peak = _days(boycott[boycott["platform"] == "x"]).idxmax()
    tiktok_peak = _days(boycott[boycott["platform"] == "tiktok"]).idxmax()
    assert x_peak <= tiktok_peak


def test_trend_rises_and_decays(posts: pd.DataFrame) -> None:
    trend = posts[posts["hashtags"].map(lambda tags: "mirrordancechallenge" in tags)]
    days = _days(trend)
    assert 2 <= days.idxmax() <= 4
    assert days[0] < days.max() / 10 and days[6] < days.max() / 2
    assert set(trend["platform"]) == {"tiktok"}


def test_olympics_is_steady_with_a_daily_rhythm(posts: pd.DataFrame) -> None:
    games = posts[posts["hashtags"].map(lambda tags: "olympics" in tags)]
    days = _days(games)
    assert days.min() > 0.7 * days.mean() and days.max() < 1.3 * days.mean()
    hours = games["created_at"].dt.hour.value_counts()
    assert hours.max() > 2 * hours.min()
    outage_langs = _hoax(posts)[1]["lang"].value_counts(normalize=True)
    games_langs = games["lang"].value_counts(normalize=True)
    assert (games_langs > 0.02).sum() > (outage_langs > 0.02).sum()
