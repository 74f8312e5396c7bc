"""One cascade as a drawable tree: node positions, authors and the parent links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np

from agorascope._json import plain
from agorascope.errors import NotFoundError
from agorascope.listen import CascadeForest
from agorascope.store import run

__all__ = ["MAX_TREE_NODES", "CascadeTree", "cascade_tree", "tree_layout"]

MAX_TREE_NODES = 2_000
"""Most nodes drawn; a larger cascade keeps its earliest nodes (each with its ancestors)."""


@dataclass
class CascadeTree:
    """A cascade ready to draw.

    Attributes:
        platform: the cascade's platform.
        root_id: id of its root post.
        nodes: one dict per drawn node: ``id``, ``parent`` (index into ``nodes``, -1 for the
            root), ``depth``, ``x`` (depth), ``y`` (leaf order), ``author_handle``,
            ``author_followers``, ``relation``, ``created_at``, ``text`` (first 140 chars).
        total_nodes: nodes in the whole cascade.
        truncated: whether only the first :data:`MAX_TREE_NODES` are drawn.
        metrics: the cascade's row of :func:`agorascope.listen.cascade_metrics`.
    """

    platform: str
    root_id: str
    nodes: list[dict[str, Any]]
    total_nodes: int
    truncated: bool
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "platform": self.platform,
            "root_id": self.root_id,
            "nodes": self.nodes,
            "total_nodes": self.total_nodes,
            "truncated": self.truncated,
            "metrics": self.metrics,
        }


def tree_layout(parent: list[int]) -> list[float]:
    """Vertical positions of a tree's nodes: leaves one apart in depth-first order, each
    parent centred on its children.

    Args:
        parent: parent index of every node (-1 for roots); parents may come in any order.
    """
    n = len(parent)
    children: list[list[int]] = [[] for _ in range(n)]
    roots = []
    for v, p in enumerate(parent):
        if p < 0:
            roots.append(v)
        else:
            children[p].append(v)
    y = [0.0] * n
    nxt = 0.0
    for r in roots:
        stack: list[tuple[int, bool]] = [(r, False)]
        while stack:
            v, done = stack.pop()
            if done:
                kids = children[v]
                y[v] = (y[kids[0]] + y[kids[-1]]) / 2 if kids else y[v]
                continue
            if not children[v]:
                y[v] = nxt
                nxt += 1.0
                continue
            stack.append((v, True))
            stack.extend((c, False) for c in reversed(children[v]))
    return y


def cascade_tree(
    posts: ir.Table, forest: CascadeForest, platform: str, root_id: str
) -> CascadeTree:
    """The cascade rooted at ``platform:root_id`` of ``forest``, laid out, with author names.

    Args:
        posts: the posts the forest was built from (``post_view`` columns); texts and authors
            of the drawn nodes are read from them.
        forest: the rebuilt cascades.
        platform, root_id: the root of the cascade to draw.

    Raises:
        NotFoundError: no such cascade in the forest.
    """
    nd = forest.nodes
    roots = nd.iloc[forest.roots]
    hit = np.flatnonzero(
        (roots["platform"] == platform).to_numpy() & (roots["id"] == root_id).to_numpy()
    )
    if not len(hit):
        raise NotFoundError(f"no cascade {platform}:{root_id}")
    members = np.flatnonzero(nd["cascade"].to_numpy() == int(hit[0]))
    total = len(members)
    sub = nd.iloc[members].sort_values(["depth", "created_at"], kind="stable")
    keep = set(sub.index[:MAX_TREE_NODES].tolist())
    parent_all = nd["parent"].to_numpy()
    for v in list(keep):  # keep the ancestors of every kept node, so edges stay connected
        p = int(parent_all[v])
        while p >= 0 and p not in keep:
            keep.add(p)
            p = int(parent_all[p])
    kept = sub[sub.index.isin(list(keep))]
    pos = {int(v): i for i, v in enumerate(kept.index)}
    parent = [pos.get(int(parent_all[v]), -1) for v in kept.index]
    ys = tree_layout(parent)
    ids = kept["id"].astype(str).tolist()
    details = _details(posts, platform, ids)
    nodes = []
    rows = kept[["id", "depth", "relation", "created_at", "virtual"]].to_dict("records")
    for i, row in enumerate(rows):
        d = details.get(str(row["id"]), {})
        text = d.get("text") or ""
        nodes.append(
            plain(
                {
                    "id": str(row["id"]),
                    "parent": parent[i],
                    "depth": int(row["depth"]),
                    "x": int(row["depth"]),
                    "y": ys[i],
                    "author_handle": d.get("author_handle"),
                    "author_followers": d.get("author_followers"),
                    "relation": row["relation"],
                    "created_at": row["created_at"],
                    "text": text[:140],
                    "placeholder": bool(row["virtual"]),
                }
            )
        )
    return CascadeTree(platform, root_id, nodes, total, len(kept) < total)


def _details(posts: ir.Table, platform: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    wanted = ibis.memtable({"_want": ids}, schema={"_want": "string"})
    mine = posts.filter(posts.platform == platform)
    hit = mine.join(wanted, mine.id == wanted._want)
    rows = run(hit.select("id", "author_handle", "author_followers", "text"))
    return {
        str(r["id"]): {
            "author_handle": r["author_handle"],
            "author_followers": r["author_followers"],
            "text": r["text"],
        }
        for r in rows.to_pylist()
    }
