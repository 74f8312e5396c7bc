"""``agorascope source add|list|show|remove|enable|import-opml|export-opml`` and ``fetch``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from

__all__ = ["register"]

source_app = typer.Typer(
    help="Followed sources: feeds, web pages and sitemaps fetched on a schedule.",
    no_args_is_help=True,
)

_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_REF = Annotated[str, typer.Argument(help="The source's id or name.")]
_COLUMNS = ("id", "kind", "name", "status", "every", "last_fetch_at", "next_fetch_at", "items")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return (
        value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "isoformat") else str(value)
    )


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Feed, page or sitemap URL; {query} in a template.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="feed, page or sitemap.")] = "feed",
    every: Annotated[
        str, typer.Option("--every", help="Time between fetches: 30m, 2h, 1d.")
    ] = "30m",
    name: Annotated[str | None, typer.Option("--name", "-n", help="Name posts record.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Words filling {query} in a keyword feed.")
    ] = None,
    as_json: _JSON = False,
) -> None:
    """Follow a feed (RSS, Atom, JSON Feed), a web page or a sitemap."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        source = ws.sources.add(url, kind=kind, every=every, name=name, query=query)
    if as_json:
        print_json(source.to_dict())
        return
    console.print(f"source {source.id}: {source.kind} {source.name} ({source.url})")


@source_app.command("list")
def source_list(ctx: typer.Context, as_json: _JSON = False) -> None:
    """List followed sources with their status, last and next fetch."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        sources = [s.to_dict() for s in ws.sources.list()]
    if as_json:
        print_json(sources)
        return
    table = Table(title="sources")
    for col in _COLUMNS:
        table.add_column(col)
    for s in sources:
        table.add_row(*(_cell(s[c]) for c in _COLUMNS))
    console.print(table)


@source_app.command("show")
def source_show(ctx: typer.Context, ref: _REF, as_json: _JSON = False) -> None:
    """Show one source: URL, status, validators, failures and the reason it was disabled."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        source = ws.sources.get(ref).to_dict()
    if as_json:
        print_json(source)
        return
    for key, value in source.items():
        console.print(f"{key:>16}: {_cell(value)}", highlight=False, markup=False)


@source_app.command("remove")
def source_remove(ctx: typer.Context, ref: _REF) -> None:
    """Stop following a source (the posts it brought stay)."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        source = ws.sources.remove(ref)
    console.print(f"removed source {source.id} ({source.name})")


@source_app.command("enable")
def source_enable(ctx: typer.Context, ref: _REF) -> None:
    """Enable a source that was disabled after failing, clearing its failure score."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        source = ws.sources.enable(ref)
    console.print(f"enabled source {source.id} ({source.name})")


@source_app.command("import-opml")
def source_import_opml(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="OPML file (a feed reader's export).")],
    as_json: _JSON = False,
) -> None:
    """Follow every feed an OPML file lists (all checked before any is added)."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        sources = ws.sources.import_opml(path)
    if as_json:
        print_json([s.to_dict() for s in sources])
        return
    console.print(f"{len(sources)} source(s) from {path}")


@source_app.command("export-opml")
def source_export_opml(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Write the followed sources as OPML 2.0."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        text = ws.sources.export_opml()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


def fetch_command(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", help="Fetch every enabled source, due or not.")
    ] = False,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Fetch this source now (repeatable).")
    ] = None,
    as_json: _JSON = False,
) -> None:
    """Run one fetch pass over the sources that are due, and print a summary."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        summary = ws.sources.fetch(sources=source or None, all=all_)
    if as_json:
        print_json(summary.to_dict())
        return
    console.print(
        f"fetched {summary.fetched}, not_modified {summary.not_modified}, "
        f"new_items {summary.new_items}, updated_items {summary.updated_items}, "
        f"errors {summary.errors}"
    )
    for line in summary.sources:
        if line.get("error"):
            console.print(f"  source {line['id']}: {line['result']}: {line['error']}", markup=False)


def register(root: typer.Typer) -> None:
    """Add ``source`` and ``fetch`` to the root application."""
    root.add_typer(source_app, name="source")
    root.command("fetch")(fetch_command)
