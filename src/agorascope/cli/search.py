"""Command-line adapter for :mod:`agorascope.query`: ``search``, ``index`` and ``topic``."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from agorascope.cli.common import console, fail_on_errors, print_json, workspace_from

if TYPE_CHECKING:
    from agorascope.query import Snippet

__all__ = ["register"]

topic_app = typer.Typer(help="Saved queries (topics).", no_args_is_help=True)


class SortOrder(StrEnum):
    """Order of search hits."""

    relevance = "relevance"
    newest = "newest"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(root: typer.Typer) -> None:
    """Add ``search``, ``index`` and the ``topic`` sub-app to the root application."""
    root.command("search")(search)
    root.command("index")(index)
    root.add_typer(topic_app, name="topic")


def _snippet_text(snip: Snippet | None) -> Text:
    # Rich Text with style spans: post text is never parsed as markup.
    if snip is None:
        return Text("")
    text = Text(snip.text.replace("\n", " "))
    for start, end in snip.spans:
        text.stylize("bold yellow", start, end)
    if snip.truncated_left:
        text = Text("…") + text
    if snip.truncated_right:
        text.append("…")
    return text


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Boolean query (see docs/query.md).")],
    count: Annotated[bool, typer.Option("--count", help="Print only the number of posts.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, max=10_000, help="Hits.")] = 20,
    sort: Annotated[
        SortOrder, typer.Option("--sort", help="relevance (BM25) or newest first.")
    ] = SortOrder.relevance,
    as_json: JsonOpt = False,
) -> None:
    """Find posts matching a boolean query."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        if count:
            total = ws.search.count(query)
            if as_json:
                print_json({"query": query, "count": total})
            else:
                console.print(str(total), highlight=False)
            return
        result = ws.search(query, limit=limit, sort=sort.value)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"{result.total} posts match (sorted by {result.sort})")
    table.add_column("#", justify="right")
    table.add_column("created (UTC)")
    table.add_column("author")
    table.add_column("post")
    table.add_column("text")
    for rank, hit in enumerate(result.hits, 1):
        table.add_row(
            str(rank),
            hit.created_at.strftime("%Y-%m-%d %H:%M") if hit.created_at else "",
            Text(f"@{hit.author_handle}" if hit.author_handle else ""),
            Text(f"{hit.platform}:{hit.id}"),
            _snippet_text(hit.snippet),
        )
    console.print(table)


def _progress(batches: Iterator[Any], total: int) -> Iterator[Any]:
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("indexing", total=total)
        for batch in batches:
            yield batch
            bar.advance(task, batch.num_rows)


def index(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Compare with the store and repair stale batches.")
    ] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Index every post anew.")] = False,
    no_repair: Annotated[
        bool, typer.Option("--no-repair", help="With --check: report only (exit 1 if stale).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check or rebuild the full-text index kept beside the store."""
    from agorascope.errors import InvalidInputError
    from agorascope.query import SearchIndex
    from agorascope.query.index import INDEX_COLUMNS
    from agorascope.store import run, run_batches

    with fail_on_errors():
        if check == rebuild:
            raise InvalidInputError("give exactly one of --check or --rebuild")
        with workspace_from(ctx) as ws:
            index_dir = ws.index_dir
            if rebuild:
                posts = ws.store.posts()
                total = int(run(posts.count()).as_py())
                cols = [c for c in INDEX_COLUMNS if c in posts.columns]
                batches = run_batches(posts.select(*cols))
                n = SearchIndex.recreate(index_dir).rebuild(_progress(iter(batches), total))
                if as_json:
                    print_json({"rebuilt": True, "indexed": n, "index": index_dir})
                else:
                    console.print(f"indexed {n} posts into {index_dir}", highlight=False)
                return
            report = ws.search.check(repair=not no_repair)
    if as_json:
        print_json({**report.__dict__, "consistent": report.consistent})
    else:
        state = "in step with the store" if report.consistent else "stale"
        console.print(
            f"index {state}: {report.index_posts} documents, store {report.store_posts} posts "
            f"(highest batch: index {report.index_max_seq}, store {report.store_max_seq})",
            highlight=False,
        )
        if report.stale_batches:
            console.print(f"stale batches: {report.stale_batches}", highlight=False)
        if report.repaired:
            console.print(
                f"repaired: re-indexed {report.reindexed} posts, "
                f"removed batches {report.deleted_batches}",
                highlight=False,
            )
    if no_repair and not report.consistent:
        raise typer.Exit(1)


@topic_app.command("add")
def topic_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Topic name.")],
    query: Annotated[str, typer.Argument(help="Boolean query.")],
    description: Annotated[str | None, typer.Option("--description", "-d")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an existing topic.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Save a query under a name."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        topic = ws.topics.add(name, query, description, replace=replace)
    if as_json:
        print_json(topic.to_dict())
    else:
        console.print(Text(f"saved topic {topic.name}: {topic.query}"))


@topic_app.command("list")
def topic_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the saved topics."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        topics = ws.topics.list()
    if as_json:
        print_json([t.to_dict() for t in topics])
        return
    table = Table(title=f"{len(topics)} topics")
    for column in ("name", "query", "description", "updated (UTC)"):
        table.add_column(column)
    for t in topics:
        table.add_row(
            Text(t.name),
            Text(t.query),
            Text(t.description or ""),
            t.updated_at.strftime("%Y-%m-%d %H:%M") if t.updated_at else "",
        )
    console.print(table)


@topic_app.command("remove")
def topic_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Topic name.")]
) -> None:
    """Delete a saved topic."""
    with fail_on_errors(), workspace_from(ctx) as ws:
        ws.topics.remove(name)
    console.print(Text(f"removed topic {name}"))
