"""Watches and alerts: the REST routes, the Atom feeds at stable URLs and the dashboard pages.

Feeds: ``/api/alerts/feed.atom`` (every alert) and ``/api/watches/{name}/feed.atom`` (one
watch), newest 200 alerts each. A feed reader on another machine sends a viewer token
(``Authorization: Bearer``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from agorascope.api.deps import Analyst, Page, Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.schemas import ErrorPublic, PagePublic
from agorascope.api.security import Principal, Role
from agorascope.watch.alerts import alerts_feed, list_alerts
from agorascope.watch.delivery import delivery_states
from agorascope.watch.watches import add_watch, get_watch, list_watches, remove_watch, run_watches

__all__ = ["ATOM", "pages", "router"]

FEED_SIZE = 200
"""Alerts in an Atom feed (the newest)."""

ATOM = "application/atom+xml; charset=utf-8"

router = APIRouter(
    prefix="/api",
    tags=["watches"],
    responses={
        400: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)
pages = APIRouter(include_in_schema=False)


class WatchCreate(BaseModel):
    """A new watch."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    topic: str = Field(min_length=1, max_length=100, description="A saved topic.")
    rule: Literal["new", "spike"]
    threshold: float | None = Field(None, gt=0, le=100, description="Spike rule: z-score.")
    deliver: list[str] = Field(
        default_factory=lambda: ["atom"],
        max_length=10,
        description="atom, webhook:URL, email:ADDRESS.",
    )


class WatchPublic(BaseModel):
    """A watch as stored (``secret`` only in the answer that created it)."""

    name: str
    topic: str
    rule: str
    threshold: float | None
    deliver: list[str]
    last_seq: int
    checked_until: str | None
    created_at: str
    last_run_at: str | None
    secret: str | None = None


class RunPublic(BaseModel):
    """What one run of the watches did."""

    watches: list[dict[str, Any]]
    alerts: int
    delivered: int
    failed: int
    pending: int


