"""Helpers of the hardening tests: the test client and a live uvicorn server on loopback."""

from __future__ import annotations

import warnings

from live_server import LiveServer

with warnings.catch_warnings():
    # starlette's TestClient warns at import time that httpx will be replaced by httpx2
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

__all__ = ["LOCAL", "LiveServer", "TestClient"]

LOCAL = "http://127.0.0.1:8000"
