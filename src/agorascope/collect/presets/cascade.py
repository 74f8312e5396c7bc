"""Twitter15 / Twitter16 propagation trees (Ma, Gao & Wong, ACL 2017).

Two layouts give identical records:

- the original folder: ``label.txt`` with lines ``label:source_tweet_id`` and
  ``tree/<source id>.txt`` with lines ``['ROOT', 'ROOT', '0.0']->['1002', '516...', '0.0']``
  (parent -> child, each ``[user id, tweet id, delay in minutes]``);
- the flattened CSV ``cascade_id, label, parent_user, parent_tweet, parent_delay_min, user,
  tweet, delay_min``.

A node is ``(user, tweet, delay)``, not a tweet id: a retweet carries the id of the tweet it
retweets. Records, one per edge line:

- ``id``: the source tweet id (= the cascade id) for the node on the ``ROOT`` line; for every
  other node ``<cascade>/<user>/<tweet>/<delay>`` with the delay canonicalised (``0.0`` and
  ``0`` both give ``0``; ``4.50`` gives ``4.5``);
- ``root_id``: the cascade id; ``parent_id``: the parent node's id (None on the ROOT line);
  ``relation``: ``original`` on the ROOT line, else ``repost``; ``author_id``: the user;
  ``cascade_label``: the label (None when label.txt has no line for a tree);
- ``created_at``: the source tweet's time decoded from its snowflake id
  (``(id >> 22) + 1288834974657`` ms since the epoch, UTC) plus the delay; None when the
  cascade id is not a snowflake. Delays may be negative (edges are not always in time order).

Quirks kept as they are: a node listed again (duplicate line, or under a second parent) is
emitted again with the same id, in file order, and the pipeline keeps the first and counts the
others as duplicates. A line whose child equals its parent adds no node or edge: it becomes a
reject (on Twitter15 every such node also appears on another line). The ROOT line is not always
the first line of a tree, so each cascade is buffered (one tree at a time) before its records
are produced. Lost: nothing but the text, which the data set does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.readers import Item, Progress, Record, Reject, truncate_raw
from agorascope.errors import ImportFormatError

__all__ = ["CSV_COLUMNS", "CascadeTreesPreset", "canonical_delay", "snowflake_time"]

CSV_COLUMNS = (
    "cascade_id",
    "label",
    "parent_user",
    "parent_tweet",
    "parent_delay_min",
    "user",
    "tweet",
    "delay_min",
)
_TWITTER_EPOCH_MS = 1288834974657
_FIRST_SNOWFLAKE = 30_000_000_000  # sequential ids stopped below this in November 2010
_NODE = r"\[\s*(['\"])(.*?)\1\s*,\s*(['\"])(.*?)\3\s*,\s*(['\"])(.*?)\5\s*\]"
_EDGE = re.compile(rf"^\s*{_NODE}\s*->\s*{_NODE}\s*$")


def snowflake_time(tweet_id: str) -> datetime | None:
    """The creation time encoded in a Twitter snowflake id, or None for other ids."""
    if not tweet_id.isdigit():
        return None
    value = int(tweet_id)
    if value < _FIRST_SNOWFLAKE or value >= 1 << 63:
        return None
    return datetime.fromtimestamp(((value >> 22) + _TWITTER_EPOCH_MS) / 1000, tz=UTC)


def canonical_delay(text: str, field: str = "delay_min") -> str:
    """A delay written one way: ``0.0`` and ``0`` -> ``0``, ``4.50`` -> ``4.5``.

    Raises:
        FieldError: not a finite number.
    """
    try:
        value = float(text)
    except ValueError:
        raise FieldError(field, f"not a number of minutes: {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(field, f"not a finite number of minutes: {text!r}")
    rendered = repr(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    return rendered[:-2] if rendered.endswith(".0") else rendered


def _parse_tree_line(text: str) -> tuple[str, str, str, str, str, str] | None:
    match = _EDGE.match(text)
    if match is None:
        return None
    g = match.groups()
    return g[1], g[3], g[5], g[7], g[9], g[11]


class CascadeTreesPreset(Preset):
    """Twitter15/16 retweet trees, original folder or flattened CSV."""

    name: ClassVar[str] = "cascade-trees"
    description: ClassVar[str] = (
        "Twitter15/16 propagation trees (Ma et al. 2017): label.txt + tree/ folder, or flat CSV"
    )
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "parquet", "folder"})

    def matches(self, probe: Probe) -> bool:
        if probe.container == "folder":
            return (probe.path / "tree").is_dir()
        return set(CSV_COLUMNS) <= set(probe.columns or ())

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if probe.container == "folder" and not (probe.path / "tree").is_dir():
            raise ImportFormatError(f"{probe.path}: a cascade-trees folder needs a tree/ folder")
        if probe.container != "folder":
            missing = [c for c in CSV_COLUMNS if c not in (probe.columns or ())]
            if missing:
                raise ImportFormatError(f"{probe.path}: missing columns {', '.join(missing)}")

    # -------------------------------------------------------------------- folder layout

    def items(self, path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
        if container != "folder":
            return super().items(path, container, progress)
        return self._folder_items(path, progress)

    def _folder_items(self, folder: Path, progress: Progress) -> Iterator[Item | Reject]:
        labels: dict[str, str] = {}
        order: list[str] = []
        label_file = folder / "label.txt"
        tree_dir = folder / "tree"
        done = 0
        if label_file.is_file():
            with open(label_file, encoding="utf-8", errors="replace") as f:
                for n, text in enumerate(f, 1):
                    if not text.strip():
                        continue
                    label, sep, source = text.strip().partition(":")
                    if not sep or not source.strip().isdigit():
                        yield Reject(str(label_file), n, "label", "not 'label:tweet_id'",
                                     truncate_raw(text.rstrip()))  # fmt: skip
                        continue
                    source = source.strip()
                    if not (tree_dir / f"{source}.txt").is_file():
                        yield Reject(str(label_file), n, "label", f"no tree/{source}.txt",
                                     truncate_raw(text.rstrip()))  # fmt: skip
                        continue
                    if source not in labels:
                        order.append(source)
                    labels[source] = label.strip()
            done += label_file.stat().st_size
        listed = set(order)
        order += sorted(p.stem for p in tree_dir.glob("*.txt") if p.stem not in listed)
        for cascade in order:
            tree = tree_dir / f"{cascade}.txt"
            with open(tree, encoding="utf-8", errors="replace") as f:
                for n, text in enumerate(f, 1):
                    if not text.strip():
                        continue
                    parsed = _parse_tree_line(text)
                    if parsed is None:
                        yield Reject(str(tree), n, "", "not a line like ['u', 't', 'd']->[...]",
                                     truncate_raw(text.rstrip()))  # fmt: skip
                        continue
                    row = dict(zip(CSV_COLUMNS, (cascade, labels.get(cascade, ""), *parsed),
                                   strict=True))  # fmt: skip
                    yield Item(n, row, text.rstrip(), str(tree))
            done += tree.stat().st_size
            progress.bytes_read = done

    # ------------------------------------------------------------------------ records

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        """Convert one edge alone, as if its tree had no ROOT line elsewhere."""
        return [self._edge(item.data, {})]

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        roots: dict[str, tuple[str, str, str]] = {}
        group: list[Item] = []
        current: str | None = None
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            cascade = str(item.data.get("cascade_id") or "").strip()
            if group and cascade != current:
                yield from self._flush(group, roots)
                group = []
            current = cascade
            group.append(item)
        if group:
            yield from self._flush(group, roots)

    def _flush(
        self, group: list[Item], roots: dict[str, tuple[str, str, str]]
    ) -> Iterator[Record | Reject]:
        for item in group:  # find the ROOT line wherever it is in the tree
            row = item.data
            if str(row.get("parent_user", "")).strip() == "ROOT":
                cascade = str(row.get("cascade_id", "")).strip()
                try:
                    node = self._node(row, "")
                except FieldError:
                    continue
                roots.setdefault(cascade, node)
        for item in group:
            try:
                fields = self._edge(item.data, roots)
            except FieldError as e:
                yield Reject(item.path, item.line, e.field, e.reason, item.raw_text())
                continue
            yield Record(item.path, item.line, fields)

    @staticmethod
    def _node(row: dict[str, Any], prefix: str) -> tuple[str, str, str]:
        user = str(row.get(prefix + "user") or "").strip()
        tweet = str(row.get(prefix + "tweet") or "").strip()
        delay_field = prefix + "delay_min"
        if not user:
            raise FieldError(prefix + "user", "empty user id")
        if not tweet:
            raise FieldError(prefix + "tweet", "empty tweet id")
        return user, tweet, canonical_delay(str(row.get(delay_field) or ""), delay_field)

    def _edge(self, row: dict[str, Any], roots: dict[str, tuple[str, str, str]]) -> dict[str, Any]:
        cascade = str(row.get("cascade_id") or "").strip()
        if not cascade:
            raise FieldError("cascade_id", "empty cascade id")
        child = self._node(row, "")
        is_root_line = str(row.get("parent_user", "")).strip() == "ROOT"
        root = roots.get(cascade)

        def node_id(node: tuple[str, str, str]) -> str:
            return cascade if node == root else f"{cascade}/{node[0]}/{node[1]}/{node[2]}"

        parent_id: str | None = None
        if not is_root_line:
            parent = self._node(row, "parent_")
            if parent == child:
                raise FieldError("parent", "edge from a node to itself (a data-set quirk)")
            parent_id = node_id(parent)
        base = snowflake_time(cascade)
        label = str(row.get("label") or "").strip()
        return {
            "platform": "twitter",
            "id": cascade if is_root_line and child == root else node_id(child),
            "author_id": child[0],
            "created_at": None if base is None else base + timedelta(minutes=float(child[2])),
            "parent_id": parent_id,
            "root_id": cascade,
            "relation": "original" if is_root_line else "repost",
            "cascade_label": label or None,
        }
