"""Time controls: what a time zone and "compare with the previous period" cost the topic page.

The corpus is the demo workspace (``agorascope demo``'s data, loaded into a temporary store).
``topic_report`` for the hoax topic over its default window is timed cold (no page cache) in
four forms: UTC (the peer: the page as it was), a time zone (Asia/Tokyo), the previous period
(``compare``), and both. Every form returns the same posts in the window.

    python benchmarks/bench_time.py --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import median, timeit, write_section
from agorascope.config import Settings
from agorascope.demo.load import load_demo
from agorascope.report.demo import prepare_demo
from agorascope.workspace import Workspace

TOPIC = "it_outage"
FORMS = (
    ("UTC (peer: the page before time controls)", {}),
    ("tz=Asia/Tokyo", {"tz": "Asia/Tokyo"}),
    ("compare=1", {"compare": True}),
    ("tz=Asia/Tokyo, compare=1", {"tz": "Asia/Tokyo", "compare": True}),
)


def main() -> None:
    """Time each form of the topic page's data and write the section."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Workspace(Settings(db=Path(tmp) / "d.duckdb")) as ws:
        load_demo(ws)
        prepare_demo(ws.store)
        posts = ws.reports.topic(topic=TOPIC).summary["posts"]
        rows = []
        base = 0.0
        for label, options in FORMS:
            r = ws.reports.topic(topic=TOPIC, **options)
            assert r.summary["posts"] == posts, (label, r.summary["posts"], posts)
            secs = median(timeit(lambda o=options: ws.reports.topic(topic=TOPIC, **o),
                                 repeat=args.repeat))  # fmt: skip
            base = base or secs
            rows.append(f"| {label} | {secs:.2f} | {secs / base:.2f}x |")
    body = (
        f"`topic_report` of `{TOPIC}` ({posts:,} posts in its default window) on the demo "
        f"workspace, median of {args.repeat} cold runs after one warm-up. Measured on a loaded "
        "machine (two cores shared with other jobs): compare the ratios, not the seconds.\n\n"
        "| form | seconds | against UTC |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    path = write_section("time", "Time controls: zone and previous period", body,
                         f"python benchmarks/bench_time.py --repeat {args.repeat}")  # fmt: skip
    print(path.read_text())


if __name__ == "__main__":
    main()
