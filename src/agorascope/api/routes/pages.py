"""Server-rendered dashboard pages: overview, topic, search, compare, sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from agorascope._json import plain
from agorascope.api.deps import Analyst, StateDep, Viewer, WorkspaceDep, csrf_matches
from agorascope.api.errors import CSRFError
from agorascope.api.pages_render import render_page, report_attachment
from agorascope.api.reference import api_reference
from agorascope.api.routes.data import import_uploads
from agorascope.api.security import (
    TOKEN_COOKIE,
    Principal,
    Role,
    authenticate,
)
from agorascope.collect.rejects import read_rejects
from agorascope.errors import InvalidInputError, NotFoundError, QuerySyntaxError
from agorascope.query import get_topic, list_topics, remove_topic
from agorascope.query.topics import find_topic
from agorascope.report import (
    compare_figures,
    compare_report,
    overview_report,
    topic_figures,
)
from agorascope.report.search import MAX_RESULTS, search_page
from agorascope.report.timecontrols import (
    check_zone,
    newest_post,
    time_controls,
    zoned_window,
)

router = APIRouter(include_in_schema=False)

SEARCH_PAGE = 20
"""Hits per search page."""

Since = Annotated[str | None, Query(max_length=40)]
Until = Annotated[str | None, Query(max_length=40)]
Zone = Annotated[str, Query(max_length=64)]
Compare = Annotated[bool, Query()]


def _newest(ws: Any) -> datetime | None:
    """The newest post's time in the store (the presets count back from it)."""
    return newest_post(ws.store)


def _window_params(
    since: str | None, until: str | None, tz: str, compare: bool
) -> list[tuple[str, str]]:
    """The URL parameters that restore a page's window (for the forms and links it holds)."""
    out = [(k, v) for k, v in (("since", since), ("until", until)) if v]
    return out + ([("tz", tz)] if tz != "UTC" else []) + ([("compare", "1")] if compare else [])


def _can_edit(p: Principal) -> bool:
    return p.may(Role.analyst)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, principal: Viewer, ws: WorkspaceDep) -> Response:
    """The overview: counts, data sources, topics."""
    data = plain(ws.cache.get(ws.store, ("overview",), lambda: overview_report(ws)))
    return render_page(
        request,
        "overview.html",
        {"title": "Overview", "data": data, "can_edit": _can_edit(principal)},
    )


@router.get("/topics/{name:path}", response_class=HTMLResponse)
def topic_page(
    request: Request,
    ws: WorkspaceDep,
    name: str,
    principal: Viewer,
    since: Since = None,
    until: Until = None,
    cascade: Annotated[str | None, Query(max_length=200)] = None,
    tz: Zone = "UTC",
    compare: Compare = False,
) -> Response:
    """A topic: timeline, spikes, share of voice, map, tiers, authors, hashtags, cascades."""
    tz = check_zone(tz)
    r = ws.reports.cached_topic(name, since, until, cascade, tz=tz, compare=compare)
    tc = time_controls(
        _newest(ws), since=since, until=until, tz=tz, compare=compare,
        window=(r.window.since, r.window.until),
    )  # fmt: skip
    return render_page(
        request,
        "topic.html",
        {
            "title": r.name,
            "r": r,
            "topic": ws.topics.get(name),
            "figures": topic_figures(r),
            "since": since,
            "until": until,
            "tc": tc,
            "keep": _window_params(since, until, tz, compare),
            "picker": True,
            "drill": _drill({"topic": r.name} if r.is_topic else {"q": r.query}, since, until, tz),
            "can_edit": _can_edit(principal),
        },
    )


def _drill(selection: dict[str, str], since: str | None, until: str | None, tz: str) -> Any:
    """``drill(**filters)``: the mentions list of the page's selection, window and zone,
    narrowed (an end without an offset is read in ``tz`` there too)."""
    from agorascope.api.routes.mentions import mentions_url

    base = {**selection, "since": since, "until": until, "tz": None if tz == "UTC" else tz}
    return lambda **changes: mentions_url(base, **changes)


@router.get("/reports/{name:path}", response_class=HTMLResponse)
def report_download(
    _: Viewer,
    ws: WorkspaceDep,
    name: str,
    since: Since = None,
    until: Until = None,
    tz: Zone = "UTC",
    compare: Compare = False,
) -> Response:
    """The topic's self-contained HTML report, as a download (the page's window and zone)."""
    r = ws.reports.cached_topic(name, since, until, tz=check_zone(tz), compare=compare)
    return report_attachment(r, name)


