"""Import of generated posts from Parquet and JSONL, beside a raw DuckDB load of the same file.

Usage: python benchmarks/bench_import.py [--posts N] [--jsonl-posts N]

Each load runs in its own process (fresh store file) so that wall time and peak memory are
measured alike with /usr/bin/time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _common import run_measured, write_section

CACHE = Path(__file__).parent / ".cache"


def _dataset(posts: int, fmt: str) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{posts}-seed1.{fmt}"
    if not path.exists():
        from agorascope.demo import write

        print(f"generating {path.name} ...", flush=True)
        write(path, posts=posts, seed=1, progress=True)
    return path


RAW = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE posts AS SELECT * FROM read_parquet(?)", [sys.argv[2]])
print(con.execute("SELECT count(*) FROM posts").fetchall()[0][0])
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--jsonl-posts", type=int, default=10_000_000)
    args = ap.parse_args()
    parquet = _dataset(args.posts, "parquet")
    rows = []
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        t = Path(tmp)
        raw_wall, raw_peak = run_measured(
            [sys.executable, "-c", RAW, str(t / "raw.duckdb"), str(parquet)]
        )
        print(f"raw duckdb: {raw_wall:.1f} s, {raw_peak:.0f} MiB", flush=True)
        cmd = [
            sys.executable,
            "-m",
            "agorascope",
            "--db",
            str(t / "a.duckdb"),
            "import",
            str(parquet),
            "--json",
            "--no-index",
        ]
        pq_wall, pq_peak = run_measured(cmd)
        print(f"agorascope parquet: {pq_wall:.1f} s, {pq_peak:.0f} MiB", flush=True)
        (t / "a.duckdb").unlink()
        rows.append(
            (
                "raw DuckDB `CREATE TABLE AS SELECT * FROM read_parquet`",
                args.posts,
                raw_wall,
                raw_peak,
                1.0,
            )
        )
        rows.append(
            (
                "agorascope import (Parquet, native)",
                args.posts,
                pq_wall,
                pq_peak,
                pq_wall / raw_wall,
            )
        )
        if args.jsonl_posts:
            jsonl = _dataset(args.jsonl_posts, "jsonl")
            cmd = [
                sys.executable,
                "-m",
                "agorascope",
                "--db",
                str(t / "j.duckdb"),
                "import",
                str(jsonl),
                "--json",
                "--no-index",
            ]
            j_wall, j_peak = run_measured(cmd)
            print(f"agorascope jsonl: {j_wall:.1f} s, {j_peak:.0f} MiB", flush=True)
            rows.append(
                (
                    "agorascope import (JSONL, native)",
                    args.jsonl_posts,
                    j_wall,
                    j_peak,
                    j_wall / raw_wall * args.posts / args.jsonl_posts,
                )
            )
    body = [
        "| load | posts | wall (s) | peak RSS (MiB) | posts/s | time vs raw DuckDB (per post) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, wall, peak, ratio in rows:
        body.append(
            f"| {name} | {n:,} | {wall:.1f} | {peak:.0f} | {n / wall:,.0f} | {ratio:.2f}x |"
        )
    body.append("")
    body.append(
        "Goal: Parquet import within 1.5x of the raw DuckDB load. The agorascope import does more "
        "than the raw load: type and value checks, derived hashtags/mentions/URLs, author "
        "profiles merged into `authors`, deduplication on (platform, id) with an anti-join per "
        "batch, and one transaction per batch. The full-text index is left out here "
        "(`--no-index`); its build throughput is in the search section."
    )
    write_section(
        "import",
        "Import",
        "\n".join(body),
        f"python benchmarks/bench_import.py --posts {args.posts} --jsonl-posts {args.jsonl_posts}",
    )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
