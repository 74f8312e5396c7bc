"""The mentions list: page 1 and page 100 by keyset, against plain DuckDB SQL on the same file.

The corpus (``agorascope.demo``, seeded) is generated once into ``benchmarks/.cache/`` as a
DuckDB file whose table ``post_view`` has the view's columns. For each case (a sort, with or
without repost collapsing) the script takes the cursor of page 100 from
:func:`agorascope.listen.mentions.mentions` (50 rows a page), then times page 1 and page 100
alone; the peers are a plain DuckDB keyset query (the same order and test, written by hand)
and the same query with ``OFFSET`` (what keyset paging avoids).

    python benchmarks/bench_mentions.py --posts 1000000
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

sys.path.insert(0, str(Path(__file__).parent))

from _common import median, peak_rss_mib, timeit, write_section
from agorascope.demo import generate
from agorascope.listen.mentions import COLUMNS as ROW_COLUMNS
from agorascope.listen.mentions import decode_cursor, mentions

CACHE = Path(__file__).parent / ".cache"
SEED = 20240719
PER_PAGE = 50
PAGE = 100

ENGAGEMENT = "(coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0))"
_T = "coalesce(created_at, TIMESTAMP '0001-01-01')"
HEADER = (
    "| list | ours p1 ms | ours p100 ms | ours p1 + total ms | SQL keyset p1 ms "
    "| SQL keyset p100 ms | SQL OFFSET p100 ms | cursor of p100 s |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|"
)
COLUMNS = (
    "platform, id, "
    + ", ".join(
        c for c in ROW_COLUMNS if c not in ("platform", "id", "engagement", "copies", "tags")
    )
    + f", {ENGAGEMENT} AS engagement"
)
"""The peers return the columns of a mentions row, as ours does."""
_KEY = "CASE WHEN relation = 'repost' THEN coalesce(root_id, parent_id, id) ELSE id END"
COLLAPSED = f"""(SELECT p.*, s.copies FROM post_view p JOIN (
  SELECT g.gp, CASE WHEN a.id IS NOT NULL THEN g.k ELSE g.fid END AS sh, g.copies FROM (
    SELECT platform AS gp, {_KEY} AS k, count(*) FILTER (WHERE relation = 'repost') AS copies,
      arg_min(id, {_T}) AS fid FROM post_view GROUP BY ALL) g
  LEFT JOIN post_view a ON a.platform = g.gp AND a.id = g.k) s
ON p.platform = s.gp AND p.id = s.sh) AS c"""
"""The collapsed list by hand: group every post by its original, show the original (or the
group's first post when the original is missing), count the reposts."""
PEER_KEYS = {"newest": [_T, "platform", "id"], "engagement": [ENGAGEMENT, _T, "platform", "id"]}


def database(posts: int) -> tuple[Path, float]:
    """The DuckDB file of the corpus (generated on first use); (path, seconds to build)."""
    path = CACHE / f"mentions-{posts}-{SEED}.duckdb"
    if path.exists():
        return path, float("nan")
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = duckdb.connect(str(tmp))
    for i, batch in enumerate(generate(posts, seed=SEED, batch_size=500_000)):
        con.register("_b", batch)
        if i == 0:
            con.execute("CREATE TABLE post_view AS SELECT * FROM _b")
        else:
            con.execute("INSERT INTO post_view SELECT * FROM _b")
        con.unregister("_b")
    con.close()
    tmp.rename(path)
    return path, time.perf_counter() - t0


def peer_sql(
    sort: str, after: list[Any] | None, offset: int | None, collapse: bool = False
) -> tuple[str, list[Any]]:
    """The page as plain DuckDB SQL: keyset (``after``) or ``OFFSET``."""
    keys = PEER_KEYS[sort]
    where, params = "", []
    if after is not None:
        # (k1 < v1) OR (k1 = v1 AND ((k2 < v2) OR ...)), all descending
        clause = f"{keys[-1]} < ?"
        params = [after[-1]]
        for k, v in zip(reversed(keys[:-1]), reversed(after[:-1]), strict=True):
            clause = f"({k} < ? OR ({k} = ? AND {clause}))"
            params = [v, v, *params]
        where = f"WHERE {clause}"
    order = ", ".join(f"{k} DESC" for k in keys)
    tail = f" OFFSET {offset}" if offset else ""
    source = COLLAPSED if collapse else "post_view"
    sql = f"SELECT {COLUMNS} FROM {source} {where} ORDER BY {order} LIMIT {PER_PAGE}{tail}"
    return sql, params


def run_case(con: Any, duck: Any, sort: str, collapse: bool, repeat: int) -> dict[str, Any]:
    """Walk to page 100, then time page 1 and page 100 (ours and the peers)."""
    posts = con.table("post_view")
    opts = {"sort": sort, "collapse": collapse, "per_page": PER_PAGE, "all_posts": posts}
    # the cursor after the first 99 pages: the last row of one page of 99 x 50 rows
    t0 = time.perf_counter()
    skip = {**opts, "per_page": (PAGE - 1) * PER_PAGE}
    cursor = mentions(posts, count=False, **skip).next
    walk = time.perf_counter() - t0
    out: dict[str, Any] = {"sort": sort, "collapse": collapse, "walk": walk}
    page100 = mentions(posts, count=False, after=cursor, **opts)
    out["ours_1"] = median(timeit(lambda: mentions(posts, count=False, **opts), repeat))
    out["ours_100"] = median(timeit(lambda: mentions(posts, count=False, after=cursor, **opts),
                                    repeat))  # fmt: skip
    out["ours_count"] = median(timeit(lambda: mentions(posts, count=True, **opts), repeat))
    values = decode_cursor(cursor or "", sort)
    first_sql, _ = peer_sql(sort, None, None, collapse)
    sql, params = peer_sql(sort, values, None, collapse)
    ids = [r[1] for r in duck.execute(sql, params).fetchall()]
    assert ids == [r["id"] for r in page100.rows], "the peer disagrees with page 100"
    off_sql, _ = peer_sql(sort, None, (PAGE - 1) * PER_PAGE, collapse)
    assert [r[1] for r in duck.execute(off_sql).fetchall()] == ids
    out["peer_1"] = median(timeit(lambda: duck.execute(first_sql).fetchall(), repeat))
    out["peer_100"] = median(timeit(lambda: duck.execute(sql, params).fetchall(), repeat))
    out["offset_100"] = median(timeit(lambda: duck.execute(off_sql).fetchall(), repeat))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path, built = database(args.posts)
    con = ibis.duckdb.connect(str(path), read_only=True)
    duck = con.con  # the same connection: both sides read the same file and cache
    n = duck.execute("SELECT count(*) FROM post_view").fetchall()[0][0]
    cases = [("newest", False), ("engagement", False), ("newest", True)]
    results = [run_case(con, duck, s, c, args.repeat) for s, c in cases]
    load = os.getloadavg()[0]

    def ms(v: Any) -> str:
        return "" if v is None else f"{v * 1000:,.0f}"

    rows = "\n".join(
        f"| {r['sort']}{' collapsed' if r['collapse'] else ''} | {ms(r['ours_1'])} | "
        f"{ms(r['ours_100'])} | {ms(r['ours_count'])} | {ms(r.get('peer_1'))} | "
        f"{ms(r.get('peer_100'))} | {ms(r.get('offset_100'))} | {r['walk']:.1f} |"
        for r in results
    )
    body = f"""
Corpus: {n:,} posts from `agorascope.demo` (seed {SEED}) in a DuckDB file (table
`post_view`); {PER_PAGE} rows a page; medians of {args.repeat} runs. *Ours* is
`agorascope.listen.mentions.mentions` (Ibis on DuckDB, keyset cursor, no count unless
stated): a narrow query finds the keys of the page (platform, id, sort columns), a second
reads the full rows of those keys; collapsed, no query groups the whole list (non-reposts
are their own originals, only the reposts' roots are looked up, copies are counted for the
page's groups). The peers are plain DuckDB SQL returning the same columns: the same keyset
test written by hand, and `OFFSET` (collapsed: over the list grouped by original in one
query, written by hand). Page 100 of ours and of both peers return the same posts
(checked). The cursor of page 100 is taken from one page of 4,950 rows (the time in the last
column), then page 100 is timed alone.

{HEADER}
{rows}

- Keyset paging: page 100 costs what page 1 costs (each is one filtered top-{PER_PAGE} scan;
  "p1 + total" adds the count of the whole list that the page and the API show, counted
  here on every call; with a store the count is kept per list and store state, so the
  next pages of a list skip it).
- Measured on a loaded, shared machine (load average {load:.1f} on 2 cores): compare the
  columns of one run, not absolute times across runs.
- corpus build: {built:.0f} s (nan: cached); peak RSS {peak_rss_mib():,.0f} MiB.
"""
    write_section(
        "mentions" if args.posts == 1_000_000 else f"mentions-{args.posts}",
        f"Mentions list ({n:,} posts): keyset pages against plain DuckDB SQL",
        body,
        f"python benchmarks/bench_mentions.py --posts {args.posts}",
    )
    print(body)


if __name__ == "__main__":
    main()
