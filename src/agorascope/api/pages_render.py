"""Rendering a page template with what every page needs (caller, CSRF token)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from agorascope.report.render import environment

__all__ = ["render_page", "report_attachment"]


def render_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` with ``context`` plus ``principal``, ``csrf_token``, ``title``."""
    ctx = {
        "principal": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf", ""),
        "title": "agorascope",
        **context,
    }
    html = environment().get_template(template).render(**ctx)
    return HTMLResponse(html, status_code=status_code)


def report_attachment(report: Any, name: str) -> HTMLResponse:
    """A topic's self-contained HTML report as a download named after the topic."""
    from agorascope.report.render import render_topic_html

    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "topic"
    return HTMLResponse(
        render_topic_html(report),
        headers={"Content-Disposition": f'attachment; filename="agorascope-{safe}.html"'},
    )
