"""Several topics side by side (the compare page's data)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.schemas import ErrorPublic

router = APIRouter(
    prefix="/api/listen",
    tags=["listen"],
    responses={400: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get("/compare")
def compare(
    _: Viewer,
    ws: WorkspaceDep,
    topics: Annotated[
        list[str], Query(min_length=2, max_length=8, description="Topic names or queries.")
    ],
    since: Annotated[str | None, Query(max_length=40, description="Window start (UTC).")] = None,
    until: Annotated[
        str | None, Query(max_length=40, description="Window end (a date includes its day).")
    ] = None,
) -> dict[str, Any]:
    """Volume, share of voice, tiers and countries of several topics over one window."""
    return ws.reports.compare(topics, since=since, until=until).to_dict()
