"""Worked examples: the 50-voter region and national seats-votes figures from a results file.

The 50-voter region is a grid of 5 rows by 10 columns, one voter per cell: the two top rows
vote red (20 voters), the three bottom rows blue (30). Five districts of ten voters can give
blue 3 seats (rows as districts), 5 seats (vertical strips) or only 2 (a red gerrymander).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agorascope.districts.graph import DistrictGraph, _from_directed_arrays
from agorascope.districts.plan import Plan, plan_from_array
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError

__all__ = [
    "SEED_PLANS",
    "enumerate_partitions",
    "grid_graph",
    "house_seats_votes",
    "outcome",
    "outcome_distribution",
    "seed_region",
]

# Districts of the three plans of the example, one character per cell, row by row.
SEED_PLANS: dict[str, tuple[str, ...]] = {
    # Each row is a district: 2 red, 3 blue.
    "fair_3_2": ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD", "EEEEEEEEEE"),
    # Vertical strips of 2 x 5: every district is 4 red, 6 blue.
    "blue_5_0": ("AABBCCDDEE",) * 5,
    # Red packs blue into two districts and wins the other three 6 to 4.
    "red_gerrymander": ("AAABBBCCCE", "AAABBBCCCE", "AADBBDCCEE", "AADBBDCCEE", "DDDDDDEEEE"),
}


def grid_graph(rows: int, cols: int) -> DistrictGraph:
    """A rook-adjacency grid with unit squares; nodes ``r * cols + c`` with ``row``/``col``.

    Attributes include ``area`` (1), ``boundary_perim``, ``boundary_node`` and ``shared_perim``
    (1 per edge), so compactness scores work on it.
    """
    if rows < 1 or cols < 1:
        raise InvalidInputError("a grid needs at least one row and one column")
    src, dst = [], []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            if c + 1 < cols:
                src.append(i)
                dst.append(i + 1)
            if r + 1 < rows:
                src.append(i)
                dst.append(i + cols)
    n = rows * cols
    rr, cc = np.divmod(np.arange(n), cols)
    bperim = (rr == 0).astype(float) + (rr == rows - 1) + (cc == 0).astype(float) + (cc == cols - 1)
    attrs: dict[str, Any] = {
        "row": rr.astype(np.float64),
        "col": cc.astype(np.float64),
        "area": np.ones(n),
        "boundary_perim": bperim,
        "boundary_node": np.array(bperim > 0, dtype=object),
        "population": np.ones(n),
    }
    return _from_directed_arrays(
        tuple(range(n)),
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        attrs,
        np.ones(len(src)),
    )


def seed_region() -> tuple[DistrictGraph, dict[str, Plan]]:
    """The 50-voter region (5 x 10 grid) with ``red`` and ``blue`` votes, and its three plans."""
    g = grid_graph(5, 10)
    red = (g.numeric("row") < 2).astype(np.float64)
    g = g.with_attrs(red=red, blue=1.0 - red)
    plans = {
        name: plan_from_array([ch for row in rows for ch in row], name=name)
        for name, rows in SEED_PLANS.items()
    }
    return g, plans


@dataclass(frozen=True)
class Outcome:
    """Seats of each side in a plan of the 50-voter region (ties are districts split 5-5)."""

    red: int
    blue: int
    ties: int


def outcome(graph: DistrictGraph, plan: Plan) -> Outcome:
    """Red seats, blue seats and tied districts of a plan."""
    red = np.bincount(plan.assignment, weights=graph.numeric("red"), minlength=plan.k)
    blue = np.bincount(plan.assignment, weights=graph.numeric("blue"), minlength=plan.k)
    return Outcome(int((red > blue).sum()), int((blue > red).sum()), int((red == blue).sum()))


def _components_ok(mask: int, adj: list[int], size: int) -> bool:
    """True when every connected part of ``mask`` has a multiple of ``size`` cells."""
    while mask:
        seed = mask & -mask
        comp = seed
        frontier = seed
        while frontier:
            nxt = 0
            f = frontier
            while f:
                b = f & -f
                nxt |= adj[b.bit_length() - 1]
                f ^= b
            nxt &= mask & ~comp
            comp |= nxt
            frontier = nxt
        if comp.bit_count() % size:
            return False
        mask &= ~comp
    return True


def _connected_sets(start: int, allowed: int, adj: list[int], size: int) -> Iterator[int]:
    """Every connected set of ``size`` cells containing ``start`` inside ``allowed``, once."""
    stack = [(1 << start, adj[start] & allowed, 0)]
    while stack:
        chosen, frontier, excluded = stack.pop()
        if chosen.bit_count() == size:
            yield chosen
            continue
        frontier &= ~excluded
        if not frontier:
            continue
        b = frontier & -frontier
        u = b.bit_length() - 1
        stack.append((chosen, frontier & ~b, excluded | b))
        stack.append(
            (chosen | b, (frontier | adj[u]) & allowed & ~chosen & ~b & ~excluded, excluded)
        )


def enumerate_partitions(graph: DistrictGraph, k: int) -> Iterator[Plan]:
    """Every partition of ``graph`` into ``k`` connected districts of equal size.

    Exhaustive (exponential): meant for small grids such as 4 x 4 or the 50-voter region.

    Raises:
        InvalidInputError: when the units cannot be split into ``k`` equal parts.
    """
    n = graph.n_nodes
    if k < 1 or n % k:
        raise InvalidInputError(f"{n} units cannot form {k} districts of equal size")
    size = n // k
    adj = [0] * n
    for u in range(n):
        for v in graph.neighbors(u):
            adj[u] |= 1 << int(v)
    assign = np.zeros(n, dtype=np.int32)

    def rec(remaining: int, d: int) -> Iterator[Plan]:
        if remaining == 0:
            yield Plan(assign.copy(), tuple(range(k)), name="enumerated")
            return
        start = (remaining & -remaining).bit_length() - 1
        for part in _connected_sets(start, remaining, adj, size):
            rest = remaining & ~part
            if _components_ok(rest, adj, size):
                bits = part
                while bits:
                    b = bits & -bits
                    assign[b.bit_length() - 1] = d
                    bits ^= b
                yield from rec(rest, d + 1)

    yield from rec((1 << n) - 1, 0)


def outcome_distribution(graph: DistrictGraph, k: int) -> Counter[tuple[int, int, int]]:
    """Count of (red seats, blue seats, ties) over every equal-size connected plan."""
    counts: Counter[tuple[int, int, int]] = Counter()
    for plan in enumerate_partitions(graph, k):
        o = outcome(graph, plan)
        counts[(o.red, o.blue, o.ties)] += 1
    return counts


def house_seats_votes(
    path: str | Path, party_a: str = "REP", party_b: str = "DEM"
) -> dict[str, Any]:
    """National seats and votes of two parties from a district results CSV.

    The file has one row per district: ``state, district, <party columns>...`` with vote counts
    (other columns count as votes for other candidates); ``winner`` names the winning column.

    Returns:
        seats of A and B, total seats, A's seat share, A's share of all votes and of the
        two-party vote.

    Raises:
        NotFoundError: missing file or column.
        ImportFormatError: a malformed row (the message names the line and field).
    """
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"no such results file: {path}")
    seats_a = seats_b = total = 0
    votes_a = votes_b = votes_all = 0.0
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        for col in ("state", "district", "winner", party_a, party_b):
            if col not in fields:
                raise NotFoundError(f"{path}: no column {col!r}")
        vote_cols = [f for f in fields if f not in ("state", "district", "winner")]
        for line, row in enumerate(reader, start=2):
            counts = {}
            for col in vote_cols:
                raw = (row.get(col) or "0").strip() or "0"
                try:
                    counts[col] = float(raw)
                except ValueError:
                    raise ImportFormatError(f"{path}, line {line}, field {col}: {raw!r}") from None
            winner = (row.get("winner") or "").strip()
            if winner not in vote_cols:
                raise ImportFormatError(f"{path}, line {line}, field winner: {winner!r}")
            total += 1
            seats_a += winner == party_a
            seats_b += winner == party_b
            votes_a += counts[party_a]
            votes_b += counts[party_b]
            votes_all += sum(counts.values())
    if total == 0:
        raise ImportFormatError(f"{path}: no districts")
    return {
        "seats": total,
        "seats_a": seats_a,
        "seats_b": seats_b,
        "seat_share_a": seats_a / total,
        "vote_share_a": votes_a / votes_all,
        "two_party_share_a": votes_a / (votes_a + votes_b),
    }
