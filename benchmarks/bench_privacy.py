"""Proven erasure at scale: what it costs to erase one author from a store of N posts.

A store of N demo posts (``agorascope.demo``, seeded) is imported with its search index; one
author is erased with :func:`agorascope.privacy.requests.erase`, whose steps are timed:
deletes in one transaction, the rewrite of the DuckDB file (``COPY FROM DATABASE`` into a new
file, swapped in), the index rebuilt into a new folder, every place's proof and the byte scan
of the store file (Aho-Corasick over all erased values at once).

Peers, on the same file in the same run: the rewrite by ``EXPORT DATABASE`` + ``IMPORT
DATABASE`` (Parquet), and the byte scan by one ``bytes.find`` pass per erased value.

    python benchmarks/bench_privacy.py --posts 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))

from _common import peak_rss_mib, write_section
from agorascope.config import Settings
from agorascope.demo import write
from agorascope.privacy.requests import erase
from agorascope.privacy.rewrite import scan_files
from agorascope.workspace import Workspace

CACHE = Path(__file__).parent / ".cache"
SEED = 20261130
PEER_REWRITE = "EXPORT DATABASE + IMPORT DATABASE (Parquet)"
PEER_SCAN = "one `bytes.find` per text"


def export_import_rewrite(store_con: duckdb.DuckDBPyConnection, work: Path) -> float:
    """Peer rewrite: EXPORT DATABASE to Parquet, IMPORT DATABASE into a new file."""
    t0 = time.perf_counter()
    dump = work / "dump"
    store_con.execute(f"EXPORT DATABASE '{dump}' (FORMAT parquet)")
    con = duckdb.connect(str(work / "peer.duckdb"))
    con.execute(f"IMPORT DATABASE '{dump}'")
    con.close()
    return time.perf_counter() - t0


def naive_scan(db: Path, needles: list[str]) -> tuple[float, int]:
    """Peer scan: the file read once, then one ``bytes.find`` per needle."""
    t0 = time.perf_counter()
    data = db.read_bytes()
    found = sum(1 for n in needles if data.find(n.encode("utf-8")) >= 0)
    return time.perf_counter() - t0, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    CACHE.mkdir(exist_ok=True)
    parquet = CACHE / f"privacy-demo-{args.posts}-{SEED}.parquet"
    if not parquet.exists():
        write(parquet, posts=args.posts, seed=SEED)
    work = Path(tempfile.mkdtemp(prefix="bench-privacy-", dir=CACHE))
    try:
        settings = Settings(db=work / "store.duckdb", detect_language=False)
        t0 = time.perf_counter()
        with Workspace(settings) as ws:
            ws.import_files([parquet], format="native")
            build_s = time.perf_counter() - t0
            # a prolific author: the median author has few posts, the erasure cost is the file's
            top = ws.store.execute(
                "SELECT platform, author_id, count(*) n FROM posts WHERE author_id IS NOT NULL "
                "GROUP BY ALL ORDER BY n DESC, author_id LIMIT 1"
            )[0]
            handle = ws.store.execute(
                "SELECT handle FROM authors WHERE platform = ? AND id = ?", [top[0], top[1]]
            )[0][0]
            texts = [
                r[0]
                for r in ws.store.execute(
                    "SELECT text FROM posts WHERE platform = ? AND author_id = ? "
                    "AND length(text) >= 6",
                    [top[0], top[1]],
                )
            ]
            ws.store.con.execute("CHECKPOINT")
            db_mib = settings.db.stat().st_size / 2**20
            peer_rewrite = export_import_rewrite(ws.store.con, work)
            peer_scan, _ = naive_scan(settings.db, texts)
            ours_scan = scan_files([settings.db], texts)
            result = erase(ws, f"{top[0]}:id:{top[1]}")
            assert result.proven, result.problems
        total = time.perf_counter() - started
        t = result.timings
        n_texts = len(set(texts))
        prove = sum(v for k, v in t.items() if k.startswith("prove:"))
        body = f"""
{args.posts:,} demo posts (seed {SEED}) imported with their search index in {build_s:.0f} s;
store file {db_mib:,.0f} MiB. Erased: the most prolific author ({top[2]:,} posts, handle
`{handle}`), {result.removed.get("posts", 0):,} posts removed or blanked (mentions included),
{result.scan["needles"]:,} distinct values searched in the bytes ({result.shared_values:,} more
are also other people's own texts or names, and stay).

| step | seconds |
|---|---:|
| deletes, suppression list (one transaction) | {t["store"]:.2f} |
| rewrite of the DuckDB file (COPY FROM DATABASE, atomic swap) | {t["rewrite"]:.2f} |
| search index rebuilt into a new folder and swapped | {t["erase:search_index"]:.2f} |
| proofs of every place (SQL checks, index terms, index file scan) | {prove:.2f} |
| byte scan of the store file | {t["scan"]:.2f} |
| **proven erasure, end to end** | **{result.seconds:.2f}** |

Peers on the same file, same run:

| operation | agorascope s | peer s | peer |
|---|---:|---:|---|
| rewrite the store file | {t["rewrite"]:.2f} | {peer_rewrite:.2f} | {PEER_REWRITE} |
| scan the file for {n_texts:,} texts | {ours_scan.seconds:.2f} | {peer_scan:.2f} | {PEER_SCAN} |

Store file {result.rewrite["bytes_before"] / 2**20:,.0f} MiB before the rewrite,
{result.rewrite["bytes_after"] / 2**20:,.0f} MiB after. The machine (2 cores) was shared with
other jobs during the run: load average {load_before[0]:.1f} / {load_before[1]:.1f} /
{load_before[2]:.1f} before, {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} /
{os.getloadavg()[2]:.1f} after; figures are those of a loaded machine. Peak memory
{peak_rss_mib():,.0f} MiB; wall time {total:.0f} s.
"""
        write_section(
            "privacy",
            f"Privacy: proven erasure ({args.posts:,} posts)",
            body,
            f"python benchmarks/bench_privacy.py --posts {args.posts}",
        )
        print(body)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
