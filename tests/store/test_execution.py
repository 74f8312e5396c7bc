"""The one execution path: backend errors become StoreError with the SQL attached."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pytest

from agorascope.errors import StoreError
from agorascope.store import Store, run, run_batches, to_pandas


@ibis.udf.scalar.python
def agorascope_test_explode(text: str) -> str:
    """A UDF that fails on every row, as a broken engine function would."""
    raise ValueError(f"cannot handle {text!r}")


@pytest.fixture
def store() -> Store:
    store = Store.memory()
    store.execute(
        "INSERT INTO posts (platform, id, text, created_at, ingest_seq) VALUES (?, ?, ?, ?, ?)",
        ["x", "1", "bonjour", datetime(2024, 7, 1), 1],
    )
    return store


def _udf_raises(store: Store) -> ir.Table:
    posts = store.posts()
    return posts.select("id", boom=agorascope_test_explode(posts.text))


def _cast_fails(store: Store) -> ir.Table:
    posts = store.posts()
    return posts.select("id", boom=posts.text.cast("int64"))


@pytest.mark.parametrize(
    ("runner", "failing", "expected"),
    [
        (run, _udf_raises, ("agorascope_test_explode", "cannot handle 'bonjour'")),
        (to_pandas, _udf_raises, ("agorascope_test_explode", "cannot handle 'bonjour'")),
        (run, _cast_fails, ("cast", "bonjour")),
        (lambda e: list(run_batches(e)), _cast_fails, ("cast", "bonjour")),
    ],
    ids=["run-udf", "to_pandas-udf", "run-cast", "run_batches-cast"],
)
def test_backend_error_becomes_store_error_with_sql(
    store: Store, runner: Any, failing: Any, expected: tuple[str, str]
) -> None:
    with pytest.raises(StoreError) as info:
        runner(failing(store))
    err = info.value
    assert isinstance(err.__cause__, duckdb.Error)
    assert err.query is not None
    sql, reason = expected
    assert "select" in err.query.lower() and sql in err.query.lower()
    assert reason in str(err)


def test_results_and_no_engine_warnings(store: Store) -> None:
    posts = store.posts()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the engines' deprecation warnings are silenced in run
        assert run(posts.count()).as_py() == 1
        assert run(posts.select("id")).column("id").to_pylist() == ["1"]
        assert to_pandas(posts.select("text"))["text"].tolist() == ["bonjour"]
        batches = list(run_batches(posts.select("id"), chunk_size=1))
    assert sum(b.num_rows for b in batches) == 1
