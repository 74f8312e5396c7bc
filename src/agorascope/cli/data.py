"""``agorascope import`` and ``agorascope stats``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agorascope.cli.common import console, fail_on_errors, print_json, settings_from
from agorascope.errors import InvalidInputError

__all__ = ["register"]


def _parse_mapping(
    pairs: list[str], mapping_file: Path | None
) -> tuple[dict[str, str] | None, dict[str, str]]:
    """The mapping and date formats of ``--map`` values and ``--mapping-file``.

    A ``--map`` value without ``=`` that names a file is a mapping file (what ``--guess
    --write-mapping`` writes).
    """
    from agorascope.collect.canonical import fields_hint
    from agorascope.collect.presets import load_mapping_file

    files = [mapping_file] if mapping_file is not None else []
    files += [Path(p) for p in pairs if "=" not in p and Path(p).is_file()]
    mapping: dict[str, str] = {}
    formats: dict[str, str] = {}
    for f in files:
        m, d = load_mapping_file(f)
        mapping.update(m)
        formats.update(d)
    for pair in pairs:
        if "=" not in pair and Path(pair).is_file():
            continue
        field, sep, column = pair.partition("=")
        if not sep or not field.strip():
            raise InvalidInputError(
                f"--map expects FIELD=COLUMN or a mapping file, got {pair!r}; {fields_hint()}"
            )
        mapping[field.strip()] = column
    return mapping or None, formats


def _print_fields(as_json: bool) -> None:
    from agorascope.collect.canonical import describe_fields

    rows = describe_fields()
    if as_json:
        print_json({"fields": rows})
        return
    table = Table(title="fields a mapping can fill")
    for col in ("field", "type", "required", "meaning"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["field"]), str(r["type"]), "yes" if r["required"] else "",
                      str(r["meaning"]))  # fmt: skip
    console.print(table)


def _guess(
    path: Path,
    format: str | None,
    mapping: dict[str, str] | None,
    formats: dict[str, str],
    write_to: Path | None,
    as_json: bool,
) -> None:
    from agorascope.collect.guess import Guess, guess_mapping, mapping_toml, preview

    if mapping is None and format in (None, "mapping"):
        guess = guess_mapping(path)
    else:  # a given mapping or format: preview it as given
        guess = Guess(str(path), format or "mapping", dict(mapping or {}))
    guess.date_formats = {**guess.date_formats, **formats}
    if write_to is not None:
        if guess.format != "mapping":
            raise InvalidInputError(f"{path}: a known format ({guess.format}) needs no mapping")
        write_to.write_text(mapping_toml(guess), encoding="utf-8")
    mapped = guess.mapping if guess.format == "mapping" else None
    shown = preview(path, guess.format, mapped, guess.date_formats)
    if as_json:
        print_json({**guess.to_dict(), "preview": shown, "written": str(write_to or "") or None})
        return
    if guess.format != "mapping":
        console.print(f"{path.name}: {guess.notes[0]}")
    else:
        table = Table(title=f"proposed mapping for {path.name}")
        for col in ("field", "source", "why"):
            table.add_column(col)
        for name, source in guess.mapping.items():
            table.add_row(name, source, guess.reasons.get(name, ""))
        console.print(table)
    for line in [*shown["date_formats"].values(), *guess.notes[guess.format != "mapping" :]]:
        console.print(line)
    rows = Table(title="first rows as they would be stored")
    cols = ("line", "platform", "id", "author_id", "created_at", "lang", "country", "text")
    for col in cols:
        rows.add_column(col)
    for post in shown["posts"]:
        text = str(post.get("text") or "")
        rows.add_row(*(str(post.get(c) or "") for c in cols[:-1]), text[:60])
    console.print(rows)
    for r in shown["rejects"]:
        console.print(f"line {r['line']}: {r['field']}: {r['reason']}")
    if write_to is not None:
        console.print(f"mapping written to {write_to}: edit it, then import with --map {write_to}")


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (every file inside, or a cascade-tree layout)."),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Preset name; detected when omitted.")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="FIELD=COLUMN (repeatable), or a mapping file (mapping preset)."
        ),
    ] = None,
    mapping_file: Annotated[
        Path | None, typer.Option("--mapping-file", help="JSON or TOML file of FIELD = COLUMN.")
    ] = None,
    date_format: Annotated[
        list[str] | None,
        typer.Option(
            "--date-format",
            help="FIELD=FORMAT or FORMAT for every date field: a strftime pattern, epoch-s, "
            "epoch-ms, YYYYMMDDhhmmss, YYYYMMDD, day-first, month-first (repeatable).",
        ),
    ] = None,
    guess: Annotated[
        bool,
        typer.Option("--guess", help="Propose a mapping and preview the first rows; no import."),
    ] = False,
    write_mapping: Annotated[
        Path | None,
        typer.Option("--write-mapping", help="With --guess: write the proposed mapping (TOML)."),
    ] = None,
    fields: Annotated[
        bool, typer.Option("--fields", help="List the fields a mapping can fill, and exit.")
    ] = False,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", min=1, help="Rows per atomic batch.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    index: Annotated[
        bool, typer.Option(help="Update the full-text index batch by batch (else: at next search).")
    ] = True,
) -> None:
    """Import posts from CSV, JSONL, JSON or Parquet files (idempotent, crash-safe)."""
    from agorascope.collect.dates import parse_date_formats
    from agorascope.workspace import Workspace

    if fields:
        _print_fields(as_json)
        return
    settings = settings_from(ctx)
    if batch_size is not None:
        settings = settings.model_copy(update={"batch_size": batch_size})
    with fail_on_errors():
        if not paths:
            raise InvalidInputError("give a file or folder to import (or --fields)")
        mapping, formats = _parse_mapping(map_ or [], mapping_file)
        formats.update(parse_date_formats(date_format or []))
        if mapping is not None and format is None:
            format = "mapping"
        for p in paths:
            if not p.exists():
                raise InvalidInputError(f"{p}: no such file or folder")
        if write_mapping is not None and not guess:
            raise InvalidInputError("--write-mapping goes with --guess")
        if guess:
            if len(paths) != 1 or paths[0].is_dir():
                raise InvalidInputError("--guess reads one file")
            _guess(paths[0], format, mapping, formats, write_mapping, as_json)
            return
        with Workspace(settings) as ws:
            summary = ws.import_files(
                paths,
                format=format,
                mapping=mapping,
                progress=progress and not as_json,
                index=index,
                date_formats=formats or None,
            )
    if as_json:
        print_json(summary.to_dict())
        return
    table = Table(title="import")
    for col in ("file", "format", "read", "imported", "duplicates", "rejected"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for f in summary.files:
        table.add_row(
            Path(f.path).name,
            f.format,
            f"{f.read:,}",
            f"{f.imported:,}",
            f"{f.duplicates:,}",
            f"{f.rejected:,}",
        )
    console.print(table)
    for f in summary.files:
        for name, value in f.date_detected.items():
            console.print(
                f"{Path(f.path).name}: {name} read {f.date_formats[name]} (detected from {value!r})"
            )
        if f.rejects_path:
            console.print(f"rejected rows of {Path(f.path).name}: {f.rejects_path}")
        for kind, n in f.unrecognised.items():
            examples = "; ".join(f.unrecognised_examples.get(kind, []))
            if kind == "author":
                console.print(
                    f"{n:,} posts without author_id or author_handle: their author fields "
                    f"were not stored ({examples})"
                )
            else:
                console.print(f"{n:,} {kind} values not recognised (kept empty), e.g. {examples}")


def stats_command(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(min=1, help="Rows in each breakdown.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts and breakdowns of what the store holds."""
    from agorascope.workspace import Workspace

    with fail_on_errors(), Workspace(settings_from(ctx)) as ws:
        data = ws.stats(top=top)
    if as_json:
        print_json(data)
        return
    print_overview(data)


