"""The mentions list: its page ``/mentions``, its API ``/api/mentions`` and streamed exports.

The list is the registered analysis ``listen mentions``; these routes only parse the URL,
run it and present. The URL is the page's whole state (selection, window, time zone, filters,
sort, collapsing, page cursor), so a copied link restores the page. ``since`` and ``until``
without an offset are read in ``tz`` (an IANA zone, default UTC), as on the topic page; the
page shows every time in that zone, the JSON rows and exports stay in UTC.

- ``GET /mentions?<filters>``: the page (filters as removable chips, export buttons, a copy
  link button, tag and collection forms for analysts).
- ``GET /api/mentions?<filters>``: one page as JSON (as ``/api/listen/mentions``); with
  ``format=csv|xlsx|parquet`` the whole list as a file.
- ``GET /api/mentions.csv|.xlsx|.parquet?<filters>``: the whole list, streamed page by page.
- ``POST /api/tags`` / ``DELETE /api/tags``: tag or untag a post; ``POST /post-tags``: the
  page's form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Annotated, Any, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from agorascope import registry
from agorascope.api.deps import Analyst, StateDep, Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.schemas import ErrorPublic
from agorascope.api.security import Role
from agorascope.api.state import AppState
from agorascope.components import Analyses
from agorascope.errors import AgorascopeError, InvalidInputError
from agorascope.listen.mentions import MentionFilters
from agorascope.listen.tags import add_tag, remove_tag
from agorascope.report.export import FORMATS, MEDIA_TYPES, export_filename, stream_rows
from agorascope.report.timecontrols import (
    TimeControls,
    local,
    newest_post,
    time_controls,
    zoned_window,
)
from agorascope.text import url_host
from agorascope.timeutil import Window

__all__ = ["analysis_links", "export_response", "mentions_url", "pages", "router", "row_links"]

router = APIRouter(
    prefix="/api",
    tags=["listen"],
    responses={400: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
pages = APIRouter(include_in_schema=False)

SELECTION = ("topic", "q", "since", "until")
STATE = (*SELECTION, "tz", *MentionFilters.names(), "sort", "collapse", "per_page", "after")
"""Every URL parameter of the list, in the order links write them."""
EXPORT_BATCH = 2000
"""Rows read per step of an export (the workspace is let go between steps)."""


def _spec() -> registry.Analysis:
    return registry.get("listen", "mentions")


def _state(params: Mapping[str, str]) -> dict[str, str]:
    """The list's state from URL parameters (empty values dropped, known names only)."""
    return {k: params[k].strip() for k in STATE if params.get(k, "").strip()}


def mentions_url(state: Mapping[str, Any], **changes: Any) -> str:
    """The ``/mentions`` URL of ``state`` with ``changes`` (None removes a parameter).

    Any change other than the cursor goes back to the first page.
    """
    out = {k: v for k, v in state.items() if v not in (None, "")}
    if set(changes) - {"after"}:
        out.pop("after", None)
    for k, v in changes.items():
        if v in (None, ""):
            out.pop(k, None)
        else:
            out[k] = v
    ordered = [(k, str(out[k])) for k in STATE if k in out]
    return "/mentions" + ("?" + urlencode(ordered) if ordered else "")


def _window(state: Mapping[str, str]) -> Window:
    """The list's window: ``since`` and ``until`` read in ``tz`` (naive UTC ends)."""
    return zoned_window(state.get("since"), state.get("until"), state.get("tz") or "UTC")


def _run(ws: Any, state: Mapping[str, str]) -> registry.Result:
    values: dict[str, Any] = {k: v for k, v in state.items() if k not in (*SELECTION, "tz")}
    if "collapse" in values:
        values["collapse"] = values["collapse"].lower() in ("1", "true", "yes", "on")
    w = _window(state)
    return Analyses(ws, "listen").run(
        "mentions", topic=state.get("topic"), query=state.get("q"), since=w.since,
        until=w.until, **values,
    )  # fmt: skip


# -- API ----------------------------------------------------------------------------------


