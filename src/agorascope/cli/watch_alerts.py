"""Command-line adapter for watches, alerts and collections: ``watch``, ``alerts``,
``collection``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from

__all__ = ["register"]

watch_app = typer.Typer(
    help="Watches: a topic, an alert rule, where to deliver.", no_args_is_help=True
)
collection_app = typer.Typer(help="Curated collections of posts.", no_args_is_help=True)
item_app = typer.Typer(help="Posts of a collection.", no_args_is_help=True)
collection_app.add_typer(item_app, name="item")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Name = Annotated[str, typer.Argument(help="Watch name.")]
CName = Annotated[str, typer.Argument(help="Collection name.")]
Post = Annotated[str, typer.Argument(help="Post as platform:id (or an id used by one platform).")]


def register(root: typer.Typer) -> None:
    """Add ``watch``, ``alerts`` and ``collection`` to the root application."""
    root.add_typer(watch_app, name="watch")
    root.add_typer(collection_app, name="collection")
    root.command("alerts")(alerts)


@watch_app.command("add")
def watch_add(
    ctx: typer.Context,
    name: Name,
    topic: Annotated[str, typer.Option("--topic", help="Saved topic to watch.")],
    rule: Annotated[str, typer.Option("--rule", help="new (each new post) or spike (volume).")],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Spike rule: z-score that opens a spike (default 3)."),
    ] = None,
    deliver: Annotated[
        list[str] | None,
        typer.Option("--deliver", help="atom, webhook:URL or email:ADDRESS (repeat for several)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Save a watch (it reports what arrives from now on)."""
    from agorascope.watch.watches import add_watch

    with fail_on_errors(), workspace_from(ctx) as ws:
        w = add_watch(
            ws, name, topic, rule,  # type: ignore[arg-type]
            threshold=threshold, deliver=deliver or ["atom"],
        )  # fmt: skip
    if as_json:
        print_json({**w.to_dict(), "secret": w.secret})
        return
    console.print(Text(f"saved watch {w.name}: {w.rule} on topic {w.topic}"))
    if w.secret:
        console.print(Text(f"webhook secret (shown once, keep it to check signatures): {w.secret}"))


@watch_app.command("list")
def watch_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the watches."""
    from agorascope.watch.watches import list_watches

    with fail_on_errors(), workspace_from(ctx) as ws:
        watches = list_watches(ws.store)
    if as_json:
        print_json([w.to_dict() for w in watches])
        return
    table = Table(title=f"{len(watches)} watches")
    for column in ("name", "topic", "rule", "threshold", "deliver", "last run (UTC)"):
        table.add_column(column)
    for w in watches:
        table.add_row(
            Text(w.name),
            Text(w.topic),
            w.rule,
            "" if w.threshold is None else f"{w.threshold:g}",
            Text(", ".join(w.deliver)),
            w.last_run_at.strftime("%Y-%m-%d %H:%M") if w.last_run_at else "never",
        )
    console.print(table)


@watch_app.command("remove")
def watch_remove(ctx: typer.Context, name: Name) -> None:
    """Delete a watch and its alerts."""
    from agorascope.watch.watches import remove_watch

    with fail_on_errors(), workspace_from(ctx) as ws:
        remove_watch(ws.store, name)
    console.print(Text(f"removed watch {name}"))


@watch_app.command("run")
def watch_run(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Watches to run (default: all).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Run as of this UTC instant (replaying past data)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the watches once: store new alerts and deliver them."""
    from agorascope.timeutil import to_utc_naive
    from agorascope.watch.watches import run_watches

    with fail_on_errors(), workspace_from(ctx) as ws:
        now = to_utc_naive(at) if at else None
        summary = run_watches(ws, names or None, now=now)
    if as_json:
        print_json(summary.to_dict())
        return
    for row in summary.watches:
        line = f"{row['name']}: {row['alerts']} new alerts"
        if row.get("not_reported"):
            line += f" ({row['not_reported']} more matches not reported)"
        if row.get("error"):
            line += f" (error: {row['error']})"
        console.print(Text(line))
    console.print(
        Text(
            f"deliveries: {summary.delivered} sent, {summary.pending} to retry, "
            f"{summary.failed} failed"
        )
    )


