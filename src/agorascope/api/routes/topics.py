"""Saved topics: list, create, update, delete, and a topic's full report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from agorascope.api.deps import Analyst, Page, Viewer, WorkspaceDep
from agorascope.api.pages_render import report_attachment
from agorascope.api.schemas import (
    ErrorPublic,
    PagePublic,
    TopicCreate,
    TopicPreviewPublic,
    TopicPublic,
    TopicUpdate,
)
from agorascope.query import get_topic, list_topics, remove_topic
from agorascope.report.timecontrols import check_zone

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
Zone = Annotated[
    str, Query(max_length=64, description="IANA time zone of the intervals and of times given "
               "without an offset (default UTC).")
]  # fmt: skip
Compare = Annotated[bool, Query(description="Add the previous period of equal length.")]


@router.get("", response_model=PagePublic)
def get_topics(_: Viewer, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Every saved topic, by name."""
    return paging.page([t.to_dict() for t in list_topics(ws.store)])


@router.post("", response_model=TopicPublic, status_code=201)
def post_topic(_: Analyst, ws: WorkspaceDep, body: TopicCreate) -> dict[str, Any]:
    """Save a query as a topic (the query must parse; the name must be new)."""
    return ws.topics.add(body.name, body.query, body.description, tags=body.tags).to_dict()


@router.get("/preview", response_model=TopicPreviewPublic)
def preview_topic(
    _: Viewer,
    ws: WorkspaceDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Boolean query.")],
    since: Since = None,
    until: Until = None,
    sample: Annotated[int, Query(ge=0, le=50, description="Newest posts to show.")] = 5,
) -> dict[str, Any]:
    """What a query selects before it is saved as a topic: its post count (as the topic page
    counts) and its newest posts; a query that does not parse is a 400 with the column."""
    return ws.topics.preview(q, since, until, sample=sample)


@router.get("/{name}", response_model=TopicPublic)
def get_one(_: Viewer, ws: WorkspaceDep, name: str) -> dict[str, Any]:
    """One topic."""
    return get_topic(ws.store, name).to_dict()


@router.put("/{name}", response_model=TopicPublic)
def put_topic(_: Analyst, ws: WorkspaceDep, name: str, body: TopicUpdate) -> dict[str, Any]:
    """Change a topic's query, description and tags, and rename it when ``name`` is given
    (the new name must be free: 400 otherwise; watches follow the new name)."""
    return ws.topics.update(
        name, body.query, body.description, tags=body.tags, new_name=body.name
    ).to_dict()


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
    tz: Zone = "UTC",
    compare: Compare = False,
) -> dict[str, Any]:
    """Everything the topic page shows, as JSON (timeline, spikes, shares, tiers, cascades;
    with ``compare``, the previous period and the changes)."""
    r = ws.reports.cached_topic(name, since, until, cascade, tz=check_zone(tz), compare=compare)
    return r.to_dict()


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
