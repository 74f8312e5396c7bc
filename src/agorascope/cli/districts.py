"""``agorascope districts``: command-line adapter for :mod:`agorascope.districts`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json
from agorascope.districts import (
    BUNDLED_GRAPHS,
    DistrictGraph,
    Election,
    Ensemble,
    EnsembleSettings,
    Plan,
    bundled_graph,
    check_graph,
    html_report,
    outlier_table,
    plan_from_attribute,
    plan_from_csv,
    plan_metrics,
    plan_statistics,
    read_graph,
    repair_graph,
    run_ensemble,
    validate_plan,
    write_graph,
)
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


def _load_graph(
    source: str, adjacency: str = "rook", id_column: str | None = None
) -> DistrictGraph:
    if source in BUNDLED_GRAPHS:
        return bundled_graph(source)
    path = Path(source)
    if path.name.endswith((".json", ".json.gz")):
        return read_graph(path)
    from agorascope.districts import graph_from_file

    if adjacency not in ("rook", "queen"):
        raise InvalidInputError("--adjacency must be rook or queen")
    return graph_from_file(path, "rook" if adjacency == "rook" else "queen", id_column)


def _load_plan(graph: DistrictGraph, plan: str, id_column: str, district_column: str) -> Plan:
    if plan.endswith(".csv"):
        return plan_from_csv(graph, plan, id_column, district_column)
    return plan_from_attribute(graph, plan)


def _elections(specs: list[str] | None) -> list[Election]:
    return [Election.parse(s) for s in specs or []]


@app.command()
def check(
    graph: GraphArg,
    pop: PopOpt = None,
    column: Annotated[
        list[str] | None, typer.Option("--column", help="Other attribute to check (repeatable).")
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan attribute or CSV file to validate.")
    ] = None,
    k: Annotated[int | None, typer.Option("--k", help="Expected number of districts.")] = None,
    tolerance: Annotated[
        float | None, typer.Option("--tolerance", help="Largest population deviation, e.g. 0.02.")
    ] = None,
    drop_islands: Annotated[
        bool, typer.Option(help="Repair: drop units with no neighbour.")
    ] = False,
    largest_component: Annotated[
        bool, typer.Option(help="Repair: keep only the largest connected part.")
    ] = False,
    connect: Annotated[
        str | None,
        typer.Option(help="Repair: join islands and parts to their nearest unit; X,Y columns."),
    ] = None,
    fill: Annotated[
        list[str] | None, typer.Option("--fill", help="Repair: COLUMN=VALUE for missing values.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the repaired graph (JSON).")
    ] = None,
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    plan_id_column: Annotated[str, typer.Option(help="Unit id column of a plan CSV.")] = "id",
    plan_district_column: Annotated[
        str, typer.Option(help="District column of a plan CSV.")
    ] = "district",
    json_out: JsonOpt = False,
) -> None:
    """Check a graph (islands, disconnected parts, missing values) and optionally a plan."""
    with fail_on_errors():
        g = _load_graph(graph, adjacency, id_column)
        cols = ([pop] if pop else []) + list(column or [])
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
        repairing = drop_islands or largest_component or connect or fills
        if repairing:
            g = repair_graph(
                g,
                islands="connect" if connect else ("drop" if drop_islands else "keep"),
                components_mode="connect"
                if connect
                else ("largest" if largest_component else "keep"),
                fill_missing=fills or None,
                coords=coords,
            )
        report = check_graph(g, cols)
        result: dict[str, Any] = {"graph": report.to_dict()}
        if plan:
            p = _load_plan(g, plan, plan_id_column, plan_district_column)
            result["plan"] = validate_plan(g, p, pop, k, tolerance).to_dict()
        if output is not None:
            write_graph(g, output)
            result["written"] = str(output)
    if json_out:
        print_json(result)
    else:
        console.print(
            f"{report.n_nodes} units, {report.n_edges} edges, "
            f"{len(report.component_sizes)} connected part(s)"
        )
        for line in report.problems() or ["graph: no problem found"]:
            console.print(f"- {line}", highlight=False)
        if "plan" in result:
            pv = result["plan"]
            console.print(
                f"plan: {pv['k']} districts, largest deviation {pv['max_deviation']:.4%}, "
                + ("valid" if pv["valid"] else "INVALID")
            )
            for err in pv["errors"]:
                console.print(f"- {err}", highlight=False)
    if not report.ok or ("plan" in result and not result["plan"]["valid"]):
        raise typer.Exit(2)


@app.command()
def metrics(
    graph: GraphArg,
    plan: Annotated[str, typer.Option("--plan", help="Plan attribute or CSV file.")],
    pop: PopOpt = None,
    election: ElectionOpt = None,
    county: Annotated[str | None, typer.Option(help="County attribute (splits).")] = None,
    minority: Annotated[
        list[str] | None, typer.Option("--minority", help="Minority population column.")
    ] = None,
    minority_total: Annotated[
        str | None, typer.Option(help="Total the minority columns are a share of (e.g. VAP).")
    ] = None,
    competitive_band: Annotated[float, typer.Option(help="Competitive if |share-0.5|<=.")] = 0.05,
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    plan_id_column: Annotated[str, typer.Option(help="Unit id column of a plan CSV.")] = "id",
    plan_district_column: Annotated[
        str, typer.Option(help="District column of a plan CSV.")
    ] = "district",
    json_out: JsonOpt = False,
) -> None:
    """Metrics of one plan: population, contiguity, compactness, splits, partisan fairness."""
    with fail_on_errors():
        g = _load_graph(graph, adjacency, id_column)
        p = _load_plan(g, plan, plan_id_column, plan_district_column)
        result = plan_metrics(
            g,
            p,
            pop,
            _elections(election),
            county,
            minority or (),
            minority_total,
            competitive_band,
        )
    if json_out:
        print_json(_nan_to_none(result))
        return
    console.print(
        f"plan {result['plan']}: {result['k']} districts, {result['cut_edges']} cut edges, "
        f"contiguous: {result['contiguous']}"
    )
    if "population" in result:
        console.print(
            f"largest population deviation: {result['population']['max_abs_deviation']:.4%}"
        )
    if "county_splits" in result:
        cs = result["county_splits"]
        console.print(f"counties split: {cs['split_counties']} of {cs['counties']}")
    table = Table("election", "seats A", "seats B", "vote A", "EG", "mean-median", "bias", "decl.")
    for name, s in result["elections"].items():
        table.add_row(
            name,
            str(s["seats_a"]),
            str(s["seats_b"]),
            f"{s['vote_share_a']:.3f}",
            f"{s['efficiency_gap']:+.3f}",
            f"{s['mean_median']:+.3f}",
            f"{s['partisan_bias']:+.3f}",
            _f(s["declination"]),
        )
    if result["elections"]:
        console.print(table)


def _f(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:+.3f}"


def _nan_to_none(obj: Any) -> Any:
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    return obj


@app.command()
def ensemble(
    graph: GraphArg,
    plan: Annotated[str, typer.Option("--plan", help="Starting plan attribute or CSV file.")],
    pop: Annotated[str, typer.Option("--pop", help="Population attribute.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file of per-step stats.")],
    election: ElectionOpt = None,
    steps: Annotated[int, typer.Option(help="States per chain (start included).")] = 1000,
    chains: Annotated[int, typer.Option(help="Independent chains.")] = 2,
    tolerance: Annotated[float, typer.Option(help="Population tolerance.")] = 0.02,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble.")] = 0,
    burn_in: Annotated[int, typer.Option(help="States dropped per chain.")] = 0,
    thin: Annotated[int, typer.Option(help="Keep one state in THIN.")] = 1,
    county: Annotated[
        str | None, typer.Option(help="County attribute: spanning trees prefer county lines.")
    ] = None,
    county_surcharge: Annotated[float, typer.Option(help="Weight on county-crossing edges.")] = 1.0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes.")] = 1,
    adjacency: AdjOpt = "rook",
    id_column: IdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Draw a ReCom ensemble and write per-step statistics to Parquet."""
    with fail_on_errors():
        g = _load_graph(graph, adjacency, id_column)
        p = _load_plan(g, plan, "id", "district")
        settings = EnsembleSettings(
            steps=steps,
            chains=chains,
            tolerance=tolerance,
            seed=seed,
            burn_in=burn_in,
            thin=thin,
            county=county,
            county_surcharge=county_surcharge,
        )
        ens = run_ensemble(
            g, p, pop, _elections(election), settings, n_jobs=jobs, progress=not json_out
        )
        ens.to_parquet(out)
        diag = ens.diagnostics()
    summary = {
        "output": str(out),
        "kept": len(ens.stats),
        "chains": chains,
        "steps": steps,
        "mean_trees_per_step": ens.attempts,
        "statistics": {
            col: {
                "mean": float(ens.stats[col].mean()),
                "sd": float(ens.stats[col].std(ddof=1)) if len(ens.stats) > 1 else 0.0,
                "min": float(ens.stats[col].min()),
                "max": float(ens.stats[col].max()),
                **diag[col],
            }
            for col in diag
        },
    }
    if json_out:
        print_json(_nan_to_none(summary))
        return
    table = Table("statistic", "mean", "sd", "min", "max", "R-hat", "ESS")
    statistics: dict[str, dict[str, float]] = summary["statistics"]  # type: ignore[assignment]
    for col, s in statistics.items():
        table.add_row(
            col,
            f"{s['mean']:.4g}",
            f"{s['sd']:.4g}",
            f"{s['min']:.4g}",
            f"{s['max']:.4g}",
            f"{s['rhat']:.3f}",
            f"{s['ess']:.0f}",
        )
    console.print(f"{summary['kept']} plans written to {out}")
    console.print(table)


@app.command()
def report(
    graph: GraphArg,
    stats: Annotated[Path, typer.Option("--stats", help="Parquet file from 'ensemble'.")],
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
        g = _load_graph(graph, adjacency, id_column)
        ens = Ensemble.from_parquet(stats)
        elections = _elections(election)
        missing = [el.name for el in elections if el.name not in ens.elections]
        if missing:
            raise InvalidInputError(
                f"election(s) {missing} not in the ensemble (it has {ens.elections})"
            )
        plans = {}
        for spec in plan:
            p = _load_plan(g, spec, "id", "district")
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
