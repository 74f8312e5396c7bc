"""agorascope's own flat layout and the user-mapped layout.

``native``: CSV, JSONL or Parquet whose columns are :data:`CANONICAL_FIELDS` (at least
``platform`` and ``id``); values pass through unchanged, blank CSV cells become None, and list
columns written as JSON arrays (``["a", "b"]``) or ``|``-separated text in CSV are split.
Unknown columns are ignored (lost).

``mapping``: any CSV, JSONL, JSON or Parquet file with a mapping ``{canonical field: source}``
where the source is a column name or a dotted JSON path (``user.screen_name``,
``entities.urls.0.expanded_url``), or a constant written with a leading ``=`` (``platform:
"=tiktok"``; ``"==x"`` gives the literal text ``=x``). The mapping is given as a dict, or as a
JSON or TOML file of one flat table (see :func:`load_mapping`). Unknown canonical names and
mapped columns missing from the file are errors before any row is read; for JSON sources a path
is checked against the first value's top-level keys. Unmapped source columns are lost.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import (
    CANONICAL_FIELDS,
    REQUIRED_FIELDS,
    FieldError,
    fields_hint,
)
from agorascope.collect.presets.base import Preset, Probe, blank_to_none, get_path
from agorascope.collect.readers import Item
from agorascope.errors import ImportFormatError

__all__ = [
    "LIST_FIELDS",
    "MappingPreset",
    "NativePreset",
    "load_mapping",
    "load_mapping_file",
    "parse_list_cell",
]

LIST_FIELDS = frozenset({"hashtags", "mentions", "urls"})


def parse_list_cell(value: Any, field: str) -> Any:
    """A list from a CSV cell holding a JSON array or ``|``-separated text; others unchanged.

    Raises:
        FieldError: the cell starts like a JSON array but is not one.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as e:
            raise FieldError(field, f"not a JSON array: {e.msg}") from None
        if not isinstance(parsed, list):
            raise FieldError(field, "not a JSON array")
        return [str(v) for v in parsed if v is not None]
    return [part.strip() for part in text.split("|") if part.strip()]


class NativePreset(Preset):
    """Flat canonical columns, as agorascope writes them."""

    name: ClassVar[str] = "native"
    description: ClassVar[str] = (
        "agorascope's flat layout (CANONICAL_FIELDS columns): CSV/JSONL/Parquet"
    )
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "jsonl", "json", "parquet"})

    @staticmethod
    def _columns(probe: Probe) -> set[str]:
        if probe.columns is not None:
            return set(probe.columns)
        return set(probe.first) if isinstance(probe.first, Mapping) else set()

    def matches(self, probe: Probe) -> bool:
        cols = self._columns(probe)
        known = cols & set(CANONICAL_FIELDS)
        return set(REQUIRED_FIELDS) <= cols and 2 * len(known) >= len(cols)

    def check(self, probe: Probe) -> None:
        super().check(probe)
        missing = [f for f in REQUIRED_FIELDS if f not in self._columns(probe)]
        if missing:
            raise ImportFormatError(f"{probe.path}: native layout needs columns {missing}")

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        if not isinstance(item.data, Mapping):
            raise FieldError("", "a record must be a JSON object")
        fields: dict[str, Any] = {}
        for name in CANONICAL_FIELDS:
            if name not in item.data:
                continue
            value = blank_to_none(item.data[name])
            fields[name] = parse_list_cell(value, name) if name in LIST_FIELDS else value
        return [fields]


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file: JSON (an object) or TOML (a flat table, or a ``[mapping]`` table).

    Raises:
        ImportFormatError: unreadable file, or values that are not strings.
    """
    return load_mapping_file(path)[0]


def load_mapping_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A mapping file's mapping and its date formats.

    JSON: an object, or ``{"mapping": {...}, "date_formats": {...}}``. TOML: a flat table, or
    ``[mapping]`` and ``[date_formats]`` tables (what ``agorascope import --write-mapping``
    writes).

    Raises:
        ImportFormatError: unreadable file, values that are not strings, or a bad date format.
    """
    from agorascope.collect.dates import parse_date_formats
    from agorascope.errors import InvalidInputError

    try:
        text = path.read_text(encoding="utf-8")
        data: Any = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as e:
        raise ImportFormatError(f"{path}: cannot read the mapping: {e}") from e
    formats: Any = {}
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        formats = data.get("date_formats", {})
        data = data["mapping"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ImportFormatError(f'{path}: a mapping is a flat table of field = "source" strings')
    if not isinstance(formats, dict) or not all(isinstance(v, str) for v in formats.values()):
        raise ImportFormatError(f'{path}: date_formats is a table of field = "format" strings')
    try:
        date_formats = parse_date_formats([f"{k}={v}" for k, v in formats.items()])
    except InvalidInputError as e:
        raise ImportFormatError(f"{path}: {e}") from e
    return {str(k): v for k, v in data.items()}, date_formats


class MappingPreset(Preset):
    """Any tabular or JSON file read through a user mapping of canonical fields to sources."""

    name: ClassVar[str] = "mapping"
    description: ClassVar[str] = (
        "any CSV/JSON(L)/Parquet with a user mapping {field: column, dotted.path or =constant}"
    )
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "jsonl", "json", "parquet"})
    detectable: ClassVar[bool] = False

    def __init__(self, mapping: Mapping[str, str] | None = None):
        self.mapping = dict(mapping or {})
        unknown = sorted(set(self.mapping) - set(CANONICAL_FIELDS))
        if unknown:
            raise ImportFormatError(
                f"unknown canonical field(s) {', '.join(unknown)}; {fields_hint()}"
            )
        missing = [f for f in REQUIRED_FIELDS if f not in self.mapping]
        if self.mapping and missing:
            raise ImportFormatError(f"the mapping must give {', '.join(missing)}; {fields_hint()}")
        bad = [k for k, v in self.mapping.items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise ImportFormatError(
                f"empty source for {', '.join(bad)} in the mapping; {fields_hint()}"
            )

    def matches(self, probe: Probe) -> bool:
        return False  # never guessed: a mapping must be given

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if not self.mapping:
            raise ImportFormatError(
                f"{probe.path}: the mapping preset needs a mapping: --map FIELD=COLUMN "
                f"(repeatable), --map MAPPING.toml, or --guess to propose one; {fields_hint()}"
            )
        if probe.columns is not None:
            available = set(probe.columns)
            roots = available
        elif isinstance(probe.first, Mapping):
            available = set(probe.first)
            roots = available
        else:
            return  # an empty source: nothing to check
        for field, source in self.mapping.items():
            if source.startswith("=") or source in available:
                continue
            if source.split(".", 1)[0] not in roots:
                shown = ", ".join(sorted(available)[:40])
                raise ImportFormatError(
                    f"{probe.path}: column {source!r} (mapped to {field}) is not in the file; "
                    f"its columns: {shown}"
                )

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        fields: dict[str, Any] = {}
        for field, source in self.mapping.items():
            if source.startswith("="):
                fields[field] = source[1:]
                continue
            value = blank_to_none(get_path(item.data, source))
            if field in LIST_FIELDS and item.raw is not None and isinstance(value, str):
                value = parse_list_cell(value, source)
            fields[field] = value
        return [fields]
