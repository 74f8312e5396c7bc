"""Helpers shared by the demo tests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from agorascope.demo import generate

DEMO_POSTS = 20_000


def make_table(posts: int, seed: int, **kwargs: Any) -> pa.Table:
    """All batches of one generation as a single table."""
    return pa.Table.from_batches(list(generate(posts, seed, **kwargs)), schema=None)