def _export(state: AppState, params: Mapping[str, str], fmt: str) -> Response:
    """The whole list as a file, streamed: each batch is read under the workspace, which is
    let go between batches (other requests go on during a long export)."""
    if fmt not in FORMATS:
        raise InvalidInputError(f"export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    st = {k: v for k, v in _state(params).items() if k not in ("after", "per_page")}
    with state.using() as ws:  # the first batch: a bad filter is an error before any byte
        first = _run(ws, {**st, "per_page": str(EXPORT_BATCH)})

    def batches() -> Iterator[list[dict[str, Any]]]:
        result = first
        while True:
            if result.rows:
                yield result.rows
            cursor = result.meta.get("next")
            if not cursor:
                return
            with state.using() as ws:
                result = _run(ws, {**st, "per_page": str(EXPORT_BATCH), "after": cursor})

    row, names = utc_named(_spec().row)
    renamed = ([{names.get(k, k): v for k, v in r.items()} for r in b] for b in batches())
    return export_response(renamed, row, fmt, export_filename("mentions", st, fmt))


def utc_named(row: type[BaseModel]) -> tuple[type[BaseModel], dict[str, str]]:
    """``row`` with its time columns renamed ``<name>_utc`` (what an export's header shows:
    its times are UTC whatever the page's zone), and the renaming."""
    names = {
        n: f"{n}_utc"
        for n, f in row.model_fields.items()
        if f.annotation is datetime or datetime in get_args(f.annotation)
    }
    fields: dict[str, Any] = {
        names.get(n, n): (f.annotation, f) for n, f in row.model_fields.items()
    }
    return create_model(f"{row.__name__}Utc", **fields), names


def export_response(
    batches: Iterable[list[dict[str, Any]]], row: type[Any], fmt: str, name: str
) -> StreamingResponse:
    """A download of ``batches`` (rows of the model ``row``) in ``fmt``, named ``name``."""
    return StreamingResponse(
        stream_rows(batches, row, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/mentions", include_in_schema=False)
def api_mentions(
    request: Request,
    _: Viewer,
    state: StateDep,
    format: Annotated[str | None, Query(max_length=10)] = None,
) -> Any:
    """One page of the mentions list as JSON (as ``/api/listen/mentions``), or with
    ``format`` the whole list as a file."""
    params = request.query_params
    if format and format != "json":
        return _export(state, params, format)
    with state.using() as ws:
        result = _run(ws, _state(params))
    return {**result.page(), "selection": result.selection}


@router.get("/mentions.{fmt}", include_in_schema=False)
def api_mentions_file(request: Request, _: Viewer, state: StateDep, fmt: str) -> Response:
    """The whole mentions list as CSV, XLSX or Parquet (the same filters as the page)."""
    return _export(state, request.query_params, fmt)


class TagCreate(BaseModel):
    """A tag to put on a post (``platform:id``)."""

    model_config = ConfigDict(extra="forbid")

    post: str = Field(min_length=1, max_length=300)
    tag: str = Field(min_length=1, max_length=50)


@router.post("/tags", status_code=201)
def post_tag(_: Analyst, ws: WorkspaceDep, body: TagCreate) -> dict[str, str]:
    """Tag a post (tagging twice changes nothing)."""
    platform, post_id, tag = add_tag(ws.store, body.post, body.tag)
    return {"platform": platform, "post_id": post_id, "tag": tag}


@router.delete("/tags", status_code=204)
def delete_tag(
    _: Analyst,
    ws: WorkspaceDep,
    post: Annotated[str, Query(min_length=1, max_length=300)],
    tag: Annotated[str, Query(min_length=1, max_length=50)],
) -> Response:
    """Take a tag off a post."""
    remove_tag(ws.store, post, tag)
    return Response(status_code=204)


# -- page ---------------------------------------------------------------------------------


def _chips(state: Mapping[str, str], window: Window | None, tz: str) -> list[dict[str, str]]:
    """Each filter of the page, with the URL that removes it (the window's ends as wall-clock
    times of ``tz``, the zone named)."""
    shown = [*SELECTION, *MentionFilters.names(), "collapse"]
    ends = {"since": window.since, "until": window.until} if window else {}
    return [
        {"name": k, "value": _shown(ends[k], tz) if ends.get(k) else state[k],
         "remove": mentions_url(state, **{k: None})}
        for k in shown
        if k in state
    ]  # fmt: skip


def _shown(t: Any, tz: str) -> str:
    """A naive UTC time as the page shows it: wall-clock time of ``tz``, the zone named."""
    return f"{local(t, tz):%Y-%m-%d %H:%M} {tz}"


def row_links(row: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    """Links of a post's entities: author page, and the list narrowed to a hashtag, a
    link's domain, a country, a language, a relation or the post's cascade."""
    platform, author = row.get("platform"), row.get("author_id")
    hosts = sorted({h for u in row.get("urls") or [] if (h := url_host(u))})
    root = row.get("root_id") or (row.get("id") if row.get("copies") else None)
    return {
        "author": f"/authors/{platform}/{author}" if platform and author else None,
        "hashtags": [(h, mentions_url(state, hashtag=h)) for h in row.get("hashtags") or []],
        "domains": [(h, mentions_url(state, domain=h)) for h in hosts],
        "country": mentions_url(state, country=row["country"]) if row.get("country") else None,
        "lang": mentions_url(state, lang=row["lang"]) if row.get("lang") else None,
        "relation": mentions_url(state, relation=row["relation"]) if row.get("relation") else None,
        "root": mentions_url(state, root=f"{platform}:{root}") if root else None,
    }


_BREAKDOWN_FILTERS = ("country", "lang", "platform", "relation")


def analysis_links(
    spec: registry.Analysis,
    by: str | None,
    rows: list[dict[str, Any]],
    selection: Mapping[str, str],
) -> list[dict[str, str]]:
    """For each row of a listening analysis, links of its cells: an author to the author page,
    a hashtag, a tier, a breakdown's group or a cascade root to the mentions list of the same
    selection narrowed to it (other domains: no links)."""
    if spec.domain != "listen" or spec.needs != "selection":
        return [{} for _ in rows]
    state = {k: v for k, v in selection.items() if k in SELECTION and v}
    out = []
    for r in rows:
        links: dict[str, str] = {}
        platform = r.get("platform")
        if platform and r.get("author_id"):
            links["author_id"] = f"/authors/{platform}/{r['author_id']}"
        if platform and r.get("root_id"):
            links["root_id"] = mentions_url(state, root=f"{platform}:{r['root_id']}")
        for col in ("hashtag", "source", "target"):
            if col in r and r[col] and spec.name in ("hashtags", "rising-hashtags", "cohashtags"):
                links[col] = mentions_url(state, hashtag=r[col])
        if r.get("tier"):
            links["tier"] = mentions_url(state, tier=r["tier"])
        if r.get("key") is not None and by in _BREAKDOWN_FILTERS:
            links["key"] = mentions_url(state, **{by: r["key"]})
        elif r.get("key") is not None and by == "author" and platform:
            links["key"] = f"/authors/{platform}/{r['key']}"
        out.append(links)
    return out


def _export_links(state: Mapping[str, str]) -> dict[str, str]:
    kept = [(k, state[k]) for k in STATE if k in state and k not in ("after", "per_page")]
    query = urlencode(kept)
    return {fmt: f"/api/mentions.{fmt}" + (f"?{query}" if query else "") for fmt in FORMATS}


@pages.get("/mentions", response_class=HTMLResponse)
def mentions_page(request: Request, principal: Viewer, ws: WorkspaceDep) -> Response:
    """The mentions list: filters as chips, sorts, collapsing, keyset pages, exports."""
    state = _state(request.query_params)
    spec = _spec()
    newest = newest_post(ws.store)
    ctx: dict[str, Any] = {
        "title": "Mentions",
        "state": state,
        "tz": "UTC",
        "tc": _controls(state, newest, "UTC", None),
        "chips": _chips(state, None, "UTC"),
        "topics": [t.name for t in ws.topics.list()],
        "fields": spec.params.model_fields,
        "exports": _export_links(state),
        "result": None,
        "error": None,
        "can_edit": principal.may(Role.analyst),
        "url": lambda **changes: mentions_url(state, **changes),
        "links": lambda row: row_links(row, state),
    }
    status = 200
    try:
        window = _window(state)  # a bad zone or date: an error, shown in place
        tz = ctx["tz"] = state.get("tz") or "UTC"
        ctx["tc"] = _controls(state, newest, tz, window)
        ctx["chips"] = _chips(state, window, tz)
        result = _run(ws, state)
        ctx["result"] = result
        nxt = result.meta.get("next")
        ctx["next_url"] = mentions_url(state, after=nxt) if nxt else None
        ctx["first_url"] = mentions_url(state, after=None) if "after" in state else None
    except (AgorascopeError, ValueError) as e:
        ctx["error"] = str(e)
        status = 404 if type(e).__name__ == "NotFoundError" else 422
    return render_page(request, "mentions.html", ctx, status_code=status)


def _controls(
    state: Mapping[str, str], newest: Any, tz: str, window: Window | None
) -> TimeControls:
    """The time controls of the list: presets, pickers and zone keep the other parameters."""
    keep = [(k, state[k]) for k in STATE if k in state and k not in ("since", "until", "tz",
            "after")]  # fmt: skip
    return time_controls(
        newest, since=state.get("since"), until=state.get("until"), tz=tz, compare=None,
        window=(window.since, window.until) if window else None, hidden=keep,
    )  # fmt: skip


@pages.post("/post-tags")
def tag_form(
    _: Analyst,
    ws: WorkspaceDep,
    post: Annotated[str, Form(max_length=300)],
    tag: Annotated[str, Form(max_length=50)],
    back: Annotated[str, Form(max_length=4000)] = "/mentions",
    remove: Annotated[bool, Form()] = False,
) -> Response:
    """Tag (or untag) a post from the mentions page, then go back to it."""
    if remove:
        remove_tag(ws.store, post, tag)
    else:
        add_tag(ws.store, post, tag)
    target = back if back.startswith("/mentions") and not back.startswith("//") else "/mentions"
    return RedirectResponse(target, status_code=303)
