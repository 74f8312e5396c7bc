"""``agorascope elections report``: the election command that is not an analysis.

``elections forecast``, ``simulate`` and ``backtest`` are generated from the registry (see
:mod:`agorascope.elections.analyses`); this module adds the HTML report and the rejects file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer

from agorascope import registry
from agorascope.cli.common import console, fail_on_errors, print_json
from agorascope.elections import write_report
from agorascope.elections.analyses import ForecastParams, SimulateParams, forecast_run, simulation
from agorascope.errors import InvalidInputError

app = typer.Typer(
    help="Poll aggregation, Electoral College simulation, backtests.", no_args_is_help=True
)


def _opt(flag: str, text: str) -> Any:
    return typer.Option(flag, help=text + " (as for 'elections forecast' / 'simulate').")


@app.command()
def report(
    html: Annotated[Path, typer.Option("--html", help="Write the HTML report here.")],
    polls: Annotated[Path | None, _opt("--polls", "Poll file")] = None,
    results: Annotated[Path | None, _opt("--results", "Results file")] = None,
    states: Annotated[
        Path | None, _opt("--states", "Simulate from this CSV of state, mean, sd [, votes]")
    ] = None,
    year: Annotated[int | None, _opt("--year", "Election year")] = None,
    as_of: Annotated[str | None, _opt("--as-of", "Forecast date YYYY-MM-DD")] = None,
    ev: Annotated[Path | None, _opt("--ev", "Electoral votes CSV")] = None,
    fundamentals: Annotated[str | None, _opt("--fundamentals", "auto, none or a file")] = None,
    correlation: Annotated[str | None, _opt("--correlation", "economist or historical")] = None,
    dem: Annotated[str | None, _opt("--dem", "Democratic candidate")] = None,
    rep: Annotated[str | None, _opt("--rep", "Republican candidate")] = None,
    national_sd: Annotated[float | None, _opt("--national-sd", "National error sd")] = None,
    df: Annotated[float | None, _opt("--df", "Student-t degrees of freedom")] = None,
    sims: Annotated[int | None, _opt("--sims", "Number of simulations")] = None,
    seed: Annotated[int | None, _opt("--seed", "Random seed")] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write rejected poll rows (CSV) here.")
    ] = None,
    topojson_url: Annotated[
        str | None,
        typer.Option("--topojson-url", help="Folder URL of usa_110m.json for the report's map."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write a forecast's (or, with --states, a simulation's) HTML report and rejected polls.

    The parameters and their defaults are those of 'elections forecast' (or 'simulate').
    """
    given: dict[str, Any] = {"ev": ev, "sims": sims, "seed": seed}
    with fail_on_errors():
        if states is not None and (polls or results):
            raise InvalidInputError("give either --states or --polls and --results, not both")
        if states is not None:
            values: dict[str, Any] = {
                "states": states,
                "year": year,
                "national_sd": national_sd,
                "df": df,
            }
            p = registry.parse_params(registry.get("elections", "simulate"), {**values, **given})
            assert isinstance(p, SimulateParams)
            fc, title, rejected = simulation(p, progress=not json_out), "Simulation", []
        else:
            values = {
                "polls": polls, "results": results, "year": year, "as_of": as_of,
                "fundamentals": fundamentals, "correlation": correlation, "dem": dem, "rep": rep,
            }  # fmt: skip
            fp = registry.parse_params(registry.get("elections", "forecast"), {**values, **given})
            assert isinstance(fp, ForecastParams)
            run = forecast_run(fp, progress=not json_out)
            fc, title = run.forecast, f"{run.year} forecast as of {run.as_of}"
            rejected = run.polls.rejects
        write_report(fc, html, title=title, topojson_url=topojson_url)
    if rejects is not None:
        with rejects.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "line", "field", "reason"])
            for r in rejected:
                w.writerow([r.file, r.line, r.field, r.reason])
    if json_out:
        out = {"html": str(html), "rejects": str(rejects) if rejects else None}
        print_json({**out, "rows_rejected": len(rejected)})
        return
    console.print(f"report written to {html}")
    if rejects is not None:
        console.print(f"{len(rejected)} rejected poll rows written to {rejects}")
