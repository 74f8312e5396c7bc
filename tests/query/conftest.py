"""Fixtures for the query tests: stores holding random posts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from agorascope.store import Store
from agorascope.store.schema import AUTHOR_COLUMNS, POST_COLUMNS

StoreFactory = Callable[[pa.Table], Store]

# Ibis 12 still calls DuckDB 2.0's deprecated fetch_* methods; not ours to fix here.
_IBIS_DUCKDB_DEPRECATIONS = pytest.mark.filterwarnings(
    r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tolerate the deprecation warnings Ibis triggers in DuckDB 2.0 (see the report)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(_IBIS_DUCKDB_DEPRECATIONS)


def insert_posts(store: Store, posts: pa.Table) -> None:
    """Insert post_view rows into the store's posts and authors tables (a stand-in importer)."""
    authors = {}
    for row in posts.to_pylist():
        if row["author_id"] is not None:
            authors[(row["platform"], row["author_id"])] = {
                "platform": row["platform"],
                "id": row["author_id"],
                "handle": row["author_handle"],
                "followers": row["author_followers"],
            }
    author_rows = [{c: a.get(c) for c in AUTHOR_COLUMNS} for a in authors.values()]
    with store.transaction() as con:
        con.register("_new_posts", posts.select(list(POST_COLUMNS)))
        con.execute(
            "DELETE FROM posts p USING _new_posts n WHERE p.platform = n.platform AND p.id = n.id"
        )
        con.execute("INSERT INTO posts SELECT * FROM _new_posts")
        con.unregister("_new_posts")
        for r in author_rows:
            con.execute(
                "DELETE FROM authors WHERE platform = ? AND id = ?", [r["platform"], r["id"]]
            )
        if author_rows:
            con.executemany(
                f"INSERT INTO authors ({', '.join(AUTHOR_COLUMNS)}) VALUES "
                f"({', '.join('?' for _ in AUTHOR_COLUMNS)})",
                [[r[c] for c in AUTHOR_COLUMNS] for r in author_rows],
            )


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """Open a store file under ``tmp_path`` holding the given posts."""
    opened: list[Store] = []

    def make(posts: pa.Table) -> Store:
        store = Store.open(tmp_path / f"store{len(opened)}.duckdb")
        opened.append(store)
        if posts.num_rows:
            insert_posts(store, posts)
        return store

    yield make
    for store in opened:
        store.close()
