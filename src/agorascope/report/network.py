"""Networks on the page and in Gephi: a seeded layout, a Plotly figure, GEXF bytes.

The co-repost network (``listen coordination``) and the co-hashtag network (``listen
cohashtags``) are ``networkx`` graphs with a ``weight`` on each edge. :func:`network_chart`
draws one: nodes sized by their weighted degree (the activity the network counts: items
co-reposted, posts shared with other hashtags), coloured by cluster, placed by a
Fruchterman-Reingold layout whose seed makes it the same on every visit.
"""

from __future__ import annotations

import io
from typing import Any

from agorascope.report.charts import _PALETTE, Figure, label

__all__ = ["MAX_NODES", "gexf_bytes", "network_chart", "network_layout", "shown_nodes"]

MAX_NODES = 300
"""Most nodes drawn (the heaviest by weighted degree); the GEXF file holds them all."""


def shown_nodes(graph: Any, limit: int = MAX_NODES) -> list[Any]:
    """The ``limit`` nodes of largest weighted degree (ties by name), in that order."""
    strength = dict(graph.degree(weight="weight"))
    return sorted(graph.nodes, key=lambda n: (-strength[n], str(n)))[:limit]


def network_layout(graph: Any, seed: int = 1) -> dict[Any, tuple[float, float]]:
    """Node positions in [-1, 1]^2 by ``networkx.spring_layout`` (the same seed, the same
    positions; edges pull with their weight)."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    pos = nx.spring_layout(graph, seed=seed, weight="weight")
    return {n: (float(xy[0]), float(xy[1])) for n, xy in pos.items()}


def network_chart(
    graph: Any,
    title: str,
    *,
    size_label: str,
    seed: int = 1,
    limit: int = MAX_NODES,
) -> Figure:
    """The network drawn: grey edges, one marker per node sized by weighted degree.

    Args:
        graph: a ``networkx`` graph (edge attribute ``weight``, optional node ``cluster``).
        title: the chart title.
        size_label: what a node's weighted degree counts (hover text and legend).
        seed: layout seed.
        limit: most nodes drawn (see :data:`MAX_NODES`).
    """
    keep = shown_nodes(graph, limit)
    sub = graph.subgraph(keep)
    pos = network_layout(sub, seed)
    strength = dict(sub.degree(weight="weight"))
    ex: list[float | None] = []
    ey: list[float | None] = []
    for a, b in sub.edges():
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "name": "edges",
         "line": {"color": "#9ca3af", "width": 1}, "hoverinfo": "skip", "showlegend": False},
    ]  # fmt: skip
    top = max(strength.values(), default=1) or 1
    groups: dict[Any, list[Any]] = {}
    for n in keep:
        groups.setdefault(sub.nodes[n].get("cluster"), []).append(n)
    for i, (cluster, nodes) in enumerate(sorted(groups.items(), key=lambda kv: str(kv[0]))):
        name = "nodes" if cluster is None else f"cluster {cluster}"
        data.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": [pos[n][0] for n in nodes], "y": [pos[n][1] for n in nodes],
            "text": [label(n) for n in nodes],
            "customdata": [strength[n] for n in nodes],
            "marker": {"size": [8 + 22 * (strength[n] / top) ** 0.5 for n in nodes],
                       "color": _PALETTE[i % len(_PALETTE)], "line": {"width": 0}},
            "hovertemplate": f"%{{text}}<br>%{{customdata[0]}} {size_label}<extra></extra>",
        })  # fmt: skip
    shown = (
        f"{len(keep):,} of {graph.number_of_nodes():,} nodes"
        if len(keep) < len(graph)
        else (f"{graph.number_of_nodes():,} nodes")
    )
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    layout: dict[str, Any] = {
        "title": {"text": f"{label(title)} ({shown}; size: {size_label})", "x": 0,
                  "font": {"size": 14}},
        "font": {"family": "system-ui, sans-serif", "size": 12}, "height": 520,
        "margin": {"l": 20, "r": 20, "t": 50, "b": 20}, "hovermode": "closest",
        "paper_bgcolor": "white", "plot_bgcolor": "white", "xaxis": hidden,
        "yaxis": {**hidden, "scaleanchor": "x"}, "showlegend": len(groups) > 1,
    }  # fmt: skip
    if not keep:
        note = {"text": "No network in this window", "showarrow": False, "xref": "paper",
                "yref": "paper", "x": 0.5, "y": 0.5}  # fmt: skip
        layout["annotations"] = [note]
        return {"data": [], "layout": layout}
    return {"data": data, "layout": layout}


def gexf_bytes(graph: Any) -> bytes:
    """The graph as a GEXF 1.2 document (``networkx.write_gexf``), for Gephi."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(graph, buf)
    return buf.getvalue()
