"""The Ibis predicate on Spark returns the same posts as on DuckDB and as the reference."""

from __future__ import annotations

from typing import Any

import ibis
import pytest

from agorascope.query import filter_posts, reference_filter

from ._query_corpus import make_posts

QUERIES = [
    "amerique",
    "améri* -politique",
    '"big data"~2 OR ab?',
    "vote NEAR/2 election",
    "lang:fr OR country:us",
    "author:@alice followers:>=10000",
    "#politique OR hashtag:été",
    "url:lemonde.fr OR url:example.co.uk",
    "since:2024-07-19 until:2024-07-22T06:00 -東京",
    "NOT (straße OR likes:>=50)",
]


@pytest.mark.spark
# PySpark 4.0 sets a pandas option that pandas 3 deprecates, and py4j leaves sockets open.
@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_same_ids_on_spark_and_duckdb(spark_session: Any) -> None:
    posts = make_posts(150, seed=44)
    rows = posts.to_pylist()
    duck = ibis.duckdb.connect().create_table("posts", posts)
    spark = ibis.pyspark.connect(spark_session).create_table("posts", posts, overwrite=True)
    for query in QUERIES:
        expected = {(r["platform"], r["id"]) for r in reference_filter(query, rows)}
        for table in (duck, spark):
            out = filter_posts(table, query).select("platform", "id").to_pyarrow()
            got = set(zip(out["platform"].to_pylist(), out["id"].to_pylist(), strict=True))
            assert got == expected, (query, table.op().source)
