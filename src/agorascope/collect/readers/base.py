"""Records, rejects, progress counting and container detection shared by the readers."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import zstandard

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
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_MAX_WINDOW = 2**31
"""Largest zstd window accepted: the Pushshift / Arctic Shift Reddit dumps are written with
``--long=31`` and the library's default (128 MB) refuses them."""
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


class _Tolerant(io.RawIOBase):
    """A decompressed stream that ends quietly where a truncated gzip or zstd file is cut.

    ``truncated_at`` is then the compressed byte offset where the data stopped, so the
    readers keep every complete row and report the cut (instead of losing the file).
    """

    def __init__(self, inner: IO[bytes], counter: _CountingRaw):
        self._inner = inner
        self._counter = counter
        self.truncated_at: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.truncated_at is not None:
            return 0
        try:
            data = self._inner.read1(len(buffer))  # type: ignore[attr-defined]
        except (EOFError, gzip.BadGzipFile, zlib.error, zstandard.ZstdError):
            self.truncated_at = self._counter.count
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class _Zstd(io.RawIOBase):
    """Decompressed bytes of zstd frames (one after another), ending in EOFError when the
    input stops inside a frame (a truncated file), so the cut is reported, not hidden."""

    def __init__(self, inner: IO[bytes]):
        self._inner = inner
        self._dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._obj = self._dctx.decompressobj()
        self._started = False
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        while not self._pending:
            chunk = self._inner.read(1 << 16)
            if not chunk:
                if self._started and not self._obj.eof:
                    raise EOFError("zstd frame cut short")
                return b""
            self._started = True
            out = []
            while chunk:
                if self._obj.eof:  # a new frame starts
                    self._obj = self._dctx.decompressobj()
                out.append(self._obj.decompress(chunk))
                chunk = self._obj.unused_data if self._obj.eof else b""
            self._pending = b"".join(out)
        n = len(self._pending) if size is None or size < 0 else size
        data, self._pending = self._pending[:n], self._pending[n:]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class _Recoded(io.RawIOBase):
    """UTF-8 bytes of a text stream in another encoding (UTF-16 or UTF-32 with a BOM)."""

    def __init__(self, inner: IO[bytes], encoding: str):
        self._text = io.TextIOWrapper(inner, encoding=encoding, errors="strict", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._text.read(1 << 15)
            if not chunk:
                return 0
            self._pending = chunk.encode("utf-8", errors="surrogateescape")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._text.close()
        super().close()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Byte-order marks of the encodings read by transcoding (longest first: UTF-32 LE starts
with the UTF-16 LE mark)."""


class _Opened:
    """A binary stream over a file, decompressed if gzip, as UTF-8 if it starts with a UTF-16
    or UTF-32 byte-order mark, with a compressed-byte counter.

    Attributes:
        truncated_at: for a gzip file cut short, the compressed byte offset where it ends.
        encoding: the encoding announced by a byte-order mark that was transcoded, or None.
    """

    def __init__(self, path: Path):
        self._counter = _CountingRaw(open(path, "rb", buffering=0))  # noqa: SIM115
        buffered = io.BufferedReader(self._counter, 1 << 16)
        try:
            self.gzipped = buffered.peek(2)[:2] == _GZIP_MAGIC
        except OSError:
            self._counter.close()
            raise
        self._tolerant: _Tolerant | None = None
        stream: IO[bytes] = buffered
        self.zstd = buffered.peek(4)[:4] == _ZSTD_MAGIC
        if self.gzipped or self.zstd:
            inner: Any = gzip.GzipFile(fileobj=buffered) if self.gzipped else _Zstd(buffered)
            self._tolerant = _Tolerant(inner, self._counter)
            stream = io.BufferedReader(self._tolerant, 1 << 16)
        head = stream.peek(4)[:4]  # type: ignore[attr-defined]
        self.encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
        if self.encoding is not None:
            stream = io.BufferedReader(_Recoded(stream, self.encoding), 1 << 16)
        self.stream = stream

    @property
    def truncated_at(self) -> int | None:
        """The compressed offset where a truncated gzip file ends (None when it is whole)."""
        return self._tolerant.truncated_at if self._tolerant is not None else None

    def truncation(self, name: str, line: int) -> Reject | None:
        """A reject naming the cut of a truncated gzip file, or None when it is whole."""
        if self.truncated_at is None:
            return None
        kind = "gzip" if self.gzipped else "zstd"
        reason = (
            f"truncated {kind}: the compressed data ends at byte {self.truncated_at:,} before its "
            "end marker; the complete rows before it were kept"
        )
        return Reject(name, line, "", reason, "")

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
    except (OSError, EOFError, zstandard.ZstdError) as e:
        raise ImportFormatError(f"{path}: cannot read: {e}") from e


def _strip_gz(name: str) -> str:
    """The name without a ``.gz`` or ``.zst`` compression suffix."""
    lower = name.lower()
    for suffix in (".gz", ".zst"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


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

    The extension decides (``.gz`` or ``.zst`` removed first), then the content when the
    extension is not known. A ``.json`` file holding one JSON value per line is read as JSONL.

    Raises:
        ImportFormatError: the file is empty, binary garbage, or of no known container.
    """
    if path.is_dir():
        return "folder"
    if not path.exists():
        if path.is_symlink():
            target = os.readlink(path)
            raise ImportFormatError(f"{path}: a dangling symbolic link (to {target}, missing)")
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
