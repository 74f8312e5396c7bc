"""CSV files: encodings, BOM, NUL bytes, huge fields, ragged and truncated rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from agorascope.collect.readers.base import (
    MAX_FIELD_BYTES,
    RAW_MAX_CHARS,
    Item,
    Progress,
    Reject,
    _Opened,
    read_sample,
    truncate_raw,
)
from agorascope.errors import ImportFormatError


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
        self.record_lines: list[str] = []

    def __iter__(self) -> _CsvLines:
        return self

    def take_raw(self) -> str:
        raw = "".join(self._raw)
        self._raw.clear()
        self._raw_len = 0
        self._record_bytes = 0
        self.record_lines = []
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
        self.record_lines.append(text)  # bounded: the record is at most the limit
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


def _resync(
    name: str, header: list[str], delimiter: str, block: list[str], first: int
) -> Iterator[Item | Reject]:
    """Read again the physical lines of a record that a stray quote ran together.

    The line holding the quote is rejected with the range of lines it swallowed; reading
    starts again at the next line, and any record there that parses is kept (a second stray
    quote is handled the same way).
    """
    width = len(header)
    i = 0
    while i < len(block):
        taken = 0

        def feed(start: int = i) -> Iterator[str]:
            nonlocal taken
            for text in block[start:]:
                taken += 1
                yield text

        try:
            row: list[str] | None = next(csv.reader(feed(), delimiter=delimiter))
        except StopIteration:
            return
        except csv.Error:
            row = None
        closed = taken < len(block) - i or block[-1].endswith("\n")
        if row is not None and len(row) == width and (taken == 1 or closed):
            yield Item(
                first + i, dict(zip(header, row, strict=True)), "".join(block[i : i + taken]), name
            )
            i += taken
            continue
        if row is not None and (not row or (len(row) == 1 and not row[0].strip())):
            i += taken
            continue
        last = first + len(block) - 1
        reason = (
            f"CSV quoting error: a stray quote on line {first + i} runs to line {last} "
            f"({len(block) - i} lines); the line is rejected and reading resumes at line "
            f"{first + i + 1}"
            if taken > 1
            else f"{len(row or [])} cells, the header has {width}"
        )
        yield Reject(name, first + i, "", reason, truncate_raw(block[i]))
        i += 1


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
            physical = lines.record_lines
            raw = lines.take_raw()
            progress.bytes_read = opened.count
            if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                continue
            if len(physical) > 1 and (lines.eof or len(row) != width):
                # a stray quote opened a field that swallowed the next lines: reject its line
                # and read the following ones again, each on its own
                yield from _resync(name, header, delimiter, physical, start)
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
        truncated = opened.truncation(name, lines.physical + 1)
        if truncated is not None:
            yield truncated


# -------------------------------------------------------------------------------------- JSON


def iter_tab_rows(
    path: Path, progress: Progress, widths: tuple[int, ...]
) -> Iterator[Item | Reject]:
    """Stream a headerless tab-separated file without quoting (GDELT) as lists of cells.

    Every line is one record (blank lines are skipped); a line whose number of cells is not
    in ``widths``, or longer than :data:`MAX_FIELD_BYTES`, becomes a reject.
    """
    name = str(path)
    number = 0
    with _Opened(path) as opened:
        for number, line in enumerate(opened.stream, 1):
            progress.bytes_read = opened.count
            if len(line) > MAX_FIELD_BYTES:
                reason = f"record longer than {MAX_FIELD_BYTES} bytes"
                yield Reject(
                    name,
                    number,
                    "",
                    reason,
                    truncate_raw(line[:RAW_MAX_CHARS].decode("utf-8", "replace")),
                )
                continue
            text = line.decode("utf-8", errors="replace").replace("\x00", "").rstrip("\r\n")
            if not text.strip():
                continue
            cells = text.split("\t")
            if len(cells) not in widths:
                expected = " or ".join(str(w) for w in widths)
                cut = "" if line.endswith(b"\n") else "truncated last line: "
                reason = f"{cut}{len(cells)} tab-separated cells, expected {expected}"
                yield Reject(name, number, "", reason, truncate_raw(text))
                continue
            yield Item(number, cells, text, name)
        progress.bytes_read = opened.count
        truncated = opened.truncation(name, number + 1)
        if truncated is not None:
            yield truncated
