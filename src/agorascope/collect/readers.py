"""Streaming container readers: CSV, JSONL, JSON and Parquet files, plain or gzip-compressed.

A reader turns a file into :class:`Item` values (one raw row or JSON value with its line number)
and :class:`Reject` values (what could not be read), in bounded memory: a 10-million-row file is
read line by line (CSV, JSONL), value by value (JSON) or batch by batch (Parquet). Presets
(:mod:`agorascope.collect.presets`) turn items into canonical :class:`Record` values.

Rules shared by every reader:

- Line numbers are 1-based physical lines (the CSV header is line 1); for Parquet, the row
  number; for a JSON array, the line where the element starts.
- A gzip file is recognised by its magic bytes; ``bytes_read`` counts compressed bytes.
- CSV text is UTF-8 (with or without a BOM). When a 64 KB sample is not valid UTF-8, the file is
  decoded as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined); when a later line is
  not valid UTF-8, decoding switches to cp1252 from that line on, so no row is lost.
- NUL bytes in CSV are removed. A physical line or record longer than :data:`MAX_FIELD_BYTES`
  becomes a :class:`Reject` and reading resumes after it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from agorascope.errors import ImportFormatError

__all__ = [
    "CONTAINERS",
    "MAX_FIELD_BYTES",
    "RAW_MAX_CHARS",
    "Item",
    "Progress",
    "Record",
    "Reject",
    "detect_container",
    "iter_container",
    "iter_csv",
    "iter_json",
    "iter_jsonl",
    "iter_parquet",
    "parquet_columns",
    "read_header",
    "read_sample",
    "truncate_raw",
]

MAX_FIELD_BYTES = 10 * 1024 * 1024
"""Largest CSV record / JSON line or value accepted; anything longer becomes a Reject."""

RAW_MAX_CHARS = 1024
"""Rejects keep at most this many characters of the offending text."""

SAMPLE_BYTES = 64 * 1024
CONTAINERS = ("csv", "jsonl", "json", "parquet", "folder")
"""Container names; ``folder`` is a directory a preset reads itself (cascade trees)."""

_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass(frozen=True, slots=True)
class Record:
    """One canonical record produced from a source.

    Attributes:
        path: the file it came from.
        line: 1-based line (or row) number in that file.
        fields: canonical field name -> raw value (see ``collect.canonical``).
    """

    path: str
    line: int
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reject:
    """Something in a source that could not become a record.

    Attributes:
        path: the file.
        line: 1-based line (or row) number; 0 when the whole file is at fault.
        field: the column or JSON path at fault ('' when the row as a whole is).
        reason: what is wrong, for a person.
        raw: the offending text, truncated to :data:`RAW_MAX_CHARS`.
    """

    path: str
    line: int
    field: str
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class Item:
    """One raw row (CSV: header -> cell) or JSON value read from a container.

    Attributes:
        line: 1-based line (or row) number where it starts.
        data: a dict for CSV and Parquet rows, any JSON value for JSON(L).
        raw: the source text (truncated), or None when it must be rendered from ``data``.
        path: the file it came from (a folder source reads several files).
    """

    line: int
    data: Any
    raw: str | None
    path: str

    def raw_text(self) -> str:
        """The source text of this item, truncated for a rejects file."""
        if self.raw is not None:
            return truncate_raw(self.raw)
        return truncate_raw(json.dumps(self.data, default=str, ensure_ascii=False))


class Progress:
    """Bytes consumed so far, updated by the readers while they stream."""

    __slots__ = ("bytes_read",)

    def __init__(self) -> None:
        self.bytes_read = 0


def truncate_raw(text: str) -> str:
    """Cut ``text`` to :data:`RAW_MAX_CHARS` characters, marking the cut."""
    if len(text) <= RAW_MAX_CHARS:
        return text
    return text[:RAW_MAX_CHARS] + "…"


class _CountingRaw(io.RawIOBase):
    """Counts the bytes read from the underlying file (compressed bytes for gzip)."""

    def __init__(self, f: IO[bytes]):
        self._f = f
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._f.readinto(buffer)  # type: ignore[attr-defined]
        self.count += n or 0
        return int(n or 0)

    def close(self) -> None:
        self._f.close()
        super().close()


class _Opened:
    """A binary stream over a file, decompressed if gzip, with a compressed-byte counter."""

    def __init__(self, path: Path):
        self._counter = _CountingRaw(open(path, "rb", buffering=0))  # noqa: SIM115
        buffered = io.BufferedReader(self._counter, 1 << 16)
        try:
            self.gzipped = buffered.peek(2)[:2] == _GZIP_MAGIC
        except OSError:
            self._counter.close()
            raise
        self.stream: IO[bytes] = (
            io.BufferedReader(gzip.GzipFile(fileobj=buffered), 1 << 16)  # type: ignore[arg-type]
            if self.gzipped
            else buffered
        )

    @property
    def count(self) -> int:
        return self._counter.count

    def close(self) -> None:
        self.stream.close()
        self._counter.close()

    def __enter__(self) -> _Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` (decompressed) bytes of a file.

    Raises:
        ImportFormatError: the file is gzip but corrupt.
    """
    try:
        with _Opened(path) as opened:
            return opened.stream.read(size)
    except (OSError, EOFError) as e:
        raise ImportFormatError(f"{path}: cannot read: {e}") from e


