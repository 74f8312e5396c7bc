"""``agorascope districts``: the redistricting commands that are not analyses.

``districts check``, ``metrics`` and ``ensemble`` are generated from the registry (see
:mod:`agorascope.districts.analyses`); this module adds the commands that write files: a
repaired graph (``repair``), an ensemble's statistics (``draw``), the outlier report and a
seeded starting plan (``plan new``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from agorascope import registry
from agorascope.cli.common import console, fail_on_errors, print_json
from agorascope.districts import (
    BUNDLED_GRAPHS,
    Election,
    Ensemble,
    check_graph,
    html_report,
    outlier_table,
    plan_statistics,
    repair_graph,
    tree_plan,
    write_graph,
    write_plan_csv,
)
from agorascope.districts.analyses import EnsembleParams, draw_ensemble, load_graph, load_plan
from agorascope.districts.metrics import population_deviation
from agorascope.errors import InvalidInputError

app = typer.Typer(
    help="Redistricting: check graphs and plans, plan metrics, ReCom ensembles, outlier reports.",
    no_args_is_help=True,
)

GraphArg = Annotated[
    str,
    typer.Argument(
        help="Graph: adjacency JSON (.json/.json.gz), a shapefile/GeoJSON/GeoPackage, or a "
        f"bundled name ({', '.join(BUNDLED_GRAPHS)})."
    ),
]
PopOpt = Annotated[str | None, typer.Option("--pop", help="Population attribute.")]
ElectionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--election",
        "-e",
        help="NAME=VOTES_A,VOTES_B (repeatable); positive metrics favour party A.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AdjOpt = Annotated[str, typer.Option("--adjacency", help="rook or queen (geometry files).")]
IdOpt = Annotated[str | None, typer.Option("--id-column", help="Unit id column (geometry).")]


def _graph(source: str, adjacency: str, id_column: str | None) -> Any:
    if adjacency not in ("rook", "queen"):
        raise InvalidInputError("--adjacency must be rook or queen")
    return load_graph(source, "rook" if adjacency == "rook" else "queen", id_column)


@app.command()
def repair(
    graph: GraphArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Write the repaired graph (JSON).")
    ],
    pop: PopOpt = None,
    column: Annotated[
        list[str] | None, typer.Option("--column", help="Other attribute to check (repeatable).")
    ] = None,
    drop_islands: Annotated[bool, typer.Option(help="Drop units with no neighbour.")] = False,
    largest_component: Annotated[
        bool, typer.Option(help="Keep only the largest connected part.")
    ] = False,
    connect: Annotated[
        str | None,
        typer.Option(help="Join islands and parts to their nearest unit; X,Y columns."),
    ] = None,
    fill: Annotated[
        list[str] | None, typer.Option("--fill", help="COLUMN=VALUE for missing values.")
    ] = None,
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Repair a graph (islands, disconnected parts, missing values), write it and check it."""
    with fail_on_errors():
        g = _graph(graph, adjacency, id_column)
        fills: dict[str, float] = {}
        for spec in fill or []:
            name, sep, value = spec.partition("=")
            if not sep:
                raise InvalidInputError(f"--fill {spec!r}: expected COLUMN=VALUE")
            fills[name] = float(value)
        coords = None
        if connect:
            parts = connect.split(",")
            if len(parts) != 2:
                raise InvalidInputError("--connect needs X,Y column names")
            coords = (parts[0], parts[1])
        g = repair_graph(
            g,
            islands="connect" if connect else ("drop" if drop_islands else "keep"),
            components_mode="connect" if connect else ("largest" if largest_component else "keep"),
            fill_missing=fills or None,
            coords=coords,
        )
        report = check_graph(g, ([pop] if pop else []) + list(column or []))
        write_graph(g, output)
    if json_out:
        print_json({"graph": report.to_dict(), "written": str(output)})
        return
    console.print(
        f"{report.n_nodes} units, {report.n_edges} edges, "
        f"{len(report.component_sizes)} connected part(s), written to {output}"
    )
    for line in report.problems() or ["graph: no problem found"]:
        console.print(f"- {line}", highlight=False)


