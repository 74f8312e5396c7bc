"""Collections: REST routes, the published digest and feed, and the dashboard pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from agorascope.api.deps import Analyst, Page, Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.routes.watches import ATOM
from agorascope.api.schemas import ErrorPublic, PagePublic
from agorascope.api.security import Role
from agorascope.watch.collections import (
    MAX_NOTE,
    add_collection,
    add_item,
    collection_feed,
    collection_html,
    get_collection,
    list_collections,
    move_item,
    remove_collection,
    remove_item,
    reorder_items,
)

__all__ = ["pages", "router"]

router = APIRouter(
    prefix="/api/collections",
    tags=["collections"],
    responses={
        400: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)
pages = APIRouter(include_in_schema=False)


class CollectionCreate(BaseModel):
    """A new collection."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    title: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=2000)


class ItemCreate(BaseModel):
    """A post to add (``platform:id``) and its note."""

    model_config = ConfigDict(extra="forbid")

    post: str = Field(min_length=1, max_length=300)
    note: str | None = Field(None, max_length=MAX_NOTE)


class Order(BaseModel):
    """Every item of a collection, in the new order."""

    model_config = ConfigDict(extra="forbid")

    items: list[str] = Field(max_length=10_000)


@router.get("", response_model=PagePublic)
def get_collections(_: Viewer, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Every collection with its item count."""
    return paging.page(list_collections(ws.store))


@router.post("", status_code=201)
def post_collection(_: Analyst, ws: WorkspaceDep, body: CollectionCreate) -> dict[str, Any]:
    """Create an empty collection."""
    c = add_collection(ws.store, body.name, title=body.title, description=body.description)
    return c.to_dict()


@router.get("/{name}")
def get_one(_: Viewer, ws: WorkspaceDep, name: str) -> dict[str, Any]:
    """A collection and its items, in order."""
    return get_collection(ws.store, name).to_dict()


@router.delete("/{name}", status_code=204)
def delete_collection(_: Analyst, ws: WorkspaceDep, name: str) -> Response:
    """Delete a collection (the posts stay)."""
    remove_collection(ws.store, name)
    return Response(status_code=204)


@router.post("/{name}/items", status_code=201)
def post_item(_: Analyst, ws: WorkspaceDep, name: str, body: ItemCreate) -> dict[str, Any]:
    """Add a post (or change its note)."""
    return add_item(ws.store, name, body.post, note=body.note).to_dict()


@router.delete("/{name}/items/{post}", status_code=204)
def delete_item(_: Analyst, ws: WorkspaceDep, name: str, post: str) -> Response:
    """Take a post out of the collection."""
    remove_item(ws.store, name, post)
    return Response(status_code=204)


@router.put("/{name}/order")
def put_order(_: Analyst, ws: WorkspaceDep, name: str, body: Order) -> dict[str, Any]:
    """Put the items in a new order (each item once)."""
    return reorder_items(ws.store, name, body.items).to_dict()


def _filename(name: str, ext: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "collection"
    return f"{safe}.{ext}"


@router.get("/{name}/digest.html", response_class=HTMLResponse)
def get_digest(_: Viewer, ws: WorkspaceDep, name: str) -> HTMLResponse:
    """The self-contained HTML digest, as a download."""
    html = collection_html(get_collection(ws.store, name))
    disposition = f'attachment; filename="{_filename(name, "html")}"'
    return HTMLResponse(html, headers={"Content-Disposition": disposition})


@router.get("/{name}/feed.atom", response_class=Response, responses={200: {"content": {ATOM: {}}}})
def get_feed(_: Viewer, ws: WorkspaceDep, name: str) -> Response:
    """The collection as an Atom feed."""
    return Response(collection_feed(get_collection(ws.store, name)), media_type=ATOM)


# -- pages ----------------------------------------------------------------------------------


@pages.get("/collections", response_class=HTMLResponse)
def collections_page(request: Request, principal: Viewer, ws: WorkspaceDep) -> Response:
    """Every collection and a form to create one."""
    ctx = {
        "title": "Collections",
        "collections": list_collections(ws.store),
        "c": None,
        "can_edit": principal.may(Role.analyst),
    }
    return render_page(request, "collections.html", ctx)


@pages.get("/collections/{name}", response_class=HTMLResponse)
def collection_page(request: Request, principal: Viewer, ws: WorkspaceDep, name: str) -> Response:
    """One collection: its items with notes, buttons to reorder and remove, publish links."""
    ctx = {
        "title": f"Collection {name}",
        "collections": [],
        "c": get_collection(ws.store, name),
        "can_edit": principal.may(Role.analyst),
    }
    return render_page(request, "collections.html", ctx)


def _back(name: str) -> str:
    from urllib.parse import quote

    return f"/collections/{quote(name, safe='')}"


@pages.post("/collections")
def add_collection_form(
    _: Analyst,
    ws: WorkspaceDep,
    name: Annotated[str, Form(max_length=100)],
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Create a collection from the page's form."""
    add_collection(ws.store, name, title=title or None)
    return RedirectResponse(_back(name), status_code=303)


@pages.post("/collection-items")
def add_item_form(
    _: Analyst,
    ws: WorkspaceDep,
    collection: Annotated[str, Form(max_length=100)],
    post: Annotated[str, Form(max_length=300)],
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    create: Annotated[bool, Form()] = False,
) -> Response:
    """Add a post with a note (from a search result); ``create`` makes the collection first."""
    from agorascope.errors import NotFoundError

    try:
        get_collection(ws.store, collection)
    except NotFoundError:
        if not create:
            raise
        add_collection(ws.store, collection)
    add_item(ws.store, collection, post, note=note or None)
    return RedirectResponse(_back(collection), status_code=303)


@pages.post("/collection-items-move")
def move_item_form(
    _: Analyst,
    ws: WorkspaceDep,
    collection: Annotated[str, Form(max_length=100)],
    post: Annotated[str, Form(max_length=300)],
    to: Annotated[int, Form(ge=1, le=100_000)],
) -> Response:
    """Move an item (the page's up and down buttons)."""
    move_item(ws.store, collection, post, to)
    return RedirectResponse(_back(collection), status_code=303)


@pages.post("/collection-items-remove")
def remove_item_form(
    _: Analyst,
    ws: WorkspaceDep,
    collection: Annotated[str, Form(max_length=100)],
    post: Annotated[str, Form(max_length=300)],
) -> Response:
    """Take an item out (the page's remove button)."""
    remove_item(ws.store, collection, post)
    return RedirectResponse(_back(collection), status_code=303)