def _strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    control = sum(1 for b in sample[:4096] if b < 32 and b not in (9, 10, 13))
    return control > len(sample[:4096]) * 0.05


def _json_kind(sample: bytes) -> str | None:
    """'json' or 'jsonl' when the sample starts like JSON, else None."""
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text or text[0] not in "{[":
        return None
    if text[0] == "[":
        return "json"
    try:
        json.loads(text.partition("\n")[0])
    except json.JSONDecodeError:
        return "json"  # a pretty-printed document spanning lines
    return "jsonl"


def detect_container(path: Path) -> str:
    """Name the container of ``path``: csv, jsonl, json, parquet or folder.

    The extension decides (``.gz`` removed first), then the content when the extension is not
    known. A ``.json`` file holding one JSON value per line is read as JSONL.

    Raises:
        ImportFormatError: the file is empty, binary garbage, or of no known container.
    """
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise ImportFormatError(f"{path}: no such file")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == _PARQUET_MAGIC:
        return "parquet"
    sample = read_sample(path)
    if not sample:
        raise ImportFormatError(f"{path}: the file is empty")
    if sample[:4] == _PARQUET_MAGIC:
        return "parquet"  # a gzip-compressed Parquet file
    ext = Path(_strip_gz(path.name)).suffix.lower()
    kind = _EXTENSIONS.get(ext)
    if kind == "json":
        return _json_kind(sample) or "json"
    if kind is not None:
        return kind
    if _looks_binary(sample):
        raise ImportFormatError(
            f"{path}: binary content of no known format (expected CSV, JSON, JSONL or Parquet)"
        )
    return _json_kind(sample) or "csv"


# --------------------------------------------------------------------------------------- CSV


class _Oversized(Exception):
    def __init__(self, line: int, head: str):
        self.line = line
        self.head = head


def _decode_cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class _CsvLines:
    """Iterator of decoded physical lines feeding ``csv.reader``, tracking raw text and size.

    It raises :class:`_Oversized` for a line or record above the limit; ``csv.reader`` resets
    its state on the next call, so reading resumes at the following line.
    """

    def __init__(self, stream: IO[bytes], encoding: str, limit: int):
        self._stream = stream
        self.encoding = encoding
        self._limit = limit
        self.physical = 0
        self.eof = False
        self.ended_with_newline = True
        self.nul_lines = 0
        self._raw: list[str] = []
        self._raw_len = 0
        self._record_bytes = 0

    def __iter__(self) -> _CsvLines:
        return self

    def take_raw(self) -> str:
        raw = "".join(self._raw)
        self._raw.clear()
        self._raw_len = 0
        self._record_bytes = 0
        return raw

    def _decode(self, data: bytes) -> str:
        if self.encoding == "utf-8":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.encoding = "cp1252"
            else:
                return text.lstrip("\ufeff") if self.physical == 1 else text
        return _decode_cp1252(data)

    def __next__(self) -> str:
        data = self._stream.readline(self._limit + 1)
        if not data:
            self.eof = True
            raise StopIteration
        self.physical += 1
        self._record_bytes += len(data)
        if self._record_bytes > self._limit:
            head = _decode_cp1252(data[:RAW_MAX_CHARS]) if not self._raw else self.take_raw()
            while not data.endswith(b"\n"):  # skip the rest of this physical line
                data = self._stream.readline(1 << 20)
                if not data:
                    break
            self.take_raw()
            raise _Oversized(self.physical, head)
        if b"\x00" in data:
            data = data.replace(b"\x00", b"")
            self.nul_lines += 1
        self.ended_with_newline = data.endswith(b"\n")
        text = self._decode(data)
        if self._raw_len < RAW_MAX_CHARS + 1:
            self._raw.append(text[: RAW_MAX_CHARS + 1])
            self._raw_len += len(self._raw[-1])
        return text


