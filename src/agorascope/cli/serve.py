"""``agorascope serve``, ``agorascope token create|list|revoke`` and ``agorascope report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import (
    console,
    fail_on_errors,
    print_json,
    settings_from,
    workspace_from,
)
from agorascope.config import Settings
from agorascope.errors import InvalidInputError

__all__ = ["register", "serve_app", "with_address"]

token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)


def serve_app(
    settings: Settings,
    *,
    require_tokens: bool | None = None,
    log_level: str = "info",
    scheduler: bool = True,
) -> None:
    """Build the app over ``settings`` and run it with uvicorn until interrupted."""
    import uvicorn

    from agorascope.api import create_app

    app = create_app(settings, require_tokens=require_tokens, warm=True, scheduler=scheduler)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    console.print(f"dashboard: http://{host}:{settings.port}/  (Ctrl+C to stop)")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level)


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Bind address (default 127.0.0.1; elsewhere needs tokens).")
    ] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port (default 8000).")] = None,
    require_tokens: Annotated[
        bool, typer.Option("--require-tokens", help="Demand a token even on loopback.")
    ] = False,
    no_scheduler: Annotated[
        bool,
        typer.Option(
            "--no-scheduler", help="Do not fetch sources nor run watches in the background."
        ),
    ] = False,
) -> None:
    """Serve the dashboard and the REST API (OpenAPI schema at /openapi.json).

    A background scheduler fetches the sources that are due and runs the registered jobs
    every ``AGORASCOPE_SCHEDULER_INTERVAL`` seconds, unless ``--no-scheduler``.
    """
    settings = with_address(settings_from(ctx), host, port)
    with fail_on_errors():
        serve_app(
            settings,
            require_tokens=True if require_tokens else None,
            scheduler=not no_scheduler,
        )


def with_address(settings: Settings, host: str | None, port: int | None) -> Settings:
    update: dict[str, Any] = {}
    if host is not None:
        update["host"] = host
    if port is not None:
        update["port"] = port
    return settings.model_copy(update=update) if update else settings


def report_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Saved topic name.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Boolean query.")] = None,
    since: Annotated[str | None, typer.Option(help="Window start: ISO date or time (UTC).")] = None,
    until: Annotated[
        str | None, typer.Option(help="Window end: a date includes that day; a time is exclusive.")
    ] = None,
) -> None:
    """Write a topic's (or a query's) report as one self-contained HTML file (works offline)."""
    with fail_on_errors():
        if not (topic or query):
            raise InvalidInputError("give --topic or --query")
        with workspace_from(ctx) as ws:
            path = ws.reports.write(out, topic=topic, query=query, since=since, until=until)
    console.print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", "-r", help="viewer, analyst or admin.")] = "viewer",
    name: Annotated[str | None, typer.Option("--name", "-n", help="A label.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    from agorascope.api.security import create_token

    with fail_on_errors(), workspace_from(ctx) as ws:
        info, token = create_token(ws.store, role, name)
    if as_json:
        print_json({**info.to_dict(), "token": token})
        return
    console.print(f"token {info.id} ({info.role.name}); keep it now, it is not shown again:")
    typer.echo(token)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    revoked: Annotated[bool, typer.Option("--revoked", help="Include revoked tokens.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List tokens (ids, roles, names; never secrets)."""
    from agorascope.api.security import list_tokens

    with fail_on_errors(), workspace_from(ctx) as ws:
        tokens = [t.to_dict() for t in list_tokens(ws.store, include_revoked=revoked)]
    if as_json:
        print_json(tokens)
        return
    table = Table(title="tokens")
    for col in ("id", "role", "name", "created_at", "revoked_at"):
        table.add_column(col)
    for t in tokens:
        table.add_row(
            *(str(t[c] or "") for c in ("id", "role", "name", "created_at", "revoked_at"))
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke a token by id."""
    from agorascope.api.security import revoke_token

    with fail_on_errors(), workspace_from(ctx) as ws:
        revoke_token(ws.store, token_id)
    console.print(f"revoked {token_id}")


def register(root: typer.Typer) -> None:
    """Add ``serve``, ``report`` and ``token`` to the root application."""
    root.command("serve")(serve_command)
    root.command("report")(report_command)
    root.add_typer(token_app, name="token")