@router.get("/search", response_class=HTMLResponse)
def search_view(
    request: Request,
    principal: Viewer,
    ws: WorkspaceDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    sort: Annotated[str, Query(pattern="^(relevance|newest)$")] = "relevance",
    offset: Annotated[int, Query(ge=0, le=MAX_RESULTS - SEARCH_PAGE)] = 0,
    since: Since = None,
    until: Until = None,
    tz: Zone = "UTC",
) -> Response:
    """Search with syntax help, narrowed to a window read in ``tz`` (hit times shown in it);
    a bad query is shown in place with a caret at the column."""
    tz = check_zone(tz)
    limit = SEARCH_PAGE
    window = [(k, v) for k, v in (("since", since), ("until", until), ("tz", tz)) if v]
    window = [(k, v) for k, v in window if (k, v) != ("tz", "UTC")]
    state = [("q", q), *([("sort", sort)] if sort != "relevance" else [])]
    hidden = [(k, v) for k, v in state if v]
    newest = _newest(ws)
    ctx: dict[str, Any] = {
        "title": "Search",
        "q": q,
        "sort": sort,
        "offset": offset,
        "limit": limit,
        "max_results": MAX_RESULTS,
        "results": None,
        "facets": {},
        "error": None,
        "tz": tz,
        "window": window,
        "page_url": lambda at: "/search?" + urlencode([*state, *window, ("offset", at)]),
        "mentions": _drill({"q": q}, since, until, tz),
        "tc": time_controls(newest, since=None, until=None, tz=tz, compare=None, hidden=hidden),
        "can_edit": _can_edit(principal),
    }
    status = 200
    try:
        w = zoned_window(since, until, tz)
        ctx["tc"] = time_controls(
            newest, since=since, until=until, tz=tz, compare=None,
            window=(w.since, w.until), hidden=hidden,
        )  # fmt: skip
        if q.strip():
            page = search_page(
                ws.store, q, limit=limit, offset=offset, sort=sort, since=w.since, until=w.until
            )
            ctx["results"], ctx["facets"] = page.results, page.facets
    except QuerySyntaxError as e:
        ctx["error"] = {"message": e.reason, "position": e.position}
        status = 400
    except InvalidInputError as e:
        ctx["error"] = {"message": str(e), "position": None}
        status = 400
    return render_page(request, "search.html", ctx, status_code=status)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    _: Viewer,
    ws: WorkspaceDep,
    t: Annotated[list[str], Query(max_length=8)] = [],  # noqa: B006 - FastAPI copies defaults
    since: Since = None,
    until: Until = None,
    tz: Zone = "UTC",
    compare: Compare = False,
) -> Response:
    """Several topics side by side."""
    topics = list_topics(ws.store)
    chosen = t or [x.name for x in topics[:4]]
    ctx: dict[str, Any] = {
        "title": "Compare",
        "all_topics": topics,
        "chosen": chosen,
        "since": since,
        "until": until,
        "keep": [],
        "r": None,
        "error": None,
    }
    ctx["tc"] = time_controls(
        _newest(ws), since=since, until=until, tz="UTC", compare=compare,
        hidden=[("t", n) for n in chosen],
    )  # fmt: skip
    status = 200
    try:
        tz = check_zone(tz)
        ctx["keep"] = _window_params(since, until, tz, compare)
        for name in chosen:
            get_topic(ws.store, name)
        if len(chosen) < 2:
            raise InvalidInputError(
                "pick at least two topics to compare (up to eight)"
                if len(topics) >= 2
                else "save at least two topics (on the overview) to compare them"
            )
        key = ("compare", tuple(chosen), since or None, until or None, tz, compare)
        r = ws.cache.get(
            ws.store,
            key,
            lambda: compare_report(
                ws, chosen, since or None, until or None, tz=tz, compare=compare
            ),
        )
        ctx["r"], ctx["figures"] = r, compare_figures(r)
        ctx["tc"] = time_controls(
            _newest(ws), since=since, until=until, tz=tz, compare=compare,
            window=(r.window.since, r.window.until), hidden=[("t", n) for n in chosen],
        )  # fmt: skip
    except (InvalidInputError, NotFoundError) as e:
        ctx["error"] = {"message": str(e)}
        status = 404 if isinstance(e, NotFoundError) else 400 if t else 200
    return render_page(request, "compare.html", ctx, status_code=status)


@router.get("/docs", response_class=HTMLResponse)
def api_page(request: Request, _: Viewer) -> Response:
    """The API reference: every route, its parameters, responses and the role it needs."""
    ops = api_reference(request.app)
    tags = sorted({op.tag for op in ops})
    ctx = {"title": "API reference", "ops": ops, "tags": tags, "version": request.app.version}
    return render_page(request, "api.html", ctx)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form (public)."""
    return render_page(request, "login.html", {"title": "Sign in", "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ws: WorkspaceDep,
    token: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check a token and keep it in an HTTP-only cookie (public; CSRF-checked)."""
    if not csrf_matches(request, csrf_token):
        raise CSRFError("missing or wrong CSRF token (reload the page and try again)")
    principal = authenticate(ws.store, token)
    if principal is None:
        ctx = {"title": "Sign in", "error": "invalid or revoked token"}
        return render_page(request, "login.html", ctx, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=14 * 86400,
    )
    return response


