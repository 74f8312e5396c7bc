"""Saved topics: list, create, update, delete, and a topic's full report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from agorascope.api.deps import Analyst, Page, Viewer, WorkspaceDep
from agorascope.api.pages_render import report_attachment
from agorascope.api.schemas import ErrorPublic, PagePublic, TopicCreate, TopicPublic, TopicUpdate
from agorascope.query import add_topic, get_topic, list_topics, remove_topic

router = APIRouter(
    prefix="/api/topics",
    tags=["topics"],
    responses={
        400: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)

Since = Annotated[str | None, Query(max_length=40, description="Window start (ISO, UTC).")]
Until = Annotated[str | None, Query(max_length=40, description="Window end; a date is included.")]


@router.get("", response_model=PagePublic)
def get_topics(_: Viewer, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Every saved topic, by name."""
    return paging.page([t.to_dict() for t in list_topics(ws.store)])


@router.post("", response_model=TopicPublic, status_code=201)
def post_topic(_: Analyst, ws: WorkspaceDep, body: TopicCreate) -> dict[str, Any]:
    """Save a query as a topic (the query must parse; the name must be new)."""
    return add_topic(ws.store, body.name, body.query, body.description).to_dict()


@router.get("/{name}", response_model=TopicPublic)
def get_one(_: Viewer, ws: WorkspaceDep, name: str) -> dict[str, Any]:
    """One topic."""
    return get_topic(ws.store, name).to_dict()


@router.put("/{name}", response_model=TopicPublic)
def put_topic(_: Analyst, ws: WorkspaceDep, name: str, body: TopicUpdate) -> dict[str, Any]:
    """Change a topic's query and description (the topic must exist)."""
    get_topic(ws.store, name)
    return add_topic(ws.store, name, body.query, body.description, replace=True).to_dict()


@router.delete("/{name}", status_code=204)
def delete_topic(_: Analyst, ws: WorkspaceDep, name: str) -> Response:
    """Delete a topic."""
    remove_topic(ws.store, name)
    return Response(status_code=204)


@router.get("/{name}/report")
def get_report(
    _: Viewer,
    ws: WorkspaceDep,
    name: str,
    since: Since = None,
    until: Until = None,
    cascade: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Everything the topic page shows, as JSON (timeline, spikes, shares, tiers, cascades)."""
    return ws.reports.cached_topic(name, since, until, cascade).to_dict()


@router.get("/{name}/report.html", response_class=HTMLResponse)
def get_report_html(
    _: Viewer,
    ws: WorkspaceDep,
    name: str,
    since: Since = None,
    until: Until = None,
) -> HTMLResponse:
    """The topic's self-contained HTML report (scripts and maps inlined), as a download."""
    return report_attachment(ws.reports.cached_topic(name, since, until), name)
