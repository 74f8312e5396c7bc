"""The generator's contract: schema, determinism, ids, cascades, text consistency."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest

from agorascope.collect.canonical import CANONICAL_FIELDS
from agorascope.demo import DEMO_SCHEMA, SCENARIO, generate
from agorascope.demo.phrases import LANGS
from agorascope.demo.scenario import LANG_OF_COUNTRY
from agorascope.errors import InvalidInputError
from agorascope.store.schema import RELATIONS

from ._helpers import DEMO_POSTS, make_table

HASHTAG = re.compile(r"(?<!\w)#(\w+)")
MENTION = re.compile(r"(?<!\w)@(\w+)")
URL = re.compile(r"https?://\S+")


def test_schema_is_the_canonical_record_with_real_types(demo_table: pa.Table) -> None:
    assert demo_table.schema == DEMO_SCHEMA
    assert set(DEMO_SCHEMA.names) == set(CANONICAL_FIELDS) - {"cascade_label"}
    assert demo_table.num_rows == DEMO_POSTS
    assert DEMO_SCHEMA.field("created_at").type == pa.timestamp("us")  # naive: UTC
    assert DEMO_SCHEMA.field("hashtags").type == pa.list_(pa.string())
    assert DEMO_SCHEMA.field("author_verified").type == pa.bool_()


def test_no_nulls_where_every_post_has_a_value(demo_table: pa.Table) -> None:
    optional = {"parent_id", "author_location"}
    for name in DEMO_SCHEMA.names:
        if name not in optional:
            assert demo_table.column(name).null_count == 0, name


def test_same_seed_same_rows() -> None:
    assert make_table(3_000, 11).equals(make_table(3_000, 11))


def test_other_seed_other_rows() -> None:
    a, b = make_table(3_000, 11), make_table(3_000, 12)
    assert a.column("id") != b.column("id")
    assert a.column("text") != b.column("text")
    assert a.column("created_at") != b.column("created_at")


@pytest.mark.parametrize("batch_size", [1, 777, 2_500, 10_000], ids=lambda b: f"batch={b}")
def test_rows_do_not_depend_on_batch_size(batch_size: int) -> None:
    posts = 60 if batch_size == 1 else 5_000
    batches = list(generate(posts, 5, batch_size=batch_size))
    assert max(b.num_rows for b in batches) <= batch_size
    assert pa.Table.from_batches(batches).equals(make_table(posts, 5))


def test_start_shifts_every_time() -> None:
    shifted = make_table(2_000, 3, start=SCENARIO.start + timedelta(days=7))
    base = make_table(2_000, 3)
    delta = shifted.column("created_at").to_pandas() - base.column("created_at").to_pandas()
    assert (delta == pd.Timedelta(days=7)).all()


def test_zero_posts_and_bad_arguments() -> None:
    assert list(generate(0, 1)) == []
    with pytest.raises(InvalidInputError):
        list(generate(-1, 1))
    with pytest.raises(InvalidInputError):
        list(generate(10, 1, batch_size=0))


def test_post_ids_are_unique_numbers(demo: pd.DataFrame) -> None:
    assert demo["id"].is_unique
    assert demo["id"].str.fullmatch(r"\d{19}").all()
    assert (demo["platform"].isin(["x", "tiktok"])).all()


def test_one_profile_per_author(demo: pd.DataFrame) -> None:
    author_cols = [c for c in DEMO_SCHEMA.names if c.startswith("author_") and c != "author_id"]
    per_author = demo.groupby("author_id")[author_cols].nunique(dropna=False)
    assert (per_author.max() == 1).all()
    assert demo.groupby("author_handle")["author_id"].nunique().max() == 1
    assert demo.groupby("author_id")["platform"].nunique().max() == 1
    assert (demo["country"] == demo["author_country"]).all()
    assert demo["author_handle"].str.fullmatch(r"[a-z0-9_]+").all()


def test_authors_post_several_times_with_heavy_tails(demo: pd.DataFrame) -> None:
    per_author = demo.groupby("author_id").size()
    assert 2.0 <= per_author.mean() <= 5.0
    assert per_author.max() >= 20 * per_author.median()
    followers = demo.drop_duplicates("author_id")["author_followers"]
    assert followers.median() < 1_000 and followers.max() > 100_000  # log-normal tail


def test_relations_and_links_are_valid(demo: pd.DataFrame) -> None:
    assert set(demo["relation"]) == set(RELATIONS)
    original = demo["relation"] == "original"
    assert demo.loc[original, "parent_id"].isna().all()
    assert (demo.loc[original, "root_id"] == demo.loc[original, "id"]).all()
    assert demo.loc[~original, "parent_id"].notna().all()
    by_id = demo.set_index("id")
    children = demo[~original]
    parents = by_id.loc[children["parent_id"]]
    assert (parents["platform"].to_numpy() == children["platform"].to_numpy()).all()
    assert (parents["created_at"].to_numpy() < children["created_at"].to_numpy()).all()
    roots = by_id.loc[demo["root_id"]]
    assert (roots["relation"] == "original").all()
    assert (roots["created_at"].to_numpy() <= demo["created_at"].to_numpy()).all()


def test_root_is_the_top_of_the_parent_chain(demo: pd.DataFrame) -> None:
    parent = dict(zip(demo["id"], demo["parent_id"], strict=True))
    for post, root in zip(demo["id"][:3_000], demo["root_id"][:3_000], strict=True):
        top = post
        while isinstance(parent[top], str):
            top = parent[top]
        assert top == root


def test_cascades_go_deeper_than_one_level(demo: pd.DataFrame) -> None:
    relation = dict(zip(demo["id"], demo["relation"], strict=True))
    pairs = {(r, relation[p]) for r, p in zip(demo["relation"], demo["parent_id"], strict=True)
             if isinstance(p, str)}  # fmt: skip
    assert ("repost", "repost") in pairs
    assert ("reply", "reply") in pairs


def test_lists_are_what_the_text_contains(demo: pd.DataFrame) -> None:
    for text, tags, mentions, urls in zip(
        demo["text"], demo["hashtags"], demo["mentions"], demo["urls"], strict=True
    ):
        assert [t.lower() for t in HASHTAG.findall(text)] == list(tags)
        assert MENTION.findall(text) == list(mentions)
        assert URL.findall(text) == list(urls)
    assert all(u == u.lower() for urls in demo["urls"] for u in urls)
    assert all(t == t.lower() and not t.startswith("#") for ts in demo["hashtags"] for t in ts)


def test_reactions_name_their_parent(demo: pd.DataFrame) -> None:
    handle = dict(zip(demo["id"], demo["author_handle"], strict=True))
    url = dict(zip(demo["id"], demo["url"], strict=True))
    for row in demo[demo["relation"] != "original"].head(3_000).itertuples():
        if row.relation == "repost":
            assert row.text.startswith(f"RT @{handle[row.parent_id]}: ")
        elif row.relation == "reply":
            assert row.text.startswith(f"@{handle[row.parent_id]} ")
        else:
            assert row.text.endswith(url[row.parent_id])


def test_reposts_repeat_the_first_post(demo: pd.DataFrame) -> None:
    by_id = demo.set_index("id")
    reposts = demo[demo["relation"] == "repost"].head(2_000)
    roots = by_id.loc[reposts["root_id"]]
    said = reposts["text"].str.replace(r"^RT @\w+: ", "", regex=True).to_numpy()
    assert (said == roots["text"].to_numpy()).all()
    assert (reposts["lang"].to_numpy() == roots["lang"].to_numpy()).all()


def test_codes_and_permalinks(demo: pd.DataFrame) -> None:
    assert demo["lang"].isin(LANGS).all()
    assert demo["country"].isin(list(LANG_OF_COUNTRY)).all()
    x = demo["platform"] == "x"
    assert (demo.loc[x, "url"] == "https://x.com/" + demo.loc[x, "author_handle"] + "/status/"
            + demo.loc[x, "id"]).all()  # fmt: skip
    tt = ~x
    assert (demo.loc[tt, "url"] == "https://www.tiktok.com/@" + demo.loc[tt, "author_handle"]
            + "/video/" + demo.loc[tt, "id"]).all()  # fmt: skip


def test_language_follows_the_author(demo: pd.DataFrame) -> None:
    own = demo[demo["relation"] != "repost"]
    native = own["country"].map(LANG_OF_COUNTRY)
    assert ((own["lang"] == native) | (own["lang"] == "en")).all()
    assert (own["lang"] == native).mean() > 0.85


def test_texts_are_in_the_stated_language(demo: pd.DataFrame) -> None:
    langid = pytest.importorskip("py3langid")
    own = demo[demo["relation"] != "repost"]
    clean = own["text"].str.replace(r"(?:^RT )?[#@]\w+:?|https?://\S+", "", regex=True).str.strip()
    for lang in LANGS:
        sample = clean[(own["lang"] == lang) & (clean.str.len() > 0)].head(80)
        assert len(sample) >= 30, lang
        found = sum(langid.classify(text)[0] == lang for text in sample)
        assert found / len(sample) >= 0.85, lang


def test_times_are_in_the_week(demo: pd.DataFrame) -> None:
    start = SCENARIO.start
    assert demo["created_at"].min() >= start
    assert demo["created_at"].max() < start + timedelta(days=SCENARIO.days)
    assert demo["author_created_at"].max() < datetime(2024, 7, 1)


def test_engagement_counts(demo: pd.DataFrame) -> None:
    counts = demo[["likes", "reposts", "replies", "views"]]
    assert (counts >= 0).all().all()
    reposts = demo["relation"] == "repost"
    assert (counts[reposts] == 0).all().all()
    assert (demo.loc[~reposts, "views"] > 0).all()


@pytest.mark.parametrize("posts", [1, 3, 50, 1_001], ids=lambda n: f"posts={n}")
def test_small_data_sets_stay_consistent(posts: int) -> None:
    table = make_table(posts, 3)
    ids = set(table.column("id").to_pylist())
    assert len(ids) == table.num_rows == posts
    assert {p for p in table.column("parent_id").to_pylist() if p is not None} <= ids
    assert set(table.column("root_id").to_pylist()) <= ids
