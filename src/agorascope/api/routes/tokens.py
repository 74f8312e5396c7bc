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
from agorascope.api.security import create_token, list_tokens, revoke_token

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
def post_token(_: Admin, ws: WorkspaceDep, body: TokenCreate) -> dict[str, Any]:
    """Create a token; its text is in the answer and nowhere else."""
    info, token = create_token(ws.store, body.role, body.name)
    return {**info.to_dict(), "token": token}


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(_: Admin, ws: WorkspaceDep, token_id: str) -> Response:
    """Revoke a token."""
    revoke_token(ws.store, token_id)
    return Response(status_code=204)
