"""``agorascope experiment import|analyze|sequential|power|list``: message experiments.

``import`` writes an experiment into the store; the others are the registry's ``voters``
analyses under shorter names (``experiment analyze`` is ``voters experiment``, with the same
options, defaults and output), so nothing here repeats a default or a check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agorascope import registry
from agorascope.cli.analyses import _command
from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from

app = typer.Typer(
    help="Message experiments: import results, compare arms, read daily, plan sample sizes.",
    no_args_is_help=True,
)

for _name, _analysis in (
    ("analyze", "experiment"),
    ("sequential", "experiment-sequential"),
    ("power", "experiment-power"),
    ("list", "experiments"),
):
    app.command(name=_name)(_command(registry.get("voters", _analysis)))


@app.command(name="import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, TSV, JSON Lines or Parquet file.")],
    name: Annotated[str, typer.Option("--name", help="Name to keep the experiment under.")],
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write the rows set aside (CSV) here.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import an experiment's results: one row per recipient or one per arm (and day).

    Columns: arm; per recipient opened, clicked, donated (0/1) and amount; per arm sent and
    the counts, amount the arm's total; day (YYYY-MM-DD) optional. Importing under an existing
    name replaces that experiment.
    """
    from agorascope.voters.experiments import import_experiment

    with fail_on_errors(), workspace_from(ctx) as ws:
        info = import_experiment(ws.store, file, name, rejects_path=rejects)
    if json_out:
        print_json(info.to_dict())
        return
    console.print(
        f"experiment {info.name!r} ({info.level} level): {info.rows_read} rows read, "
        f"{sum(info.sent.values())} recipients in {len(info.sent)} arms, "
        f"{len(info.rejects)} rejected"
    )
    for r in info.rejects[:10]:
        console.print(f"  {r.file}:{r.line}: {r.field or 'row'}: {r.reason}", highlight=False)
    if rejects is not None and info.rejects:
        console.print(f"rejected rows written to {rejects}")
