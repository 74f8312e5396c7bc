"""What every preset is: detection from a probe, conversion of raw items to canonical records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.readers import Item, Progress, Record, Reject, iter_container
from agorascope.errors import ImportFormatError

__all__ = ["Preset", "Probe", "blank_to_none", "get_path", "split_list"]


@dataclass(frozen=True, slots=True)
class Probe:
    """What detection sees of a source before reading it.

    Attributes:
        path: the file or folder.
        container: csv, jsonl, json, parquet or folder.
        columns: header cells (CSV) or top-level columns (Parquet); None for JSON and folders.
        first: the first JSON value (JSON, JSONL), or None.
    """

    path: Path
    container: str
    columns: tuple[str, ...] | None
    first: Any


class Preset:
    """A source format: detection, then conversion of raw items to canonical field dicts.

    Subclasses set ``name``, ``description`` (one line) and ``containers``, and implement
    :meth:`matches` and :meth:`convert`. :meth:`check` rejects a source the preset cannot read
    before any row is produced; :meth:`records` may be overridden when records depend on more
    than one item (cascade trees).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    containers: ClassVar[frozenset[str]]
    detectable: ClassVar[bool] = True

    def matches(self, probe: Probe) -> bool:
        """Whether the probed source looks like this format (used by detection)."""
        raise NotImplementedError

    def check(self, probe: Probe) -> None:
        """Raise ImportFormatError when the source cannot be read with this preset."""
        if probe.container not in self.containers:
            raise ImportFormatError(
                f"{probe.path}: the {self.name} preset reads "
                f"{', '.join(sorted(self.containers))}, not {probe.container}"
            )

    def with_options(self, options: Mapping[str, str]) -> Preset:
        """This preset with options given after its name (``--format "edges:delay=parent"``).

        Raises:
            ImportFormatError: the preset takes no options, or an option is not known.
        """
        raise ImportFormatError(f"the {self.name} preset takes no options")

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        """Canonical field dicts for one raw item.

        Raises:
            FieldError: a field of the item cannot be used.
        """
        raise NotImplementedError

    def items(self, path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
        """The raw items of the source (the container reader by default)."""
        return iter_container(path, container, progress)

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        """Convert items to records; a :class:`FieldError` rejects the whole item."""
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            try:
                converted = list(self.convert(item))
            except FieldError as e:
                yield Reject(item.path, item.line, e.field, e.reason, item.raw_text())
                continue
            for fields in converted:
                yield Record(item.path, item.line, fields)


def blank_to_none(value: Any) -> Any:
    """None for missing and blank strings; stripped text otherwise; other values unchanged."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``user.public_metrics.followers_count``), or None.

    An exact key wins over a dotted walk, so CSV columns named ``a.b`` work too. Integer
    segments index lists (``entities.urls.0.expanded_url``).
    """
    if isinstance(data, Mapping) and path in data:
        return data[path]
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
        if current is None:
            return None
    return current


def split_list(value: Any, sep: str = ",") -> list[str] | None:
    """A list from a list value or a ``sep``-separated string ('' -> []); None stays None."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [part.strip() for part in str(value).split(sep) if part.strip()]
