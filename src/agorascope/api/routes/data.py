"""Overview of the store, and file import (upload)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from agorascope._json import plain
from agorascope.api.deps import Analyst, StateDep, Viewer, WorkspaceDep
from agorascope.api.schemas import ErrorPublic, ImportPublic
from agorascope.api.state import hide_paths
from agorascope.errors import InvalidInputError
from agorascope.report import overview_report
from agorascope.workspace import Workspace

router = APIRouter(prefix="/api", tags=["data"], responses={422: {"model": ErrorPublic}})

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILES = 20


@router.get("/overview")
def get_overview(_: Viewer, ws: WorkspaceDep) -> dict[str, Any]:
    """Counts, time span, breakdowns, data sources and topics of the store."""
    return plain(ws.cache.get(ws.store, ("overview",), lambda: overview_report(ws)))  # type: ignore[no-any-return]


def import_uploads(state: Any, ws: Workspace, uploads: list[UploadFile], fmt: str | None) -> Any:
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
        # rejects of uploads go to one managed folder, never beside the temporary copies
        kept = ws.settings
        ws.settings = kept.model_copy(update={"rejects_dir": state.upload_rejects_dir()})
        try:
            summary = ws.import_files(list(names), format=fmt or None, names=names)
        finally:
            ws.settings = kept
    state.warm_in_background()
    return summary


@router.post("/import", response_model=ImportPublic, status_code=201)
def post_import(
    _: Analyst,
    state: StateDep,
    ws: WorkspaceDep,
    files: Annotated[list[UploadFile], File(description="Files to import.")],
    format: Annotated[str | None, Form(max_length=40, description="Format (auto).")] = None,
) -> dict[str, Any]:
    """Import uploaded files (CSV, JSON Lines, Parquet, platform exports); idempotent."""
    summary = import_uploads(state, ws, files, format)
    return hide_paths(plain(summary.to_dict()))
