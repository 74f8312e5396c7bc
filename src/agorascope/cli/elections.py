"""``agorascope elections``: command-line adapter for :mod:`agorascope.elections`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from agorascope.cli.common import console, err_console, fail_on_errors, print_json
from agorascope.elections import (
    Forecast,
    read_results,
    run_forecast,
    score_forecast,
    simulate_table,
    write_report,
)
from agorascope.timeutil import parse_day

app = typer.Typer(
    help="Poll aggregation, Electoral College simulation, backtests.", no_args_is_help=True
)

PollsOpt = Annotated[
    Path, typer.Option("--polls", help="Poll file (The Economist or FiveThirtyEight format).")
]
ResultsOpt = Annotated[
    Path, typer.Option("--results", help="Results file (MIT Election Lab or The Economist).")
]
YearOpt = Annotated[int, typer.Option("--year", help="Election year.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Forecast date YYYY-MM-DD: only polls that ended before it (default: election day).",
    ),
]
EvOpt = Annotated[
    Path | None,
    typer.Option("--ev", help="Electoral votes CSV (default: census apportionment of the year)."),
]
FundOpt = Annotated[
    str,
    typer.Option(
        "--fundamentals", help="'auto' (bundled time-for-change data), 'none', or a file."
    ),
]
SimsOpt = Annotated[int, typer.Option("--sims", help="Number of simulations.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
CorrOpt = Annotated[str, typer.Option("--correlation", help="'economist' or 'historical'.")]
DemOpt = Annotated[
    str | None,
    typer.Option("--dem", help="Democratic candidate column/answer (detected if omitted)."),
]
RepOpt = Annotated[
    str | None,
    typer.Option("--rep", help="Republican candidate column/answer (detected if omitted)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _date(text: str | None) -> date | None:
    return None if text is None else parse_day(text, "--as-of")


def _fund(text: str) -> str | Path | None:
    if text == "none":
        return None
    if text == "auto":
        return "auto"
    return Path(text)


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    if not enabled:
        yield None
        return
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda done: bar.update(task, completed=done)


def _summary_table(fc: Forecast, top: int = 12) -> Table:
    t = Table(title=f"{fc.n:,} simulations")
    for c in ("unit", "EV", "P(Dem)", "margin", "80 % interval", "tipping", "power"):
        t.add_column(c, justify="right")
    rows = fc.units.sort_values("tipping_point", ascending=False).head(top)
    for _, r in rows.iterrows():
        t.add_row(
            str(r["unit"]), str(r["ev"]), f"{r['dem_win']:.1%}", f"{100 * r['margin']:+.1f}",
            f"{100 * r['margin_lo80']:+.1f} .. {100 * r['margin_hi80']:+.1f}",
            f"{r['tipping_point']:.1%}", f"{r['voter_power']:.2f}",
        )  # fmt: skip
    return t


def _print_forecast(fc: Forecast) -> None:
    console.print(
        f"Democrat wins the Electoral College: [bold]{fc.dem_ec_win:.1%}[/bold]   "
        f"Republican: [bold]{fc.rep_ec_win:.1%}[/bold]   tie: {fc.tie:.2%}\n"
        f"Democrat wins the popular vote: {fc.dem_pv_win:.1%}   split EC/PV: {fc.split:.1%}\n"
        f"Democratic EV: mean {fc.ev_mean:.0f}, median {fc.ev_percentiles[50]}, "
        f"80 % {fc.ev_percentiles[10]}-{fc.ev_percentiles[90]}"
    )
    console.print(_summary_table(fc))


@app.command()
def forecast(
    polls: PollsOpt,
    results: ResultsOpt,
    year: YearOpt,
    as_of: AsOfOpt = None,
    ev: EvOpt = None,
    fundamentals: FundOpt = "auto",
    sims: SimsOpt = 1_000_000,
    seed: SeedOpt = 0,
    correlation: CorrOpt = "economist",
    dem: DemOpt = None,
    rep: RepOpt = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report here.")
    ] = None,
    topojson_url: Annotated[
        str | None,
        typer.Option("--topojson-url", help="Folder URL of usa_110m.json for the report's map."),
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write rejected poll rows (CSV) here.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Forecast an election from polls and past results."""
    with fail_on_errors(), _progress(not json_out, sims) as prog:
        run = run_forecast(
            polls, results, year, _date(as_of), electoral_votes=ev,
            fundamentals=_fund(fundamentals), dem=dem, rep=rep, n=sims, seed=seed,
            correlation=correlation, progress=prog,
        )  # fmt: skip
    if rejects is not None:
        import csv

        with rejects.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "line", "field", "reason"])
            for r in run.polls.rejects:
                w.writerow([r.file, r.line, r.field, r.reason])
    if report is not None:
        write_report(
            run.forecast,
            report,
            title=f"{year} forecast as of {run.as_of}",
            topojson_url=topojson_url,
        )
    fc = run.forecast
    if json_out:
        data: dict[str, Any] = {
            "year": year, "as_of": run.as_of, "polls_used": len(run.polls.polls),
            "polls_rejected": len(run.polls.rejects), "fundamentals": run.fundamentals,
            "national_mean": run.estimates.national_mean, **fc.to_dict(),
        }  # fmt: skip
        print_json(data)
        return
    console.print(
        f"{year} as of {run.as_of}: {len(run.polls.polls)} polls used, "
        f"{len(run.polls.rejects)} rows rejected (see --rejects)"
    )
    _print_forecast(fc)
    if report is not None:
        console.print(f"report written to {report}")


