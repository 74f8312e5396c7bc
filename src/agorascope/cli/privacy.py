"""Command-line adapter for :mod:`agorascope.privacy`: ``agorascope privacy ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from

__all__ = ["app"]

app = typer.Typer(
    help="The rights of the people in the data: find, access, rectify, erase; audit trail, "
    "consent, safe exports, retention.",
    no_args_is_help=True,
)
retention_app = typer.Typer(help="Retention rules per source.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Ident = Annotated[
    str,
    typer.Argument(
        help="twitter:@handle, twitter:id:ID, @handle, person:ID, email:ADDRESS or "
        "name:NAME;dob:YYYY-MM-DD."
    ),
]


def _counts_table(title: str, counts: dict[str, Any], *more: dict[str, Any]) -> None:
    t = Table(title=title)
    t.add_column("place")
    t.add_column("records", justify="right")
    for extra in more:
        t.add_column(str(extra.get("_title", "")), justify="right")
    for place, n in counts.items():
        t.add_row(place, str(n), *[str(m.get(place, "")) for m in more])
    console.print(t)


@app.command("find")
def find_command(ctx: typer.Context, identifier: Ident, as_json: JsonOpt = False) -> None:
    """Every record of a person, in every place (posts, profiles, index, files...)."""
    from agorascope.privacy.requests import find

    with fail_on_errors(), workspace_from(ctx) as ws:
        found = find(ws, identifier)
    if as_json:
        print_json(found.to_dict())
        return
    accounts = ", ".join(f"{p}/{a}" for p, a in found.subject.authors) or "none"
    console.print(f"accounts: {accounts}")
    _counts_table("records", found.counts)


@app.command("access")
def access_command(
    ctx: typer.Context,
    identifier: Ident,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder of the access package.")],
    as_json: JsonOpt = False,
) -> None:
    """Write the person's access package: JSON, CSV per place and an HTML summary."""
    from agorascope.privacy.access import access

    with fail_on_errors(), workspace_from(ctx) as ws:
        package = access(ws, identifier, out)
    if as_json:
        print_json(package.to_dict())
        return
    console.print(f"access package (request {package.request}) written to {package.out}")
    _counts_table("records", package.counts)


@app.command("rectify")
def rectify_command(
    ctx: typer.Context,
    identifier: Ident,
    field: Annotated[str, typer.Argument(help="Field to change (name, location, country...).")],
    value: Annotated[str, typer.Argument(help="The correct value.")],
    as_json: JsonOpt = False,
) -> None:
    """Correct a field of the person's records (kept through re-imports)."""
    from agorascope.privacy.requests import rectify

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = rectify(ws, identifier, field, value)
    if as_json:
        print_json(result)
    else:
        console.print(f"request {result['request']}: {len(result['changes'])} records changed")


