"""agorascope: public-opinion intelligence on your own data.

The Python API in one place::

    import agorascope

    with agorascope.open("news.duckdb") as ws:
        ws.import_files(["tweets.csv"], format="ira")
        ws.topics.add("debates", "#gopdebate OR #demdebate")
        print(ws.listen.volume(topic="debates", interval="week").to_pandas())
"""

from __future__ import annotations

from agorascope._version import __version__
from agorascope.collect.pipeline import FileSummary, ImportSummary
from agorascope.config import Settings
from agorascope.errors import (
    AgorascopeError,
    AudienceTooSmallError,
    ComputationError,
    ImportFormatError,
    IndexCorruptError,
    InvalidInputError,
    MigrationError,
    MissingExtraError,
    NotFoundError,
    PermissionDeniedError,
    QuerySyntaxError,
    StoreError,
    UnsafeURLError,
)
from agorascope.registry import Result
from agorascope.selection import Selection
from agorascope.store import Store
from agorascope.timeutil import Window
from agorascope.workspace import Workspace, open

__all__ = [
    "AgorascopeError",
    "AudienceTooSmallError",
    "ComputationError",
    "FileSummary",
    "ImportFormatError",
    "ImportSummary",
    "IndexCorruptError",
    "InvalidInputError",
    "MigrationError",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuerySyntaxError",
    "Result",
    "Selection",
    "Settings",
    "Store",
    "StoreError",
    "UnsafeURLError",
    "Window",
    "Workspace",
    "__version__",
    "open",
]
