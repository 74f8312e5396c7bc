"""The store's read queries give the same answers on DuckDB and on Spark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

from agorascope.config import Settings
from agorascope.demo.load import BUNDLED, bundled_path
from agorascope.store.backends import DuckDBBackend, SparkBackend
from agorascope.store.stats import overview
from agorascope.workspace import Workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    db = tmp_path_factory.mktemp("store") / "s.duckdb"
    with Workspace(Settings(db=db, detect_language=False)) as ws:
        for fmt, resource in BUNDLED.items():
            with bundled_path(resource) as path:
                ws.import_files([path], format=fmt)
        yield ws


@pytest.mark.spark
def test_overview_is_equal_on_duckdb_and_spark(
    workspace: Workspace, spark_session: Any, tmp_path: Path
) -> None:
    duck = overview(DuckDBBackend(workspace.store))
    workspace.store.snapshot(tmp_path)
    spark = overview(SparkBackend(ibis.pyspark.connect(spark_session), tmp_path))
    assert duck["posts"] > 20_000
    assert spark == duck


@pytest.mark.spark
def test_same_expression_on_both_engines(
    workspace: Workspace, spark_session: Any, tmp_path: Path
) -> None:
    def hourly_reposts(posts: ibis.Table) -> list[dict[str, Any]]:
        reposts = posts.filter(posts.relation == "repost")
        expr = (
            reposts.group_by(hour=reposts.created_at.truncate("h"))
            .aggregate(n=reposts.count(), users=reposts.author_id.nunique())
            .order_by("hour")
        )
        return list(expr.to_pyarrow().to_pylist())

    workspace.store.snapshot(tmp_path)
    spark = SparkBackend(ibis.pyspark.connect(spark_session), tmp_path)
    assert hourly_reposts(spark.posts()) == hourly_reposts(DuckDBBackend(workspace.store).posts())


def test_duckdb_backend_reads_the_store(workspace: Workspace) -> None:
    backend = DuckDBBackend(workspace.store)
    n = backend.posts().count().to_pyarrow().as_py()
    assert n == workspace.store.execute("SELECT count(*) FROM posts")[0][0]
