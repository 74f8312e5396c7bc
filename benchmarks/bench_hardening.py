"""Bounded work: how fast hostile queries are refused, what the work check costs ordinary
queries, and how soon the time budget stops DuckDB.

The peer of each refusal is the same query run on the same index without the work check
(what happened before the limits existed). The corpus is the seeded demo world.

    python benchmarks/bench_hardening.py --posts 20000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))

from _common import median, timeit, write_section
from agorascope.config import Settings
from agorascope.demo import write
from agorascope.errors import QueryTimeoutError, QueryTooBroadError
from agorascope.query import parse
from agorascope.query.budget import check_work, time_budget
from agorascope.query.search import open_index
from agorascope.query.to_tantivy import compile_query
from agorascope.workspace import Workspace

BROAD = ['"*e* *a* *o*"~30', "*e* NEAR/50 *a*"]
ORDINARY = ["vacc*", '"the match"~3', "first NEAR/3 half", "boycott* AND lang:en"]
SEED = 20240719


def refused_in(ws: Workspace, query: str) -> float:
    """Seconds until ``query`` is refused (it must be)."""
    t0 = time.perf_counter()
    try:
        ws.search.count(query)
    except QueryTooBroadError:
        return time.perf_counter() - t0
    raise AssertionError(f"{query} was not refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with Workspace(Settings(db=db, detect_language=False)) as ws:
            data = write(Path(tmp) / "demo.parquet", posts=args.posts, seed=SEED)
            ws.import_files([data], format="native")
            index = open_index(ws.store, index_dir=ws.settings.index_dir)
            assert index is not None
            searcher = index.searcher()
            rows = []
            for q in BROAD:
                refusal = median([refused_in(ws, q) for _ in range(args.repeat)])
                node = parse(q)
                t0 = time.perf_counter()  # the peer: no work check, run once
                searcher.search(compile_query(node, index.schema), limit=1, count=True)
                unchecked = time.perf_counter() - t0
                rows.append(f"| `{q}` | {refusal * 1000:.0f} ms | {unchecked:.1f} s |")
            overhead = []
            for q in ORDINARY:
                node = parse(q)
                with_check = median(timeit(lambda n=node: index.count(n), repeat=args.repeat))
                checks = median(timeit(lambda n=node: check_work(n, searcher), repeat=args.repeat))
                overhead.append(f"| `{q}` | {with_check * 1000:.1f} ms | {checks * 1000:.1f} ms |")

    con = duckdb.connect()
    stops = []
    for _ in range(3):
        t0 = time.perf_counter()
        try:
            with time_budget(1.0, con.interrupt):
                con.execute("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3")
        except QueryTimeoutError:
            stops.append(time.perf_counter() - t0)
    con.close()

    body = (
        f"{args.posts:,} demo posts (seed {SEED}), tantivy index; median of {args.repeat} runs. "
        "Figures taken on a machine loaded by other jobs (2 shared cores).\n\n"
        "| hostile query | refused in | peer: the same query without the work check |\n"
        "|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "| ordinary query | count with the check | of which the check |\n"
        "|---|---|---|\n" + "\n".join(overhead) + "\n\n"
        f"Time budget of 1 s on an endless DuckDB query: stopped after "
        f"{median(stops):.2f} s (median of 3).\n"
    )
    command = f"python benchmarks/bench_hardening.py --posts {args.posts}"
    out = write_section("hardening", "Bounded query work", body, command)
    print(body)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
