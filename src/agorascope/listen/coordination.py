"""Coordinated accounts: who repeatedly reposts the same items within a short window.

The co-repost network follows Pacheco et al. (2021, "Uncovering coordinated networks on social
media") and CooRTweet (Righetti and Balluff): two accounts are linked by an item when both
reposted it within ``window`` seconds of each other; the edge weight is the number of distinct
items they co-reposted, and edges below ``min_items`` are dropped. Clusters are the connected
components of what remains.

The pairs are built by a self-join in the backend (DuckDB or Spark); only the edges that pass
the thresholds come into memory for clustering, so the limit is the number of such edges
(a few million fit in a few GB with networkx).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.listen._common import window_filter
from agorascope.store import to_pandas

__all__ = ["Coordination", "coordinated_clusters", "corepost_edges", "write_gexf"]


def corepost_edges(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    window: float = 60.0,
    min_items: int = 2,
    relations: Sequence[str] = ("repost",),
    where: ir.BooleanValue | None = None,
) -> pd.DataFrame:
    """Pairs of accounts that reposted the same items within ``window`` seconds of each other.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        since, until: UTC window on the reposts' ``created_at``.
        window: largest time between the two reposts of an item, in seconds (inclusive).
        min_items: fewest distinct co-reposted items for an edge to be kept.
        relations: which relations count as reposting the item ``parent_id`` points at.
        where: optional extra Ibis predicate.

    Returns:
        ``platform``, ``account_a`` < ``account_b``, ``items`` (distinct items co-reposted),
        ``first``/``last`` (earliest and latest co-repost time); by items then accounts.
    """
    if window < 0 or min_items < 1:
        raise InvalidInputError("window must be >= 0 and min_items >= 1")
    t = window_filter(posts, since, until, where)
    t = t.filter(t.relation.isin(list(relations)) & t.parent_id.notnull() & t.author_id.notnull())
    r = t.select(
        platform=t.platform.fill_null(""),
        item=t.parent_id,
        account=t.author_id,
        at=t.created_at,
        ts=t.created_at.epoch_seconds(),
    )
    s = r.view()
    pairs = r.join(
        s,
        (r.platform == s.platform)
        & (r.item == s.item)
        & (r.account < s.account)
        & ((r.ts - s.ts).abs() <= window),
    ).select(
        platform=r.platform,
        account_a=r.account,
        account_b=s.account,
        item=r.item,
        at=ibis_least(r.at, s.at),
    )
    agg = pairs.group_by(["platform", "account_a", "account_b"]).aggregate(
        items=pairs.item.nunique(), first=pairs.at.min(), last=pairs.at.max()
    )
    df = to_pandas(agg.filter(agg["items"] >= min_items))
    df["items"] = df["items"].astype("int64")
    return df.sort_values(
        ["items", "platform", "account_a", "account_b"], ascending=[False, True, True, True]
    ).reset_index(drop=True)[["platform", "account_a", "account_b", "items", "first", "last"]]


def ibis_least(a: ir.TimestampValue, b: ir.TimestampValue) -> ir.TimestampValue:
    """The earlier of two timestamps."""
    import ibis

    return ibis.least(a, b)


@dataclass
class Coordination:
    """A co-repost network and its clusters.

    Attributes:
        edges: as returned by :func:`corepost_edges`.
        clusters: one row per connected component of two or more accounts: ``cluster`` (0 =
            best score), ``accounts`` (sorted list), ``size``, ``edges``, ``density`` (edges over
            ``size (size - 1) / 2``), ``items`` (sum of edge weights), ``mean_items`` (mean
            edge weight) and ``score`` (``density * mean_items``: a tight group that co-reposts
            many items scores high; a loose chain scores low); by score then size.
        graph: the network as a ``networkx.Graph`` (node attribute ``cluster``, edge attribute
            ``weight``), ready for :func:`write_gexf`.
    """

    edges: pd.DataFrame
    clusters: pd.DataFrame
    graph: Any


def coordinated_clusters(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    window: float = 60.0,
    min_items: int = 2,
    relations: Sequence[str] = ("repost",),
    where: ir.BooleanValue | None = None,
) -> Coordination:
    """Co-repost network of ``posts`` and its scored clusters (see :class:`Coordination`)."""
    import networkx as nx

    edges = corepost_edges(
        posts,
        since,
        until,
        window=window,
        min_items=min_items,
        relations=relations,
        where=where,
    )
    g = nx.Graph()
    e: Any
    for e in edges.itertuples(index=False):
        a, b = f"{e.platform}:{e.account_a}", f"{e.platform}:{e.account_b}"
        g.add_node(a, platform=e.platform, account=e.account_a)
        g.add_node(b, platform=e.platform, account=e.account_b)
        g.add_edge(a, b, weight=int(e.items))
    rows = []
    for comp in nx.connected_components(g):
        sub = g.subgraph(comp)
        size = sub.number_of_nodes()
        m = sub.number_of_edges()
        items = int(sum(w for _, _, w in sub.edges(data="weight")))
        density = m / (size * (size - 1) / 2)
        mean_items = items / m
        rows.append(
            {
                "accounts": sorted(comp),
                "size": size,
                "edges": m,
                "density": density,
                "items": items,
                "mean_items": mean_items,
                "score": density * mean_items,
            }
        )
    rows.sort(key=lambda r: (-r["score"], -r["size"], r["accounts"][0]))
    for i, r in enumerate(rows):
        r["cluster"] = i
        for node in r["accounts"]:
            g.nodes[node]["cluster"] = i
    cols = ["cluster", "accounts", "size", "edges", "density", "items", "mean_items", "score"]
    clusters = pd.DataFrame(rows, columns=cols)
    return Coordination(edges=edges, clusters=clusters, graph=g)


def write_gexf(graph: Any, path: str | Path) -> Path:
    """Write a network (e.g. :attr:`Coordination.graph`) as GEXF for Gephi; returns the path."""
    import networkx as nx

    out = Path(path)
    nx.write_gexf(graph, out)
    return out
