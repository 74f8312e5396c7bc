"""Figures about the sources and the last link (read by the dashboard and the analyses)."""

from __future__ import annotations

from typing import Any

from agorascope.store.store import Store

__all__ = ["BINS", "link_quality", "sources"]

BINS = 10
"""Match-probability bins of the distribution (equal widths over [0, 1])."""


def sources(store: Store) -> list[dict[str, Any]]:
    """One row per source: records, persons, files imported, last import, rejects."""
    rows = store.execute(
        "WITH r AS (SELECT source, count(*) AS records, count(DISTINCT person_id) AS persons "
        "FROM voter_records GROUP BY source), "
        "i AS (SELECT source, count(DISTINCT file) AS files, max(imported_at) AS last_import, "
        "sum(rejected) AS rejected, sum(invalid_dates) AS invalid_dates "
        "FROM voter_imports GROUP BY source) "
        "SELECT coalesce(r.source, i.source), coalesce(records, 0), coalesce(persons, 0), "
        "coalesce(files, 0), last_import, coalesce(rejected, 0), coalesce(invalid_dates, 0) "
        "FROM r FULL JOIN i USING (source) ORDER BY 1"
    )
    keys = ("source", "records", "persons", "files", "last_import", "rejected", "invalid_dates")
    out = [dict(zip(keys, r, strict=True)) for r in rows]
    for row in out:
        row["last_import"] = row["last_import"].isoformat() if row["last_import"] else None
    return out


def link_quality(store: Store) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Scored pairs per probability bin, and the last run's figures with its id events."""
    counts = dict(
        store.execute(
            "SELECT least(floor(match_probability * ?), ? - 1)::INTEGER, count(*) "
            "FROM voter_pairs GROUP BY 1",
            [BINS, BINS],
        )
    )
    rows = [
        {"low": i / BINS, "high": (i + 1) / BINS, "pairs": int(counts.get(i, 0))}
        for i in range(BINS)
    ]
    runs = store.execute(
        "SELECT id, started_at, finished_at, backend, threshold, records, pairs, persons, "
        "new_persons, merges, splits FROM voter_link_runs ORDER BY id DESC LIMIT 1"
    )
    meta: dict[str, Any] = {"run": None, "events": []}
    if runs:
        keys = ("run_id", "started_at", "finished_at", "backend", "threshold", "records",
                "pairs", "persons", "new_persons", "merges", "splits")  # fmt: skip
        meta["run"] = dict(zip(keys, runs[0], strict=True))
        meta["events"] = [
            {"kind": k, "person_id": p, "related": list(r), "records": n}
            for k, p, r, n in store.execute(
                "SELECT kind, person_id, related, records FROM voter_id_events "
                "WHERE run_id = ? ORDER BY kind, person_id",
                [runs[0][0]],
            )
        ]
    return rows, meta
