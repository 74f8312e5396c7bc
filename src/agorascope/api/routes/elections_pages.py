"""Dashboard page of the elections domain: a bundled cycle's forecast and every backtest.

The data come from :func:`agorascope.elections.dashboard.cycle_page` (the functions behind the
``forecast`` and ``backtest`` analyses on the bundled real cycles); the page only presents them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from agorascope.api.deps import Viewer
from agorascope.api.pages_render import render_page
from agorascope.elections.dashboard import CYCLES, cycle_page

router = APIRouter(include_in_schema=False)


@router.get("/elections", response_class=HTMLResponse)
def elections_page(
    request: Request,
    _: Viewer,
    year: Annotated[int, Query(ge=1788, le=2200, description="Bundled cycle.")] = 2016,
) -> Response:
    """Forecast map, electoral-vote distribution, tipping points and backtests."""
    data = cycle_page(year)
    return render_page(
        request,
        "elections.html",
        {"title": f"Elections {year}", "cycles": sorted(CYCLES), **data},
    )
