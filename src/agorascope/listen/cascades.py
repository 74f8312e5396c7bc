"""Cascades: trees rebuilt from repost / quote / reply links, their metrics and account scores.

How a tree is rebuilt (see docs/listen.md):

- The cascade of a post is ``(platform, root_id)``; a post without ``root_id`` belongs to the
  cascade of its parent (followed through the posts at hand), or is a root when it has no parent.
- **Missing parents**: a post whose ``parent_id`` is absent from the posts at hand, lies in
  another cascade, or is the post itself is hung directly under the root (it is counted in
  ``reattached``). Platforms that flatten retweets (a retweet of a retweet points at the
  original) give such star-shaped trees by construction.
- **Missing root**: when the root post itself is absent, a placeholder root (no author, time of
  the earliest member) stands for it and ``root_missing`` is set.
- **Cycles** in parent links (hostile or broken data) are cut where the walk meets itself; the
  node where it was cut is hung under the root and counted in ``reattached``.
- Duplicate ``(platform, id)`` rows keep the earliest one.

Memory: the edges (one row per post of every cascade kept) are gathered into memory, about
200 bytes per post; ``max_nodes`` (default 20 million, some 4 GB) bounds it and a larger input
raises :class:`~agorascope.errors.ComputationError` asking for a narrower query or window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import numba
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.errors import ComputationError, InvalidInputError
from agorascope.listen._common import Steps, window_filter
from agorascope.store import run, to_pandas

__all__ = ["CascadeForest", "account_stats", "build_cascades", "cascade_metrics"]

MAX_NODES = 20_000_000
_SEP = "\x1f"
_I64 = npt.NDArray[np.int64]


@numba.njit(cache=True)  # type: ignore[misc]
def _depths(parent: Any, root_of: Any) -> Any:  # pragma: no cover - compiled
    """Depth of every node; cuts parent cycles by hanging the node under its root."""
    n = parent.shape[0]
    depth = np.full(n, -1, np.int64)
    state = np.zeros(n, np.int8)
    stack = np.empty(n, np.int64)
    cut = np.zeros(n, np.bool_)
    for v in range(n):
        if parent[v] < 0:
            depth[v] = 0
    for v in range(n):
        if depth[v] >= 0:
            continue
        top = 0
        u = v
        while True:
            if depth[u] >= 0:
                break
            if state[u] == 1:
                parent[u] = root_of[u]
                depth[u] = 1
                cut[u] = True
                break
            state[u] = 1
            stack[top] = u
            top += 1
            u = parent[u]
        while top > 0:
            top -= 1
            w = stack[top]
            if depth[w] < 0:
                depth[w] = depth[parent[w]] + 1
            state[w] = 2
    return depth, cut


@numba.njit(cache=True)  # type: ignore[misc]
def _subtree_sizes(parent: Any, order: Any) -> Any:  # pragma: no cover - compiled
    """Subtree size of every node; ``order`` lists nodes deepest first."""
    size = np.ones(parent.shape[0], np.int64)
    for i in range(order.shape[0]):
        v = order[i]
        p = parent[v]
        if p >= 0:
            size[p] += size[v]
    return size


@dataclass
class CascadeForest:
    """Every rebuilt cascade as flat arrays (one entry per node).

    Attributes:
        nodes: ``platform``, ``id``, ``author_id``, ``created_at``, ``relation``, ``cascade``
            (index into ``roots``), ``parent`` (node index, -1 for roots), ``depth``,
            ``subtree`` (size of the subtree under the node), ``virtual`` (placeholder root),
            ``reattached`` (hung under the root because its parent link was unusable).
        roots: node index of each cascade's root.
    """

    nodes: pd.DataFrame
    roots: _I64

    @property
    def n_cascades(self) -> int:
        """Number of cascades."""
        return int(self.roots.shape[0])

    def to_networkx(self, cascade: int) -> Any:
        """One cascade as a ``networkx.DiGraph`` (parent -> child, node = post id)."""
        import networkx as nx

        nd = self.nodes
        members = nd.index[nd["cascade"].to_numpy() == cascade]
        g = nx.DiGraph()
        ids = nd["id"].to_numpy()
        parent: Any = nd["parent"].to_numpy()
        for v in members:
            g.add_node(ids[v], author_id=nd.at[v, "author_id"])
            p = int(parent[v])
            if p >= 0:
                g.add_edge(ids[p], ids[v])
        return g


def _root_keys(t: ir.Table) -> ir.StringValue:
    return t.root_id.coalesce(ibis.cases((t.parent_id.isnull(), t.id), else_=t.parent_id))


def _gather(posts: ir.Table, min_size: int, max_nodes: int) -> pa.Table:
    t = posts.select(
        "platform", "id", "parent_id", "root_id", "author_id", "created_at", "relation"
    )
    t = t.mutate(rk=_root_keys(t))
    groups = t.group_by(["platform", "rk"]).aggregate(
        n=t.count(), has_root=(t.id == t.rk).cast("int64").sum()
    )
    keep = groups.filter(
        (groups.n + ibis.cases((groups.has_root > 0, 0), else_=1)) >= min_size
    ).select(gp=groups.platform, grk=groups.rk)
    sel = t.join(keep, (t.platform == keep.gp) & (t.rk == keep.grk)).select(
        "platform", "id", "parent_id", "root_id", "author_id", "created_at", "relation"
    )
    n = int(to_pandas(sel.aggregate(n=sel.count()))["n"].iloc[0])
    if n > max_nodes:
        raise ComputationError(
            f"{n:,} posts belong to cascades, more than max_nodes={max_nodes:,} that fit in "
            "memory: narrow the query or the time window, or raise max_nodes"
        )
    return run(sel)


def build_cascades(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    min_size: int = 2,
    max_nodes: int = MAX_NODES,
    where: ir.BooleanValue | None = None,
    progress: bool = False,
) -> CascadeForest:
    """Gather the cascades of ``posts`` (posts in the window) and rebuild their trees.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        since, until: UTC window on ``created_at`` of the posts.
        min_size: smallest cascade kept (nodes, the root included).
        max_nodes: the most posts gathered into memory (see the module docstring).
        where: optional extra Ibis predicate.
        progress: show a progress bar.

    Raises:
        ComputationError: when more than ``max_nodes`` posts would be gathered.
    """
    if min_size < 1:
        raise InvalidInputError("min_size must be at least 1")
    with Steps("cascades: gathering posts", 3, progress) as bar:
        df = _gather(window_filter(posts, since, until, where), min_size, max_nodes)
        bar.advance(1, "cascades: rebuilding trees")
        forest = _build(df, min_size)
        bar.advance(2)
    return forest


def _codes(arr: pa.ChunkedArray) -> tuple[_I64, npt.NDArray[np.object_]]:
    """Dictionary codes (-1 for null) and the distinct values of a string column."""
    enc = pc.dictionary_encode(arr).combine_chunks()
    codes: _I64 = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64)
    values: npt.NDArray[np.object_] = np.asarray(enc.dictionary.to_pylist(), dtype=object)
    return codes, values


def _build(tab: pa.Table, min_size: int) -> CascadeForest:
    # Identity is (platform, id): every id-like string is coded once (Arrow dictionary encoding)
    # to an int64 key, so that the joins below are integer array operations.
    n = tab.num_rows
    t = tab["created_at"].cast(pa.timestamp("us")).to_numpy()
    pcode, plats = _codes(pc.fill_null(tab["platform"], ""))
    strings = pa.chunked_array(
        [*tab["id"].chunks, *tab["parent_id"].chunks, *tab["root_id"].chunks], pa.string()
    )
    scode, svals = _codes(strings)
    width = np.int64(max(len(svals), 1))

    def keyed(codes: _I64) -> _I64:
        out: _I64 = np.where(codes >= 0, pcode * width + codes, -1)
        return out

    key, pkey, rkey = keyed(scode[:n]), keyed(scode[n : 2 * n]), keyed(scode[2 * n :])
    author = tab["author_id"].to_numpy(zero_copy_only=False).astype(object)
    relation = tab["relation"].to_numpy(zero_copy_only=False).astype(object)
    plat_idx = pcode
    if not pd.Index(key).is_unique:  # duplicates of (platform, id): keep the earliest
        order = np.lexsort((key, np.isnat(t), t))
        _, first = np.unique(key[order], return_index=True)
        keep = np.sort(order[first])
        key, pkey, rkey, t = key[keep], pkey[keep], rkey[keep], t[keep]
        author, relation, plat_idx = author[keep], relation[keep], plat_idx[keep]
    # root key: root_id, else the parent's root (followed through the posts), else itself
    rkey = np.where((rkey < 0) & (pkey < 0), key, rkey)
    index = pd.Index(key)
    for _ in range(64):
        todo = np.flatnonzero(rkey < 0)
        if len(todo) == 0:
            break
        pos = index.get_indexer(pd.Index(pkey[todo]))
        found = np.where(pos >= 0, rkey[np.maximum(pos, 0)], -1)
        unresolved = pos < 0  # the missing ancestor stands as root
        rkey[todo] = np.where(unresolved, pkey[todo], found)
    rkey = np.where(rkey < 0, pkey, rkey)
    distinct_roots = pd.unique(rkey)
    virtual_keys = distinct_roots[~pd.Index(distinct_roots).isin(key)]
    m = len(virtual_keys)
    if m:
        member_pos = pd.Index(virtual_keys).get_indexer(pd.Index(rkey))
        first_t = np.full(m, np.datetime64("NaT"), dtype="datetime64[us]")
        has = member_pos >= 0
        ts = pd.Series(t[has]).groupby(member_pos[has]).min()
        first_t[ts.index.to_numpy()] = ts.to_numpy()
        key = np.concatenate([key, virtual_keys])
        pkey = np.concatenate([pkey, np.full(m, -1, np.int64)])
        rkey = np.concatenate([rkey, virtual_keys])
        t = np.concatenate([t, first_t])
        author = np.concatenate([author, np.full(m, None, dtype=object)])
        relation = np.concatenate([relation, np.full(m, None, dtype=object)])
        plat_idx = np.concatenate([plat_idx, virtual_keys // width])
    virtual = np.zeros(len(key), np.bool_)
    virtual[len(key) - m :] = m > 0
    cascade_codes, cascade_keys = pd.factorize(rkey)
    key_index = pd.Index(key)
    root_node = key_index.get_indexer(pd.Index(cascade_keys)).astype(np.int64)
    cascade = cascade_codes.astype(np.int64)
    is_root = key == rkey
    parent = key_index.get_indexer(pd.Index(pkey)).astype(np.int64)
    parent[pkey < 0] = -1
    own = np.arange(len(key), dtype=np.int64)
    root_of = root_node[cascade]
    bad = (parent < 0) | (parent == own)
    bad |= ~bad & (cascade[np.maximum(parent, 0)] != cascade)
    reattached = bad & ~is_root & (pkey >= 0)
    parent = np.where(is_root, -1, np.where(bad, root_of, parent)).astype(np.int64)
    depth, cut = _depths(parent, root_of)
    subtree = _subtree_sizes(parent, np.argsort(-depth, kind="stable"))
    ids = svals
    nodes = pd.DataFrame(
        {
            "platform": np.asarray(plats, dtype=object)[plat_idx],
            "id": ids[key % width],
            "author_id": author,
            "created_at": t,
            "relation": relation,
            "virtual": virtual,
            "cascade": cascade,
            "parent": parent,
            "depth": depth,
            "subtree": subtree,
            "reattached": reattached | cut,
        }
    )
    forest = CascadeForest(nodes=nodes, roots=root_node)
    if min_size > 1:
        forest = _keep_sizes(forest, min_size)
    return forest


def _keep_sizes(forest: CascadeForest, min_size: int) -> CascadeForest:
    nd = forest.nodes
    sizes = np.bincount(nd["cascade"].to_numpy(), minlength=forest.n_cascades)
    keep_c = sizes >= min_size
    if keep_c.all():
        return forest
    keep_n = keep_c[nd["cascade"].to_numpy()]
    new_index = np.cumsum(keep_n) - 1
    new_c = np.cumsum(keep_c) - 1
    nd = nd[keep_n].copy()
    par = nd["parent"].to_numpy()
    nd["parent"] = np.where(par >= 0, new_index[np.maximum(par, 0)], -1)
    nd["cascade"] = new_c[nd["cascade"].to_numpy()]
    roots = new_index[forest.roots[keep_c]]
    return CascadeForest(nodes=nd.reset_index(drop=True), roots=roots.astype(np.int64))


def forest_metrics(forest: CascadeForest) -> pd.DataFrame:
    """Per-cascade metrics of a rebuilt forest (see :func:`cascade_metrics`)."""
    nd = forest.nodes
    c = nd["cascade"].to_numpy()
    k = forest.n_cascades
    size = np.bincount(c, minlength=k).astype(np.int64)
    depth = nd["depth"].to_numpy()
    max_depth = np.zeros(k, np.int64)
    np.maximum.at(max_depth, c, depth)
    level = pd.Series(1, index=pd.MultiIndex.from_arrays([c, depth])).groupby(level=[0, 1]).sum()
    breadth = level.groupby(level=0).max().reindex(range(k), fill_value=0).to_numpy()
    sub = nd["subtree"].to_numpy()
    nonroot = nd["parent"].to_numpy() >= 0
    pair = np.zeros(k, np.float64)
    np.add.at(pair, c[nonroot], (sub[nonroot] * (size[c[nonroot]] - sub[nonroot])).astype(float))
    npairs = size * (size - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        virality = np.where(size > 1, pair / np.where(npairs > 0, npairs, 1), np.nan)
    t = nd["created_at"].to_numpy().astype("datetime64[us]").astype(np.int64).astype(float)
    t[nd["created_at"].isna().to_numpy()] = np.nan
    root_t = t[forest.roots]
    order = np.lexsort((t, c))
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    sorted_t = t[order]

    def time_to(q: float) -> npt.NDArray[np.float64]:
        kth = np.ceil(q * size).astype(np.int64) - 1
        out: npt.NDArray[np.float64] = (sorted_t[start + kth] - root_t) / 1e6
        return out

    users = nd.groupby("cascade")["author_id"].nunique().reindex(range(k), fill_value=0)
    reatt = np.bincount(c, weights=nd["reattached"].to_numpy().astype(float), minlength=k)
    roots = nd.iloc[forest.roots]
    out = pd.DataFrame(
        {
            "platform": roots["platform"].to_numpy(),
            "root_id": roots["id"].to_numpy(),
            "root_author": roots["author_id"].to_numpy(),
            "start": roots["created_at"].to_numpy(),
            "size": size,
            "depth": max_depth,
            "max_breadth": breadth.astype(np.int64),
            "structural_virality": virality,
            "time_to_50": time_to(0.5),
            "time_to_90": time_to(0.9),
            "unique_users": users.to_numpy().astype(np.int64),
            "reattached": reatt.astype(np.int64),
            "root_missing": roots["virtual"].to_numpy(),
        }
    )
    return out.sort_values(
        ["size", "platform", "root_id"], ascending=[False, True, True]
    ).reset_index(drop=True)


def cascade_metrics(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    min_size: int = 2,
    max_nodes: int = MAX_NODES,
    where: ir.BooleanValue | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Size, depth, breadth, structural virality and speed of every cascade.

    Returns:
        One row per cascade, largest first: ``platform``, ``root_id``, ``root_author``,
        ``start`` (root time), ``size`` (nodes, root included), ``depth`` (longest root-to-node
        path, in edges), ``max_breadth`` (most nodes on one depth level), ``structural_virality``
        (Goel et al. 2016: mean shortest-path distance over all pairs of nodes of the
        undirected tree, computed as ``sum_edges s (n - s) / (n (n - 1) / 2)`` with ``s`` the
        size of the subtree below the edge; NaN for a single node), ``time_to_50`` and
        ``time_to_90`` (seconds from the root until the ``ceil(q n)``-th node in time order,
        the root counted; negative when timestamps precede the root), ``unique_users``
        (distinct authors), ``reattached`` and ``root_missing`` (see the module docstring).
    """
    forest = build_cascades(
        posts,
        since,
        until,
        min_size=min_size,
        max_nodes=max_nodes,
        where=where,
        progress=progress,
    )
    return forest_metrics(forest)