@watch_app.command("deliveries")
def watch_deliveries(
    ctx: typer.Context,
    watch: Annotated[str | None, typer.Option("--watch", help="Only this watch.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the delivery outbox: each alert's webhook and e-mail state."""
    from agorascope.watch.delivery import delivery_states

    with fail_on_errors(), workspace_from(ctx) as ws:
        rows = delivery_states(ws, watch)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} deliveries")
    for column in ("alert", "watch", "channel", "state", "attempts", "error"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["alert_id"]), Text(r["watch"]), Text(r["channel"]), r["state"],
            str(r["attempts"]), Text(r["last_error"] or ""),
        )  # fmt: skip
    console.print(table)


def alerts(
    ctx: typer.Context,
    watch: Annotated[str | None, typer.Option("--watch", help="Only this watch.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100_000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List alerts, newest first."""
    from agorascope.watch.alerts import list_alerts
    from agorascope.watch.watches import get_watch

    with fail_on_errors(), workspace_from(ctx) as ws:
        if watch is not None:
            get_watch(ws.store, watch)
        found = list_alerts(ws.store, watch, limit=limit)
    if as_json:
        print_json([a.to_dict() for a in found])
        return
    table = Table(title=f"{len(found)} alerts")
    for column in ("id", "watch", "kind", "at (UTC)", "title", "summary"):
        table.add_column(column)
    for a in found:
        table.add_row(
            str(a.id), Text(a.watch), a.kind, a.created_at.strftime("%Y-%m-%d %H:%M"),
            Text(a.title), Text((a.summary or "")[:200].replace("\n", " ")),
        )  # fmt: skip
    console.print(table)


# -- collections ----------------------------------------------------------------------------


@collection_app.command("add")
def collection_add(
    ctx: typer.Context,
    name: CName,
    title: Annotated[
        str | None, typer.Option("--title", help="Title shown when published.")
    ] = None,
    description: Annotated[str | None, typer.Option("--description", "-d")] = None,
) -> None:
    """Create an empty collection."""
    from agorascope.watch.collections import add_collection

    with fail_on_errors(), workspace_from(ctx) as ws:
        add_collection(ws.store, name, title=title, description=description)
    console.print(Text(f"created collection {name}"))


@collection_app.command("list")
def collection_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the collections."""
    from agorascope.watch.collections import list_collections

    with fail_on_errors(), workspace_from(ctx) as ws:
        rows = list_collections(ws.store)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} collections")
    for column in ("name", "title", "items", "updated (UTC)"):
        table.add_column(column)
    for r in rows:
        table.add_row(Text(r["name"]), Text(r["title"] or ""), str(r["items"]), r["updated_at"])
    console.print(table)


@collection_app.command("remove")
def collection_remove(ctx: typer.Context, name: CName) -> None:
    """Delete a collection and its items (the posts stay)."""
    from agorascope.watch.collections import remove_collection

    with fail_on_errors(), workspace_from(ctx) as ws:
        remove_collection(ws.store, name)
    console.print(Text(f"removed collection {name}"))


@collection_app.command("show")
def collection_show(ctx: typer.Context, name: CName, as_json: JsonOpt = False) -> None:
    """Show a collection's items in order, with their notes."""
    from agorascope.watch.collections import get_collection

    with fail_on_errors(), workspace_from(ctx) as ws:
        c = get_collection(ws.store, name)
    if as_json:
        print_json(c.to_dict())
        return
    table = Table(title=Text(f"{c.title or c.name}: {len(c.items)} posts"))
    for column in ("#", "post", "author", "note", "text"):
        table.add_column(column)
    for i in c.items:
        table.add_row(
            str(i.position), Text(i.ref), Text(f"@{i.author_handle}" if i.author_handle else ""),
            Text(i.note or ""), Text((i.text or "")[:200].replace("\n", " ")),
        )  # fmt: skip
    console.print(table)


@collection_app.command("reorder")
def collection_reorder(
    ctx: typer.Context,
    name: CName,
    posts: Annotated[list[str], typer.Argument(help="Every item, in the new order.")],
) -> None:
    """Put a collection's items in a new order."""
    from agorascope.watch.collections import reorder_items

    with fail_on_errors(), workspace_from(ctx) as ws:
        c = reorder_items(ws.store, name, posts)
    console.print(Text(f"reordered {len(c.items)} items of {name}"))


@collection_app.command("publish")
def collection_publish(
    ctx: typer.Context,
    name: CName,
    out: Annotated[Path, typer.Option("--out", help="HTML digest to write.")],
    atom: Annotated[Path | None, typer.Option("--atom", help="Atom feed to write.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a self-contained HTML digest (and an Atom feed) of a collection."""
    from agorascope.watch.collections import publish_collection

    with fail_on_errors(), workspace_from(ctx) as ws:  # records the files it writes
        done = publish_collection(ws.store, name, out, atom=atom)
    if as_json:
        print_json(done)
        return
    console.print(Text(f"wrote {done['items']} posts to {done['html']}"))
    if done["atom"]:
        console.print(Text(f"wrote the feed to {done['atom']}"))


@item_app.command("add")
def item_add(
    ctx: typer.Context,
    name: CName,
    post: Post,
    note: Annotated[str | None, typer.Option("--note", help="Your note on the post.")] = None,
) -> None:
    """Add a post to a collection (or change its note)."""
    from agorascope.watch.collections import add_item

    with fail_on_errors(), workspace_from(ctx) as ws:
        item = add_item(ws.store, name, post, note=note)
    console.print(Text(f"{item.ref} is item {item.position} of {name}"))


@item_app.command("remove")
def item_remove(ctx: typer.Context, name: CName, post: Post) -> None:
    """Take a post out of a collection."""
    from agorascope.watch.collections import remove_item

    with fail_on_errors(), workspace_from(ctx) as ws:
        remove_item(ws.store, name, post)
    console.print(Text(f"removed {post} from {name}"))


@item_app.command("move")
def item_move(
    ctx: typer.Context,
    name: CName,
    post: Post,
    to: Annotated[int, typer.Option("--to", min=1, help="New position (1 is first).")],
) -> None:
    """Move one post of a collection to another position."""
    from agorascope.watch.collections import move_item

    with fail_on_errors(), workspace_from(ctx) as ws:
        move_item(ws.store, name, post, to)
    console.print(Text(f"moved {post} to position {to} of {name}"))