def _sniff_encoding(sample: bytes) -> str:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as e:
        # a multi-byte character cut by the sample boundary is not an error
        if e.start < len(sample) - 4:
            return "cp1252"
    return "utf-8"


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_header(path: Path) -> tuple[list[str], str, str]:
    """The header cells, encoding and delimiter of a CSV file.

    Raises:
        ImportFormatError: the file is empty or its header cannot be read.
    """
    sample = read_sample(path)
    if not sample.strip(b"\x00\r\n\t \xef\xbb\xbf"):
        raise ImportFormatError(f"{path}: the file is empty (no CSV header)")
    encoding = _sniff_encoding(sample)
    first = sample.split(b"\n", 1)[0].replace(b"\x00", b"")
    first_text = first.decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = _sniff_delimiter(first_text)
    with _Opened(path) as opened:
        lines = _CsvLines(opened.stream, encoding, MAX_FIELD_BYTES)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except (StopIteration, csv.Error, _Oversized) as e:
            raise ImportFormatError(f"{path}: cannot read the CSV header: {e!r}") from None
    return [h.strip() for h in header], lines.encoding, delimiter


def _ensure_field_limit() -> None:
    # csv's limit is process-wide; only ever raise it, to our own documented limit
    if csv.field_size_limit() < MAX_FIELD_BYTES:
        csv.field_size_limit(MAX_FIELD_BYTES)


def iter_csv(path: Path, progress: Progress) -> Iterator[Item | Reject]:
    """Stream a CSV file as header -> cell dicts.

    Rows with a wrong number of cells, a record cut by the end of the file, a record over
    :data:`MAX_FIELD_BYTES` and CSV syntax errors become rejects; blank lines are skipped.

    Raises:
        ImportFormatError: the file has no readable header.
    """
    header, encoding, delimiter = read_header(path)
    _ensure_field_limit()
    name = str(path)
    with _Opened(path) as opened:
        lines = _CsvLines(opened.stream, encoding, MAX_FIELD_BYTES)
        reader = csv.reader(lines, delimiter=delimiter)
        next(reader)  # the header, already read
        lines.take_raw()
        width = len(header)
        while True:
            start = lines.physical + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except _Oversized as e:
                reason = f"record longer than {MAX_FIELD_BYTES} bytes (lines {start}-{e.line})"
                yield Reject(name, start, "", reason, truncate_raw(e.head))
                continue
            except csv.Error as e:
                raw = truncate_raw(lines.take_raw())
                yield Reject(name, start, "", f"CSV syntax error: {e}", raw)
                continue
            raw = lines.take_raw()
            progress.bytes_read = opened.count
            if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                continue
            if lines.eof or len(row) != width:
                cut = not lines.ended_with_newline and len(row) < width
                reason = (
                    "truncated: the file ends inside a quoted field"
                    if lines.eof
                    else ("truncated last line: " if cut else "")
                    + f"{len(row)} cells, the header has {width}"
                )
                yield Reject(name, start, "", reason, truncate_raw(raw))
                continue
            yield Item(start, dict(zip(header, row, strict=True)), raw, name)
        progress.bytes_read = opened.count


# -------------------------------------------------------------------------------------- JSON


def iter_jsonl(path: Path, progress: Progress) -> Iterator[Item | Reject]:
    """Stream a JSON-lines file: one value per line; blank lines skipped; bad lines rejected."""
    name = str(path)
    with _Opened(path) as opened:
        stream = opened.stream
        line_no = 0
        while True:
            data = stream.readline(MAX_FIELD_BYTES + 1)
            if not data:
                break
            line_no += 1
            if len(data) > MAX_FIELD_BYTES and not data.endswith(b"\n"):
                head = data[:RAW_MAX_CHARS].decode("utf-8", errors="replace")
                while data and not data.endswith(b"\n"):
                    data = stream.readline(1 << 20)
                yield Reject(name, line_no, "", f"line longer than {MAX_FIELD_BYTES} bytes", head)
                continue
            if line_no == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            progress.bytes_read = opened.count
            if not data.strip():
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                raw = data.decode("latin-1")
                yield Reject(name, line_no, "", f"not UTF-8 text: {e.reason}", truncate_raw(raw))
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as e:
                reason = f"invalid JSON: {e.msg} at column {e.colno}"
                yield Reject(name, line_no, "", reason, truncate_raw(text.rstrip("\r\n")))
                continue
            yield Item(line_no, value, text.rstrip("\r\n"), name)
        progress.bytes_read = opened.count


_WS = " \t\r\n"


