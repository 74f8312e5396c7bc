"""Numba-compiled ReCom chain over CSR arrays (the hot loop of :mod:`.ensemble`).

One step, as in GerryChain 1.0.0's ``recom``: pick a pair of adjacent districts (uniformly among
adjacent pairs, or proportionally to their shared cut edges), merge them, draw a minimum spanning
tree of the merged region on uniform random edge weights (Kruskal; edges that cross a region
boundary get a surcharge), and cut the tree edge that leaves both sides within the population
tolerance. Among balanced cuts the one with the largest tree weight is taken (GerryChain's
choice; preferring region-crossing cuts when regions are given) or a uniform one. A tree without
a balanced cut is redrawn. Every state's statistics are written to the output arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

STATUS_OK = 0
STATUS_NO_CUT = 1
STATUS_DISCONNECTED = 2


@njit(cache=True)
def _find(parent: np.ndarray, x: int) -> int:  # type: ignore[type-arg]
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@njit(cache=True)
def _buffers(n: int, m_max: int):  # type: ignore[no-untyped-def]
    """Work arrays of a spanning-tree step on ``n`` nodes and at most ``m_max`` edges."""
    return (
        np.full(n, -1, dtype=np.int64), np.empty(n, dtype=np.int64),
        np.empty(m_max, dtype=np.int64), np.empty(m_max, dtype=np.int64),
        np.zeros(m_max, dtype=np.bool_), np.empty(m_max), np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n),
        np.empty(n, dtype=np.bool_), np.zeros(n + 1, dtype=np.int64),
        np.empty(2 * n, dtype=np.int64), np.empty(2 * n, dtype=np.int64),
        np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int64), np.empty(n), np.empty(n, dtype=np.bool_),
    )  # fmt: skip


@njit(cache=True)
def _region_edges(
    m: int,
    nodes: np.ndarray,  # type: ignore[type-arg]
    local: np.ndarray,  # type: ignore[type-arg]
    indptr: np.ndarray,  # type: ignore[type-arg]
    indices: np.ndarray,  # type: ignore[type-arg]
    region: np.ndarray,  # type: ignore[type-arg]
    use_region: bool,
    eu: np.ndarray,  # type: ignore[type-arg]
    ev: np.ndarray,  # type: ignore[type-arg]
    ecross: np.ndarray,  # type: ignore[type-arg]
) -> int:
    """The edges between the ``m`` nodes of a region (``local`` index, -1 outside it)."""
    n_e = 0
    for li in range(m):
        u = nodes[li]
        for s in range(indptr[u], indptr[u + 1]):
            lj = local[indices[s]]
            if lj > li:
                eu[n_e] = li
                ev[n_e] = lj
                ecross[n_e] = use_region and region[u] != region[indices[s]]
                n_e += 1
    return n_e


@njit(cache=True)
def _spanning_tree(
    m: int,
    n_e: int,
    eu: np.ndarray,  # type: ignore[type-arg]
    ev: np.ndarray,  # type: ignore[type-arg]
    ecross: np.ndarray,  # type: ignore[type-arg]
    surcharge: float,
    rng: np.random.Generator,
    ew: np.ndarray,  # type: ignore[type-arg]
    uf: np.ndarray,  # type: ignore[type-arg]
    tu: np.ndarray,  # type: ignore[type-arg]
    tv: np.ndarray,  # type: ignore[type-arg]
    tw: np.ndarray,  # type: ignore[type-arg]
    tc: np.ndarray,  # type: ignore[type-arg]
) -> int:
    """Minimum spanning tree (Kruskal) of ``m`` local nodes on random edge weights.

    Writes the tree edges to ``tu``, ``tv`` (weights ``tw``, crossing flags ``tc``) and returns
    their number (``m - 1`` unless the region is disconnected).
    """
    for i in range(n_e):
        ew[i] = rng.random()
        if ecross[i]:
            ew[i] += surcharge
    idx = np.argsort(ew[:n_e])
    for i in range(m):
        uf[i] = i
    n_t = 0
    for q in range(n_e):
        i = idx[q]
        ra = _find(uf, eu[i])
        rb = _find(uf, ev[i])
        if ra != rb:
            uf[ra] = rb
            tu[n_t] = eu[i]
            tv[n_t] = ev[i]
            tw[n_t] = ew[i]
            tc[n_t] = ecross[i]
            n_t += 1
            if n_t == m - 1:
                break
    return n_t


@njit(cache=True)
def _subtree_sums(
    m: int,
    n_t: int,
    tu: np.ndarray,  # type: ignore[type-arg]
    tv: np.ndarray,  # type: ignore[type-arg]
    tptr: np.ndarray,  # type: ignore[type-arg]
    tadj: np.ndarray,  # type: ignore[type-arg]
    tslot: np.ndarray,  # type: ignore[type-arg]
    fill: np.ndarray,  # type: ignore[type-arg]
    order: np.ndarray,  # type: ignore[type-arg]
    par: np.ndarray,  # type: ignore[type-arg]
    par_edge: np.ndarray,  # type: ignore[type-arg]
    pop: np.ndarray,  # type: ignore[type-arg]
    nodes: np.ndarray,  # type: ignore[type-arg]
    sub: np.ndarray,  # type: ignore[type-arg]
) -> None:
    """Breadth-first order of the tree from local node 0, each node's parent and edge, and the
    population of the subtree below each node (``pop`` of the graph nodes ``nodes``)."""
    for i in range(m + 1):
        tptr[i] = 0
    for i in range(n_t):
        tptr[tu[i] + 1] += 1
        tptr[tv[i] + 1] += 1
    for i in range(m):
        tptr[i + 1] += tptr[i]
        fill[i] = tptr[i]
    for i in range(n_t):
        a = tu[i]
        b = tv[i]
        tadj[fill[a]] = b
        tslot[fill[a]] = i
        fill[a] += 1
        tadj[fill[b]] = a
        tslot[fill[b]] = i
        fill[b] += 1
    order[0] = 0
    par[0] = -1
    par_edge[0] = -1
    head = 0
    tail = 1
    while head < tail:
        x = order[head]
        head += 1
        for s in range(tptr[x], tptr[x + 1]):
            y = tadj[s]
            if y != par[x]:
                par[y] = x
                par_edge[y] = tslot[s]
                order[tail] = y
                tail += 1
    for i in range(m):
        sub[i] = pop[nodes[i]]
    for q in range(m - 1, 0, -1):
        x = order[q]
        sub[par[x]] += sub[x]


@njit(cache=True)
def _record(
    t: int,
    k: int,
    ideal: float,
    dpop: np.ndarray,  # type: ignore[type-arg]
    dva: np.ndarray,  # type: ignore[type-arg]
    dvb: np.ndarray,  # type: ignore[type-arg]
    n_cut: int,
    out_cut: np.ndarray,  # type: ignore[type-arg]
    out_dev: np.ndarray,  # type: ignore[type-arg]
    out_seats: np.ndarray,  # type: ignore[type-arg]
    out_eg: np.ndarray,  # type: ignore[type-arg]
    out_mm: np.ndarray,  # type: ignore[type-arg]
    out_pb: np.ndarray,  # type: ignore[type-arg]
) -> None:
    out_cut[t] = n_cut
    worst = 0.0
    for d in range(k):
        dev = abs(dpop[d] - ideal) / ideal
        if dev > worst:
            worst = dev
    out_dev[t] = worst
    shares = np.empty(k)
    for e in range(dva.shape[0]):
        seats = 0
        wasted_a = 0.0
        wasted_b = 0.0
        total = 0.0
        mean = 0.0
        for d in range(k):
            a = dva[e, d]
            b = dvb[e, d]
            half = (a + b) / 2.0
            total += a + b
            if a > b:
                seats += 1
                wasted_a += a - half
                wasted_b += b
            else:
                wasted_a += a
                wasted_b += b - half
            shares[d] = a / (a + b)
            mean += shares[d]
        mean /= k
        above = 0
        for d in range(k):
            if shares[d] > mean:
                above += 1
        srt = np.sort(shares)
        med = srt[k // 2] if k % 2 == 1 else 0.5 * (srt[k // 2 - 1] + srt[k // 2])
        out_seats[t, e] = seats
        out_eg[t, e] = (wasted_b - wasted_a) / total
        out_mm[t, e] = med - mean
        out_pb[t, e] = above / k - 0.5


@njit(cache=True)
def run_chain(
    indptr: np.ndarray,  # type: ignore[type-arg]
    indices: np.ndarray,  # type: ignore[type-arg]
    pop: np.ndarray,  # type: ignore[type-arg]
    region: np.ndarray,  # type: ignore[type-arg]
    surcharge: float,
    assign: np.ndarray,  # type: ignore[type-arg]
    k: int,
    ideal: float,
    epsilon: float,
    votes_a: np.ndarray,  # type: ignore[type-arg]
    votes_b: np.ndarray,  # type: ignore[type-arg]
    n_states: int,
    rng: np.random.Generator,
    pair_mode: int,
    cut_mode: int,
    max_attempts: int,
    out_cut: np.ndarray,  # type: ignore[type-arg]
    out_dev: np.ndarray,  # type: ignore[type-arg]
    out_seats: np.ndarray,  # type: ignore[type-arg]
    out_eg: np.ndarray,  # type: ignore[type-arg]
    out_mm: np.ndarray,  # type: ignore[type-arg]
    out_pb: np.ndarray,  # type: ignore[type-arg]
    out_tries: np.ndarray,  # type: ignore[type-arg]
) -> int:
    """Record ``n_states`` states, moving ``assign`` in place after each; returns a status."""
    n = indptr.shape[0] - 1
    n_el = votes_a.shape[0]
    use_region = surcharge > 0.0
    dpop = np.zeros(k)
    dva = np.zeros((n_el, k))
    dvb = np.zeros((n_el, k))
    for u in range(n):
        d = assign[u]
        dpop[d] += pop[u]
        for e in range(n_el):
            dva[e, d] += votes_a[e, u]
            dvb[e, d] += votes_b[e, u]
    (local, nodes, eu, ev, ecross, ew, uf, tu, tv, tw, tc, tptr, tadj, tslot, fill, order, par,
     par_edge, sub, in_sub) = _buffers(n, indices.shape[0] // 2 + 1)  # fmt: skip
    pair_count = np.zeros((k, k), dtype=np.int64)

    for t in range(n_states):
        # Scan every edge: cut edges and the adjacent district pairs of the current state.
        pair_count[:, :] = 0
        n_cut = 0
        for u in range(n):
            du = assign[u]
            for s in range(indptr[u], indptr[u + 1]):
                v = indices[s]
                if v > u:
                    dv = assign[v]
                    if du != dv:
                        n_cut += 1
                        if du < dv:
                            pair_count[du, dv] += 1
                        else:
                            pair_count[dv, du] += 1
        _record(
            t, k, ideal, dpop, dva, dvb, n_cut, out_cut, out_dev, out_seats, out_eg, out_mm, out_pb
        )

        # Choose the pair of districts to merge.
        da = -1
        db = -1
        if pair_mode == 0:
            n_pairs = 0
            for i in range(k):
                for j in range(i + 1, k):
                    if pair_count[i, j] > 0:
                        n_pairs += 1
            r = rng.integers(0, n_pairs)
            for i in range(k):
                for j in range(i + 1, k):
                    if pair_count[i, j] > 0:
                        if r == 0 and da < 0:
                            da = i
                            db = j
                        r -= 1
        else:
            r = rng.integers(0, n_cut)
            for i in range(k):
                for j in range(i + 1, k):
                    c = pair_count[i, j]
                    if c > 0 and da < 0:
                        if r < c:
                            da = i
                            db = j
                        r -= c

        # The merged region, with local indices, and its internal edges.
        m = 0
        tot = 0.0
        for u in range(n):
            if assign[u] == da or assign[u] == db:
                local[u] = m
                nodes[m] = u
                tot += pop[u]
                m += 1
        n_e = _region_edges(m, nodes, local, indptr, indices, region, use_region, eu, ev, ecross)

        tol = epsilon * ideal
        chosen = -1
        tries = 0
        while chosen < 0 and tries < max_attempts:
            tries += 1
            n_t = _spanning_tree(m, n_e, eu, ev, ecross, surcharge, rng, ew, uf, tu, tv, tw, tc)
            if n_t != m - 1:
                for li in range(m):
                    local[nodes[li]] = -1
                return STATUS_DISCONNECTED
            _subtree_sums(
                m, n_t, tu, tv, tptr, tadj, tslot, fill, order, par, par_edge, pop, nodes, sub
            )
            # Balanced cuts: both sides within epsilon of the ideal population.
            best = -1
            best_w = -1.0
            best_cross = -1
            best_cross_w = -1.0
            n_ok = 0
            for q in range(1, m):
                x = order[q]
                if abs(sub[x] - ideal) <= tol and abs(tot - sub[x] - ideal) <= tol:
                    n_ok += 1
                    if cut_mode == 0:
                        w = tw[par_edge[x]]
                        if w > best_w:
                            best_w = w
                            best = x
                        if use_region and tc[par_edge[x]] and w > best_cross_w:
                            best_cross_w = w
                            best_cross = x
                    elif rng.integers(0, n_ok) == 0:
                        best = x
            if best_cross >= 0:
                best = best_cross
            chosen = best
        out_tries[t] = tries
        if chosen < 0:
            for li in range(m):
                local[nodes[li]] = -1
            return STATUS_NO_CUT
        # Apply: the subtree below the cut becomes district da, the rest db.
        dpop[da] = 0.0
        dpop[db] = 0.0
        for e in range(n_el):
            dva[e, da] = 0.0
            dva[e, db] = 0.0
            dvb[e, da] = 0.0
            dvb[e, db] = 0.0
        for q in range(m):
            x = order[q]
            if q == 0:
                in_sub[x] = False
            else:
                in_sub[x] = x == chosen or in_sub[par[x]]
        for li in range(m):
            u = nodes[li]
            d = da if in_sub[li] else db
            assign[u] = d
            dpop[d] += pop[u]
            for e in range(n_el):
                dva[e, d] += votes_a[e, u]
                dvb[e, d] += votes_b[e, u]
            local[u] = -1
    return STATUS_OK


@njit(cache=True)
def tree_partition(
    indptr: np.ndarray,  # type: ignore[type-arg]
    indices: np.ndarray,  # type: ignore[type-arg]
    pop: np.ndarray,  # type: ignore[type-arg]
    k: int,
    epsilon: float,
    rng: np.random.Generator,
    max_attempts: int,
    assign: np.ndarray,  # type: ignore[type-arg]
    out_tries: np.ndarray,  # type: ignore[type-arg]
) -> int:
    """Split the graph into ``k`` districts by cutting one off at a time (recursive tree part).

    Each cut draws a random spanning tree of the units not yet assigned (the ReCom tree) and
    takes, uniformly among the tree edges that allow it, a side whose population is within
    ``epsilon`` of the ideal while the rest stays within ``epsilon`` of its own ideal total, so
    the last district is within the tolerance too. Both sides of a tree cut are connected.
    ``assign`` receives district indices 0..k-1; ``out_tries`` the trees drawn per cut.
    """
    n = indptr.shape[0] - 1
    total = 0.0
    for u in range(n):
        total += pop[u]
        assign[u] = -1
    ideal = total / k
    tol = epsilon * ideal
    (local, nodes, eu, ev, ecross, ew, uf, tu, tv, tw, tc, tptr, tadj, tslot, fill, order, par,
     par_edge, sub, in_sub) = _buffers(n, indices.shape[0] // 2 + 1)  # fmt: skip
    no_region = np.zeros(1, dtype=np.int64)
    rest = total
    for d in range(k - 1):
        m = 0
        for u in range(n):
            if assign[u] < 0:
                local[u] = m
                nodes[m] = u
                m += 1
        n_e = _region_edges(m, nodes, local, indptr, indices, no_region, False, eu, ev, ecross)
        left = k - d - 1
        lo = max(ideal - tol, rest - left * ideal - tol)
        hi = min(ideal + tol, rest - left * ideal + tol)
        chosen = -1
        outside = False
        tries = 0
        while chosen < 0 and tries < max_attempts:
            tries += 1
            n_t = _spanning_tree(m, n_e, eu, ev, ecross, 0.0, rng, ew, uf, tu, tv, tw, tc)
            if n_t != m - 1:
                return STATUS_DISCONNECTED
            _subtree_sums(
                m, n_t, tu, tv, tptr, tadj, tslot, fill, order, par, par_edge, pop, nodes, sub
            )
            n_ok = 0
            for q in range(1, m):
                x = order[q]
                for side in range(2):
                    p = sub[x] if side == 0 else rest - sub[x]
                    if lo <= p <= hi:
                        n_ok += 1
                        if rng.integers(0, n_ok) == 0:
                            chosen = x
                            outside = side == 1
        out_tries[d] = tries
        if chosen < 0:
            return STATUS_NO_CUT
        for q in range(m):
            x = order[q]
            in_sub[x] = False if q == 0 else (x == chosen or in_sub[par[x]])
        for li in range(m):
            u = nodes[li]
            if in_sub[li] != outside:
                assign[u] = d
                rest -= pop[u]
            local[u] = -1
    for u in range(n):
        if assign[u] < 0:
            assign[u] = k - 1
    return STATUS_OK
