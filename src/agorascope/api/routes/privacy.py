"""Privacy routes (admin only): find, access, rectify, erase, requests, audit; the page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from agorascope.api.deps import Admin, StateDep, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.schemas import ErrorPublic

router = APIRouter(prefix="/api/privacy", tags=["privacy"], responses={404: {"model": ErrorPublic}})
pages = APIRouter(include_in_schema=False)

_IDENT = Field(
    max_length=300,
    description="twitter:@handle, twitter:id:ID, person:ID, "
    "email:ADDRESS or name:NAME;dob:YYYY-MM-DD",
)


class SubjectBody(BaseModel):
    """A request about one person."""

    identifier: str = _IDENT


class RectifyBody(SubjectBody):
    """A rectification."""

    field: str = Field(max_length=60, description="Field to change.")
    value: str = Field(max_length=2000, description="The correct value.")


class EraseBody(SubjectBody):
    """An erasure."""

    dry_run: bool = Field(False, description="Show what would be erased; change nothing.")


@router.get("/find")
def get_find(
    principal: Admin, ws: WorkspaceDep, identifier: str = Query(max_length=300)
) -> dict[str, Any]:
    """Every record of a person, by place."""
    from agorascope.privacy.requests import find

    return find(ws, identifier, principal.name).to_dict()


@router.post("/access")
def post_access(principal: Admin, ws: WorkspaceDep, body: SubjectBody) -> dict[str, Any]:
    """The access package's content (records with their source and legal basis)."""
    from agorascope.privacy.access import access_payload

    return access_payload(ws, body.identifier, principal.name)


@router.post("/rectify")
def post_rectify(principal: Admin, ws: WorkspaceDep, body: RectifyBody) -> dict[str, Any]:
    """Correct a field of a person's records."""
    from agorascope.privacy.requests import rectify

    return rectify(ws, body.identifier, body.field, body.value, principal.name)


@router.post("/erase")
def post_erase(
    principal: Admin, ws: WorkspaceDep, state: StateDep, body: EraseBody
) -> dict[str, Any]:
    """Erase a person everywhere and prove it (the store file is rewritten)."""
    from agorascope.privacy.requests import erase

    with state.replacing_store():
        return erase(ws, body.identifier, dry_run=body.dry_run, actor=principal.name).to_dict()


@router.get("/requests")
def get_requests(_: Admin, ws: WorkspaceDep) -> list[dict[str, Any]]:
    """Requests, newest first, with status and proof."""
    from agorascope.privacy.requests import list_requests

    return list_requests(ws)


@router.get("/audit")
def get_audit(_: Admin, ws: WorkspaceDep) -> dict[str, Any]:
    """Verification of the audit log's hash chain."""
    from agorascope.store.audit import verify

    return verify(ws.store.con, ws.store.path).to_dict()


@pages.get("/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, _: Admin, ws: WorkspaceDep) -> Response:
    """Requests, their status and proofs, and the audit verification."""
    from agorascope.privacy.requests import list_requests
    from agorascope.store.audit import verify

    return render_page(
        request,
        "privacy.html",
        {
            "title": "Privacy",
            "requests": list_requests(ws),
            "audit": verify(ws.store.con, ws.store.path).to_dict(),
        },
    )