def iter_json(path: Path, progress: Progress, chunk_size: int = 1 << 20) -> Iterator[Item | Reject]:
    """Stream a JSON document: each element of a top-level array, or each top-level value.

    Values are decoded one at a time from a sliding buffer, so a large array is never held in
    memory whole. A syntax error ends the file with one reject (JSON cannot be resynchronised).
    ``chunk_size`` is the number of bytes read at a time.
    """
    name = str(path)
    decoder = json.JSONDecoder()
    with _Opened(path) as opened:
        incremental = codecs.getincrementaldecoder("utf-8-sig")("strict")
        buf = ""
        pos = 0
        line = 1
        eof = False
        depth = 0  # 1 inside the top-level array

        def fill(minimum: int) -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            chunk = opened.stream.read(max(chunk_size, minimum))
            eof = not chunk
            buf = buf[pos:] + incremental.decode(chunk, final=eof)
            pos = 0
            progress.bytes_read = opened.count
            return True

        def bad(reason: str) -> Reject:
            return Reject(name, line, "", reason, truncate_raw(buf[pos : pos + RAW_MAX_CHARS]))

        try:
            fill(0)
            while True:
                while True:  # skip blanks and array commas
                    while pos < len(buf) and (buf[pos] in _WS or (depth and buf[pos] == ",")):
                        if buf[pos] == "\n":
                            line += 1
                        pos += 1
                    if pos < len(buf) or not fill(0):
                        break
                if pos >= len(buf):
                    if depth:
                        yield bad("truncated: the file ends inside the top-level array")
                    break
                if depth == 0 and buf[pos] == "[":
                    depth, pos = 1, pos + 1
                    continue
                if depth and buf[pos] == "]":
                    depth, pos = 0, pos + 1
                    continue
                while True:
                    try:
                        value, end = decoder.raw_decode(buf, pos)
                    except json.JSONDecodeError as e:
                        if len(buf) - pos > MAX_FIELD_BYTES:
                            yield bad(f"JSON value longer than {MAX_FIELD_BYTES} bytes")
                            return
                        if fill(2 * (len(buf) - pos)):
                            continue
                        what = "truncated or invalid JSON" if e.pos >= len(buf) - 1 else "invalid"
                        yield bad(f"{what}: {e.msg} (line {e.lineno + line - 1})")
                        return
                    if end >= len(buf) and fill(0):
                        continue  # a number may continue in the next chunk
                    break
                raw = buf[pos:end]
                yield Item(line, value, raw if len(raw) <= RAW_MAX_CHARS else None, name)
                line += raw.count("\n")
                pos = end
        except UnicodeDecodeError as e:
            yield Reject(name, line, "", f"not UTF-8 text: {e.reason}", "")
        progress.bytes_read = opened.count


# ----------------------------------------------------------------------------------- Parquet


def _parquet_path(path: Path, tmpdir: str) -> Path:
    """``path`` itself, or a decompressed copy when it is gzip-compressed."""
    with open(path, "rb") as f:
        if f.read(2) != _GZIP_MAGIC:
            return path
    target = Path(tmpdir) / "data.parquet"
    with gzip.open(path, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def parquet_columns(path: Path) -> list[str]:
    """Top-level column names of a Parquet file (gzip-compressed or not)."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        try:
            return list(pq.read_schema(_parquet_path(path, tmp)).names)
        except Exception as e:  # pyarrow raises several types for a bad file
            raise ImportFormatError(f"{path}: not a readable Parquet file: {e}") from e


def iter_parquet(path: Path, progress: Progress, batch_size: int = 8192) -> Iterator[Item | Reject]:
    """Stream a Parquet file batch by batch as column -> value dicts (row numbers from 1)."""
    import pyarrow.parquet as pq

    name = str(path)
    total = os.path.getsize(path)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            pf = pq.ParquetFile(_parquet_path(path, tmp))
        except Exception as e:
            raise ImportFormatError(f"{path}: not a readable Parquet file: {e}") from e
        rows = max(pf.metadata.num_rows, 1)
        row_no = 0
        for batch in pf.iter_batches(batch_size=batch_size):
            for row in batch.to_pylist():
                row_no += 1
                yield Item(row_no, row, None, name)
            progress.bytes_read = total * row_no // rows


def iter_container(path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
    """Stream the items of a file in the given container.

    Raises:
        ImportFormatError: unknown container, or a file that cannot be opened in it.
    """
    readers = {"csv": iter_csv, "jsonl": iter_jsonl, "json": iter_json, "parquet": iter_parquet}
    try:
        reader = readers[container]
    except KeyError:
        raise ImportFormatError(f"{path}: no reader for container {container!r}") from None
    return reader(path, progress)
