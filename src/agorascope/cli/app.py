"""Assembly of the root Typer application and its global options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agorascope._version import __version__
from agorascope.cli import analyses as analyses_cli
from agorascope.cli import data as data_cli
from agorascope.cli import demo as demo_cli
from agorascope.cli import districts as districts_cli
from agorascope.cli import elections as elections_cli
from agorascope.cli import experiments as experiments_cli
from agorascope.cli import opendata as opendata_cli
from agorascope.cli import privacy as privacy_cli
from agorascope.cli import search as search_cli
from agorascope.cli import serve as serve_cli
from agorascope.cli import voters as voters_cli
from agorascope.cli import watch_alerts as watch_alerts_cli
from agorascope.cli import watch_sources as watch_sources_cli
from agorascope.cli.common import State, run_guarded

app = typer.Typer(
    name="agorascope",
    help="Public-opinion intelligence: watch, listen, audience, voters, elections, districts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(elections_cli.app, name="elections")
app.add_typer(districts_cli.app, name="districts")
app.add_typer(experiments_cli.app, name="experiment")
app.add_typer(privacy_cli.app, name="privacy")
app.add_typer(voters_cli.app, name="voters")
app.add_typer(opendata_cli.app, name="opendata")
data_cli.register(app)
demo_cli.register(app)
analyses_cli.register(
    app,
    {
        "elections": elections_cli.app,
        "districts": districts_cli.app,
        "voters": voters_cli.app,
        "opendata": opendata_cli.app,
    },
)
search_cli.register(app)
serve_cli.register(app)
watch_sources_cli.register(app)
watch_alerts_cli.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agorascope {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store file (default ./agorascope.duckdb or $AGORASCOPE_DB)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")
    ] = False,
) -> None:
    """agorascope: public-opinion intelligence on your own data."""
    ctx.obj = State(db=db)


def main() -> None:
    """Console-script entry point: errors are one line unless ``--debug`` is given."""
    run_guarded(app)