@router.get("/watches", response_model=PagePublic)
def get_watches(_: Viewer, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Every watch, by name."""
    return paging.page([w.to_dict() for w in list_watches(ws.store)])


@router.post("/watches", response_model=WatchPublic, status_code=201)
def post_watch(_: Analyst, ws: WorkspaceDep, body: WatchCreate) -> dict[str, Any]:
    """Save a watch; a webhook's signing secret is in this answer only."""
    w = add_watch(ws, body.name, body.topic, body.rule, threshold=body.threshold,
                  deliver=body.deliver)  # fmt: skip
    return {**w.to_dict(), "secret": w.secret}


@router.post("/watches/run", response_model=RunPublic)
def post_run(_: Analyst, ws: WorkspaceDep) -> dict[str, Any]:
    """Run every watch now: store new alerts and deliver them."""
    return run_watches(ws).to_dict()


@router.get("/watches/{name}", response_model=WatchPublic)
def get_one(_: Viewer, ws: WorkspaceDep, name: str) -> dict[str, Any]:
    """One watch."""
    return get_watch(ws.store, name).to_dict()


@router.delete("/watches/{name}", status_code=204)
def delete_watch(_: Analyst, ws: WorkspaceDep, name: str) -> Response:
    """Delete a watch and its alerts."""
    remove_watch(ws.store, name)
    return Response(status_code=204)


@router.get("/watches/{name}/deliveries", response_model=list[dict[str, Any]])
def get_deliveries(_: Viewer, ws: WorkspaceDep, name: str) -> list[dict[str, Any]]:
    """The outbox of a watch: each alert's webhook and e-mail delivery state."""
    get_watch(ws.store, name)
    return [{**d, "sent_at": d["sent_at"] and d["sent_at"].isoformat()}
            for d in delivery_states(ws, name)]  # fmt: skip


@router.get("/alerts", response_model=PagePublic)
def get_alerts(
    _: Viewer,
    ws: WorkspaceDep,
    paging: Page,
    watch: Annotated[str | None, Query(max_length=100, description="Only this watch.")] = None,
) -> dict[str, Any]:
    """Alerts, newest first."""
    if watch is not None:
        get_watch(ws.store, watch)
    return paging.page([a.to_dict() for a in list_alerts(ws.store, watch)])


def _atom(document: bytes) -> Response:
    return Response(document, media_type=ATOM, headers={"Cache-Control": "no-cache"})


@router.get("/alerts/feed.atom", response_class=Response, responses={200: {"content": {ATOM: {}}}})
def get_alerts_feed(_: Viewer, ws: WorkspaceDep, request: Request) -> Response:
    """Every watch's alerts as an Atom feed (the newest 200)."""
    found = list_alerts(ws.store, limit=FEED_SIZE)
    return _atom(
        alerts_feed(
            found, title="agorascope alerts", feed_id="urn:agorascope:alerts", link=str(request.url)
        )
    )


@router.get(
    "/watches/{name}/feed.atom", response_class=Response, responses={200: {"content": {ATOM: {}}}}
)
def get_watch_feed(_: Viewer, ws: WorkspaceDep, request: Request, name: str) -> Response:
    """One watch's alerts as an Atom feed (the newest 200)."""
    w = get_watch(ws.store, name)
    found = list_alerts(ws.store, w.name, limit=FEED_SIZE)
    return _atom(
        alerts_feed(
            found,
            title=f"agorascope alerts: {w.name}",
            feed_id=f"urn:agorascope:alerts:{w.name}",
            link=str(request.url),
        )
    )


# -- pages ----------------------------------------------------------------------------------


def _can_edit(p: Principal) -> bool:
    return p.may(Role.analyst)


@pages.get("/watches", response_class=HTMLResponse)
def watches_page(request: Request, principal: Viewer, ws: WorkspaceDep) -> Response:
    """Watches, the newest alerts and a form to add a watch."""
    ctx = {
        "title": "Watches",
        "watches": list_watches(ws.store),
        "alerts": list_alerts(ws.store, limit=50),
        "topics": ws.topics.list(),
        "watch": None,
        "deliveries": [],
        "can_edit": _can_edit(principal),
    }
    return render_page(request, "watches.html", ctx)


@pages.get("/watches/{name}", response_class=HTMLResponse)
def watch_page(request: Request, principal: Viewer, ws: WorkspaceDep, name: str) -> Response:
    """One watch: its alerts, its feed and its deliveries."""
    w = get_watch(ws.store, name)
    ctx = {
        "title": f"Watch {w.name}",
        "watches": [],
        "alerts": list_alerts(ws.store, w.name, limit=200),
        "topics": [],
        "watch": w,
        "deliveries": delivery_states(ws, w.name),
        "can_edit": _can_edit(principal),
    }
    return render_page(request, "watches.html", ctx)


@pages.post("/watches")
def add_watch_form(
    _: Analyst,
    ws: WorkspaceDep,
    name: Annotated[str, Form(max_length=100)],
    topic: Annotated[str, Form(max_length=100)],
    rule: Annotated[Literal["new", "spike"], Form()],
    deliver: Annotated[str, Form(max_length=2000)] = "atom",
    threshold: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Save a watch from the page's form (one delivery per line)."""
    from agorascope.errors import InvalidInputError

    try:
        level = float(threshold) if threshold.strip() else None
    except ValueError as e:
        raise InvalidInputError(f"threshold: not a number: {threshold!r}") from e
    channels = [c.strip() for c in deliver.splitlines() if c.strip()] or ["atom"]
    add_watch(ws, name, topic, rule, threshold=level, deliver=channels)
    return RedirectResponse(f"/watches/{quote(name, safe='')}", status_code=303)


@pages.post("/watches-run")
def run_form(_: Analyst, ws: WorkspaceDep) -> Response:
    """Run every watch from the page's button."""
    run_watches(ws)
    return RedirectResponse("/watches", status_code=303)


@pages.post("/watches-remove")
def remove_form(
    _: Analyst, ws: WorkspaceDep, name: Annotated[str, Form(max_length=100)]
) -> Response:
    """Delete a watch from the page's button."""
    remove_watch(ws.store, name)
    return RedirectResponse("/watches", status_code=303)
