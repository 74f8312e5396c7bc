"""A workspace answers every registered analysis alike on DuckDB and on Spark."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from listen_data import ira_posts, store_file

import agorascope
from agorascope import registry
from agorascope.config import Settings

SELECTING = [a for a in registry.analyses("listen") if a.needs != "workspace"]
EXAMPLES: dict[str, dict[str, Any]] = {
    "share-of-voice": {"topics": ["gop=#gopdebate", "dem=#demdebate"]},
    "breakdown": {"by": "country"},
    "coordination": {"window": 21600},
    "spikes": {"interval": "day"},
    "author": {"platform": "twitter", "author_id": "AllForPetersons", "window": 21600},
}


@pytest.fixture(scope="module")
def ira_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = store_file(tmp_path_factory.mktemp("ws") / "s.duckdb", ira_posts())
    with agorascope.open(db) as ws:
        ws.topics.add("debates", "#gopdebate OR #demdebate")
    return db


@pytest.fixture(scope="module")
def workspaces(spark_session: Any, ira_db: Path) -> Iterator[tuple[Any, Any]]:
    """The same store read by DuckDB and by Spark (one snapshot for the module)."""
    with (
        agorascope.open(ira_db, read_only=True) as duck,
        agorascope.open(settings=Settings(db=ira_db, backend="spark"), read_only=True) as spark,
    ):
        assert spark.backend.name == "spark"
        yield duck, spark


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.mark.spark
@pytest.mark.parametrize("spec", SELECTING, ids=lambda a: a.name)
def test_every_analysis_is_equal_on_spark(
    workspaces: tuple[Any, Any], spec: registry.Analysis
) -> None:
    selection: dict[str, Any] = {"since": "2015-01-01", "until": "2016-12-31"}
    if spec.needs == "selection":
        selection["topic"] = "debates" if spec.name != "cascades" else None
    params = EXAMPLES.get(spec.name, {})
    duck = workspaces[0].listen.run(spec.name, **selection, **params)
    spark = workspaces[1].listen.run(spec.name, **selection, **params)
    assert duck.rows or spec.name in ("cascades", "accounts", "coordination", "duplicates")
    assert duck.selection is not None and spark.selection is not None
    assert spark.selection["backend"] == "spark" and duck.selection["backend"] == "duckdb"
    assert _same(duck.rows, spark.rows), spec.name
    assert _same(duck.meta, spark.meta)


@pytest.mark.spark
def test_spark_workers_run_this_interpreter(ira_db: Path, tmp_path: Path) -> None:
    """Python UDFs (the word rule) ran in workers started with the first `python3` on the PATH,
    which lacks agorascope: every word query failed from the command line on Spark."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_PYTHON"}
    env["AGORASCOPE_BACKEND"] = "spark"
    code = (
        "import agorascope, sys;"
        f"ws = agorascope.open({str(ira_db)!r}, read_only=True);"
        "print(ws.listen.volume(query='debate', interval='month').to_pandas().posts.sum())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    with agorascope.open(ira_db, read_only=True) as ws:
        want = ws.listen.volume(query="debate", interval="month").to_pandas().posts.sum()
    assert int(out.stdout.strip().splitlines()[-1]) == want > 0
