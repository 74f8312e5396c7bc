"""The open-data explorer page (``/opendata``) and the map outlines it draws with.

The content comes from :func:`agorascope.opendata.explore.explore` and the registered
``opendata per-capita`` analysis; this module only reads the request and renders.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.errors import AgorascopeError
from agorascope.opendata.charts import geojson_text
from agorascope.opendata.explore import explore, posts_map
from agorascope.opendata.join import join_file

router = APIRouter(include_in_schema=False)

_Table = Literal["counties", "states"]
_Column = Annotated[str | None, Query(max_length=200)]


def _posts(ws: Any, topic: str | None, level: Literal["state", "county"]) -> dict[str, Any]:
    topics = [t.name for t in ws.topics.list()]
    out: dict[str, Any] = {"topics": topics, "topic": topic, "level": level}
    if topic:
        result = ws.opendata.run("per-capita", topic=topic, level=level)
        out.update(rows=result.rows[:20], meta=result.meta,
                   figure=posts_map(result.rows, level, topic))  # fmt: skip
    return out


def _page(request: Request, ws: Any, explorer: Any, topic: str | None, level: Any) -> Response:
    posts = _posts(ws, topic, level)
    figures = dict(explorer.figures)
    if "figure" in posts:
        figures["posts_map"] = posts.pop("figure")
    ctx = {"title": "Open data", "ex": explorer, "posts": posts, "figures": figures}
    return render_page(request, "opendata.html", ctx)


@router.get("/opendata", response_class=HTMLResponse)
def opendata_page(
    request: Request,
    _: Viewer,
    ws: WorkspaceDep,
    table: _Table = "counties",
    x: _Column = None,
    y: _Column = None,
    column: _Column = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    level: Literal["state", "county"] = "state",
) -> Response:
    """Tables, a preview, the correlation explorer, a map, and posts per inhabitant."""
    return _page(request, ws, explore(table, x or None, y or None, column or None), topic, level)


@router.post("/opendata", response_class=HTMLResponse)
async def opendata_join(
    request: Request,
    _: Viewer,
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    table: Annotated[_Table, Form()] = "counties",
    on: Annotated[str, Form(max_length=200)] = "",
    x: Annotated[str, Form(max_length=200)] = "",
    y: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Join an uploaded county or state file with a table and explore the result."""
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(await file.read())
        level: Literal["county", "state"] = "county" if table == "counties" else "state"
        try:
            joined = join_file(path, on=on or None, tables=[table], level=level)
        except AgorascopeError as e:
            explorer = explore(table)
            explorer.error = str(e).replace(str(path), name)
            return _page(request, ws, explorer, None, "state")
    return _page(
        request, ws, explore(table, x or None, y or None, None, joined, name), None, "state"
    )


@router.get("/opendata/geo/{level}")
def outlines(_: Viewer, level: Literal["county", "state"]) -> Response:
    """County or state outlines as GeoJSON (from the bundled us-atlas TopoJSON)."""
    return Response(
        geojson_text(level),
        media_type="application/geo+json",
        headers={"Cache-Control": "private, max-age=86400"},
    )
