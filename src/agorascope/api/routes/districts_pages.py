"""Dashboard page of the districts domain: a bundled plan's metrics and its ensemble.

The data come from :func:`agorascope.districts.dashboard.plan_page` (the functions behind the
``metrics`` and ``ensemble`` analyses and the outlier report); the page only presents them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from agorascope.api.deps import Viewer
from agorascope.api.pages_render import render_page
from agorascope.districts.dashboard import DEMO_PLANS, plan_page

router = APIRouter(include_in_schema=False)


@router.get("/districts", response_class=HTMLResponse)
def districts_page(
    request: Request,
    _: Viewer,
    graph: Annotated[
        Literal["IA_counties", "PA_vtd_9059"], Query(description="Bundled graph.")
    ] = "IA_counties",
) -> Response:
    """Plan metrics, ensemble histograms with the plan marked, and the outlier report."""
    data = plan_page(graph)
    return render_page(
        request,
        "districts.html",
        {"title": f"Districts: {graph}", "graphs": list(DEMO_PLANS), "graph": graph, **data},
    )
