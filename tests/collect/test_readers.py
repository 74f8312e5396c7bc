"""Container readers: the bad-input corpus, encodings, limits, gzip and round trips."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agorascope.collect.presets import Record, Reject, detect_format, open_source
from agorascope.collect.readers import (
    MAX_FIELD_BYTES,
    RAW_MAX_CHARS,
    Item,
    Progress,
    detect_container,
    iter_csv,
    iter_json,
    iter_jsonl,
)
from agorascope.errors import ImportFormatError

BAD = Path(__file__).parent / "fixtures" / "bad"


def _split(source: object) -> tuple[list[Record], list[Reject]]:
    out = list(source)  # type: ignore[call-overload]
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


@pytest.mark.parametrize(
    ("name", "texts", "rejects"),
    [
        ("bom.csv", ["café"], []),
        ("latin1.csv", ["café “quoted”", "naïve"], []),
        ("nul.csv", ["ok", "nul", "after"], []),
        ("truncated_quoted.csv", ["ok"], [(3, "ends inside a quoted field")]),
        ("truncated_line.csv", ["ok"], [(3, "truncated last line")]),
        ("wrong_columns.csv", ["ok", "ok"], [(3, "4 cells"), (4, "1 cells")]),
        ("bad_line.jsonl", ["ok", "ok"], [(2, "invalid JSON")]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_corpus(name: str, texts: list[str], rejects: list[tuple[int, str]]) -> None:
    records, got = _split(open_source(BAD / name))
    assert [r.fields["text"] for r in records] == texts
    assert len(got) == len(rejects)
    for (line, needle), reject in zip(rejects, got, strict=True):
        assert reject.line == line
        assert needle in reject.reason
        assert reject.path.endswith(name)
        assert reject.raw


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty"),
        ("garbage.bin", "binary"),
    ],
    ids=["empty", "garbage"],
)
def test_unreadable_files_raise(name: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        detect_format(BAD / name)
    with pytest.raises(ImportFormatError, match=message):
        open_source(BAD / name, format="native")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "1", "text": "a\tb"}', "invalid JSON: Invalid control character at column 23"),
        ('{"id": 2, "text": ', "invalid JSON: Expecting value at column 19"),
    ],
    ids=["control-character", "cut"],
)
def test_bad_json_line_reason_reads_well(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (reject,) = list(iter_jsonl(path, Progress()))
    assert isinstance(reject, Reject)
    assert reject.reason == reason


def test_truncated_json_document_is_one_reject() -> None:
    records, rejects = _split(open_source(BAD / "truncated.json", format="native"))
    assert [r.fields["id"] for r in records] == ["1"]
    assert len(rejects) == 1
    assert "truncated" in rejects[0].reason


def test_line_numbers_count_multiline_records(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('platform,id,text\nx,1,"a\nb\nc"\nx,2,"d"\nx,3\n', encoding="utf-8")
    records, rejects = _split(open_source(path))
    assert [(r.line, r.fields["text"]) for r in records] == [(2, "a\nb\nc"), (5, "d")]
    assert [r.line for r in rejects] == [6]


def test_huge_field_is_rejected_and_reading_resumes(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.write(b"platform,id,text\nx,1,before\n")
        f.write(b'x,2,"' + b"a" * (20 * 1024 * 1024) + b'"\n')
        f.write(b"x,3,after\n")
    records, rejects = _split(open_source(path))
    assert [r.fields["id"] for r in records] == ["1", "3"]
    assert len(rejects) == 1
    assert rejects[0].line == 3
    assert str(MAX_FIELD_BYTES) in rejects[0].reason
    assert len(rejects[0].raw) <= RAW_MAX_CHARS + 1


def test_huge_jsonl_line_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as f:
        f.write(b'{"platform": "x", "id": "1"}\n')
        f.write(b'{"platform": "x", "id": "2", "text": "' + b"b" * (MAX_FIELD_BYTES + 5) + b'"}\n')
        f.write(b'{"platform": "x", "id": "3"}\n')
    items = list(iter_jsonl(path, Progress()))
    assert [type(i).__name__ for i in items] == ["Item", "Reject", "Item"]
    assert items[1].line == 2


def test_late_latin1_line_switches_encoding_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    rows = [f"x,{i},ligne {i} é".encode() for i in range(6000)]  # past the 64 KB sample
    rows.append("x,6000,fin é".encode("latin-1"))
    rows.append("x,6001,encore è".encode("latin-1"))
    path.write_bytes(b"platform,id,text\n" + b"\n".join(rows) + b"\n")
    records, rejects = _split(open_source(path))
    assert rejects == []
    assert len(records) == 6002
    assert records[0].fields["text"] == "ligne 0 é"
    assert [r.fields["text"] for r in records[-2:]] == ["fin é", "encore è"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json", ".parquet"], ids=str)
def test_gzip_variants_read_like_plain(tmp_path: Path, suffix: str) -> None:
    rows = [{"platform": "x", "id": str(i), "text": f"t{i}"} for i in range(50)]
    plain = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        with open(plain, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, ["platform", "id", "text"])
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".jsonl":
        plain.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif suffix == ".json":
        plain.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(rows), plain, row_group_size=16)
    packed = tmp_path / f"data{suffix}.gz"
    with open(plain, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    for path in (plain, packed):
        source = open_source(path)
        assert source.format == "native"
        records, rejects = _split(source)
        assert rejects == []
        assert [r.fields for r in records] == rows
        assert source.bytes_read == source.total_bytes == path.stat().st_size


def test_bytes_read_grows_while_streaming(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("platform,id\n" + "".join(f"x,{i}\n" for i in range(40_000)), "utf-8")
    source = open_source(path)
    seen = []
    for n, _ in enumerate(source):
        if n % 10_000 == 0:
            seen.append(source.bytes_read)
    assert seen == sorted(seen)
    assert 0 < seen[1] < source.total_bytes
    assert source.bytes_read == source.total_bytes


@pytest.mark.parametrize(
    ("name", "content", "container"),
    [
        ("a.csv", b"a,b\n1,2\n", "csv"),
        ("a.txt", b"a,b\n1,2\n", "csv"),
        ("a.jsonl", b'{"a": 1}\n', "jsonl"),
        ("a.json", b'{"a": 1}\n{"a": 2}\n', "jsonl"),
        ("a.json", b'{\n "a": 1\n}\n', "json"),
        ("a.data", b'[{"a": 1}]', "json"),
        ("a.data", b'{"a": 1}\n', "jsonl"),
    ],
    ids=["csv", "txt", "jsonl", "json-lines-in-json", "json", "sniff-array", "sniff-lines"],
)
def test_detect_container(tmp_path: Path, name: str, content: bytes, container: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_container(path) == container


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("platform,id\n\nx,1\n\n\nx,2\n", encoding="utf-8")
    records, rejects = _split(open_source(path))
    assert [(r.line, r.fields["id"]) for r in records] == [(3, "1"), (6, "2")]
    assert rejects == []


# ------------------------------------------------------------------------------- properties

_cell = st.text(
    alphabet=st.characters(
        categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co"), exclude_characters="\x00"
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_cell, _cell, _cell), max_size=12))
def test_csv_written_by_the_csv_module_reads_back_equal(
    rows: list[tuple[str, str, str]],
) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_bytes(buf.getvalue().encode("utf-8"))
        items = list(iter_csv(path, Progress()))
    assert all(isinstance(i, Item) for i in items)
    got = [tuple(i.data[k] for k in "abc") for i in items if isinstance(i, Item)]
    assert got == rows


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_json, max_size=8), st.integers(min_value=1, max_value=64), st.booleans())
def test_json_array_streams_back_equal(values: list[object], chunk: int, indent: bool) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.json"
        path.write_text(json.dumps(values, indent=1 if indent else None), encoding="utf-8")
        items = list(iter_json(path, Progress(), chunk_size=chunk))
    assert [i.data for i in items if isinstance(i, Item)] == values
    assert all(isinstance(i, Item) for i in items)
