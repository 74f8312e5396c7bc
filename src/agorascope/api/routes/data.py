"""Overview of the store, and file import (upload)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from agorascope.api.deps import Analyst, StateDep, StoreDep, Viewer
from agorascope.api.schemas import ErrorPublic, ImportPublic
from agorascope.collect.pipeline import import_paths
from agorascope.errors import InvalidInputError
from agorascope.report import overview_report
from agorascope.report._json import plain

router = APIRouter(prefix="/api", tags=["data"], responses={422: {"model": ErrorPublic}})

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILES = 20


@router.get("/overview")
def get_overview(_: Viewer, state: StateDep, store: StoreDep) -> dict[str, Any]:
    """Counts, time span, breakdowns, data sources and topics of the store."""
    return plain(state.cache.get(store, ("overview",), lambda: overview_report(store)))  # type: ignore[no-any-return]


def import_uploads(state: Any, store: Any, uploads: list[UploadFile], fmt: str | None) -> Any:
    """Save uploads under a temporary folder (with safe names) and import them; summaries,
    reject rows and errors name each upload's own file name."""
    if not uploads or len(uploads) > MAX_FILES:
        raise InvalidInputError(f"send between 1 and {MAX_FILES} files")
    with tempfile.TemporaryDirectory(prefix="agorascope-upload-") as tmp:
        names: dict[Path, str] = {}
        for i, up in enumerate(uploads):
            shown = Path((up.filename or "").replace("\\", "/")).name[-200:] or "upload"
            name = _SAFE.sub("_", shown).lstrip(".") or "upload"
            target = Path(tmp) / f"{i:02d}-{name[-120:]}"
            with target.open("wb") as out:
                while chunk := up.file.read(1 << 20):
                    out.write(chunk)
            names[target] = shown
        summary = import_paths(
            store, list(names), format=fmt or None, settings=state.settings, names=names
        )
    state.warm_in_background()
    return summary


@router.post("/import", response_model=ImportPublic, status_code=201)
def post_import(
    _: Analyst,
    state: StateDep,
    store: StoreDep,
    files: Annotated[list[UploadFile], File(description="Files to import.")],
    format: Annotated[str | None, Form(max_length=40, description="Format (auto).")] = None,
) -> dict[str, Any]:
    """Import uploaded files (CSV, JSON Lines, Parquet, platform exports); idempotent."""
    summary = import_uploads(state, store, files, format)
    return plain(summary.to_dict())  # type: ignore[no-any-return]