@app.command("erase")
def erase_command(
    ctx: typer.Context,
    identifier: Ident,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be erased; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person everywhere, rewrite the store file and the index, and prove it."""
    from agorascope.privacy.requests import erase

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = erase(ws, identifier, dry_run=dry_run)
    if as_json:
        print_json(result.to_dict())
        return
    removed = {"_title": "removed", **result.removed}
    problems = {"_title": "left", **{k: len(v) for k, v in result.problems.items()}}
    _counts_table(
        "dry run" if dry_run else f"erasure (request {result.request})",
        result.counts,
        removed,
        problems,
    )
    if not dry_run:
        verdict = (
            "proven"
            if result.proven
            else "NOT proven: " + "; ".join(p for ps in result.problems.values() for p in ps)
        )
        console.print(
            f"store file rewritten, {result.scan.get('bytes', 0):,} bytes scanned: {verdict}"
        )
        if not result.proven:
            raise typer.Exit(1)


@app.command("audit")
def audit_command(
    ctx: typer.Context,
    verify: Annotated[bool, typer.Option("--verify", help="Check the hash chain.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Entries to show.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Show the latest audit entries, or verify the chain (exit 1 when it is broken)."""
    from agorascope.store.audit import verify as verify_chain

    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        if verify:
            check = verify_chain(ws.store.con, ws.store.path)
        else:
            rows = ws.store.arrow(
                "SELECT seq, logged_at, actor, action, target, detail FROM audit_log "
                "ORDER BY seq DESC NULLS FIRST LIMIT ?",
                [limit],
            ).to_pylist()
    if verify:
        if as_json:
            print_json(check.to_dict())
        else:
            console.print(f"{check.entries} entries: " + ("chain intact" if check.ok else "BROKEN"))
            for p in check.problems:
                console.print(f"  {p}", markup=False)
        if not check.ok:
            raise typer.Exit(1)
        return
    if as_json:
        print_json(rows)
        return
    t = Table(title="audit log")
    for c in ("seq", "logged_at", "actor", "action", "target", "detail"):
        t.add_column(c)
    for r in rows:
        t.add_row(
            *[
                str(r[c]) if r[c] is not None else ""
                for c in ("seq", "logged_at", "actor", "action", "target", "detail")
            ]
        )
    console.print(t)


@app.command("requests")
def requests_command(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Access, rectification and erasure requests, their status and proofs."""
    from agorascope.privacy.requests import list_requests

    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        rows = list_requests(ws)
    if as_json:
        print_json(rows)
        return
    t = Table(title="privacy requests")
    for c in ("id", "kind", "status", "requested_at", "subject_hash"):
        t.add_column(c)
    for r in rows:
        t.add_row(str(r["id"]), r["kind"], r["status"], r["requested_at"], r["subject_hash"][:16])
    console.print(t)


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Output file: .csv, .jsonl or .parquet.")],
    redact_pii: Annotated[
        bool, typer.Option("--redact-pii", help="Also redact e-mails, phones, cards, SSNs, IBANs.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export every post with people replaced by keyed pseudonyms."""
    from agorascope.privacy.exports import export_pseudonymised

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = export_pseudonymised(ws, out, redact_pii=redact_pii)
    if as_json:
        print_json(result)
    else:
        console.print(f"exported {result['posts']:,} pseudonymised posts to {out}")


@app.command("aggregate")
def aggregate_command(
    ctx: typer.Context,
    by: Annotated[list[str], typer.Option("--by", help="Column to group by (repeat).")],
    k: Annotated[
        int, typer.Option("--k", min=2, help="Smallest number of authors a cell shows.")
    ] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Post counts per cell, with cells of fewer than k authors suppressed (k-anonymity)."""
    from agorascope.privacy.exports import k_anonymous_counts

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = k_anonymous_counts(ws, by, k)
    if as_json:
        print_json(result)
        return
    t = Table(title=f"k = {k}: {result['suppressed']} cells suppressed")
    for c in [*by, "posts", "authors"]:
        t.add_column(c)
    for r in result["rows"]:
        t.add_row(*[("-" if r[c] is None else str(r[c])) for c in [*by, "posts", "authors"]])
    console.print(t)


@app.command("basis")
def basis_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Source name or location.")],
    legal_basis: Annotated[
        str,
        typer.Argument(
            help="GDPR art. 6 basis (consent, contract, "
            "legal_obligation, vital_interests, public_task, "
            "legitimate_interests)."
        ),
    ],
    consent: Annotated[
        str, typer.Option("--consent", help="given, refused, withdrawn, unknown, not_required.")
    ] = "not_required",
    as_json: JsonOpt = False,
) -> None:
    """Record the legal basis and consent status of a source."""
    from agorascope.privacy.consent import set_source_basis

    with fail_on_errors(), workspace_from(ctx) as ws:
        set_source_basis(ws.store, source, legal_basis, consent)
    result = {"source": source, "legal_basis": legal_basis, "consent_status": consent}
    if as_json:
        print_json(result)
    else:
        console.print(f"{source}: {legal_basis} ({consent})", markup=False)


@retention_app.command("set")
def retention_set(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Source name (as in posts.source).")],
    keep: Annotated[str, typer.Option("--keep", help="Span kept: 365d, 12w or 2y.")],
    as_json: JsonOpt = False,
) -> None:
    """Keep a source's posts for a span (by their date)."""
    from agorascope.privacy.retention import set_retention

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = set_retention(ws, source, keep)
    if as_json:
        print_json(result)
    else:
        console.print(f"{source}: keep {result['keep_days']} days", markup=False)


@retention_app.command("list")
def retention_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the retention rules."""
    from agorascope.privacy.retention import retention_rules

    with fail_on_errors(), workspace_from(ctx, read_only=True) as ws:
        rules = retention_rules(ws)
    if as_json:
        print_json(rules)
        return
    for r in rules:
        console.print(f"{r['source']}: {r['keep_days']} days", markup=False)


@retention_app.command("apply")
def retention_apply(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Delete posts older than their rule, rewrite the store and the index, and prove it."""
    from agorascope.privacy.retention import apply_retention

    with fail_on_errors(), workspace_from(ctx) as ws:
        result = apply_retention(ws)
    if as_json:
        print_json(result)
        return
    for source, n in result["deleted"].items():
        console.print(f"{source}: {n:,} posts deleted", markup=False)
    console.print("proven" if result["proven"] else "NOT proven")
    if not result["proven"]:
        raise typer.Exit(1)
