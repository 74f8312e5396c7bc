"""Followed sources: the REST routes (``/api/sources``) and the dashboard page (``/sources``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from agorascope.api.deps import Analyst, Page, StateDep, Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.schemas import ErrorPublic, PagePublic
from agorascope.store.store import utcnow
from agorascope.watch.sources import KINDS, next_run

router = APIRouter(
    prefix="/api/sources",
    tags=["sources"],
    responses={400: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
pages = APIRouter(include_in_schema=False)

SourceId = Annotated[int, Path(ge=1, le=2**62, description="The source's id.")]


class SourceCreate(BaseModel):
    """A URL to follow."""

    url: str = Field(max_length=4000, description="Feed, page or sitemap URL ({query} allowed).")
    kind: str = Field("feed", description=f"One of {', '.join(KINDS)}.", max_length=10)
    every: str = Field("30m", description="Time between fetches: 30m, 2h, 1d.", max_length=20)
    name: str | None = Field(None, max_length=200, description="Name posts record.")
    query: str | None = Field(None, max_length=500, description="Words filling {query}.")


class SourcePublic(BaseModel):
    """A followed source and its fetch state."""

    id: int
    kind: str
    name: str
    url: str
    every: int
    status: str
    added_at: datetime
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: int | None = None
    next_fetch_at: datetime | None = None
    failures: int = 0
    failure_score: float = 0.0
    last_error: str | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    fetches: int = 0
    items: int = 0


@router.get("", response_model=PagePublic)
def get_sources(_: Viewer, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Every followed source with its status, last and next fetch."""
    return paging.page([s.to_dict() for s in ws.sources.list()])


@router.get("/{source_id}", response_model=SourcePublic)
def get_source(_: Viewer, ws: WorkspaceDep, source_id: SourceId) -> dict[str, Any]:
    """One source."""
    return ws.sources.get(source_id).to_dict()


@router.post("", response_model=SourcePublic, status_code=201)
def post_source(_: Analyst, ws: WorkspaceDep, body: SourceCreate) -> dict[str, Any]:
    """Follow a URL (refused when it points at a private address, unless allowed)."""
    return ws.sources.add(
        body.url, kind=body.kind, every=body.every, name=body.name, query=body.query
    ).to_dict()


@router.delete("/{source_id}", status_code=204)
def delete_source(_: Analyst, ws: WorkspaceDep, source_id: SourceId) -> Response:
    """Stop following a source (its posts stay)."""
    ws.sources.remove(source_id)
    return Response(status_code=204)


@pages.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, _: Viewer, ws: WorkspaceDep, state: StateDep) -> Response:
    """The sources page: status, last fetch, errors and next run of every source."""
    sources = ws.sources.list()
    now = utcnow()
    scheduler = getattr(request.app.state, "scheduler", None)
    return render_page(
        request,
        "sources.html",
        {
            "title": "Sources",
            "sources": sources,
            "next_run": next_run(sources, now),
            "scheduler": scheduler is not None and scheduler.running,
            "interval": state.settings.scheduler_interval,
        },
    )
