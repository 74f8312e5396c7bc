"""Load the demo world and the bundled real slices into a workspace."""

from __future__ import annotations

import tempfile
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from agorascope.collect.pipeline import ImportSummary
from agorascope.demo.writers import write

__all__ = ["BUNDLED", "DEMO_POSTS", "DEMO_SEED", "bundled_path", "load_demo"]

DEMO_SEED = 7
DEMO_POSTS = 20_000
BUNDLED = {
    "ira": "data/social/ira_tweets_slice.csv.gz",
    "cascade-trees": "data/social/twitter15_slice.csv.gz",
}
"""Real slices shipped in the package (format -> resource path); sources in their SOURCE.md."""


def bundled_path(resource: str) -> Any:
    """A context manager giving a real file path for a packaged resource."""
    return as_file(files("agorascope").joinpath(resource))


def load_demo(
    workspace: Any,
    posts: int = DEMO_POSTS,
    seed: int = DEMO_SEED,
    progress: bool = False,
) -> list[ImportSummary]:
    """Import the generated demo world and the bundled real slices into ``workspace``.

    Idempotent: running it again on the same store adds nothing.
    """
    summaries = []
    with tempfile.TemporaryDirectory(prefix="agorascope-demo-") as tmp:
        generated = write(Path(tmp) / f"demo-world-seed{seed}.parquet", posts=posts, seed=seed)
        summaries.append(workspace.import_files([generated], format="native", progress=progress))
    for fmt, resource in BUNDLED.items():
        with bundled_path(resource) as path:
            summaries.append(workspace.import_files([path], format=fmt, progress=progress))
    return summaries
