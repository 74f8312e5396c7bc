"""Open data: gazetteer accuracy on labelled real locations, and speed of resolving and joining.

Usage: ``python benchmarks/bench_opendata.py [--repeat R]``.

Accuracy: the 107 distinct profile locations of NBC News' Russian troll accounts, labelled by
hand (``tests/opendata/data/locations_labelled.csv``), resolved by the gazetteer and by a peer
that knows state names and postal codes only (a comma-separated part equal to one). Precision =
correct / resolved, recall = correct / labelled, per distinct string and per account.

Speed: resolving 20,000 distinct location strings (the labelled strings with a numbered suffix
part, so that nothing is cached), and joining a 3,221-row county file (every county, FIPS
without leading zeros) with ``agorascope.opendata.join_file`` beside ``pandas.read_csv`` and
``DataFrame.merge`` on zero-padded keys (the peer checks and reports nothing).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _common import median, timeit, write_section
from agorascope.opendata import gazetteer, join_file, load
from agorascope.opendata.accuracy import score_file

HERE = Path(__file__).parent
LABELLED = HERE.parent / "tests" / "opendata" / "data" / "locations_labelled.csv"


def _peer(text: str, postal: dict[str, str], names: dict[str, str]) -> str | None:
    for part in reversed(text.split(",")):
        p = part.strip()
        if p.upper() in postal and len(p) == 2:
            return p.upper()
        if p.lower() in names:
            return names[p.lower()]
    return None


def _peer_scores(rows: list[dict[str, str]]) -> dict[str, tuple[int, int, int]]:
    states = load("states")
    postal = {s: s for s in states["state"]}
    names = {str(n).lower(): str(s) for n, s in zip(states["name"], states["state"], strict=True)}
    out = {}
    for weight in ("strings", "accounts"):
        lab = res = cor = 0
        for r in rows:
            w = int(r["accounts"]) if weight == "accounts" else 1
            got = _peer(r["location"], postal, names)
            lab += w if r["state"] else 0
            res += w if got else 0
            cor += w if got and got == r["state"] else 0
        out[weight] = (lab, res, cor)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with LABELLED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    lines = [
        "Accuracy on 107 real profile locations labelled by hand (state: 62 labelled strings, "
        "94 accounts; county: 47 strings, 75 accounts).",
        "",
        "| resolver | level | counted by | labelled | resolved | correct | precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in score_file(LABELLED):
        lines.append(
            f"| agorascope gazetteer | {s.level} | {s.weight} | {s.labelled} | {s.resolved} | "
            f"{s.correct} | {s.precision:.3f} | {s.recall:.3f} |"
        )
    for weight, (lab, res, cor) in _peer_scores(rows).items():
        p, r = (cor / res if res else 1.0), cor / lab
        lines.append(
            f"| peer: state names and codes only | state | {weight} | {lab} | {res} | {cor} | "
            f"{p:.3f} | {r:.3f} |"
        )
    g = gazetteer()
    texts = [f"{r['location']}, {i}" for i in range(20_000 // len(rows) + 1) for r in rows][:20_000]
    seconds = median(timeit(lambda: [g.resolve(t) for t in texts], repeat=args.repeat))
    counties = load("counties")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "all.csv"
        pd.DataFrame({"fips": counties["fips"].str.lstrip("0"), "x": range(len(counties))}).to_csv(
            path, index=False
        )

        def peer() -> None:
            frame = pd.read_csv(path, dtype={"fips": str})
            frame["fips"] = frame["fips"].str.zfill(5)
            frame.merge(counties, on="fips", how="left")

        ours = median(timeit(lambda: join_file(path), repeat=args.repeat))
        theirs = median(timeit(peer, repeat=args.repeat))
    lines += [
        "",
        "| task | agorascope | peer |",
        "|---|---|---|",
        f"| resolve 20,000 distinct locations | {seconds:.2f} s "
        f"({20_000 / seconds:,.0f} per s) | |",
        f"| join a 3,221-county file | {ours * 1000:.0f} ms (line numbers, key checks, "
        f"unmatched report) | {theirs * 1000:.0f} ms (pandas read_csv + merge) |",
        "",
        "Figures taken on a machine shared with other jobs (timings are indicative).",
    ]
    write_section(
        "opendata",
        "Open data: gazetteer accuracy, resolving and joining",
        "\n".join(lines),
        f"python benchmarks/bench_opendata.py --repeat {args.repeat}",
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
