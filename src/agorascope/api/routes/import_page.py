"""The import page: upload a file, see the guessed mapping and a preview, then import.

``GET /import`` shows the upload form; ``POST /import/preview`` keeps the upload in a staging
folder beside the store's rejects (named by a random token, removed after the import or after
:data:`STAGED_HOURS`), guesses a mapping (or detects a preset) and shows the first rows as
they would be stored; the mapping form posts back to ``/import/preview`` (preview again) or to
``/import/commit`` (import). The one-step ``POST /import`` of the overview stays in
:mod:`agorascope.api.routes.pages`.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from agorascope._json import plain
from agorascope.api.deps import Analyst, StateDep, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.collect.canonical import describe_fields
from agorascope.collect.dates import DATE_FIELDS
from agorascope.collect.guess import Guess, guess_mapping, preview
from agorascope.collect.presets import PRESETS
from agorascope.collect.rejects import read_rejects
from agorascope.errors import InvalidInputError
from agorascope.workspace import Workspace

__all__ = ["STAGED_HOURS", "router"]

router = APIRouter(include_in_schema=False)

STAGED_HOURS = 1.0
"""How long an upload waits in the staging folder for its import."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PREVIEW_COLUMNS = ("platform", "id", "author_id", "created_at", "relation", "parent_id",
                    "lang", "country", "likes", "reposts", "text")  # fmt: skip


def _staging(state: Any) -> Path:
    folder: Path = state.upload_rejects_dir().parent / "staged-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_HOURS * 3600
    for old in folder.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def _stage(state: Any, upload: UploadFile) -> tuple[str, Path, str]:
    shown = Path((upload.filename or "").replace("\\", "/")).name[-200:] or "upload"
    token = secrets.token_urlsafe(18)
    folder = _staging(state) / token
    folder.mkdir()
    target = folder / "data" / ((_SAFE.sub("_", shown).lstrip(".") or "upload")[-120:])
    target.parent.mkdir()
    (folder / "name.txt").write_text(shown, encoding="utf-8")
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            out.write(chunk)
    return token, target, shown


def _staged(state: Any, token: str) -> tuple[Path, str]:
    folder = _staging(state) / token
    ok = _TOKEN.fullmatch(token) and (folder / "data").is_dir()
    files = sorted((folder / "data").iterdir()) if ok else []
    if not files:
        raise InvalidInputError("the uploaded file is no longer staged: upload it again")
    return files[0], (folder / "name.txt").read_text(encoding="utf-8")


def _choices(form: Mapping[str, Any], prefix: str) -> dict[str, str]:
    out = {}
    for key, value in form.items():
        if key.startswith(prefix) and isinstance(value, str) and value.strip():
            out[key[len(prefix) :]] = value.strip()
    return out


def _context(
    guess: Guess | None,
    shown: str,
    token: str,
    result: dict[str, Any] | None,
    error: str | None,
) -> dict[str, Any]:
    posts = (result or {}).get("posts", [])
    columns = [c for c in _PREVIEW_COLUMNS if any(p.get(c) not in (None, "", []) for p in posts)]
    return {
        "title": "Import",
        "presets": [(name, p.description) for name, p in PRESETS.items() if p.detectable],
        "fields": describe_fields(),
        "date_fields": DATE_FIELDS,
        "guess": guess,
        "name": shown,
        "token": token,
        "preview": result,
        "preview_columns": ["line", *columns],
        "error": error,
    }


def _run_preview(path: Path, shown: str, guess: Guess | None, fmt: str | None) -> Guess:
    """The guess to show: the upload's own (first visit) or the form's (preview again)."""
    if guess is not None:
        return guess
    if fmt and fmt != "mapping":
        return Guess(str(path), fmt)
    return guess_mapping(path)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, _: Analyst) -> HTMLResponse:
    """The upload form."""
    return render_page(request, "import.html", _context(None, "", "", None, None))


@router.post("/import/preview", response_class=HTMLResponse)
async def import_preview(request: Request, _: Analyst, state: StateDep) -> HTMLResponse:
    """Stage an upload (or take the staged one) and preview its import with a mapping."""
    async with request.form() as form:
        return await _preview_form(request, state, form)


async def _preview_form(request: Request, state: Any, form: Any) -> HTMLResponse:
    upload = form.get("file")
    fmt = str(form.get("format") or "") or None
    if isinstance(upload, UploadFile) and upload.filename:
        token, path, shown = await run_in_threadpool(_stage, state, upload)
        given: Guess | None = None
    else:
        token = str(form.get("token") or "")
        path, shown = _staged(state, token)
        mapping = _choices(form, "map_")
        given = Guess(str(path), fmt or "mapping", mapping, _choices(form, "date_"))
    guess: Guess | None = None
    try:
        guess = await run_in_threadpool(_run_preview, path, shown, given, fmt)
        mapped = guess.mapping if guess.format == "mapping" else None
        result = await run_in_threadpool(
            preview, path, guess.format, mapped, guess.date_formats, 10
        )
        error = None
    except InvalidInputError as e:
        result, error = None, str(e).replace(str(path), shown)
        guess = guess or given or Guess(str(path), "mapping")
    return render_page(request, "import.html", _context(guess, shown, token, result, error))


@contextmanager
def _upload_rejects(state: Any, ws: Workspace) -> Iterator[None]:
    """Rejects of uploads go to one managed folder, never beside the staged copies."""
    kept = ws.settings
    ws.settings = kept.model_copy(update={"rejects_dir": state.upload_rejects_dir()})
    try:
        yield
    finally:
        ws.settings = kept


@router.post("/import/commit", response_class=HTMLResponse)
async def import_commit(
    request: Request, _: Analyst, state: StateDep, ws: WorkspaceDep
) -> HTMLResponse:
    """Import the staged upload with the form's format, mapping and date formats."""
    async with request.form() as form:
        return await _commit_form(request, state, ws, form)


async def _commit_form(request: Request, state: Any, ws: Workspace, form: Any) -> HTMLResponse:
    token = str(form.get("token") or "")
    path, shown = _staged(state, token)
    fmt = str(form.get("format") or "") or None
    mapping = _choices(form, "map_") if fmt in (None, "mapping") else {}

    def run() -> Any:
        with _upload_rejects(state, ws):
            return ws.import_files(
                [path],
                format=fmt,
                mapping=mapping or None,
                names={path: shown},
                date_formats=_choices(form, "date_") or None,
            )

    try:
        summary = await run_in_threadpool(run)
    except InvalidInputError as e:
        guess = Guess(str(path), fmt or "mapping", mapping, _choices(form, "date_"))
        ctx = _context(guess, shown, token, None, str(e).replace(str(path), shown))
        return render_page(request, "import.html", ctx, status_code=422)
    shutil.rmtree(path.parent.parent, ignore_errors=True)
    state.warm_in_background()
    rejects = {f.path: read_rejects(f.rejects_path) for f in summary.files}
    ctx = {"title": "Import", "summary": plain(summary.to_dict()), "rejects": rejects}
    return render_page(request, "imported.html", ctx)
