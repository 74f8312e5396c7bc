"""REST routes generated from the registry: ``GET /api/<domain>/<name>`` per analysis.

File parameters (``Path`` fields) are read only inside the ``AGORASCOPE_DATA_DIR`` folder,
named relative to it: a client never reaches other files of the server. A field that also takes
fixed names (``Literal[...] | Path``, e.g. a bundled graph) passes those names through.

Each route takes the selection (``topic`` or ``q``, ``since``, ``until``) when the analysis
needs one, the analysis's parameters as query parameters (their defaults, bounds and
descriptions come from its parameter model), and ``limit``/``offset``; it answers one
:class:`AnalysisPage` of the analysis's rows, typed in ``/openapi.json``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from agorascope import registry
from agorascope.api.deps import Page, Viewer, WorkspaceDep
from agorascope.api.schemas import ErrorPublic
from agorascope.components import Analyses

__all__ = ["AnalysisPage", "routers"]

R = TypeVar("R")

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic},
    404: {"model": ErrorPublic},
    422: {"model": ErrorPublic},
}


class AnalysisPage(BaseModel, Generic[R]):
    """One page of an analysis's rows."""

    items: list[R]
    total: int
    limit: int | None
    offset: int
    meta: dict[str, Any]
    selection: dict[str, Any] | None


_FORMAT = Annotated[
    Literal["json", "csv", "xlsx", "parquet"],
    Query(description="json: one page; csv, xlsx or parquet: every row as a file."),
]
EXPORT_BATCH = 5000
"""Rows written per step of a file export."""

_Q = Annotated[str | None, Query(max_length=2000, description="Boolean query.")]
_TOPIC = Annotated[str | None, Query(max_length=100, description="Saved topic name.")]
_SINCE = Annotated[
    str | None, Query(max_length=40, description="Window start: ISO date or time (UTC).")
]
_UNTIL = Annotated[
    str | None,
    Query(max_length=40, description="Window end: a date includes that day; a time is exclusive."),
]


def _param(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


_BOUNDS = ("gt", "ge", "lt", "le", "min_length", "max_length")


def _field_param(name: str, field: FieldInfo) -> inspect.Parameter:
    """One query parameter from a field of the parameter model (bounds and help kept)."""
    bounds = {k: getattr(m, k) for m in field.metadata for k in _BOUNDS if hasattr(m, k)}
    info = Query(description=field.description, examples=field.examples, **bounds)
    # the model's own type and default, as /openapi.json shows them; no added "| None"
    # (FastAPI then attaches its Query to one member of a union, and pydantic warns)
    default = inspect.Parameter.empty if field.is_required() else field.get_default()
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[field.annotation, info],
        default=default,
    )


def _endpoint(spec: registry.Analysis) -> Any:
    fields = spec.params.model_fields

    def endpoint(
        ws: Any,
        paging: Any,
        q: str | None = None,
        topic: str | None = None,
        since: str | None = None,
        until: str | None = None,
        format: str = "json",
        **given: Any,
    ) -> Any:
        # a value equal to the default counts as not given (as on the command line)
        values = {
            k: v
            for k, v in given.items()
            if k in fields and v is not None and v != fields[k].get_default()
        }
        for name in registry.file_fields(spec):
            if isinstance(values.get(name), Path):
                values[name] = ws.settings.data_file(values[name])
        result = Analyses(ws, spec.domain).run(
            spec.name, topic=topic, query=q, since=since, until=until, **values
        )
        if format != "json":
            return _file(spec, result, format, {"topic": topic, "q": q, "since": since,
                                                "until": until, **values})  # fmt: skip
        return {**result.page(paging.limit, paging.offset), "selection": result.selection}

    head = [_param("_", Viewer), _param("ws", WorkspaceDep), _param("paging", Page)]
    window = [
        _param("since", _SINCE).replace(default=None),
        _param("until", _UNTIL).replace(default=None),
    ]
    tail = {
        "selection": [
            _param("q", _Q).replace(default=None),
            _param("topic", _TOPIC).replace(default=None),
            *window,
        ],
        "window": window,
        "workspace": [],
    }[spec.needs]
    params = [_field_param(n, f) for n, f in fields.items()]
    required = [p for p in params if p.default is inspect.Parameter.empty]
    optional = [p for p in params if p.default is not inspect.Parameter.empty]
    fmt = _param("format", _FORMAT).replace(default="json")
    endpoint.__signature__ = inspect.Signature([*head, *required, *tail, *optional, fmt])  # type: ignore[attr-defined]
    endpoint.__name__ = f"{spec.domain}_{spec.attr}"
    endpoint.__doc__ = f"{spec.summary}\n\n{spec.description}".strip()
    return endpoint


def _file(
    spec: registry.Analysis, result: registry.Result, fmt: str, values: dict[str, Any]
) -> Any:
    """Every row of ``result`` as a file download, written in batches."""
    from agorascope.api.routes.mentions import export_response
    from agorascope.report.export import export_filename

    rows = result.rows
    batches = (rows[i : i + EXPORT_BATCH] for i in range(0, max(len(rows), 1), EXPORT_BATCH))
    name = export_filename(f"{spec.domain}-{spec.name}", values, fmt)
    return export_response(batches, spec.row, fmt, name)


def routers() -> list[APIRouter]:
    """One router per domain, with a route per registered analysis."""
    out = []
    for domain in registry.domains():
        router = APIRouter(prefix=f"/api/{domain}", tags=[domain], responses=_RESPONSES)
        for spec in registry.analyses(domain):
            router.add_api_route(
                f"/{spec.name}",
                _endpoint(spec),
                methods=["GET"],
                response_model=AnalysisPage[spec.row],  # type: ignore[name-defined]
                summary=spec.summary,
                description=spec.description or spec.summary,
                name=f"{domain}:{spec.name}",
            )
        out.append(router)
    return out