def forest_accounts(forest: CascadeForest, reposts_relation: str = "repost") -> pd.DataFrame:
    """Per-account cascade scores of a rebuilt forest (see :func:`account_stats`)."""
    nd = forest.nodes
    real = nd[~nd["virtual"].to_numpy() & nd["author_id"].notna().to_numpy()]
    parent = nd["parent"].to_numpy()
    is_rep = (nd["relation"] == reposts_relation).to_numpy() & (parent >= 0)
    received = np.bincount(parent[is_rep], minlength=len(nd)).astype(np.int64)
    rows = real.assign(received=received[real.index.to_numpy()])
    rows = rows.assign(is_root=rows["parent"].to_numpy() < 0)
    keys = ["platform", "author_id"]
    started = rows[rows["is_root"]].groupby(keys)["cascade"].nunique().rename("started")
    amplified = rows[~rows["is_root"]].groupby(keys)["cascade"].nunique().rename("amplified")
    total = rows.groupby(keys)["received"].sum().rename("reposts_received")
    posts = rows.groupby(keys).size().rename("posts")
    ranked = rows.sort_values([*keys, "received"], ascending=[True, True, False])
    ranked = ranked.assign(rank=ranked.groupby(keys).cumcount() + 1)
    hit = ranked[ranked["received"] >= ranked["rank"]]
    tf = hit.groupby(keys)["rank"].max().rename("t_factor")
    out = pd.concat([posts, started, amplified, total, tf], axis=1).fillna(0)
    for col in out.columns:
        out[col] = out[col].astype(np.int64)
    out = out.reset_index()
    return out.sort_values(
        ["t_factor", "reposts_received", "platform", "author_id"],
        ascending=[False, False, True, True],
    ).reset_index(drop=True)[
        ["platform", "author_id", "posts", "started", "amplified", "reposts_received", "t_factor"]
    ]


def account_stats(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    min_size: int = 2,
    max_nodes: int = MAX_NODES,
    where: ir.BooleanValue | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """How each account starts and spreads cascades.

    Returns:
        One row per author in the cascades: ``posts`` (their nodes), ``started`` (cascades whose
        root they wrote), ``amplified`` (distinct cascades where they wrote a non-root node),
        ``reposts_received`` (direct children with relation ``repost`` in the rebuilt trees) and
        ``t_factor`` (the largest t such that t of their posts have at least t direct reposts,
        an h-index), sorted by t-factor.
    """
    forest = build_cascades(
        posts,
        since,
        until,
        min_size=min_size,
        max_nodes=max_nodes,
        where=where,
        progress=progress,
    )
    return forest_accounts(forest)
