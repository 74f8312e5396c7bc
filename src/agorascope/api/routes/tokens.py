"""API tokens (admin only), and who the caller is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from agorascope.api.deps import Admin, Page, Viewer, WorkspaceDep
from agorascope.api.schemas import (
    ErrorPublic,
    PagePublic,
    PrincipalPublic,
    TokenCreate,
    TokenCreated,
)
from agorascope.api.security import create_token, list_tokens, revoke_token, rotate_token

router = APIRouter(prefix="/api", tags=["access"], responses={404: {"model": ErrorPublic}})


@router.get("/me", response_model=PrincipalPublic)
def me(principal: Viewer) -> dict[str, Any]:
    """The caller's name, role and token id."""
    return principal.to_dict()


@router.get("/tokens", response_model=PagePublic)
def get_tokens(_: Admin, ws: WorkspaceDep, paging: Page) -> dict[str, Any]:
    """Active tokens (ids, roles, names; never secrets)."""
    return paging.page([t.to_dict() for t in list_tokens(ws.store)])


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def post_token(who: Admin, ws: WorkspaceDep, body: TokenCreate) -> dict[str, Any]:
    """Create a token; its text is in the answer (never cached) and nowhere else."""
    days = body.lifetime_days or ws.settings.token_lifetime_days
    info, token = create_token(ws.store, body.role, body.name, lifetime_days=days, actor=who.name)
    return {**info.to_dict(), "token": token}


@router.post("/tokens/{token_id}/rotate", response_model=TokenCreated, status_code=201)
def rotate(who: Admin, ws: WorkspaceDep, token_id: str) -> dict[str, Any]:
    """Replace a token by a new one (same role and name) and revoke the old one."""
    days = ws.settings.token_lifetime_days
    info, token = rotate_token(ws.store, token_id, lifetime_days=days, actor=who.name)
    return {**info.to_dict(), "token": token}


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(who: Admin, ws: WorkspaceDep, token_id: str) -> Response:
    """Revoke a token."""
    revoke_token(ws.store, token_id, actor=who.name)
    return Response(status_code=204)
