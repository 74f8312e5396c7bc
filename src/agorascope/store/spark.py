"""Spark as a read backend: a configured SparkSession and its Ibis connection.

PySpark is the optional ``spark`` extra; it is imported only when this backend is used.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from agorascope.errors import MissingExtraError

__all__ = ["connect", "local_session", "session_builder"]


def _builder(master: str, warehouse: Path | None) -> Any:
    # Python UDFs run in worker processes: on a local master they must use this interpreter
    # (the one agorascope is installed in), not whatever `python3` is first on the PATH.
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - depends on the installed extras
        raise MissingExtraError("spark", "pyspark") from e
    wh = warehouse or Path(tempfile.mkdtemp(prefix="agorascope-spark-"))
    return (
        SparkSession.builder.master(master)
        .appName("agorascope")
        # Without Arrow, uploads turn nullable int64 into NULL and null strings into "NaN".
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # A leftover ./spark-warehouse breaks the next run: keep it in a private folder.
        .config("spark.sql.warehouse.dir", str(wh))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
    )


def session_builder(master: str = "local[2]", warehouse: Path | None = None) -> Any:
    """The configured builder of :func:`local_session`, for callers that add settings (a jar)."""
    return _builder(master, warehouse)


def local_session(master: str = "local[2]", warehouse: Path | None = None) -> Any:
    """A Spark session for ``master`` (``local[N]`` or a cluster URL), UTC, Arrow enabled."""
    session = _builder(master, warehouse).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(master: str = "local[2]", warehouse: Path | None = None) -> Any:
    """An Ibis connection to Spark on ``master``."""
    import ibis

    return ibis.pyspark.connect(local_session(master, warehouse))
