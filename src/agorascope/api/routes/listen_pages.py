"""Pages of social listening beyond the generic form: the author page, the GEXF download of
network analyses, and what the listening analysis pages show beside their rows.

``/authors/{platform}/{author_id}`` runs the registered ``listen author`` analysis (the same
rows as ``GET /api/listen/author``); ``/analyses/<domain>/<name>/gexf`` answers the network of
an analysis that builds one, for the same form values as its page.
"""

from __future__ import annotations

from typing import Annotated, Any, cast
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from agorascope import registry
from agorascope.api.deps import Viewer, WorkspaceDep
from agorascope.api.pages_render import render_page
from agorascope.errors import InvalidInputError
from agorascope.listen.author_analyses import AuthorParams
from agorascope.listen.details import duplicate_details, handles
from agorascope.report.charts import bar_chart
from agorascope.report.listen_charts import author_volume_chart, chart_for
from agorascope.report.network import gexf_bytes
from agorascope.workspace import Workspace

__all__ = ["author_url", "page_extras", "router"]

router = APIRouter(include_in_schema=False)

_Text = Annotated[str | None, Query(max_length=2000)]
_OPTIONS = ("interval", "tz", "window", "min_items", "threshold", "seed")
"""Parameters of ``listen author`` the author page passes on from its URL."""


def author_url(platform: str, author_id: str, scope: str = "") -> str:
    """The author page's path (both parts escaped), with ``scope`` (a query string) if any."""
    path = f"/authors/{quote(platform, safe='')}/{quote(author_id, safe='')}"
    return f"{path}?{scope}" if scope else path


def _scope(query: str) -> str:
    """The selection and the author page's options of a page's query string."""
    keep = ("topic", "q", "since", "until", *_OPTIONS)
    return urlencode([(k, v) for k, v in parse_qsl(query) if k in keep and v.strip()])


def _account_url(key: str, scope: str = "") -> str | None:
    platform, sep, author_id = key.partition(":")
    return author_url(platform, author_id, scope) if sep and author_id else None


def _coordination(ws: Workspace, items: list[dict[str, Any]], scope: str) -> Any:
    keys = [a for r in items for a in r["accounts"][:50]]  # the page links 50 per cluster
    names = handles(ws.backend.table("authors"), keys)
    return {k: {"url": _account_url(k, scope), "handle": names.get(k)} for k in keys}


def _duplicates(ws: Workspace, items: list[dict[str, Any]], scope: str) -> Any:
    found = duplicate_details(ws.backend.posts(), items)
    for c in found:
        for a in c["authors"]:
            a["url"] = author_url(a["platform"], a["author_id"], scope)
    return found


_DETAILS = {"coordination": _coordination, "duplicates": _duplicates}
"""Listening analysis -> what its page lists beside the rows (``details`` in the template)."""


def page_extras(
    result: registry.Result, ws: Workspace, items: list[dict[str, Any]], query: str
) -> dict[str, Any]:
    """What a listening analysis page adds to its rows: ``chart`` (from
    :data:`agorascope.report.listen_charts.CHARTS`), ``gexf_url`` for networks and
    ``details`` (author links, cluster texts) rendered by ``_listen_details.html``."""
    spec = result.analysis
    out: dict[str, Any] = {}
    if spec.domain != "listen":
        return out
    chart = chart_for(result)
    if chart is not None:
        out["chart"] = chart
    if spec.graph and result.graph is not None:
        out["gexf_url"] = f"/analyses/{spec.domain}/{spec.name}/gexf?{query}"
    if spec.name in _DETAILS and items:
        out["details"] = _DETAILS[spec.name](ws, items, _scope(query))
    if spec.name == "author" and items:
        row = items[0]
        out["author_page"] = author_url(row["platform"], row["author_id"], _scope(query))
    return out


@router.get("/analyses/{domain}/{name}/gexf")
def analysis_gexf(
    request: Request, _: Viewer, ws: WorkspaceDep, domain: str, name: str
) -> Response:
    """The network of an analysis that builds one, as GEXF (for Gephi)."""
    from agorascope.api.routes.analysis_pages import run_submitted

    spec = registry.get(domain, name)
    if not spec.graph:
        raise InvalidInputError(f"{domain} {name} builds no network")
    result = run_submitted(spec, ws, request)
    return Response(
        gexf_bytes(result.graph),
        media_type="application/gexf+xml",
        headers={"Content-Disposition": f'attachment; filename="{domain}-{name}.gexf"'},
    )


@router.get("/authors/{platform}/{author_id}", response_class=HTMLResponse)
def author_page(
    request: Request,
    _: Viewer,
    ws: WorkspaceDep,
    platform: str,
    author_id: str,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    q: _Text = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """One author: profile, posts over time, totals, tier, hashtags, cascades and flags."""
    given = request.query_params
    options: dict[str, Any] = {k: given[k] for k in _OPTIONS if given.get(k, "").strip()}
    result = ws.listen.run(
        "author", topic=topic or None, query=q or None, since=since or None,
        until=until or None, platform=platform, author_id=author_id, **options,
    )  # fmt: skip
    a = result.rows[0]
    p = cast(AuthorParams, result.params)
    selection = {k: v for k, v in {"topic": topic, "q": q, "since": since, "until": until}.items()
                 if v}  # fmt: skip
    window = {k: v for k, v in selection.items() if k in ("since", "until")}

    def analysis_link(name: str, **values: Any) -> str:
        return f"/analyses/listen/{name}?" + urlencode({"run": 1, **selection, **values})

    links = {
        "mentions": "/mentions?" + urlencode({**window, "author": f"{platform}:{author_id}"}),
        "coordination": analysis_link("coordination", window=p.window, min_items=p.min_items),
        "duplicates": analysis_link("duplicates", threshold=p.threshold, seed=p.seed),
        "cascades": analysis_link("cascades", min_size=p.min_size),
        "api": "/api/listen/author?" + urlencode(
            {**selection, "platform": platform, "author_id": author_id, **options}
        ),
    }  # fmt: skip
    figures = {
        "volume": author_volume_chart(a["volume"], interval=p.interval, tz=p.tz),
        "hashtags": bar_chart(a["hashtags"], "hashtag", "posts", "Top hashtags", prefix="#"),
    }
    for role in ("started", "amplified"):
        for c in a[role]:
            c["mentions"] = "/mentions?" + urlencode({"root": c["root_id"]})
    for c in a["coordination"]:
        c["partner_links"] = [
            (k, _account_url(k, _scope(request.url.query))) for k in c["partners"]
        ]
    title = f"@{a['handle']}" if a["handle"] else f"{platform}:{author_id}"
    return render_page(
        request,
        "author.html",
        {"title": title, "a": a, "links": links, "figures": figures, "selection": selection,
         "params": p},
    )  # fmt: skip
