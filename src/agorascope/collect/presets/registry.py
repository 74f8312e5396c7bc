"""The preset registry, format detection and :func:`open_source`."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.presets.bluesky import BlueskyPreset
from agorascope.collect.presets.cascade import CascadeTreesPreset
from agorascope.collect.presets.edges import EdgesPreset
from agorascope.collect.presets.fourcat import FourCatPreset
from agorascope.collect.presets.gdelt import GdeltEventsPreset, GdeltGkgPreset
from agorascope.collect.presets.ira import IraPreset
from agorascope.collect.presets.mastodon import MastodonPreset
from agorascope.collect.presets.native import MappingPreset, NativePreset
from agorascope.collect.presets.reddit import RedditPreset
from agorascope.collect.presets.telegram import TelegramPreset
from agorascope.collect.presets.xapi import TwarcPreset, XV2Preset
from agorascope.collect.presets.xapi_v1 import XV1Preset
from agorascope.collect.presets.youtube import YouTubePreset
from agorascope.collect.readers import (
    Item,
    Progress,
    Record,
    Reject,
    detect_container,
    iter_container,
    parquet_columns,
    read_header,
)
from agorascope.errors import ImportFormatError

__all__ = ["PRESETS", "Source", "detect_format", "open_source", "parse_options", "probe"]

PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        p.name: p
        for p in (
            NativePreset(),
            MappingPreset(),
            IraPreset(),
            CascadeTreesPreset(),
            XV2Preset(),
            TwarcPreset(),
            XV1Preset(),
            FourCatPreset(),
            GdeltEventsPreset(),
            GdeltGkgPreset(),
            RedditPreset(),
            MastodonPreset(),
            BlueskyPreset(),
            YouTubePreset(),
            TelegramPreset(),
            EdgesPreset(),
        )
    }
)
"""Preset name -> preset; each has a one-line ``description``."""


def probe(path: Path, container: str | None = None) -> Probe:
    """Look at a source's container, header or first JSON value without reading it all.

    Raises:
        ImportFormatError: the file is empty, unreadable or of no known container.
    """
    container = container or detect_container(path)
    columns: tuple[str, ...] | None = None
    first: Any = None
    if container == "csv":
        columns = tuple(read_header(path)[0])
    elif container == "parquet":
        columns = tuple(parquet_columns(path))
    elif container in ("json", "jsonl"):
        for item in iter_container(path, container, Progress()):
            if isinstance(item, Item):
                first = item.data
                break
    return Probe(path, container, columns, first)


def _describe(p: Probe) -> str:
    if p.columns is not None:
        shown = ", ".join(p.columns[:12]) + (", ..." if len(p.columns) > 12 else "")
        return f"{p.container} with columns [{shown}]"
    if isinstance(p.first, Mapping):
        return f"{p.container} whose first value has keys [{', '.join(list(p.first)[:12])}]"
    return p.container


def detect_format(path: Path) -> str:
    """Name the preset that reads ``path``.

    Raises:
        ImportFormatError: no preset or several presets match; the message lists the
            candidates and what the file looks like.
    """
    p = probe(path)
    candidates = [name for name, preset in PRESETS.items() if preset.detectable and
                  p.container in preset.containers and preset.matches(p)]  # fmt: skip
    if len(candidates) == 1:
        return candidates[0]
    known = ", ".join(n for n, preset in PRESETS.items() if preset.detectable)
    if not candidates:
        raise ImportFormatError(
            f"{path}: unknown format ({_describe(p)}); known formats: {known}; "
            "for other layouts give --format mapping with a column mapping"
        )
    raise ImportFormatError(
        f"{path}: ambiguous format, it could be {' or '.join(candidates)}; choose one with --format"
    )


class Source:
    """One file (or cascade-tree folder) read as canonical records and rejects.

    Iterating opens the file again each time; ``bytes_read`` grows while iterating, up to
    ``total_bytes``, for a progress bar.

    Attributes:
        path: the file or folder.
        format: the preset used (given or detected).
        container: csv, jsonl, json, parquet or folder.
        total_bytes: size on disk (compressed size for gzip; the sum of files for a folder).
    """

    def __init__(self, path: Path, preset: Preset, container: str):
        self.path = path
        self.preset = preset
        self.format = preset.name
        self.container = container
        self.total_bytes = _size(path)
        self._progress = Progress()

    @property
    def bytes_read(self) -> int:
        """Bytes consumed so far by the current (or last) iteration."""
        return min(self._progress.bytes_read, self.total_bytes)

    def __iter__(self) -> Iterator[Record | Reject]:
        self._progress = Progress()
        items = self.preset.items(self.path, self.container, self._progress)
        yield from self.preset.records(items)
        self._progress.bytes_read = self.total_bytes

    def __repr__(self) -> str:
        return f"Source({str(self.path)!r}, format={self.format!r}, container={self.container!r})"


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(
            os.path.getsize(os.path.join(root, f))
            for root, _, files in os.walk(path)
            for f in files
        )
    return path.stat().st_size


def open_source(
    path: Path, format: str | None = None, mapping: Mapping[str, str] | None = None
) -> Source:
    """Open a file (or cascade-tree folder) for import.

    Args:
        path: the file or folder.
        format: a preset name (see :data:`PRESETS`); detected when None. A mapping without a
            format means ``mapping``. Options may follow the name after a colon, as
            ``key=value`` pairs separated by commas (``edges:delay=parent,unit=s``).
        mapping: for the ``mapping`` preset, canonical field -> column / dotted path /
            ``=constant``.

    Returns:
        A :class:`Source` whose header (or first value) has been checked.

    Raises:
        ImportFormatError: unknown preset, undetectable format, or a file the preset cannot
            read (missing columns, wrong container, unknown mapped field...).

    Examples:
        >>> source = open_source(Path("tweets.csv.gz"))  # doctest: +SKIP
        >>> for rec in source: ...  # doctest: +SKIP
    """
    path = Path(path)
    if mapping is not None and format is None:
        format = "mapping"
    if format is None:
        format = detect_format(path)
    format, _, options = format.partition(":")
    if format not in PRESETS:
        raise ImportFormatError(f"unknown format {format!r}; known: {', '.join(PRESETS)}")
    if mapping is not None and format != "mapping":
        raise ImportFormatError(f"a column mapping needs --format mapping, not {format}")
    preset: Preset = MappingPreset(mapping) if format == "mapping" else PRESETS[format]
    if options:
        preset = preset.with_options(parse_options(options))
    p = probe(path)
    preset.check(p)
    return Source(path, preset, p.container)


def parse_options(text: str) -> dict[str, str]:
    """``key=value`` pairs separated by commas (the options after a format name).

    Raises:
        ImportFormatError: a pair without ``=``.
    """
    out: dict[str, str] = {}
    for pair in text.split(","):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ImportFormatError(f"format option {pair!r}: expected key=value")
        out[key.strip().lower()] = value.strip()
    return out


def expand_paths(paths: Sequence[str | Path], format: str | None = None) -> list[Path]:
    """The files to import for ``paths``, in order.

    A folder in the cascade-trees layout (given ``format="cascade-trees"``, or detected) stays
    one source. Any other folder stands for every file under it, recursively, sorted by path,
    without hidden files and folders (names starting with ``.``): a PHEME thread or a folder of
    daily exports imports in one call.

    Raises:
        ImportFormatError: a folder holds no file to import.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir() or format == "cascade-trees" or _tree_folder(path, format):
            out.append(path)
            continue
        files = _folder_files(path)
        if not files:
            raise ImportFormatError(f"{path}: the folder holds no file to import")
        out.extend(files)
    return out


def _folder_files(folder: Path) -> list[Path]:
    """Every non-hidden file under ``folder``, sorted, following symbolic links to folders.

    Nothing is skipped without a word: a dangling link stays in the list (opening it then
    names it and stops the import before anything is written), and a link that loops back
    to a folder above it is an error naming the link.

    Raises:
        ImportFormatError: a symbolic link loop.
    """
    files: list[Path] = []
    seen = {os.path.realpath(folder)}
    for root, dirs, names in os.walk(folder, followlinks=True):
        here = Path(root)
        for d in list(dirs):
            sub = here / d
            if d.startswith("."):
                dirs.remove(d)
                continue
            real = os.path.realpath(sub)
            if sub.is_symlink() and (real in seen or folder.resolve().is_relative_to(real)):
                raise ImportFormatError(f"{sub}: a symbolic link that loops back to {real}")
            seen.add(real)
        for n in names:
            if not n.startswith("."):
                files.append(here / n)  # a dangling link too: it is named when opened
    return sorted(files)


def _tree_folder(path: Path, format: str | None) -> bool:
    if format is not None:
        return False
    try:
        return detect_format(path) == "cascade-trees"
    except ImportFormatError:
        return False
