"""The REST API and dashboard: :func:`create_app` (FastAPI), served by ``agorascope serve``."""

from __future__ import annotations

from agorascope.api.app import PUBLIC_PATHS, create_app

__all__ = ["PUBLIC_PATHS", "create_app"]
