"""Audience lift: hashtags of an audience against everyone, beside plain DuckDB SQL.

Usage: ``python benchmarks/bench_audience.py [--posts N] [--repeat R] [--progress]``.

The corpus is synthetic and seeded, generated once by DuckDB SQL into an agorascope store in
``benchmarks/.cache/`` (git-ignored); every pseudo-random draw is a hash of the post number, so
the same ``--posts`` gives the same store. With ``N`` posts (default 10 million):

- ``N / 20`` authors (``x`` platform), each post's author drawn uniformly;
- each post has 1 to 3 hashtags drawn from a Zipf-like law (density ~ 1/rank, by inverse
  transform) over ``--tags`` distinct tags (default ``N / 100``: 100,000 at 10 million posts);
  posts of the authors whose number is a multiple of 5 draw 30 % of their tags from a shifted
  ranking, so the audience's tags differ from everyone's;
- the audience is the authors of the query ``#solarflare``: a quarter of the posts of every
  fifth author carry that tag, which selects about ``N / 100`` authors (100,000 at 10 million).

Both sides compute, for every hashtag at least ``min_authors`` audience authors used, the number
of audience authors and of the *other* authors (the rest of the baseline ``everyone``) who used
it, and the two shares; the counts must be equal (asserted). agorascope also computes the
ratio, its Katz interval, the p-value (chi-square or Fisher), the Benjamini-Hochberg q-values,
the affinity and the ranking, and builds the audience and the baseline from the selection
(``ws.audience.lift``: the same call as the CLI and the API). The peer is one SQL statement on
the ``posts`` table (agorascope reads the ``post_view`` view, which adds the author columns).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import agorascope
from _common import median, peak_rss_mib, timeit, write_section
from agorascope.audience.audiences import audience_of
from agorascope.audience.lift import lift
from agorascope.store import Store

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
TAG = "solarflare"
QUERY = f"#{TAG}"
GOAL = 10_000_000

# u(i, k): a uniform draw in [0, 1) for post i and stream k, from DuckDB's hash (reproducible)
_U = "(hash(i, {k}) % 1000000007) / 1000000007.0"

PEER_SQL = """
WITH audience AS (
    SELECT DISTINCT platform, author_id FROM posts
    WHERE author_id IS NOT NULL AND list_contains(hashtags, $tag)
),
everyone AS (SELECT DISTINCT platform, author_id FROM posts WHERE author_id IS NOT NULL),
sizes AS (
    SELECT (SELECT count(*) FROM audience) AS n_a,
           (SELECT count(*) FROM everyone) - (SELECT count(*) FROM audience) AS n_b
),
used AS (
    SELECT DISTINCT platform, author_id, unnest(hashtags) AS value
    FROM posts WHERE author_id IS NOT NULL
),
counts AS (
    SELECT u.value,
           count(*) FILTER (WHERE a.author_id IS NOT NULL) AS authors,
           count(*) FILTER (WHERE a.author_id IS NULL) AS baseline_authors
    FROM used u LEFT JOIN audience a USING (platform, author_id)
    WHERE u.value IS NOT NULL AND u.value <> ''
    GROUP BY u.value
    HAVING count(*) FILTER (WHERE a.author_id IS NOT NULL) >= $min_authors
)
SELECT value, authors, 100.0 * authors / n_a AS share,
       baseline_authors, 100.0 * baseline_authors / n_b AS baseline_share
FROM counts, sizes
"""


def build_store(n: int, tags: int, seed: int = 2026) -> tuple[Path, float]:
    """Write (once) the synthetic store of ``n`` posts; return (path, seconds to build it)."""
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    path = CACHE / f"audience-{n}-{tags}-{seed}.duckdb"
    if path.exists():
        return path, float("nan")
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    n_authors = max(n // 20, 100)
    store = Store.open(tmp)
    # rank = floor(tags ** u) has density ~ 1/rank over 1..tags (a continuous Zipf, s = 1)
    rank = "least(floor(pow({t}, {u}))::BIGINT, {t})"
    tag_of = (
        "'t' || CASE WHEN author % 5 = 0 AND {u2} < 0.3 "
        "THEN (" + rank + " * 7919 % {t}) + 1 ELSE " + rank + " END"
    )
    draws = ", ".join(
        tag_of.format(t=tags, u=_U.format(k=f"{seed} + {j}"), u2=_U.format(k=f"{seed} + 10 + {j}"))
        for j in range(3)
    )
    store.execute(
        "INSERT INTO posts (platform, id, author_id, created_at, relation, hashtags, source, "
        "collected_at, ingest_seq) "
        "SELECT 'x', i::VARCHAR, author::VARCHAR, "
        "TIMESTAMP '2024-07-01' + to_seconds((hash(i, 1) % (90 * 86400))::BIGINT), "
        "'original', "
        f"list_distinct([{draws}][1:1 + (hash(i, 2) % 3)::INT] "
        f"|| CASE WHEN author % 5 = 0 AND {_U.format(k=3)} < 0.25 "
        f"THEN ['{TAG}'] ELSE [] END), "
        "'bench', TIMESTAMP '2024-10-01', 1 "
        f"FROM (SELECT i, hash(i, {seed}) % {n_authors} AS author FROM range({n}) r(i))"
    )
    store.execute(
        "INSERT INTO authors (platform, id, handle) "
        "SELECT DISTINCT 'x', author_id, 'u' || author_id FROM posts"
    )
    store.execute("CHECKPOINT")
    store.close()
    tmp.rename(path)
    return path, time.perf_counter() - t0


def peer(con: Any, min_authors: int) -> pd.DataFrame:
    """The peer: one DuckDB SQL statement (see :data:`PEER_SQL`)."""
    cur = con.cursor()
    try:
        return cur.execute(PEER_SQL, {"tag": TAG, "min_authors": min_authors}).df()
    finally:
        cur.close()


def full_lift(ws: agorascope.Workspace, min_authors: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The library call behind ``ws.audience.lift`` with every attribute kept (``n=None``)."""
    everyone = ws.select()
    posts = everyone.windowed()
    audience = audience_of(QUERY, ws.select(query=QUERY).windowed())
    baseline = audience_of("everyone", posts)
    return lift(
        posts, everyone.all_posts, audience, baseline,
        kinds=("hashtag",), min_authors=min_authors, n=None,
    )  # fmt: skip


