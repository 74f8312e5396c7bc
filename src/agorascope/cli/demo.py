"""``agorascope demo`` and ``agorascope demo-data``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agorascope.cli.common import console, fail_on_errors, print_json, settings_from

__all__ = ["register"]


def demo_data_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (.parquet, .jsonl, .csv).")
    ],
    posts: Annotated[int, typer.Option("--posts", "-n", min=1, help="Number of posts.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Write the seeded demo world (hoax burst, sports week, boycott, trend) to a file."""
    from agorascope.demo import write

    with fail_on_errors():
        path = write(out, posts=posts, seed=seed, progress=not as_json)
    if as_json:
        print_json({"path": str(path), "posts": posts, "seed": seed})
    else:
        console.print(f"wrote {posts:,} posts (seed {seed}) to {path}")


def demo_command(
    ctx: typer.Context,
    posts: Annotated[int, typer.Option("--posts", "-n", min=1, help="Generated posts.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the overview as JSON.")] = False,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard when loaded.")
    ] = True,
    host: Annotated[str | None, typer.Option(help="Bind address of the dashboard.")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port.")] = None,
) -> None:
    """Load the demo world and the bundled real data, save its topics, then serve the
    dashboard (``--no-serve``: print the overview instead)."""
    from agorascope.cli.data import print_overview
    from agorascope.cli.serve import serve_app, with_address
    from agorascope.demo.load import load_demo
    from agorascope.report.demo import prepare_demo
    from agorascope.workspace import Workspace

    settings = with_address(settings_from(ctx), host, port)
    with fail_on_errors(), Workspace(settings) as ws:
        load_demo(ws, posts=posts, seed=seed, progress=not as_json)
        prepare_demo(ws.store, progress=not as_json)
        data = ws.stats()
    if as_json:
        print_json(data)
    else:
        print_overview(data)
        console.print(f"store: {settings.db.resolve()}")
    if serve:
        with fail_on_errors():
            serve_app(settings)


def register(root: typer.Typer) -> None:
    """Add ``demo`` and ``demo-data`` to the root application."""
    root.command("demo")(demo_command)
    root.command("demo-data")(demo_data_command)
