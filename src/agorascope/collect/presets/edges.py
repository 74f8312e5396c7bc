"""Edge-list cascades (``edges``): child, parent and delay columns, no user ids.

A layout common in misinformation research (retweet or reply trees published as edges): one
row per edge, a ``child`` node, its ``parent`` node and a delay; optionally a cascade column
(several trees in one file) and a label column. CSV (or TSV) and Parquet.

Columns, matched case-insensitively (the first match wins):

- child: ``child``, ``child_id``, ``node``, ``node_id``, ``target``, ``dst``;
- parent: ``parent``, ``parent_id``, ``source``, ``src``; an empty parent, ``-1``, ``ROOT``,
  ``None``, ``null`` or ``NaN`` marks a root row;
- delay: the first column whose name contains ``delay``, ``time``, ``lag`` or ``elapsed``, or
  is ``t`` / ``dt``;
- cascade (optional): ``cascade``, ``cascade_id``, ``tree``, ``tree_id``, ``thread_id``,
  ``story_id``, ``news_id``, ``event``; without one, the whole file is one cascade named after
  the file (its name without extensions);
- label (optional): ``label``, ``veracity``, ``cascade_label`` -> the cascade's label;
- root time (optional): ``root_time``, ``root_created_at``, ``source_time``.

**Which delay.** The delay is counted from the root (the source post) or from the parent. The
delay column's name decides when it says so: a name containing ``root``, ``source``,
``start`` or ``since`` means from the root, one containing ``parent`` or ``prev`` from the
parent. Otherwise the delay is taken from the root, as in Twitter15/16, PHEME and FakeNewsNet.
The unit comes from the name too (``_ms``, ``_s`` / ``sec``, ``_min`` / ``minute``, ``_h`` /
``hour``, ``_d`` / ``day``), else minutes. Options override both (below).

**Times.** A root is posted at the root time: the row's root time column, else the ``root``
option, else 2000-01-01T00:00:00 UTC. (Delays alone do not give dates; epoch 0, 1970, would
fall outside the 1990-2100 range that the importer accepts, so the origin is 2000-01-01: the
dates are then only meaningful relative to each other, which is all the cascade analyses
use.) A node's time is its root's time plus its delay (from the root), or its parent's time
plus its delay (from the parent, followed up the tree). A node whose chain of parents loops
gets no time.

**Records.** Every child becomes a post: id ``<cascade>/<child>``, parent_id
``<cascade>/<parent>``, root_id ``<cascade>/<root>``, relation ``repost`` (option
``relation=reply`` for reply trees), platform ``cascade`` (option ``platform=``); author_id is
the node itself, as the file has no user ids (so ``accounts`` ranks nodes; when nodes are user
ids, as in many retweet trees, they are the accounts). A parent that never appears as a child
becomes the root post of its cascade (relation original, no delay). A node listed again (a
second parent, a repeated row) is emitted again and counted as a duplicate by the importer: its
parent is the one of its root row when it has one (a node given as a root stays a root), else
of its first row, and its first record carries that parent; a row whose child equals its parent
is rejected.

**Options**, after the format name: ``--format "edges:delay=parent,unit=s,root=2019-03-01T12:00:00Z,
platform=weibo,relation=reply"``; ``delay`` is ``root``, ``parent`` or ``auto`` (the default).

Each cascade is buffered (one at a time, rows of a cascade being contiguous; a file without a
cascade column is one cascade) so that parents listed after their children still give times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.readers import Item, Progress, Record, Reject
from agorascope.collect.values import parse_datetime
from agorascope.errors import ImportFormatError

__all__ = ["EdgeColumns", "EdgesPreset", "edge_columns"]

_CHILD = ("child", "child_id", "node", "node_id", "target", "dst")
_PARENT = ("parent", "parent_id", "source", "src")
_CASCADE = ("cascade", "cascade_id", "tree", "tree_id", "thread_id", "story_id", "news_id", "event")
_LABEL = ("label", "veracity", "cascade_label")
_ROOT_TIME = ("root_time", "root_created_at", "source_time")
_NO_PARENT = ("", "-1", "root", "none", "null", "nan")
_UNITS = (  # (pattern in the column name, unit): the first that matches
    (r"(^|_)ms$|millisec", "ms"),
    (r"(^|_)(s|sec|secs)$|second", "s"),
    (r"(^|_)(m|min|mins)$|minute", "min"),
    (r"(^|_)(h|hr|hrs)$|hour", "h"),
    (r"(^|_)(d)$|day", "d"),
)
_MINUTES = {"ms": 1 / 60000, "s": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0}
DEFAULT_ROOT_TIME = datetime(2000, 1, 1)
"""When a cascade's root was posted, when neither a column nor the ``root`` option says."""


