"""``agorascope districts``: command-line adapter for :mod:`agorascope.districts`."""

from __future__ import annotations

import typer

app = typer.Typer(help="districts commands.", no_args_is_help=True)
