"""Dashboard pages of the voters domain: sources and link quality, a person, a pair.

The data come from the registered analyses (``sources``, ``link-quality``, ``segments``,
``person``) and from :func:`agorascope.voters.review.pair`; the pages only present them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.voters.charts import probability_histogram, waterfall_chart
from agorascope.voters.review import pair

router = APIRouter(include_in_schema=False)

_RECORD = Annotated[str, Query(min_length=3, max_length=300, description="SOURCE/RECORD_ID")]


@router.get("/voters", response_class=HTMLResponse)
def voters_page(request: Request, _: Viewer, ws: WorkspaceDep) -> Response:
    """Sources, the last link's quality (distribution, merges, splits) and segments."""
    quality = ws.voters.run("link-quality")
    return render_page(
        request,
        "voters.html",
        {
            "title": "Voters",
            "sources": ws.voters.run("sources").rows,
            "quality": quality.meta,
            "segments": ws.voters.run("segments").rows,
            "figures": {"probabilities": probability_histogram(quality.rows)},
        },
    )


@router.get("/voters/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, _: Viewer, ws: WorkspaceDep, person_id: str) -> Response:
    """A person: best value of each field and its source record, then every source record."""
    found = ws.voters.run("person", person_id=person_id)
    return render_page(
        request,
        "voters_person.html",
        {"title": f"Person {person_id}", "person_id": person_id,
         "fields": found.meta["fields"], "records": found.rows},
    )  # fmt: skip


@router.get("/voters/pair", response_class=HTMLResponse)
def pair_page(request: Request, _: Viewer, ws: WorkspaceDep, a: _RECORD, b: _RECORD) -> Response:
    """The match-weight waterfall of a scored pair of records."""
    found = pair(ws.store, a, b)
    return render_page(
        request,
        "voters_pair.html",
        {"title": "Record pair", "pair": found, "figures": {"waterfall": waterfall_chart(found)}},
    )
