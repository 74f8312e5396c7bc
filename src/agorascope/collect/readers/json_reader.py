"""JSON Lines and whole JSON documents, read as a stream."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from agorascope.collect.readers.base import (
    MAX_FIELD_BYTES,
    RAW_MAX_CHARS,
    Item,
    Progress,
    Reject,
    _Opened,
    truncate_raw,
)

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in one record; a deeper record is rejected
alone (measured without recursion, so no depth can crash the reader)."""


def json_depth(text: str, start: int = 0) -> tuple[int, int]:
    """The deepest nesting of the JSON value starting at ``start``, and where it ends.

    An iterative scan (strings and escapes skipped), so it never recurses. The end is -1 when
    the value is not complete in ``text``.
    """
    depth = deepest = 0
    i, n = start, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
            if depth <= 0:
                return deepest, i + 1
        elif depth == 0 and c not in " \t\r\n":
            # a scalar at the top: it ends at the next delimiter
            while i < n and text[i] not in ",]} \t\r\n":
                i += 1
            return deepest, i
        i += 1
    return deepest, -1


def _too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False  # cannot be deeper than its number of brackets: no scan needed
    return json_depth(text)[0] > MAX_JSON_DEPTH


_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"


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
            try:  # without its line end, so that an error's column is on this line
                text = data.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as e:
                raw = data.decode("latin-1")
                yield Reject(name, line_no, "", f"not UTF-8 text: {e.reason}", truncate_raw(raw))
                continue
            if _too_deep(text):
                yield Reject(name, line_no, "", _DEEP, truncate_raw(text))
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as e:
                # some messages end with "at" (json expects ": line 1 column N" after them)
                reason = f"invalid JSON: {e.msg.removesuffix(' at')} at column {e.colno}"
                yield Reject(name, line_no, "", reason, truncate_raw(text))
                continue
            yield Item(line_no, value, text, name)
        progress.bytes_read = opened.count
        cut = opened.truncation(name, line_no + 1)
        if cut is not None:
            yield cut


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
                deep = False
                while True:
                    try:
                        value, end = decoder.raw_decode(buf, pos)
                    except RecursionError:
                        # too deep for the recursive decoder: find its end without recursing
                        _, end = json_depth(buf, pos)
                        if end < 0 and fill(2 * (len(buf) - pos)):
                            continue
                        deep = True
                        break
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
                if deep or _too_deep(buf[pos : max(end, pos)]):
                    yield bad(_DEEP)  # this value alone; the next one is read as usual
                    if end < 0:
                        return
                    line += buf.count("\n", pos, end)
                    pos = end
                    continue
                raw = buf[pos:end]
                yield Item(line, value, raw if len(raw) <= RAW_MAX_CHARS else None, name)
                line += raw.count("\n")
                pos = end
        except UnicodeDecodeError as e:
            yield Reject(name, line, "", f"not UTF-8 text: {e.reason}", "")
        progress.bytes_read = opened.count
        cut = opened.truncation(name, line)
        if cut is not None:
            yield cut


# ----------------------------------------------------------------------------------- Parquet
