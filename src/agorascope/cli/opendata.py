"""``agorascope opendata``: public tables to join with.

``opendata list``, ``show``, ``correlate``, ``per-capita`` and ``locations`` are generated from
the registry (see :mod:`agorascope.opendata.analyses`) into this group; ``join`` is here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from agorascope.cli.common import console, fail_on_errors, print_json
from agorascope.opendata.join import join_file

app = typer.Typer(
    help="Public data to join with: county and state tables, correlations, posts per capita.",
    no_args_is_help=True,
)


@app.command("join")
def join_command(
    file: Annotated[Path, typer.Argument(help="CSV or TSV file with one row per county or state.")],
    on: Annotated[
        str | None,
        typer.Option("--on", help="Key column of the file (default: fips, geoid, state...)."),
    ] = None,
    tables: Annotated[
        list[str] | None,
        typer.Option("--table", help="Bundled table to join (repeatable; default by level)."),
    ] = None,
    level: Annotated[
        Literal["county", "state"] | None,
        typer.Option("--level", help="county or state (default: from the keys)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the joined rows to this CSV file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Join a county or state file with the bundled tables; list unmatched keys by line.

    Keys: county FIPS (5 digits, zero-padded or not), state FIPS (2 digits), state postal
    codes or names.
    """
    with fail_on_errors():
        joined = join_file(file, on=on, tables=tables, level=level)
        if out is not None:
            joined.frame.drop(columns=["line"]).to_csv(out, index=False)
    summary = {
        "file": str(file),
        "level": joined.level,
        "on": joined.on,
        "tables": joined.tables,
        "rows": len(joined.frame),
        "matched": joined.matched,
        "unmatched": [u.__dict__ for u in joined.unmatched],
        "out": None if out is None else str(out),
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"{file}: {joined.matched} of {len(joined.frame)} rows matched a {joined.level} "
        f"on {joined.on!r} (tables: {', '.join(joined.tables)})"
    )
    for u in joined.unmatched:
        console.print(f"{file} line {u.line}: field {u.field!r} = {u.value!r}: {u.reason}")
    if out is not None:
        console.print(f"wrote {out}")
