"""The index beside the store: updates, crash detection and repair, rebuild."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from agorascope.errors import IndexCorruptError, StoreError
from agorascope.query import (
    SearchIndex,
    check_index,
    count,
    index_dir_for,
    index_posts,
    parse,
    rebuild_index,
    reference_filter,
)
from agorascope.store import Store

from ._query_corpus import make_posts
from .conftest import StoreFactory, insert_posts

QUERIES = ["amerique", "améri* -politique", '"big data"~1 OR #vote', "url:lemonde.fr lang:fr"]


def _view(store: Store) -> pa.Table:
    return store.posts().to_pyarrow()


def _import(store: Store, posts: pa.Table, *, hook: bool = True) -> None:
    """Commit ``posts`` to the store and (like the import pipeline) call the index hook."""
    insert_posts(store, posts)
    if hook:
        seqs = set(posts["ingest_seq"].to_pylist())
        view = store.posts()
        batch = view.filter(view.ingest_seq.isin(seqs)).to_pyarrow()
        index_posts(store, batch)


def _agrees(store: Store) -> None:
    rows = _view(store).to_pylist()
    index = SearchIndex.open(index_dir_for(store))  # type: ignore[arg-type]
    for q in QUERIES:
        expected = {(r["platform"], r["id"]) for r in reference_filter(q, rows)}
        assert set(index.keys(parse(q))) == expected, q


def test_index_dir_is_beside_the_store(make_store: StoreFactory, tmp_path: Path) -> None:
    store = make_store(make_posts(0, seed=1))
    assert index_dir_for(store) == tmp_path / "store0.duckdb.index"
    assert index_dir_for(Store.memory()) is None


def test_imports_keep_the_index_in_step(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(100, seed=1, start_seq=1, id_prefix="a"))
    _import(store, make_posts(100, seed=2, start_seq=10, id_prefix="b"))
    report = check_index(store)
    assert report.consistent and report.store_posts == report.index_posts == 200
    _agrees(store)


def test_a_missed_batch_is_detected_and_repaired(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(100, seed=1, start_seq=1, id_prefix="a"))
    _import(store, make_posts(50, seed=2, start_seq=10, id_prefix="b"), hook=False)  # crash
    report = check_index(store, repair=False)
    assert not report.consistent
    assert report.stale_batches == sorted(set(range(10, 15)))
    assert report.index_max_seq is not None and report.store_max_seq == 14
    fixed = check_index(store, repair=True)
    assert fixed.repaired and fixed.reindexed == 50
    assert check_index(store).consistent
    _agrees(store)


def test_the_next_import_heals_a_missed_batch(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(40, seed=1, start_seq=1, id_prefix="a"), hook=False)
    _import(store, make_posts(40, seed=2, start_seq=10, id_prefix="b"))
    assert check_index(store).consistent
    _agrees(store)


def test_posts_the_store_lacks_are_deleted(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(100, seed=1, start_seq=1, id_prefix="a"))
    store.execute("DELETE FROM posts WHERE ingest_seq = ?", [2])  # a whole batch
    store.execute("DELETE FROM posts WHERE id = ?", ["a0"])  # one post of another
    report = check_index(store, repair=True)
    assert 2 in report.deleted_batches and 1 in report.stale_batches
    assert check_index(store).consistent
    _agrees(store)


def test_search_repairs_before_answering(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(60, seed=1, start_seq=1, id_prefix="a"))
    _import(store, make_posts(60, seed=3, start_seq=10, id_prefix="b"), hook=False)
    rows = _view(store).to_pylist()
    assert count(store, "amerique") == len(reference_filter("amerique", rows))
    assert check_index(store, repair=False).consistent


def test_author_profile_changes_reach_older_posts(make_store: StoreFactory) -> None:
    store = make_store(make_posts(0, seed=1))
    _import(store, make_posts(80, seed=1, start_seq=1, id_prefix="a"))
    # The pipeline upserts the profiles of the batch's authors: here (x, u1) changes.
    store.execute(
        "UPDATE authors SET followers = ?, handle = ? WHERE platform = ? AND id = ?",
        [123456, "Zed", "x", "u1"],
    )
    newer = make_posts(5, seed=9, start_seq=20, id_prefix="z")
    for name, values in (("platform", ["x"] * 5), ("author_id", ["u1"] * 5)):
        newer = newer.set_column(newer.schema.get_field_index(name), name, pa.array(values))
    insert_posts(
        store,
        newer.drop_columns(["author_handle", "author_followers"])
        .append_column("author_handle", pa.array(["Zed"] * 5))
        .append_column("author_followers", pa.array([123456] * 5, pa.int64())),
    )
    view = store.posts()
    index_posts(store, view.filter(view.ingest_seq == 20).to_pyarrow())
    rows = _view(store).to_pylist()
    for q in ("author:zed", "followers:123456", "author:@zed followers:>100000"):
        expected = {(r["platform"], r["id"]) for r in reference_filter(q, rows)}
        assert len(expected) > 5
        index = SearchIndex.open(index_dir_for(store))  # type: ignore[arg-type]
        assert set(index.keys(parse(q))) == expected


def test_rebuild(make_store: StoreFactory) -> None:
    store = make_store(make_posts(150, seed=4))
    assert rebuild_index(store, chunk_size=40) == 150
    assert check_index(store).consistent
    _agrees(store)
    assert rebuild_index(store) == 150  # again: replaces, no duplicates
    assert SearchIndex.open(index_dir_for(store)).num_docs == 150  # type: ignore[arg-type]


def test_add_posts_replaces_the_same_post(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "idx")
    posts = make_posts(20, seed=5)
    index.add_posts(posts)
    index.add_posts(posts)
    assert index.num_docs == 20
    assert index.batch_counts() == {
        s: posts["ingest_seq"].to_pylist().count(s) for s in set(posts["ingest_seq"].to_pylist())
    }


def test_a_foreign_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an index")
    with pytest.raises(IndexCorruptError):
        SearchIndex.open(folder)
    SearchIndex.recreate(folder).add_posts(make_posts(3, seed=1))
    assert SearchIndex.open(folder).num_docs == 3
    with pytest.raises(StoreError):
        SearchIndex.open(tmp_path / "absent", create=False)


def test_memory_store_has_no_index() -> None:
    store = Store.memory()
    insert_posts(store, make_posts(30, seed=6))
    rows = _view(store).to_pylist()
    assert count(store, "amerique") == len(reference_filter("amerique", rows))
    assert index_posts(store, make_posts(1, seed=1)) == 0
    with pytest.raises(StoreError):
        check_index(store)
