"""Full-text search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.schemas import ErrorPublic
from agorascope.report.search import search_page

router = APIRouter(
    prefix="/api",
    tags=["search"],
    responses={400: {"model": ErrorPublic}, 422: {"model": ErrorPublic}},
)


@router.get("/search")
def get_search(
    _: Viewer,
    ws: WorkspaceDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Boolean query.")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=9_800)] = 0,
    sort: Literal["relevance", "newest"] = "relevance",
    facets: bool = True,
) -> dict[str, Any]:
    """Posts matching ``q``: total, hits ``[offset, offset + limit)`` with highlighted
    snippets (text and spans), and facets (platform, language, country) of every match."""
    return search_page(ws.store, q, limit=limit, offset=offset, sort=sort, facets=facets).to_dict()