def print_overview(data: dict[str, Any]) -> None:
    """Render the overview for people."""
    head = Table(title="agorascope store", show_header=False)
    head.add_column("what")
    head.add_column("value", justify="right")
    for key in ("posts", "authors", "authors_posting", "cascades", "topics"):
        head.add_row(key.replace("_", " "), f"{data[key]:,}")
    head.add_row("first post", str(data["first_post"]))
    head.add_row("last post", str(data["last_post"]))
    console.print(head)
    for key in ("by_platform", "by_relation", "by_source", "by_lang", "by_country"):
        t = Table(title=key.replace("_", " "))
        t.add_column("value")
        t.add_column("posts", justify="right")
        for row in data[key]:
            t.add_row(str(row["value"]), f"{row['posts']:,}")
        console.print(t)


def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Output file: .parquet, .jsonl or .csv.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Export every post in agorascope's native layout (re-importable with --format native)."""
    from agorascope.store.export import export_posts
    from agorascope.workspace import Workspace

    with fail_on_errors(), Workspace(settings_from(ctx)) as ws:
        n = export_posts(ws.store, out)
    if as_json:
        print_json({"path": str(out), "posts": n})
    else:
        console.print(f"exported {n:,} posts to {out}")


def register(root: typer.Typer) -> None:
    """Add ``import``, ``export`` and ``stats`` to the root application."""
    root.command("import")(import_command)
    root.command("export")(export_command)
    root.command("stats")(stats_command)
