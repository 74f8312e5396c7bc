"""Command-line adapter for :mod:`agorascope.listen`."""

from __future__ import annotations

import typer

app = typer.Typer(help="listen commands.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    root.add_typer(app, name="listen")
