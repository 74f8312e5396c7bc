"""A real import process killed with SIGKILL leaves whole batches only; a re-run completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from agorascope.store import Store

BATCH = 500
ROWS = 12_000


def _write_jsonl(path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(ROWS):
            f.write(
                json.dumps(
                    {
                        "platform": "x",
                        "id": f"p{i}",
                        "author_id": f"a{i % 97}",
                        "created_at": f"2024-07-19T{i % 24:02d}:00:00Z",
                        "text": f"post {i} about #outage",
                        "lang": "en",
                        "relation": "original",
                    }
                )
                + "\n"
            )


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "agorascope", "--db", str(db), *args]


def test_kill_mid_import_keeps_committed_batches_and_rerun_completes(tmp_path: Path) -> None:
    data = tmp_path / "posts.jsonl"
    _write_jsonl(data)
    db = tmp_path / "s.duckdb"
    env = {**os.environ, "AGORASCOPE_TRACE_BATCHES": "1"}
    proc = subprocess.Popen(
        _cli(db, "import", str(data), "--batch-size", str(BATCH), "--no-progress"),
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        if line.startswith("committed batch"):
            seen += 1
            if seen == 3:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    with Store.open(db) as store:
        count = store.execute("SELECT count(*) FROM posts")[0][0]
        seqs = store.execute("SELECT count(DISTINCT ingest_seq) FROM posts")[0][0]
    assert count >= 3 * BATCH
    assert count < ROWS
    assert count == seqs * BATCH  # no partial batch

    rerun = subprocess.run(
        _cli(db, "import", str(data), "--batch-size", str(BATCH), "--json"),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    totals = json.loads(rerun.stdout)["totals"]
    assert totals == {
        "read": ROWS,
        "imported": ROWS - count,
        "duplicates": count,
        "rejected": 0,
        "suppressed": 0,
    }
    with Store.open(db) as store:
        assert store.execute("SELECT count(*), count(DISTINCT id) FROM posts")[0] == (ROWS, ROWS)
        statuses = dict(store.execute("SELECT status, count(*) FROM imports GROUP BY 1"))
    assert statuses == {"interrupted": 1, "done": 1}
