"""``agorascope voters``: import people, link them into persons, review, export, segments.

``voters persons``, ``person``, ``segments``, ``sources`` and ``link-quality`` are generated
from the registry (see :mod:`agorascope.voters.analyses`) into this group.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from
from agorascope.voters import linkage, review, segments
from agorascope.voters.charts import waterfall_chart
from agorascope.voters.importer import FIELDS, import_people, parse_mapping
from agorascope.voters.persons import export_links

app = typer.Typer(
    help="People from registers, party lists and supporter files, linked into persons.",
    no_args_is_help=True,
)
review_app = typer.Typer(
    help="Clerical review of uncertain pairs (without a command: list them).",
    invoke_without_command=True,
)
segment_app = typer.Typer(help="Saved filters over persons, suppressions applied.",
                          no_args_is_help=True)  # fmt: skip
app.add_typer(review_app, name="review")
app.add_typer(segment_app, name="segment")

_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSONL file of people.")],
    source: Annotated[str, typer.Option("--source", help="Name of the source.")],
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FIELD=COLUMN for a column not named as its field "
            "(fields: " + ", ".join(FIELDS) + ", attr.NAME).",
        ),
    ] = None,
    date_format: Annotated[
        list[str] | None,
        typer.Option(
            "--date-format",
            help="strftime format of dates of birth (repeatable; "
            "default: ISO, YYYYMMDD, MM/DD/YYYY, DD.MM.YYYY, YYYY/MM/DD, partial).",
        ),
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="Country of phone numbers without a country code.")
    ] = "US",
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Rejects file (default FILE.rejects.csv).")
    ] = None,
    json_out: _JSON = False,
) -> None:
    """Import the people of FILE as records of a source (idempotent)."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        summary = import_people(
            ws.store, file, source=source, mapping=parse_mapping(maps or []),
            date_formats=date_format, region=region, rejects=rejects,
        )  # fmt: skip
    if json_out:
        print_json(summary.__dict__)
        return
    console.print(
        f"{summary.file}: {summary.rows_read} rows, {summary.added} added, "
        f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.rejected} rejected"
        + (f" (see {summary.rejects_path})" if summary.rejects_path else "")
        + (f", {summary.invalid_dates} dates of birth that do not exist kept as written"
           if summary.invalid_dates else "")
        + (f", {summary.suppressed} left out (erased people)" if summary.suppressed else ""),
        highlight=False,
    )  # fmt: skip


@app.command("link")
def link_command(
    ctx: typer.Context,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Least match probability.")
    ] = 0.9,
    backend: Annotated[str, typer.Option("--backend", help="duckdb or spark.")] = "duckdb",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the u sampling.")] = 42,
    json_out: _JSON = False,
) -> None:
    """Link every record into persons with Splink; person ids stay stable."""
    with fail_on_errors():
        if backend not in ("duckdb", "spark"):
            from agorascope.errors import InvalidInputError

            raise InvalidInputError(f"--backend {backend!r}: expected duckdb or spark")
        with workspace_from(ctx) as ws:
            run = linkage.link(ws.store, threshold=threshold, backend=backend, seed=seed)  # type: ignore[arg-type]
    if json_out:
        print_json(run.to_dict())
        return
    console.print(
        f"run {run.run_id}: {run.records} records, {run.pairs} pairs scored, "
        f"{run.linked_pairs} linked, {run.persons} persons ({run.new_persons} new ids), "
        f"{run.merges} merges, {run.splits} splits",
        highlight=False,
    )


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Parquet or CSV file to write.")],
) -> None:
    """Write person_id, source, record_id and match probability of every record."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        n = export_links(ws.store, out)
    console.print(f"{n} records written to {out}", highlight=False)


@app.command("pair")
def pair_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="SOURCE/RECORD_ID of one record.")],
    b: Annotated[str, typer.Argument(help="SOURCE/RECORD_ID of the other.")],
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the waterfall figure (Plotly JSON).")
    ] = None,
    json_out: _JSON = False,
) -> None:
    """Match weights of a scored pair: prior and each comparison (a waterfall)."""
    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        found = review.pair(ws.store, a, b)
    if chart is not None:
        chart.write_text(json.dumps(waterfall_chart(found)), encoding="utf-8")
    if json_out:
        print_json(found)
        return
    table = Table("comparison", "match weight")
    table.add_row("prior", f"{found['prior_weight']:.2f}")
    for k, v in found["weights"].items():
        table.add_row(k, f"{v:.2f}")
    table.add_row("total", f"{found['match_weight']:.2f}")
    console.print(table)
    console.print(f"match probability {found['match_probability']:.4f}", highlight=False)


@review_app.callback()
def review_list(
    ctx: typer.Context,
    low: Annotated[float, typer.Option("--low", help="Least probability listed.")] = 0.1,
    high: Annotated[float, typer.Option("--high", help="Probability listed up to.")] = 0.9,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Pairs listed.")] = 50,
    json_out: _JSON = False,
) -> None:
    """List uncertain pairs of the last link, nearest to 0.5 first."""
    if ctx.invoked_subcommand is not None:
        return
    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        pairs = review.uncertain_pairs(ws.store, low=low, high=high, limit=limit)
    if json_out:
        print_json(pairs)
        return
    table = Table("a", "b", "match weight", "probability", "decision")
    for p in pairs:
        table.add_row(p["a"], p["b"], f"{p['match_weight']:.2f}",
                      f"{p['match_probability']:.3f}", p["decision"] or "")  # fmt: skip
    console.print(table)


@review_app.command("decide")
def review_decide(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="SOURCE/RECORD_ID of one record.")],
    b: Annotated[str, typer.Argument(help="SOURCE/RECORD_ID of the other.")],
    decision: Annotated[str, typer.Argument(help="match or non-match.")],
) -> None:
    """Record a decision on a pair; it wins over the model at the next link."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        review.decide(ws.store, a, b, decision)
    console.print(f"{a} and {b}: {decision} (applied at the next link)", highlight=False)


