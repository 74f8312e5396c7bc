"""Reading a Reddit comments dump (zstd JSON lines) with the ``reddit`` preset.

Usage: python benchmarks/bench_platforms.py [--comments N]

The dump is built from the real comments of ``tests/data/platforms/reddit/RC_sample.zst``,
repeated with new ids (``b<n>_<id>``), and written twice: zstd-compressed with a 256 MB window
(``window_log=28``, long-distance matching, like the real dumps' long windows) and as plain
JSON lines. Each measurement runs in its own process (wall time and peak memory by
/usr/bin/time). The peer is the floor of any reader: zstandard decompression and ``json.loads``
of every line, nothing else.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import zstandard

from _common import run_measured, write_section

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "tests" / "data" / "platforms" / "reddit" / "RC_sample.zst"
CACHE = Path(__file__).parent / ".cache"

FLOOR = """
import io, json, sys, zstandard
n = 0
with open(sys.argv[1], "rb") as f:
    text = io.TextIOWrapper(zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(f),
                            encoding="utf-8")
    for line in text:
        json.loads(line)
        n += 1
print(n)
"""

RECORDS = """
import sys, time
from agorascope.collect.presets import Record, open_source
t0 = time.perf_counter()
n = sum(1 for r in open_source(sys.argv[1]) if isinstance(r, Record))
print(n, time.perf_counter() - t0)
"""


def _dump(n: int, tmp: Path) -> tuple[Path, Path]:
    reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(
        io.BytesIO(SAMPLE.read_bytes())
    )
    base = [json.loads(x) for x in reader.read().decode("utf-8").splitlines() if x]
    plain = tmp / "RC_bench.jsonl"
    with open(plain, "w", encoding="utf-8") as f:
        for i in range(n):
            c = dict(base[i % len(base)])
            r = i // len(base)
            c["id"] = f"b{r}_{c['id']}"
            c["name"] = "t1_" + c["id"]
            if c["parent_id"].startswith("t1_"):
                c["parent_id"] = f"t1_b{r}_{c['parent_id'][3:]}"
            f.write(json.dumps(c) + "\n")
    packed = tmp / "RC_bench.zst"
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=28, enable_ldm=True)
    with open(plain, "rb") as src, open(packed, "wb") as dst:
        zstandard.ZstdCompressor(compression_params=params).copy_stream(src, dst)
    return packed, plain


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=50_000)
    args = ap.parse_args()
    CACHE.mkdir(exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        t = Path(tmp)
        packed, plain = _dump(args.comments, t)
        mib = (packed.stat().st_size / 2**20, plain.stat().st_size / 2**20)
        runs = [
            (
                "zstandard + json.loads of each line (floor)",
                [sys.executable, "-c", FLOOR, str(packed)],
            ),
            ("reddit preset: records from the .zst", [sys.executable, "-c", RECORDS, str(packed)]),
        ]
        for fmt, path in (("zst", packed), ("plain JSONL", plain)):
            cmd = [sys.executable, "-m", "agorascope", "--db", str(t / f"{fmt[:3]}.duckdb"),
                   "import", str(path), "--json", "--no-index"]  # fmt: skip
            runs.append((f"agorascope import ({fmt})", cmd))
        for name, cmd in runs:
            wall, peak = run_measured(cmd)
            print(f"{name}: {wall:.1f} s, {peak:.0f} MiB", flush=True)
            rows.append((name, wall, peak))
        inner = subprocess.run(
            [sys.executable, "-c", RECORDS, str(packed)], capture_output=True, text=True, check=True
        )
        convert = float(inner.stdout.split()[1])
        rows.insert(2, ("reddit preset: records from the .zst, after start-up", convert, 0.0))
    floor = rows[0][1]
    body = [
        f"{args.comments:,} comments: {mib[0]:.1f} MiB zstd (256 MB window), "
        f"{mib[1]:.1f} MiB as plain JSON lines.",
        "",
        "| run | wall (s) | peak RSS (MiB) | comments/s | time vs floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, wall, peak in rows:
        shown = f"{peak:.0f}" if peak else "-"
        body.append(
            f"| {name} | {wall:.1f} | {shown} | {args.comments / wall:,.0f} | {wall / floor:.1f}x |"
        )
    body += [
        "",
        "Each run is a fresh process: its wall time includes Python's start-up and the import "
        "of agorascope (a few seconds; the row 'after start-up' times the conversion alone, "
        "in-process). The import adds to the preset's conversion the normalisation, the derived "
        "lists, the author profiles, deduplication and one transaction per batch (as in the "
        "Import section); reading zstd instead of plain text costs little beside them. Figures "
        "taken on a machine shared with other jobs (load average above 10 on 2 cores): compare "
        "rows of one run, not runs.",
    ]
    write_section(
        "platforms",
        "Platform presets: a Reddit comments dump",
        "\n".join(body),
        f"python benchmarks/bench_platforms.py --comments {args.comments}",
    )


if __name__ == "__main__":
    main()