@dataclass(frozen=True, slots=True)
class EdgeColumns:
    """The columns of an edge list, and how to read its delays."""

    child: str
    parent: str
    delay: str | None
    cascade: str | None
    label: str | None
    root_time: str | None
    delay_from: str  # root or parent
    unit: str


def _pick(columns: Iterable[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _delay_column(columns: Iterable[str], taken: set[str]) -> str | None:
    for c in columns:
        low = c.lower()
        if c in taken or low in _ROOT_TIME:
            continue
        if low in ("t", "dt") or any(w in low for w in ("delay", "time", "lag", "elapsed")):
            return c
    return None


def edge_columns(columns: Iterable[str]) -> EdgeColumns | None:
    """The edge-list reading of a header, or None when it has no child and parent columns."""
    cols = list(columns)
    child, parent = _pick(cols, _CHILD), _pick(cols, _PARENT)
    if child is None or parent is None or child == parent:
        return None
    named = {child, parent}
    cascade, label = _pick(cols, _CASCADE), _pick(cols, _LABEL)
    root_time = _pick(cols, _ROOT_TIME)
    delay = _delay_column(cols, named | {cascade, label, root_time} - {None})  # type: ignore[operator]
    low = (delay or "").lower()
    delay_from = "parent" if any(w in low for w in ("parent", "prev")) else "root"
    unit = next((u for pat, u in _UNITS if re.search(pat, low)), "min")
    return EdgeColumns(child, parent, delay, cascade, label, root_time, delay_from, unit)


class EdgesPreset(Preset):
    """Edge-list cascades: child, parent, delay (from the root or the parent), no user ids."""

    name: ClassVar[str] = "edges"
    description: ClassVar[str] = (
        "Edge-list cascades: child, parent, delay from the root or the parent (no user ids)"
    )
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "parquet"})

    def __init__(
        self,
        delay: str = "auto",
        unit: str | None = None,
        root: datetime | None = None,
        platform: str = "cascade",
        relation: str = "repost",
    ):
        self.delay, self.unit, self.root = delay, unit, root
        self.platform, self.relation = platform, relation

    def with_options(self, options: Mapping[str, str]) -> EdgesPreset:
        """A copy with the ``delay``, ``unit``, ``root``, ``platform``, ``relation`` options.

        Raises:
            ImportFormatError: an unknown option or value.
        """
        known = {"delay", "unit", "root", "platform", "relation"}
        if set(options) - known:
            raise ImportFormatError(
                f"unknown edges option(s) {', '.join(sorted(set(options) - known))}; "
                f"known: {', '.join(sorted(known))}"
            )
        delay = options.get("delay", self.delay)
        if delay not in ("auto", "root", "parent"):
            raise ImportFormatError(f"edges option delay={delay!r}: use root, parent or auto")
        unit = options.get("unit", self.unit)
        if unit is not None and unit not in _MINUTES:
            raise ImportFormatError(f"edges option unit={unit!r}: use {', '.join(_MINUTES)}")
        relation = options.get("relation", self.relation)
        if relation not in ("repost", "reply"):
            raise ImportFormatError(f"edges option relation={relation!r}: use repost or reply")
        root = self.root
        if "root" in options:
            try:
                root = parse_datetime(options["root"], "root")
            except FieldError as e:
                raise ImportFormatError(f"edges option root: {e.reason}") from None
        platform = options.get("platform", self.platform).strip().lower()
        return EdgesPreset(delay, unit, root, platform or "cascade", relation)

    def _columns(self, probe: Probe) -> EdgeColumns | None:
        found = edge_columns(probe.columns or ())
        if found is None:
            return None
        if self.delay != "auto":
            found = replace(found, delay_from=self.delay)
        return replace(found, unit=self.unit) if self.unit else found

    def matches(self, probe: Probe) -> bool:
        found = edge_columns(probe.columns or ())
        return found is not None and found.delay is not None

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if self._columns(probe) is None:
            raise ImportFormatError(
                f"{probe.path}: an edge list needs a child column ({', '.join(_CHILD)}) and a "
                f"parent column ({', '.join(_PARENT)})"
            )

    def items(self, path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
        from agorascope.collect.presets.registry import probe as probe_source

        cols = self._columns(probe_source(path, container))
        assert cols is not None  # checked by open_source
        default = path.name.split(".")[0] or "cascade"
        for item in super().items(path, container, progress):
            if isinstance(item, Item) and isinstance(item.data, Mapping):
                data = {"_cols": cols, "_default": default, **item.data}
                yield Item(item.line, data, item.raw, item.path)
            else:
                yield item

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        """One edge alone (its time needs the cascade: see :meth:`records`)."""
        return [r.fields for r in self._cascade([item]) if isinstance(r, Record)]

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        group: list[Item] = []
        current: Any = None
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            key = self._cascade_of(item)
            if group and key != current:
                yield from self._cascade(group)
                group = []
            current = key
            group.append(item)
        if group:
            yield from self._cascade(group)

    @staticmethod
    def _cascade_of(item: Item) -> str:
        cols: EdgeColumns = item.data["_cols"]
        value = _text(item.data.get(cols.cascade)) if cols.cascade else None
        return value or str(item.data["_default"])

    def _cascade(self, group: list[Item]) -> Iterator[Record | Reject]:
        cols: EdgeColumns = group[0].data["_cols"]
        cascade = self._cascade_of(group[0])
        parent_of: dict[str, str | None] = {}
        delay_of: dict[str, float] = {}
        rows: list[tuple[Item, str, str | None, float | None]] = []
        label: str | None = None
        origin: datetime | None = None
        for item in group:
            row = item.data
            try:
                child, parent, delay = self._edge(row, cols)
                if cols.root_time and origin is None and _text(row.get(cols.root_time)):
                    origin = parse_datetime(row.get(cols.root_time), cols.root_time)
            except FieldError as e:
                yield Reject(item.path, item.line, e.field, e.reason, item.raw_text())
                continue
            label = label or (_text(row.get(cols.label)) if cols.label else None)
            rows.append((item, child, parent, delay))
        for _, child, parent, delay in sorted(rows, key=lambda r: r[2] is not None):
            parent_of.setdefault(child, parent)  # a root row first, then the first parent
            if delay is not None:
                delay_of.setdefault(child, delay)
        origin = origin or self.root or DEFAULT_ROOT_TIME
        times = _times(parent_of, delay_of, cols.delay_from, origin, _MINUTES[cols.unit])
        roots = [p for p in dict.fromkeys(p for _, _, p, _ in rows if p) if p not in parent_of]
        first = rows[0][0] if rows else group[0]
        for node in roots:  # parents never listed as children: the cascade's root posts
            fields = self._post(cascade, node, None, node, origin, label)
            yield Record(first.path, first.line, fields)
        done: set[str] = set()
        for item, child, parent, _ in rows:
            kept = parent_of[child] if child not in done else parent  # the kept row first
            done.add(child)
            root = _root(child, parent_of)
            fields = self._post(cascade, child, kept, root, times.get(child), label)
            yield Record(item.path, item.line, fields)

    def _edge(
        self, row: Mapping[str, Any], cols: EdgeColumns
    ) -> tuple[str, str | None, float | None]:
        child = _text(row.get(cols.child))
        if child is None:
            raise FieldError(cols.child, "empty child node")
        parent = _text(row.get(cols.parent))
        if parent is not None and parent.lower() in _NO_PARENT:
            parent = None
        if parent == child:
            raise FieldError(cols.parent, "edge from a node to itself")
        delay: float | None = None
        raw = _text(row.get(cols.delay)) if cols.delay else None
        if raw is not None:
            try:
                delay = float(raw)
            except ValueError:
                raise FieldError(str(cols.delay), f"not a number: {raw[:40]!r}") from None
            if delay != delay or delay in (float("inf"), float("-inf")):
                raise FieldError(str(cols.delay), f"not a finite number: {raw[:40]!r}")
        return child, parent, delay

    def _post(
        self,
        cascade: str,
        node: str,
        parent: str | None,
        root: str,
        when: datetime | None,
        label: str | None,
    ) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "id": f"{cascade}/{node}",
            "author_id": node,
            "created_at": when,
            "parent_id": f"{cascade}/{parent}" if parent else None,
            "root_id": f"{cascade}/{root}",
            "relation": self.relation if parent else "original",
            "cascade_label": label,
        }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _root(node: str, parent_of: Mapping[str, str | None]) -> str:
    seen = {node}
    while (parent := parent_of.get(node)) is not None and parent not in seen:
        seen.add(parent)
        node = parent
    return node


def _times(
    parent_of: Mapping[str, str | None],
    delay_of: Mapping[str, float],
    delay_from: str,
    origin: datetime,
    minutes: float,
) -> dict[str, datetime]:
    """Each node's time: origin + delay (from the root), or the parent's time + delay."""
    out: dict[str, datetime] = {}
    for node in parent_of:
        if delay_from == "root" or parent_of[node] is None:
            out[node] = origin + timedelta(minutes=delay_of.get(node, 0.0) * minutes)
            continue
        chain, seen = [], set()
        current: str | None = node
        while current is not None and current not in out and current not in seen:
            seen.add(current)
            chain.append(current)
            current = parent_of.get(current)
        if current is not None and current in seen:
            continue  # a loop of parents: no time
        base = out[current] if current is not None else origin
        for n in reversed(chain):
            base = base + timedelta(minutes=delay_of.get(n, 0.0) * minutes)
            out[n] = base
    return out