@segment_app.command("add")
def segment_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Segment name.")],
    query: Annotated[str, typer.Argument(help="Filter, e.g. 'state:PA party:DEM age:>=30'.")],
    description: Annotated[str | None, typer.Option("--description", help="What it is.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a segment.")] = False,
) -> None:
    """Save a segment."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        segments.add_segment(ws.store, name, query, description, replace=replace)
        c = segments.count(ws.store, query, name=name)
    console.print(
        f"segment {name}: {c.contactable} contactable ({c.suppressed} suppressed)",
        highlight=False,
    )


@segment_app.command("list")
def segment_list(ctx: typer.Context, json_out: _JSON = False) -> None:
    """List the segments."""
    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        found = segments.list_segments(ws.store)
    if json_out:
        print_json([{"name": s.name, "query": s.query, "description": s.description}
                    for s in found])  # fmt: skip
        return
    table = Table("name", "query", "description")
    for s in found:
        table.add_row(s.name, s.query, s.description or "")
    console.print(table)


@segment_app.command("show")
def segment_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Segment name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of ages, YYYY-MM-DD.")] = None,
    json_out: _JSON = False,
) -> None:
    """Count a segment now: matched, suppressed, contactable."""
    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        seg = segments.get_segment(ws.store, name)
        c = segments.count(ws.store, seg.query, name=name, as_of=_date(as_of))
    if json_out:
        print_json(c.__dict__)
        return
    console.print(
        f"{name} ({seg.query}): {c.matched} matched, {c.suppressed} suppressed, "
        f"{c.contactable} contactable",
        highlight=False,
    )


@segment_app.command("export")
def segment_export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Segment name.")],
    out: Annotated[Path, typer.Option("--out", help="CSV or Parquet file to write.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of ages, YYYY-MM-DD.")] = None,
    json_out: _JSON = False,
) -> None:
    """Write the contactable persons of a segment; say how many were suppressed."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        c = segments.export_segment(ws.store, name, out, as_of=_date(as_of))
    if json_out:
        print_json(c.__dict__)
        return
    console.print(
        f"{c.contactable} persons written to {out}; {c.suppressed} left out (no consent or "
        "opted out)",
        highlight=False,
    )


@segment_app.command("remove")
def segment_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Segment name.")]
) -> None:
    """Delete a segment."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        segments.remove_segment(ws.store, name)
    console.print(f"segment {name} removed", highlight=False)


def _date(text: str | None) -> date | None:
    from agorascope.errors import InvalidInputError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise InvalidInputError(f"--as-of {text!r}: expected YYYY-MM-DD") from e
