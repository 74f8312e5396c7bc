"""Imports that keep every good row: deep JSON, truncated gzip, stray CSV quotes, encodings,
links in folders, and the columnar and row paths agreeing on hostile values."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hardening_fixtures import LOCAL, TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agorascope.api import create_app
from agorascope.cli.app import app as cli
from agorascope.collect.readers.json_reader import MAX_JSON_DEPTH, json_depth
from agorascope.config import Settings
from agorascope.errors import ImportFormatError
from agorascope.workspace import Workspace

ROWS = [
    {"platform": "x", "id": str(i), "text": f"post number {i}", "created_at": "2024-07-20T10:00:00"}
    for i in range(200)
]
DEEP = '{"platform": "x", "id": "deep", "text": ' + "[" * 5000 + "]" * 5000 + "}"


def _ws(tmp_path: Path) -> Workspace:
    return Workspace(Settings(db=tmp_path / "s.duckdb", detect_language=False))


def _ids(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.store.execute("SELECT id FROM posts")}


def _rejects(path: str | None) -> list[dict[str, str]]:
    assert path is not None
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    ("depth", "expected"), [(1, 1), (3, 3), (MAX_JSON_DEPTH + 1, MAX_JSON_DEPTH + 1)]
)
def test_json_depth_is_measured_without_recursion(depth: int, expected: int) -> None:
    text = '{"a": ' + "[" * (depth - 1) + '"]["' + "]" * (depth - 1) + "}"
    assert json_depth(text) == (expected, len(text))
    assert json_depth("[" * 100_000)[1] == -1  # incomplete, and no RecursionError


@pytest.mark.parametrize("container", ["jsonl", "json"])
def test_a_5000_deep_record_is_rejected_alone(tmp_path: Path, container: str) -> None:
    good = [json.dumps(r) for r in ROWS]
    path = tmp_path / f"deep.{container}"
    if container == "jsonl":
        path.write_text("\n".join([*good[:100], DEEP, *good[100:]]) + "\n", encoding="utf-8")
    else:
        path.write_text("[" + ",\n".join([*good[:100], DEEP, *good[100:]]) + "]", encoding="utf-8")
    with _ws(tmp_path) as ws:
        f = ws.import_files([path], format="native").files[0]
        assert (f.imported, f.rejected) == (200, 1)
        assert _ids(ws) == {r["id"] for r in ROWS}
        (reject,) = _rejects(f.rejects_path)
        assert reject["line"] == "101" and "deeper than" in reject["reason"]


def test_a_deep_upload_does_not_fail_the_request(tmp_path: Path) -> None:
    body = ("\n".join([json.dumps(ROWS[0]), DEEP, json.dumps(ROWS[1])]) + "\n").encode()
    app = create_app(Settings(db=tmp_path / "u.duckdb", detect_language=False))
    with TestClient(app, base_url=LOCAL) as c:
        c.get("/api/health")
        r = c.post(
            "/api/import",
            files={"files": ("deep.jsonl", body, "application/octet-stream")},
            data={"format": "native"},
            headers={"X-CSRF-Token": c.cookies.get("agorascope_csrf") or ""},
        )
    assert r.status_code < 500, r.text
    text = r.text
    assert str(tmp_path) not in text  # no server path in the answer
    assert r.json()["totals"]["imported"] == 2


def test_a_truncated_gzip_keeps_the_complete_rows_and_names_the_offset(tmp_path: Path) -> None:
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in ROWS).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with _ws(tmp_path) as ws:
        f = ws.import_files([path], format="native").files[0]
        kept = _ids(ws)
    assert 0 < f.imported == len(kept) < 200
    assert kept == {str(i) for i in range(len(kept))}  # every row before the cut
    reasons = [r["reason"] for r in _rejects(f.rejects_path)]
    assert any(f"at byte {len(data) // 2:,}" in r for r in reasons)


def test_a_truncated_gzip_on_the_command_line_names_the_file(tmp_path: Path) -> None:
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in ROWS).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 3])
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "c.duckdb"), "import", "--json", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output


def _csv_lines(rows: list[dict[str, str]]) -> list[str]:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().splitlines(True)


def test_a_stray_quote_loses_only_its_line(tmp_path: Path) -> None:
    """5,000 rows, one stray quote on line 12: 4,999 rows kept, one reject with its range."""
    rows = [{**ROWS[0], "id": str(i), "text": f"post {i}"} for i in range(5000)]
    lines = _csv_lines(rows)
    lines[11] = lines[11].replace("post 10", '"post 10')
    path = tmp_path / "stray.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with _ws(tmp_path) as ws:
        f = ws.import_files([path], format="native").files[0]
        assert (f.imported, f.rejected) == (4999, 1)
        assert _ids(ws) == {str(i) for i in range(5000)} - {"10"}
    (reject,) = _rejects(f.rejects_path)
    assert reject["line"] == "12"
    assert "line 12" in reject["reason"] and "line 5001" in reject["reason"]
    assert len(reject["raw"]) < 200  # the line itself, not the 4,989 lines after it


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    text = "".join(_csv_lines([{**r, "text": r["text"] + " été"} for r in ROWS[:20]]))
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "wide.csv"
    path.write_bytes(data)
    with _ws(tmp_path) as ws:
        f = ws.import_files([path]).files[0]
        assert f.imported == 20
        texts = {r[0] for r in ws.store.execute("SELECT text FROM posts")}
    assert "post number 3 été" in texts


def test_links_in_folders_are_followed_or_named(tmp_path: Path) -> None:
    folder, outside = tmp_path / "in", tmp_path / "outside"
    (folder / "a").mkdir(parents=True)
    outside.mkdir()
    (folder / "a" / "one.jsonl").write_text(json.dumps(ROWS[0]) + "\n", encoding="utf-8")
    (outside / "two.jsonl").write_text(json.dumps(ROWS[1]) + "\n", encoding="utf-8")
    os.symlink(outside, folder / "linked")
    with _ws(tmp_path) as ws:
        summary = ws.import_files([folder], format="native")
        assert _ids(ws) == {"0", "1"}  # the linked sub-folder is read, not skipped
    assert len(summary.files) == 2
    os.symlink(tmp_path / "missing.jsonl", folder / "dangling.jsonl")
    with _ws(tmp_path) as ws, pytest.raises(ImportFormatError, match=r"dangling\.jsonl"):
        ws.import_files([folder], format="native")
    (folder / "dangling.jsonl").unlink()
    os.symlink(folder, folder / "a" / "loop")
    with _ws(tmp_path) as ws, pytest.raises(ImportFormatError, match="loop"):
        ws.import_files([folder], format="native")


_PADDED_IDS = st.sampled_from(["777", " 777", "777 ", "\u00a0777", "778", "\t778\u3000", "779"])
_DATES = st.sampled_from(
    [
        None,
        datetime(2024, 7, 20, 10),
        datetime(1, 1, 1),
        datetime(9999, 12, 31),
        datetime(1989, 12, 31, 23, 59),
        datetime(1990, 1, 1),
        datetime(2099, 12, 31, 23, 59),
        datetime(2100, 1, 1),
    ]
)
_HOSTILE = {
    "platform": st.sampled_from(["x", "tiktok"]),
    "id": _PADDED_IDS,
    "author_id": st.sampled_from([None, "u1", " u1", "u2"]),
    "created_at": _DATES,
    "author_created_at": _DATES,
    "text": st.sampled_from([None, "hello", " padded ", ""]),
}
_HOSTILE_SCHEMA = pa.schema(
    [(k, pa.timestamp("us") if k.endswith("created_at") else pa.string()) for k in _HOSTILE]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(st.fixed_dictionaries(_HOSTILE), min_size=1, max_size=8))
def test_columnar_and_row_paths_agree_on_hostile_values(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]
) -> None:
    """Padded ids (one post, trimmed the same) and dates outside 1990-2100 (rejected on both)."""
    tmp = tmp_path_factory.mktemp("paths")
    pq.write_table(pa.Table.from_pylist(records, schema=_HOSTILE_SCHEMA), tmp / "r.parquet")
    # one file per record: each clean one takes the columnar path on its own
    singles = []
    for i, r in enumerate(records):
        singles.append(tmp / f"one{i}.parquet")
        pq.write_table(pa.Table.from_pylist([r], schema=_HOSTILE_SCHEMA), singles[-1])
    with (tmp / "r.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({k: v.isoformat() if isinstance(v, datetime) else v
                                for k, v in r.items()}) + "\n")  # fmt: skip
    results = []
    for name, paths in (
        ("rows", [tmp / "r.jsonl"]),
        ("one", singles),
        ("batch", [tmp / "r.parquet"]),
    ):
        with Workspace(Settings(db=tmp / f"{name}.duckdb", detect_language=False)) as ws:
            s = ws.import_files(paths, format="native", index=False)
            posts = ws.store.execute(
                "SELECT platform, id, created_at, text FROM posts ORDER BY 1, 2"
            )
            authors = ws.store.execute("SELECT platform, id, created_at FROM authors ORDER BY 1, 2")
            results.append((s.totals["imported"], posts, authors))
    assert results[0] == results[1] == results[2]
