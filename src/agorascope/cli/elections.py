"""``agorascope elections``: command-line adapter for :mod:`agorascope.elections`."""

from __future__ import annotations

import typer

app = typer.Typer(help="elections commands.", no_args_is_help=True)
