"""``agorascope import`` and ``agorascope stats``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, settings_from
from agorascope.errors import InvalidInputError

__all__ = ["register"]


def _parse_mapping(pairs: list[str], mapping_file: Path | None) -> dict[str, str] | None:
    from agorascope.collect.presets import load_mapping

    mapping = load_mapping(mapping_file) if mapping_file is not None else {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip():
            raise InvalidInputError(f"--map expects FIELD=COLUMN, got {pair!r}")
        mapping[field.strip()] = column
    return mapping or None


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (every file inside, or a cascade-tree layout)."),
    ],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Preset name; detected when omitted.")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="Column mapping FIELD=COLUMN (repeatable; mapping preset)."),
    ] = None,
    mapping_file: Annotated[
        Path | None, typer.Option("--mapping-file", help="JSON or TOML file of FIELD = COLUMN.")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", min=1, help="Rows per atomic batch.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    index: Annotated[
        bool, typer.Option(help="Update the full-text index batch by batch (else: at next search).")
    ] = True,
) -> None:
    """Import posts from CSV, JSONL, JSON or Parquet files (idempotent, crash-safe)."""
    from agorascope.workspace import Workspace

    settings = settings_from(ctx)
    if batch_size is not None:
        settings = settings.model_copy(update={"batch_size": batch_size})
    with fail_on_errors():
        mapping = _parse_mapping(map_ or [], mapping_file)
        if mapping is not None and format is None:
            format = "mapping"
        for p in paths:
            if not p.exists():
                raise InvalidInputError(f"{p}: no such file or folder")
        with Workspace(settings) as ws:
            summary = ws.import_files(
                paths,
                format=format,
                mapping=mapping,
                progress=progress and not as_json,
                index=index,
            )
    if as_json:
        print_json(summary.to_dict())
        return
    table = Table(title="import")
    for col in ("file", "format", "read", "imported", "duplicates", "rejected"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for f in summary.files:
        table.add_row(
            Path(f.path).name,
            f.format,
            f"{f.read:,}",
            f"{f.imported:,}",
            f"{f.duplicates:,}",
            f"{f.rejected:,}",
        )
    console.print(table)
    for f in summary.files:
        if f.rejects_path:
            console.print(f"rejected rows of {Path(f.path).name}: {f.rejects_path}")
        for kind, n in f.unrecognised.items():
            examples = "; ".join(f.unrecognised_examples.get(kind, []))
            if kind == "author":
                console.print(
                    f"{n:,} posts without author_id or author_handle: their author fields "
                    f"were not stored ({examples})"
                )
            else:
                console.print(f"{n:,} {kind} values not recognised (kept empty), e.g. {examples}")


def stats_command(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(min=1, help="Rows in each breakdown.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts and breakdowns of what the store holds."""
    from agorascope.workspace import Workspace

    with fail_on_errors(), Workspace(settings_from(ctx)) as ws:
        data = ws.stats(top=top)
    if as_json:
        print_json(data)
        return
    print_overview(data)


def print_overview(data: dict[str, Any]) -> None:
    """Render the overview for people."""
    head = Table(title="agorascope store", show_header=False)
    head.add_column("what")
    head.add_column("value", justify="right")
    for key in ("posts", "authors", "authors_posting", "cascades", "topics"):
        head.add_row(key.replace("_", " "), f"{data[key]:,}")
    head.add_row("first post", str(data["first_post"]))
    head.add_row("last post", str(data["last_post"]))
    console.print(head)
    for key in ("by_platform", "by_relation", "by_source", "by_lang", "by_country"):
        t = Table(title=key.replace("_", " "))
        t.add_column("value")
        t.add_column("posts", justify="right")
        for row in data[key]:
            t.add_row(str(row["value"]), f"{row['posts']:,}")
        console.print(t)


def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Output file: .parquet, .jsonl or .csv.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Export every post in agorascope's native layout (re-importable with --format native)."""
    from agorascope.store.export import export_posts
    from agorascope.workspace import Workspace

    with fail_on_errors(), Workspace(settings_from(ctx)) as ws:
        n = export_posts(ws.store, out)
    if as_json:
        print_json({"path": str(out), "posts": n})
    else:
        console.print(f"exported {n:,} posts to {out}")


def register(root: typer.Typer) -> None:
    """Add ``import``, ``export`` and ``stats`` to the root application."""
    root.command("import")(import_command)
    root.command("export")(export_command)
    root.command("stats")(stats_command)
