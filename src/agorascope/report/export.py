"""Streamed exports of rows as CSV, XLSX or Parquet, batch by batch (constant memory).

The rows come as an iterator of batches of JSON-ready dicts (the rows of an analysis, or the
pages of the mentions list); each writer turns one batch into bytes before it asks for the
next, so memory holds one batch whatever the length of the export.

- **CSV** (UTF-8, a header row, ``,`` separated, RFC 4180 quoting): a list is its items joined
  by a space; a missing value is empty; a dict is JSON. A text cell that a spreadsheet would
  read as a formula (first character ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
  leading ``'`` (OWASP's CSV-injection rule): posts are written by strangers.
- **XLSX** (xlsxwriter in constant-memory mode, one sheet ``rows``): texts are written as
  text, never as formulas; times as Excel dates (UTC). A sheet holds at most
  1,048,575 rows: a longer export stops there and says so in a second sheet ``note``.
- **Parquet** (pyarrow, one row group per batch): columns typed from the row schema
  (integers, floats, booleans, texts, UTC timestamps, lists of texts; anything else as JSON
  text).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import typing
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from agorascope.errors import InvalidInputError

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "XLSX_MAX_ROWS",
    "arrow_schema",
    "export_filename",
    "stream_rows",
    "unguard_csv",
]

Format = Literal["csv", "xlsx", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
XLSX_MAX_ROWS = 1_048_575
"""Data rows an XLSX sheet holds (its limit, less the header)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _check(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInputError(f"export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return fmt


def export_filename(base: str, values: Mapping[str, Any], fmt: str) -> str:
    """A file name that carries the export's filters: ``base_key-value_....fmt``.

    Characters other than letters, digits, ``-``, ``_`` and ``.`` become ``_``; the name
    stays under 150 characters.

    Examples:
        >>> export_filename("mentions", {"topic": "it outage", "lang": "en"}, "csv")
        'mentions_topic-it_outage_lang-en.csv'
    """
    parts = [base] + [f"{k}-{v}" for k, v in values.items() if v not in (None, "", False)]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(str(p) for p in parts)).strip("._")
    return f"{stem[:140] or 'export'}.{_check(fmt)}"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def unguard_csv(cell: str) -> str:
    """A CSV cell as it was before the formula guard (for readers that want the raw text)."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_START):
        return cell[1:]
    return cell


def _csv(batches: Iterable[list[dict[str, Any]]], columns: list[str]) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for batch in batches:
        for row in batch:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")


_SCALARS: dict[Any, pa.DataType] = {
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    str: pa.string(),
    datetime: pa.timestamp("us"),
    date: pa.date32(),
}


def _arrow_type(annotation: Any) -> pa.DataType:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is list:
        inner = _arrow_type(args[0]) if args else pa.string()
        return pa.list_(inner if inner != pa.large_string() else pa.string())
    if origin is Literal:
        return pa.string()
    if origin is not None and len(args) == 1:  # X | None
        return _arrow_type(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return pa.string()
    return _SCALARS.get(annotation, pa.large_string())  # dicts, unions: JSON text


def arrow_schema(row: type[Any]) -> pa.Schema:
    """The Parquet schema of a row model (a pydantic model: its fields and annotations)."""
    return pa.schema([pa.field(n, _arrow_type(f.annotation)) for n, f in row.model_fields.items()])


def _arrow_value(value: Any, type_: pa.DataType) -> Any:
    if value is None:
        return None
    if type_ == pa.large_string():
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if pa.types.is_timestamp(type_) and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed
    if pa.types.is_date32(type_) and isinstance(value, str):
        return date.fromisoformat(value)
    if pa.types.is_list(type_) and isinstance(value, list):
        return [None if v is None else str(v) for v in value]
    if pa.types.is_string(type_) and not isinstance(value, str):
        return str(value)
    return value


class _Sink(io.RawIOBase):
    """A write-only stream that hands its bytes over as they come and keeps its position
    (Parquet's footer records offsets from ``tell``)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._parts.append(data)
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _parquet(batches: Iterable[list[dict[str, Any]]], schema: pa.Schema) -> Iterator[bytes]:
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema)
    try:
        for batch in batches:
            columns = {f.name: [_arrow_value(r.get(f.name), f.type) for r in batch] for f in schema}
            writer.write_table(pa.table(columns, schema=schema))
            chunk = sink.drain()
            if chunk:
                yield chunk
    finally:
        writer.close()
    yield sink.drain()


def _xlsx(batches: Iterable[list[dict[str, Any]]], columns: list[str]) -> Iterator[bytes]:
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="agorascope-xlsx-") as folder:
        path = Path(folder) / "export.xlsx"
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        book = xlsxwriter.Workbook(str(path), options)
        sheet = book.add_worksheet("rows")
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for c, name in enumerate(columns):
            sheet.write_string(0, c, name)
        n = 0
        truncated = False
        for batch in batches:
            for row in batch:
                if n >= XLSX_MAX_ROWS:
                    truncated = True
                    break
                n += 1
                for c, name in enumerate(columns):
                    _xlsx_cell(sheet, n, c, row.get(name), when)
            if truncated:
                break
        if truncated:
            note = book.add_worksheet("note")
            note.write_string(0, 0, f"Only the first {XLSX_MAX_ROWS:,} rows fit in a sheet: "
                              "export CSV or Parquet for all of them.")  # fmt: skip
        book.close()
        with path.open("rb") as f:
            while chunk := f.read(1 << 16):
                yield chunk


def _xlsx_cell(sheet: Any, r: int, c: int, value: Any, when: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif isinstance(value, list):
        sheet.write_string(r, c, " ".join("" if v is None else str(v) for v in value))
    elif isinstance(value, dict):
        sheet.write_string(r, c, json.dumps(value, ensure_ascii=False, sort_keys=True))
    elif isinstance(value, str) and _ISO_TIME.fullmatch(value):
        sheet.write_datetime(r, c, datetime.fromisoformat(value).replace(tzinfo=None), when)
    else:
        sheet.write_string(r, c, str(value)[:32767])


_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


def stream_rows(
    batches: Iterable[list[dict[str, Any]]], row: type[Any], fmt: str
) -> Iterator[bytes]:
    """The bytes of an export of ``batches`` (rows of the row model ``row``) in ``fmt``.

    Args:
        batches: lists of JSON-ready row dicts, written one list at a time.
        row: the row model (its fields give the columns and, for Parquet, their types).
        fmt: ``csv``, ``xlsx`` or ``parquet``.

    Raises:
        InvalidInputError: an unknown format.
    """
    columns = list(row.model_fields)
    match _check(fmt):
        case "csv":
            return _csv(batches, columns)
        case "xlsx":
            return _xlsx(batches, columns)
        case _:
            return _parquet(batches, arrow_schema(row))