def check_equal(ours: pd.DataFrame, meta: dict[str, Any], theirs: pd.DataFrame) -> int:
    """Assert the two sides give the same attributes, counts and shares; return how many."""
    a = ours.set_index("value").sort_index()
    b = theirs.set_index("value").sort_index()
    assert list(a.index) == list(b.index), "different attributes tried"
    for col in ("authors", "baseline_authors"):
        assert (a[col].to_numpy() == b[col].to_numpy()).all(), f"{col} differ"
    for col in ("share", "baseline_share"):
        assert np.allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-12), f"{col} differ"
    assert meta["tried"] == len(b)
    return len(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=GOAL)
    parser.add_argument("--tags", type=int, default=None, help="distinct tags (default N/100)")
    parser.add_argument("--min-authors", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()
    tags = args.tags or max(args.posts // 100, 100)
    started = datetime.now()
    load_before = os.getloadavg()
    path, built = build_store(args.posts, tags)
    built_text = "taken from the cache" if built != built else f"built in {built:.0f} s"
    if args.progress:
        print(f"store {path.name}: {built_text}", flush=True)
    ws = agorascope.open(path, read_only=True)
    con = ws.store.con

    ours, meta = full_lift(ws, args.min_authors)
    theirs = peer(con, args.min_authors)
    tried = check_equal(ours, meta, theirs)
    n_posts, n_authors, n_tags = con.execute(
        "SELECT count(*), count(DISTINCT author_id), "
        "(SELECT count(DISTINCT t) FROM (SELECT unnest(hashtags) AS t FROM posts)) FROM posts"
    ).fetchall()[0]

    jobs = {
        "agorascope `ws.audience.lift` (kinds hashtag, top 50 rows)": lambda: ws.audience.lift(
            query=QUERY, kinds=["hashtag"], min_authors=args.min_authors
        ),
        "agorascope `lift(..., n=None)` (every attribute tried)": lambda: full_lift(
            ws, args.min_authors
        ),
        "peer: one DuckDB SQL statement (counts and shares)": lambda: peer(con, args.min_authors),
    }
    times: dict[str, list[float]] = {}
    for name, fn in jobs.items():
        times[name] = timeit(fn, repeat=args.repeat, warmup=1)
        if args.progress:
            print(f"{name}: {median(times[name]):.2f} s", flush=True)
    ws.close()
    peer_median = median(times[next(reversed(times))])
    lines = [
        f"{n_posts:,} synthetic posts (seed 2026) by {n_authors:,} authors, {n_tags:,} distinct "
        f"hashtags (1 to 3 per post, Zipf-like over {tags:,}); store {built_text}. Audience: "
        f"the authors of `{QUERY}`, {meta['audience_size']:,}; baseline: the other "
        f"{meta['baseline_size']:,} authors. Attributes tried (at least {args.min_authors} "
        f"audience authors): {tried:,}. Median of {args.repeat} runs after 1 warm-up.",
        "",
        *(
            [
                f"The goal size is {GOAL:,} posts (100,000 audience authors, 100,000 candidate "
                "tags); this run is scaled down proportionally (authors, audience and tags are "
                "fixed fractions of the posts). The 10,000,000-post figure is still to be "
                "measured, on a quiet machine.",
                "",
            ]
            if args.posts < GOAL
            else []
        ),
        "| implementation | median s | max s | vs peer |",
        "|---|---:|---:|---:|",
    ]
    for name, t in times.items():
        lines.append(
            f"| {name} | {median(t):.2f} | {max(t):.2f} | {median(t) / peer_median:.1f}x |"
        )
    lines += [
        "",
        f"Equality: for all {tried:,} attributes the audience and baseline author counts are "
        "equal on both sides and the shares agree to 1e-12 (asserted before timing).",
        "",
        "What each side computes: the peer returns the two counts and shares per hashtag. "
        "agorascope also resolves the query into the audience, counts the audience and the "
        "baseline, computes the ratio and its 95 % interval, the p-value (chi-square with "
        "Yates' correction, or Fisher's exact test when a cell expects fewer than 5), the "
        "q-values, the affinity and the ranking, and reads the `post_view` view (posts joined "
        "with their authors) where the peer reads `posts`.",
        "",
        f"Load average before / after (1/5/15 min; the machine, 2 cores, was shared with other "
        f"jobs): {' / '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} after. Peak memory of the run: "
        f"{peak_rss_mib():,.0f} MiB; wall time "
        f"{(datetime.now() - started) / timedelta(seconds=1):.0f} s.",
    ]
    body = "\n".join(lines)
    cmd = f"python benchmarks/bench_audience.py --posts {args.posts} --repeat {args.repeat}"
    if args.tags:
        cmd += f" --tags {args.tags}"
    out = write_section("audience", f"Audience lift ({args.posts:,} posts)", body, cmd)
    print(body)
    print(f"-> {out}")


if __name__ == "__main__":
    main()