@app.command()
def simulate(
    states: Annotated[Path, typer.Option("--states", help="CSV with state, mean, sd [, votes].")],
    national_sd: Annotated[
        float, typer.Option("--national-sd", help="National error sd (share).")
    ] = 0.015,
    df: Annotated[float, typer.Option("--df", help="Student-t degrees of freedom.")] = 5.0,
    year: Annotated[
        int, typer.Option("--year", help="Year of the electoral-vote apportionment.")
    ] = 2024,
    ev: EvOpt = None,
    sims: SimsOpt = 1_000_000,
    seed: SeedOpt = 0,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report here.")
    ] = None,
    topojson_url: Annotated[
        str | None, typer.Option("--topojson-url", help="Folder URL of usa_110m.json.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Simulate the Electoral College from state means and errors."""
    with fail_on_errors(), _progress(not json_out, sims) as prog:
        fc = simulate_table(
            states, national_sd=national_sd, df=df, electoral_votes=ev, year=year, n=sims,
            seed=seed, progress=prog,
        )  # fmt: skip
    if report is not None:
        write_report(fc, report, title="Simulation", topojson_url=topojson_url)
    if json_out:
        print_json(fc.to_dict())
        return
    _print_forecast(fc)


@app.command()
def backtest(
    polls: PollsOpt,
    results: ResultsOpt,
    year: YearOpt,
    as_of: AsOfOpt = None,
    ev: EvOpt = None,
    fundamentals: FundOpt = "auto",
    sims: SimsOpt = 1_000_000,
    seed: SeedOpt = 0,
    correlation: CorrOpt = "economist",
    dem: DemOpt = None,
    rep: RepOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score a forecast made with polls that ended before --as-of against the results."""
    with fail_on_errors(), _progress(not json_out, sims) as prog:
        rs = read_results(results)
        run = run_forecast(
            polls, rs, year, _date(as_of), electoral_votes=ev, fundamentals=_fund(fundamentals),
            dem=dem, rep=rep, n=sims, seed=seed, correlation=correlation, progress=prog,
        )  # fmt: skip
        score = score_forecast(run, rs)
    if json_out:
        print_json(
            {
                "year": year,
                "as_of": run.as_of,
                "polls_used": len(run.polls.polls),
                **score.to_dict(),
            }
        )
        return
    console.print(
        f"{year} as of {run.as_of} ({len(run.polls.polls)} polls, {run.forecast.n:,} simulations)\n"
        f"Brier {score.brier:.4f}   EV-weighted {score.brier_ev_weighted:.4f}   "
        f"log loss {score.log_loss:.4f}\n"
        f"states called {score.states_called}/{score.n_states}"
        + (f" (missed {', '.join(score.missed)})" if score.missed else "")
        + f"\nP(Democrat wins EC) {score.ec_pred:.1%}; "
        + f"Democrat won: {'yes' if score.ec_actual else 'no'}"
    )
    t = Table(title="calibration")
    for c in ("bin", "count", "mean forecast", "observed"):
        t.add_column(c, justify="right")
    for _, r in score.calibration.iterrows():
        t.add_row(
            str(r["bin"]), str(r["count"]),
            "" if r["count"] == 0 else f"{r['mean_forecast']:.2f}",
            "" if r["count"] == 0 else f"{r['observed']:.2f}",
        )  # fmt: skip
    console.print(t)
