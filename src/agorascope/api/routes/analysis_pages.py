"""Dashboard pages generated from the registry: one form and result table per analysis.

``/analyses`` lists every analysis; ``/analyses/<domain>/<name>`` shows its parameters as a
form (from the parameter model: choices, bounds, defaults, help) and, once submitted, the same
page of rows the REST route answers, a chart when the rows are a time series, and a link to
that JSON.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from agorascope import registry
from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.api.routes.listen_pages import page_extras
from agorascope.api.routes.mentions import analysis_links
from agorascope.components import Analyses
from agorascope.errors import AgorascopeError, InvalidInputError
from agorascope.report.audience_charts import lift_chart, upset_chart
from agorascope.report.charts import result_chart
from agorascope.voters.charts import probability_histogram
from agorascope.workspace import Workspace

router = APIRouter(include_in_schema=False)

PAGE_ROWS = 50
_SELECTION = {"selection": ("topic", "q", "since", "until"), "window": ("since", "until")}


def _kind(annotation: Any) -> tuple[str, list[str]]:
    """How a parameter is entered: choice, number, checkbox, list, file or text."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "choice", [str(a) for a in args]
    inner = [a for a in args if a is not type(None)] if args else [annotation]
    if origin is not None and len(inner) == 1 and origin is not list:
        return _kind(inner[0])
    if origin is list:
        return "list", []
    if annotation in (int, float):
        return "number", []
    if annotation is bool:
        return "checkbox", []
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "file", []
    return "text", []


def form_fields(spec: registry.Analysis, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's fields: name, kind, choices, bounds, default, help and the current value."""
    out = []
    for name, f in spec.params.model_fields.items():
        kind, choices = _kind(f.annotation)
        bounds = {type(m).__name__.lower(): getattr(m, type(m).__name__.lower(), None)
                  for m in f.metadata}  # fmt: skip
        default = None if f.is_required() else f.default
        current = values.get(name, default)
        if kind == "list" and isinstance(current, list):
            current = ", ".join(map(str, current))
        out.append({
            "name": name, "kind": kind, "choices": choices, "required": f.is_required(),
            "min": bounds.get("ge", bounds.get("gt")), "max": bounds.get("le", bounds.get("lt")),
            "default": default, "help": f.description or "",
            "value": "" if current is None else current,
        })  # fmt: skip
    return out


def _values(spec: registry.Analysis, request: Request) -> dict[str, Any]:
    """The submitted parameters (empty fields mean the default)."""
    q = request.query_params
    out: dict[str, Any] = {}
    for name, f in spec.params.model_fields.items():
        kind, _ = _kind(f.annotation)
        if kind == "list":
            items = [v.strip() for raw in q.getlist(name) for v in raw.split(",") if v.strip()]
            if items:
                out[name] = items
        elif kind == "checkbox":
            if "run" in q:
                out[name] = name in q
        elif q.get(name, "").strip():
            out[name] = q[name].strip()
    return out


_Y_TITLES = {"share": "share of posts (%)", "index": "trend index (peak = 100)", "posts": "posts"}


def _chart(result: registry.Result) -> dict[str, Any] | None:
    columns = result.analysis.row.model_fields
    if result.analysis.domain == "voters":
        from agorascope.voters.experiments_charts import chart_for

        chart = chart_for(result.analysis.name, result.rows, result.meta)
        if chart is not None:
            return chart
    if "lift" in columns:
        title = f"Authors of {result.meta.get('audience')} were more likely to"
        return lift_chart(result.rows, title)
    if "pairs" in columns and "low" in columns:
        return probability_histogram(result.rows)
    if "degree" in columns and "audiences" in columns:
        return upset_chart(result.rows, list(result.meta.get("sizes", {})), "UpSet intersections")
    if "bucket" not in columns or not result.rows:
        return None
    y = next(c for c in _Y_TITLES if c in columns)
    tz = getattr(result.params, "tz", "UTC")
    interval = getattr(result.params, "interval", "interval")
    return result_chart(
        result.rows, "bucket", y, group="topic" if "topic" in columns else None,
        title=result.analysis.summary, x_title=f"{interval} starting (local time, {tz})",
        y_title=_Y_TITLES[y],
    )  # fmt: skip


def run_submitted(spec: registry.Analysis, ws: Workspace, request: Request) -> registry.Result:
    """Run ``spec`` with the selection and parameters of the submitted form."""
    q = request.query_params
    chosen = {k: q[k].strip() for k in _SELECTION.get(spec.needs, ()) if q.get(k, "").strip()}
    values = _values(spec, request)
    for field in registry.file_fields(spec):  # read inside the data folder, as REST
        if values.get(field):
            values[field] = ws.settings.data_file(values[field])
    return Analyses(ws, spec.domain).run(
        spec.name, topic=chosen.get("topic"), query=chosen.get("q"),
        since=chosen.get("since"), until=chosen.get("until"), **values,
    )  # fmt: skip


@router.get("/analyses", response_class=HTMLResponse)
def analyses_index(request: Request, _: Viewer) -> Response:
    """Every registered analysis, by domain."""
    groups = {d: registry.analyses(d) for d in registry.domains()}
    return render_page(request, "analyses.html", {"title": "Analyses", "groups": groups})


@router.get("/analyses/{domain}/{name}", response_class=HTMLResponse)
def analysis_page(
    request: Request, _: Viewer, ws: WorkspaceDep, domain: str, name: str
) -> Response:
    """One analysis: its form and, when submitted, its rows, chart and JSON link."""
    spec = registry.get(domain, name)
    q = request.query_params
    values = _values(spec, request)
    selection = {k: q.get(k, "").strip() for k in _SELECTION.get(spec.needs, ())}
    ctx: dict[str, Any] = {
        "title": f"{domain} {name}",
        "spec": spec,
        "fields": form_fields(spec, values),
        "selection": selection,
        "topics": [t.name for t in ws.topics.list()],
        "result": None,
        "page": None,
        "error": None,
        "columns": list(spec.row.model_fields),
    }
    status = 200
    if "run" in q:
        try:
            offset = int(q.get("offset", "0") or 0)
            if offset < 0:
                raise InvalidInputError("offset must be 0 or more")
            chosen = {k: v for k, v in selection.items() if v}
            result = run_submitted(spec, ws, request)
            page = result.page(PAGE_ROWS, offset)
            api = {**chosen, **values, "limit": PAGE_ROWS, "offset": offset}
            ctx.update(
                result=result, page=page, api_url=f"{spec.path}?{urlencode(api, doseq=True)}",
                next_offset=offset + PAGE_ROWS if offset + PAGE_ROWS < page["total"] else None,
                prev_offset=max(offset - PAGE_ROWS, 0) if offset else None,
                query_string=urlencode([(k, v) for k, v in q.multi_items() if k != "offset"]),
            )  # fmt: skip
            ctx["cell_links"] = analysis_links(
                spec, getattr(result.params, "by", None), page["items"], chosen
            )
            ctx.update(page_extras(result, ws, page["items"], request.url.query))
            chart = ctx.pop("chart", None) or _chart(result)
            if chart is not None:
                ctx["figures"] = {"result": chart}
        except (AgorascopeError, ValueError) as e:
            ctx["error"] = str(e)
            status = 404 if type(e).__name__ == "NotFoundError" else 422
    return render_page(request, "analysis.html", ctx, status_code=status)
