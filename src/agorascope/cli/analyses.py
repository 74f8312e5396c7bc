"""Commands generated from the registry: ``agorascope <domain> <name>`` per analysis.

Each command takes the selection (``--topic``/``--query``, ``--since``/``--until``) when the
analysis needs one, one option per parameter of its model (the defaults, bounds and help come
from the model: nothing is repeated here), ``--limit``/``--offset`` for the rows shown and
``--json`` for the same page the REST API answers.
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic.fields import FieldInfo
from rich.table import Table

from agorascope import registry
from agorascope.cli.common import (
    console,
    fail_on_errors,
    print_json,
    settings_from,
    workspace_from,
)
from agorascope.display import cell

__all__ = ["register"]

_LIMIT = Annotated[int, typer.Option("--limit", min=1, help="Rows shown.")]
_OFFSET = Annotated[int, typer.Option("--offset", min=0, help="Rows skipped.")]
_JSON = Annotated[bool, typer.Option("--json", help="Print JSON (the REST API's page).")]
_GEXF = Annotated[Path | None, typer.Option("--gexf", help="Also write the network as GEXF.")]
_SELECTION = {
    "query": Annotated[str | None, typer.Option("--query", "-q", help="Boolean query.")],
    "topic": Annotated[str | None, typer.Option("--topic", "-t", help="Saved topic name.")],
}
_WINDOW = {
    "since": Annotated[
        str | None, typer.Option("--since", help="Window start: ISO date or time (UTC).")
    ],
    "until": Annotated[
        str | None,
        typer.Option("--until", help="Window end: a date includes that day; a time is exclusive."),
    ],
}


def _cli_type(annotation: Any) -> tuple[Any, str]:
    """The type Typer parses for ``annotation`` and a hint on the values it accepts.

    Types Typer lacks (a date; a union such as a file or a bundled name) are read as text,
    which the parameter model then parses.
    """
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return str, "one of: " + ", ".join(map(str, typing.get_args(annotation)))
    if annotation is date:
        return str, "YYYY-MM-DD"
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return _cli_type(inner[0])
        names = [v for a in inner if typing.get_origin(a) is Literal for v in typing.get_args(a)]
        file = any(isinstance(a, type) and issubclass(a, Path) for a in inner)
        hint = ("a file, or " if file else "") + ("one of: " + ", ".join(map(str, names)))
        return str, hint if names else ""
    return annotation, ""


def _help(field: FieldInfo, hint: str) -> str:
    parts = [field.description or "", hint]
    if not field.is_required():
        parts.append(f"(default: {field.default})")
    return " ".join(p for p in parts if p)


def _option(spec: registry.Analysis, name: str, field: FieldInfo) -> inspect.Parameter:
    typ, hint = _cli_type(field.annotation)
    flag = f"-{name}" if len(name) == 1 else "--" + name.replace("_", "-")
    info: Any
    if name in spec.arguments:
        info = typer.Argument(help=_help(field, hint), show_default=False)
        default = inspect.Parameter.empty if field.is_required() else None
    elif typ is bool:
        info = typer.Option(f"{flag}/--no-{name}", help=_help(field, hint), show_default=False)
        default = None
    else:
        info = typer.Option(flag, help=_help(field, hint), show_default=False)
        default = None
    if typing.get_origin(typ) is list:
        annotation: Any = (
            Annotated[typ, info] if name in spec.arguments else Annotated[typ | None, info]
        )
    else:
        annotation = Annotated[typ | None, info] if default is None else Annotated[typ, info]
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def show(result: registry.Result, limit: int, offset: int) -> None:
    """Print one page of ``result`` as a Rich table, then its meta values."""
    spec = result.analysis
    page = result.page(limit, offset)
    table = Table(title=f"{spec.domain} {spec.name}")
    columns = list(spec.row.model_fields)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in page["items"]:
        table.add_row(*(cell(row.get(c)) for c in columns))
    console.print(table)
    shown = len(page["items"])
    if result.rows:
        console.print(f"rows {offset + 1 if shown else offset}-{offset + shown} of {len(result)}")
    for key, value in result.meta.items():
        console.print(f"{key}: {value}")


def _workspace(ctx: typer.Context, spec: registry.Analysis, writes: bool = False) -> Any:
    """The invocation's workspace, read-only unless the run ``writes``; an analysis that needs
    no posts runs without a store file."""
    if writes:
        return workspace_from(ctx)
    if spec.needs == "workspace":
        settings = settings_from(ctx)
        if not settings.db.exists():
            from agorascope.store.store import Store
            from agorascope.workspace import Workspace

            return Workspace(settings, store=Store.memory())
    return workspace_from(ctx, read_only=True)


def _command(spec: registry.Analysis) -> Any:
    def command(ctx: typer.Context, **kw: Any) -> None:
        limit, offset, as_json, gexf = kw.pop("limit"), kw.pop("offset"), kw.pop("json"), None
        if spec.graph:
            gexf = kw.pop("gexf")
        selection = {k: kw.pop(k) for k in ("topic", "query", "since", "until") if k in kw}
        with fail_on_errors():
            from agorascope.components import Analyses

            writes = registry.parse_params(spec, kw).writes()
            with _workspace(ctx, spec, writes) as ws:
                result = Analyses(ws, spec.domain).run(
                    spec.name, progress=not as_json, **selection, **kw
                )
            if gexf is not None:
                from agorascope.listen.coordination import write_gexf

                write_gexf(result.graph, gexf)
        if as_json:
            print_json({**result.page(limit, offset), "selection": result.selection})
        else:
            show(result, limit, offset)

    params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=typer.Context)]  # fmt: skip
    heads = {"selection": {**_SELECTION, **_WINDOW}, "window": _WINDOW, "workspace": {}}
    args = [n for n in spec.arguments]
    fields = spec.params.model_fields
    params += [_option(spec, n, fields[n]) for n in args]
    params += [_keyword(n, a, None) for n, a in heads[spec.needs].items()]
    params += [_option(spec, n, f) for n, f in fields.items() if n not in args]
    params += [_keyword("limit", _LIMIT, 50), _keyword("offset", _OFFSET, 0)]
    if spec.graph:
        params.append(_keyword("gexf", _GEXF, None))
    params.append(_keyword("json", _JSON, False))
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__name__ = spec.attr
    command.__doc__ = f"{spec.summary}\n\n{spec.description}".strip()
    return command


def _domain_help(domain: str) -> str:
    doc = importlib.import_module(f"agorascope.{domain}").__doc__ or domain
    return doc.strip().splitlines()[0]


def list_command(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the reference (docs/analyses.md).")
    ] = False,
    as_json: _JSON = False,
) -> None:
    """List every analysis: domain, name, what it needs and its summary."""
    if markdown:
        typer.echo(registry.markdown(), nl=False)
        return
    rows = [
        {"domain": a.domain, "name": a.name, "needs": a.needs, "summary": a.summary,
         "params": list(a.params.model_fields), "path": a.path}
        for a in registry.analyses()
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table(title="analyses")
    for c in ("domain", "name", "needs", "summary"):
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(str(r[c]) for c in ("domain", "name", "needs", "summary")))
    console.print(table)


def register(root: typer.Typer, groups: dict[str, typer.Typer] | None = None) -> None:
    """Add a command per registered analysis, under its domain's group, and ``analyses``.

    Args:
        root: the root application.
        groups: existing domain groups (with hand-written commands) to add to.
    """
    root.command("analyses")(list_command)
    groups = dict(groups or {})
    for domain in registry.domains():
        group = groups.get(domain)
        if group is None:
            group = typer.Typer(help=_domain_help(domain), no_args_is_help=True)
            root.add_typer(group, name=domain)
        for spec in registry.analyses(domain):
            group.command(spec.name, help=f"{spec.summary}\n\n{spec.description}".strip())(
                _command(spec)
            )