@app.command()
def draw(
    graph: GraphArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file of per-step stats.")],
    plan: Annotated[str | None, typer.Option("--plan", help="Starting plan attribute.")] = None,
    plan_csv: Annotated[
        Path | None, typer.Option("--plan-csv", help="Starting plan CSV (id, district).")
    ] = None,
    pop: PopOpt = None,
    election: ElectionOpt = None,
    steps: Annotated[int | None, typer.Option(help="States per chain (start included).")] = None,
    chains: Annotated[int | None, typer.Option(help="Independent chains.")] = None,
    tolerance: Annotated[float | None, typer.Option(help="Population tolerance.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the ensemble.")] = None,
    burn_in: Annotated[int | None, typer.Option(help="States dropped per chain.")] = None,
    thin: Annotated[int | None, typer.Option(help="Keep one state in THIN.")] = None,
    county: Annotated[
        str | None, typer.Option(help="County attribute: spanning trees prefer county lines.")
    ] = None,
    county_surcharge: Annotated[
        float | None, typer.Option(help="Weight on county-crossing edges.")
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes.")] = None,
    adjacency: Annotated[str | None, typer.Option(help="rook or queen (geometry).")] = None,
    id_column: IdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Draw a ReCom ensemble and write per-step statistics to Parquet (for 'districts report').

    The parameters and their defaults are those of 'districts ensemble'.
    """
    given = {
        "graph": graph, "plan": plan, "plan_csv": plan_csv, "pop": pop, "election": election,
        "steps": steps, "chains": chains, "tolerance": tolerance, "seed": seed,
        "burn_in": burn_in, "thin": thin, "county": county, "county_surcharge": county_surcharge,
        "jobs": jobs, "adjacency": adjacency, "id_column": id_column,
    }  # fmt: skip
    with fail_on_errors():
        p = registry.parse_params(registry.get("districts", "ensemble"), given)
        assert isinstance(p, EnsembleParams)
        ens = draw_ensemble(p, progress=not json_out)
        ens.to_parquet(out)
    if json_out:
        print_json({"output": str(out), "kept": len(ens.stats)})
        return
    console.print(f"{len(ens.stats)} plans written to {out}")


def _f(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:+.3f}"


@app.command()
def report(
    graph: GraphArg,
    stats: Annotated[Path, typer.Option("--stats", help="Parquet file from 'draw'.")],
    plan: Annotated[
        list[str], typer.Option("--plan", help="Plan attribute or CSV to place (repeatable).")
    ],
    pop: Annotated[str, typer.Option("--pop", help="Population attribute.")],
    election: ElectionOpt = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report.")] = None,
    title: Annotated[str, typer.Option(help="Report title.")] = "Ensemble report",
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Where plans sit in an ensemble on each statistic (percentile, z-score)."""
    with fail_on_errors():
        g = _graph(graph, adjacency, id_column)
        ens = Ensemble.from_parquet(stats)
        elections = [Election.parse(s) for s in election or []]
        missing = [el.name for el in elections if el.name not in ens.elections]
        if missing:
            raise InvalidInputError(
                f"election(s) {missing} not in the ensemble (it has {ens.elections})"
            )
        plans = {}
        for spec in plan:
            csv = Path(spec) if spec.endswith(".csv") else None
            p = load_plan(g, None if csv else spec, csv)
            plans[p.name] = plan_statistics(g, p, pop, elections)
        rows = outlier_table(ens, plans)
        if html is not None:
            html_report(ens, plans, html, title)
    if json_out:
        print_json({"rows": [r.to_dict() for r in rows], "html": str(html) if html else None})
        return
    table = Table("plan", "metric", "value", "percentile", "z", "ensemble mean")
    for r in rows:
        table.add_row(
            r.plan, r.metric, f"{r.value:.4g}", f"{r.percentile:.1f}", _f(r.z), f"{r.mean:.4g}"
        )
    console.print(table)
    if html is not None:
        console.print(f"report written to {html}")


plan_app = typer.Typer(help="Starting plans.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("new")
def plan_new(
    graph: GraphArg,
    districts: Annotated[int, typer.Option("--districts", "-k", help="Number of districts.")],
    pop: Annotated[str, typer.Option("--pop", help="Population attribute.")] = "TOTPOP",
    tolerance: Annotated[
        float, typer.Option(help="Largest population deviation of a district, e.g. 0.01.")
    ] = 0.01,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same plan).")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the plan as CSV (id, district).")
    ] = None,
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Draw a seeded plan: recursive spanning-tree cuts, equal population, contiguous.

    The CSV it writes starts an ensemble: 'districts ensemble GRAPH --plan-csv FILE' (or
    '--start new --districts N' draws it there).
    """
    with fail_on_errors():
        g = _graph(graph, adjacency, id_column)
        plan = tree_plan(g, pop, districts, tolerance, seed)
        dev = population_deviation(g, plan, pop)
        if out is not None:
            write_plan_csv(g, plan, out)
    if json_out:
        print_json({
            "districts": plan.k, "seed": seed, "tolerance": tolerance,
            "max_abs_deviation": dev["max_abs_deviation"], "populations": dev["populations"],
            "written": str(out) if out else None,
            "assignment": None if out else {
                str(nid): plan.labels[int(d)]
                for nid, d in zip(g.node_ids, plan.assignment, strict=True)
            },
        })  # fmt: skip
        return
    table = Table("district", "units", "population", "deviation")
    units = np.bincount(plan.assignment, minlength=plan.k)
    for i, label in enumerate(plan.labels):
        table.add_row(
            str(label),
            str(units[i]),
            f"{dev['populations'][i]:,.0f}",
            f"{dev['deviations'][i]:+.2%}",
        )
    console.print(table)
    console.print(f"largest deviation {dev['max_abs_deviation']:.2%} (tolerance {tolerance:.2%})")
    if out is not None:
        console.print(f"plan written to {out}")
