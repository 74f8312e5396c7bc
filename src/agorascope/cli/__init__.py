"""The ``agorascope`` command line: a thin Typer layer over the library.

Each domain has its own module holding a ``typer.Typer`` sub-application; this module only
assembles them. Commands parse their options, call the library and print (Rich tables for
people, ``--json`` for machines).
"""

from __future__ import annotations

from agorascope.cli.app import app, main

__all__ = ["app", "main"]
