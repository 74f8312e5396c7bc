"""Full-text search: the tantivy index against a DuckDB ILIKE scan of the same query.

The corpus (``agorascope.demo``, seeded) is generated once into ``benchmarks/.cache/`` as
Parquet, loaded into a DuckDB file (table ``post_view``) and indexed; then a query with five
operators is counted and its top 20 fetched, many times, on both.

    python benchmarks/bench_search.py --posts 1000000
    python benchmarks/bench_search.py --posts 10000000 --repeat 30
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from _common import median, peak_rss_mib, percentile, timeit, write_section
from agorascope.demo import generate
from agorascope.query import SearchIndex, filter_posts, parse
from agorascope.query.index import INDEX_COLUMNS

CACHE = Path(__file__).parent / ".cache"
QUERY = '(boycott* OR "buying local") AND NOT novamart AND lang:en -#shoplocal'
"""Five operators: OR, AND, NOT, AND, - (plus a wildcard, a phrase, a field and a hashtag)."""
EXTRA_QUERIES = ["amerique", "politique OR élection*", '"big data"~3', "#boycottnovamart"]
SEED = 20240719


def corpus(posts: int) -> Path:
    """The Parquet corpus (generated on first use), with ``ingest_seq`` per 500k rows."""
    path = CACHE / f"demo-{posts}-{SEED}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer: pq.ParquetWriter | None = None
    t0 = time.perf_counter()
    for seq, batch in enumerate(generate(posts, seed=SEED, batch_size=500_000), start=1):
        table = pa.Table.from_batches([batch])
        table = table.append_column("ingest_seq", pa.array([seq] * table.num_rows, pa.int64()))
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
        print(f"generated {seq * 500_000:,} posts ({time.perf_counter() - t0:.0f} s)", flush=True)
    assert writer is not None
    writer.close()
    tmp.rename(path)
    return path


def database(parquet: Path) -> tuple[Path, float]:
    """A DuckDB file holding the corpus as table ``post_view``; (path, load seconds)."""
    path = parquet.with_suffix(".duckdb")
    if path.exists():
        return path, float("nan")
    t0 = time.perf_counter()
    con = duckdb.connect(str(path.with_suffix(".tmp.duckdb")))
    con.execute("CREATE TABLE post_view AS SELECT * FROM read_parquet(?)", [str(parquet)])
    con.close()
    path.with_suffix(".tmp.duckdb").rename(path)
    return path, time.perf_counter() - t0


def build_index(parquet: Path) -> tuple[SearchIndex, float]:
    """Index every post (one commit); (index, seconds)."""
    path = parquet.with_suffix(".index")
    index = SearchIndex.recreate(path)
    reader = pq.ParquetFile(parquet)
    cols = [c for c in INDEX_COLUMNS if c in reader.schema_arrow.names]
    t0 = time.perf_counter()
    done = 0

    def batches() -> Any:
        nonlocal done
        for batch in reader.iter_batches(batch_size=100_000, columns=cols):
            yield batch
            done += batch.num_rows
            if done % 1_000_000 == 0:
                print(f"indexed {done:,} ({time.perf_counter() - t0:.0f} s)", flush=True)

    index.rebuild(batches())
    return index, time.perf_counter() - t0


def ilike_expr(t: Any) -> Any:
    """The same query as a naive ILIKE scan (substring, case-insensitive, accents kept)."""
    text = t.text
    return (
        (text.ilike("%boycott%") | text.ilike("%buying local%"))
        & ~text.ilike("%novamart%").fill_null(False)
        & (t.lang == "en").fill_null(False)
        & ~t.hashtags.contains("shoplocal").fill_null(False)
    ).fill_null(False)


def folder_mib(path: Path) -> float:
    """Size of a folder's files in MiB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="index query repetitions")
    parser.add_argument("--scan-repeat", type=int, default=5, help="ILIKE scan repetitions")
    parser.add_argument("--verify", action="store_true", help="also run the Ibis predicate")
    args = parser.parse_args()

    parquet = corpus(args.posts)
    db, load_s = database(parquet)
    index, build_s = build_index(parquet)
    node = parse(QUERY)

    searcher = index.searcher()

    def index_query(sort: str = "relevance") -> tuple[int | None, list[Any]]:
        return index.top(node, limit=20, sort=sort, searcher=searcher)  # type: ignore[arg-type]

    total, _ = index_query()
    rel = timeit(index_query, repeat=args.repeat, warmup=3)
    new = timeit(lambda: index_query("newest"), repeat=args.repeat, warmup=3)
    extra = {}
    for q in EXTRA_QUERIES:
        n = parse(q)
        extra[q] = (
            index.count(n),
            median(timeit(lambda n=n: index.top(n, 20, searcher=searcher), repeat=10)),
        )

    con = ibis.duckdb.connect(str(db), read_only=True)
    t = con.table("post_view")
    matched = t.filter(ilike_expr(t))

    def scan() -> tuple[int, Any]:
        n = matched.count().to_pyarrow().as_py()
        top = matched.order_by(ibis.desc("created_at")).select("platform", "id").limit(20)
        return n, top.to_pyarrow()

    scan_total, _ = scan()
    scanned = timeit(scan, repeat=args.scan_repeat, warmup=1)
    verified = ""
    if args.verify:
        t0 = time.perf_counter()
        exact = filter_posts(t, node).count().to_pyarrow().as_py()
        verified = (
            f"- Ibis predicate (word rule, Python UDF on DuckDB) count: {exact:,} "
            f"({'equal to' if exact == total else 'DIFFERENT FROM'} the index) in "
            f"{time.perf_counter() - t0:.1f} s\n"
        )
    con.disconnect()

    p50, p95 = percentile(rel, 50) * 1e3, percentile(rel, 95) * 1e3
    n50, n95 = percentile(new, 50) * 1e3, percentile(new, 95) * 1e3
    s50, s95 = percentile(scanned, 50) * 1e3, percentile(scanned, 95) * 1e3
    size = folder_mib(index.path)
    rows = [
        ("tantivy index, relevance (BM25)", total, p50, p95, len(rel)),
        ("tantivy index, newest first", total, n50, n95, len(new)),
        (
            "DuckDB ILIKE scan (substring; not word- or accent-aware)",
            scan_total,
            s50,
            s95,
            len(scanned),
        ),
    ]
    table = "".join(f"| {e} | {c:,} | {a:.1f} | {b:.1f} | {r} |\n" for e, c, a, b, r in rows)
    others = "".join(f"| `{q}` | {c:,} | {ms * 1e3:.1f} |\n" for q, (c, ms) in extra.items())
    body = f"""
Corpus: {args.posts:,} posts from `agorascope.demo` (seed {SEED}), multilingual.
Query (five operators): `{QUERY}`; each run counts all matches and fetches the top 20.
The index count follows the word rule; the ILIKE scan is the naive substring peer.

| engine | count | p50 ms | p95 ms | runs |
|---|---:|---:|---:|---:|
{table}
- speed-up of the index over the scan at p50: **{s50 / p50:.0f}x** (goal >= 50x);
  index p50 goal <= 50 ms.
- index build: {build_s:.1f} s, **{args.posts / build_s:,.0f} posts/s** (word rule in
  Python, tantivy with 2 threads); index size {size:,.0f} MiB; DuckDB load from Parquet:
  {load_s:.1f} s (nan: cached).
- load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared).
- peak RSS of the benchmark process: {peak_rss_mib():,.0f} MiB.
{verified}
Other queries (index, count + top 20, median of 10):

| query | count | ms |
|---|---:|---:|
{others}"""
    command = f"python benchmarks/bench_search.py --posts {args.posts}" + (
        " --verify" if args.verify else ""
    )
    name = "search"
    title = f"Full-text search ({args.posts:,} posts): tantivy index vs DuckDB ILIKE scan"
    out = write_section(name, title, body, command)
    print(body)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
