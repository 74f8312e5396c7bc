"""Saved topics: list, create, update, delete, and a topic's full report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from agorascope.api.deps import Analyst, Page, StateDep, StoreDep, Viewer
from agorascope.api.schemas import ErrorPublic, PagePublic, TopicCreate, TopicPublic, TopicUpdate
from agorascope.query import add_topic, get_topic, list_topics, remove_topic
from agorascope.report import render_topic_html, topic_report

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
def get_topics(_: Viewer, store: StoreDep, paging: Page) -> dict[str, Any]:
    """Every saved topic, by name."""
    return paging.page([t.to_dict() for t in list_topics(store)])


@router.post("", response_model=TopicPublic, status_code=201)
def post_topic(_: Analyst, store: StoreDep, body: TopicCreate) -> dict[str, Any]:
    """Save a query as a topic (the query must parse; the name must be new)."""
    return add_topic(store, body.name, body.query, body.description).to_dict()


@router.get("/{name}", response_model=TopicPublic)
def get_one(_: Viewer, store: StoreDep, name: str) -> dict[str, Any]:
    """One topic."""
    return get_topic(store, name).to_dict()


@router.put("/{name}", response_model=TopicPublic)
def put_topic(_: Analyst, store: StoreDep, name: str, body: TopicUpdate) -> dict[str, Any]:
    """Change a topic's query and description (the topic must exist)."""
    get_topic(store, name)
    return add_topic(store, name, body.query, body.description, replace=True).to_dict()


@router.delete("/{name}", status_code=204)
def delete_topic(_: Analyst, store: StoreDep, name: str) -> Response:
    """Delete a topic."""
    remove_topic(store, name)
    return Response(status_code=204)


@router.get("/{name}/report")
def get_report(
    _: Viewer,
    state: StateDep,
    store: StoreDep,
    name: str,
    since: Since = None,
    until: Until = None,
    cascade: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Everything the topic page shows, as JSON (timeline, spikes, shares, tiers, cascades)."""
    get_topic(store, name)
    key = ("topic", name, since, until, cascade)
    r = state.cache.get(
        store, key, lambda: topic_report(store, name, since, until, cascade=cascade)
    )
    return r.to_dict()


@router.get("/{name}/report.html", response_class=HTMLResponse)
def get_report_html(
    _: Viewer,
    state: StateDep,
    store: StoreDep,
    name: str,
    since: Since = None,
    until: Until = None,
) -> HTMLResponse:
    """The topic's self-contained HTML report (scripts and maps inlined), as a download."""
    get_topic(store, name)
    key = ("topic", name, since, until, None)
    r = state.cache.get(store, key, lambda: topic_report(store, name, since, until))
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "topic"
    return HTMLResponse(
        render_topic_html(r),
        headers={"Content-Disposition": f'attachment; filename="agorascope-{safe}.html"'},
    )