@router.post("/logout")
def logout(_: Viewer) -> Response:
    """Forget the token cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response


def _topic_form(
    request: Request,
    ws: Any,
    values: dict[str, str],
    *,
    original: str | None,
    action: str,
) -> Response:
    """Preview or save the topic form; what was typed stays in the form with what is wrong.

    ``original`` is the topic being edited (None for a new one); ``action`` is ``preview``
    (count and sample posts, nothing saved) or ``save``.
    """
    ctx: dict[str, Any] = {
        "title": f"Edit {original}" if original else "New topic",
        "original": original,
        "v": values,
        "error": None,
        "preview": None,
    }
    name, query = values["name"].strip(), values["query"]
    description, tags = values["description"].strip() or None, values["tags"]
    try:
        if action == "preview":
            ctx["preview"] = ws.topics.preview(query)
        elif original is None:
            if find_topic(ws.store, name) is not None:
                raise InvalidInputError(
                    f"name: a topic named {name!r} exists already; choose another name "
                    f"or edit that topic"
                )
            topic = ws.topics.add(name, query, description, tags=tags)
            return RedirectResponse(f"/topics/{quote(topic.name, safe='')}", status_code=303)
        else:
            topic = ws.topics.update(original, query, description, tags=tags, new_name=name)
            return RedirectResponse(f"/topics/{quote(topic.name, safe='')}", status_code=303)
    except QuerySyntaxError as e:
        ctx["error"] = {"field": "query", "message": e.reason, "position": e.position}
    except (InvalidInputError, NotFoundError) as e:
        field = "tags" if "tag" in str(e).split(":")[0] else "name"
        ctx["error"] = {"field": field, "message": str(e), "position": None}
    status = 200 if ctx["error"] is None else 400
    return render_page(request, "topic_edit.html", ctx, status_code=status)


TopicName = Annotated[str, Form(max_length=100)]
TopicQuery = Annotated[str, Form(max_length=2000)]
TopicText = Annotated[str, Form(max_length=1000)]
Action = Annotated[str, Form(pattern="^(preview|save)$")]


@router.get("/topics-new", response_class=HTMLResponse)
def new_topic_page(
    request: Request,
    _: Analyst,
    q: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    """The form of a new topic (``q`` fills its query: "save this search as a topic")."""
    values = {"name": "", "query": q, "description": "", "tags": ""}
    ctx = {"title": "New topic", "original": None, "v": values, "error": None, "preview": None}
    return render_page(request, "topic_edit.html", ctx)


@router.get("/topics-edit/{name:path}", response_class=HTMLResponse)
def edit_topic_page(request: Request, _: Analyst, ws: WorkspaceDep, name: str) -> Response:
    """The form that edits, renames or tags a topic."""
    t = ws.topics.get(name)
    values = {"name": t.name, "query": t.query, "description": t.description or "",
              "tags": ", ".join(t.tags)}  # fmt: skip
    ctx = {"title": f"Edit {t.name}", "original": t.name, "v": values, "error": None,
           "preview": None}  # fmt: skip
    return render_page(request, "topic_edit.html", ctx)


@router.post("/topics-edit/{name:path}", response_class=HTMLResponse)
def edit_topic_form(
    request: Request,
    _: Analyst,
    ws: WorkspaceDep,
    name: str,
    new_name: Annotated[str, Form(alias="name", max_length=100)],
    query: TopicQuery,
    description: TopicText = "",
    tags: TopicText = "",
    action: Action = "save",
) -> Response:
    """Preview or save the edit form (a clash or a bad query keeps the form)."""
    ws.topics.get(name)
    values = {"name": new_name, "query": query, "description": description, "tags": tags}
    return _topic_form(request, ws, values, original=name, action=action)


@router.post("/topics", response_class=HTMLResponse)
def add_topic_form(
    request: Request,
    _: Analyst,
    ws: WorkspaceDep,
    name: TopicName,
    query: TopicQuery,
    description: TopicText = "",
    tags: TopicText = "",
    action: Action = "save",
) -> Response:
    """Save (or preview) a topic from the overview's or the new topic's form."""
    values = {"name": name, "query": query, "description": description, "tags": tags}
    return _topic_form(request, ws, values, original=None, action=action)


@router.post("/topics-remove")
def remove_topic_form(
    _: Analyst, ws: WorkspaceDep, name: Annotated[str, Form(max_length=100)]
) -> Response:
    """Delete a topic from the overview's form."""
    remove_topic(ws.store, name)
    return RedirectResponse("/", status_code=303)


@router.post("/import", response_class=HTMLResponse)
def import_form(
    request: Request,
    _: Analyst,
    state: StateDep,
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Import one uploaded file from the overview's form."""
    summary = import_uploads(state, ws, [file], format or None)
    rejects = {f.path: read_rejects(f.rejects_path) for f in summary.files}
    ctx = {"title": "Import", "summary": plain(summary.to_dict()), "rejects": rejects}
    return render_page(request, "imported.html", ctx)
