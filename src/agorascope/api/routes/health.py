"""Public liveness probe."""

from __future__ import annotations

from fastapi import APIRouter

from agorascope._version import __version__
from agorascope.api.schemas import HealthPublic

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health", response_model=HealthPublic)
def health() -> dict[str, str]:
    """The server is up (public: no token needed)."""
    return {"status": "ok", "version": __version__}
