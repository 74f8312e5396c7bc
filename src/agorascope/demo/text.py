"""Vectorised assembly of post texts and of the hashtag / mention / URL lists they contain.

A text is a sequence of optional tokens joined by spaces (missing ones are nulls and skipped):
``prefix opener body #tag1 #tag2 #tag3 @mention link quoted-link``. Every token comes from a
:class:`Table` of strings picked by integer codes, so building a million texts is a handful of
Arrow kernels. The list columns are made from the very same tokens, which is why a parser
reading the text finds exactly the lists.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from agorascope.demo import phrases
from agorascope.demo._counter import U64

__all__ = ["Table", "by_lang", "join_tokens", "list_column", "lower", "prefixed", "scatter"]

I64 = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class Table:
    """Strings in groups (one group per language, topic, ...), picked by vectorised codes."""

    def __init__(self, groups: Sequence[Sequence[str]]):
        flat = [s for group in groups for s in group]
        sizes = np.array([len(group) for group in groups], dtype=np.int64)
        if (sizes == 0).any():
            raise ValueError("every group of a Table needs at least one string")
        self.values = pa.array(flat, pa.string())
        self.offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.size = sizes.astype(np.uint64)

    def pick(self, group: I64, h: U64) -> I64:
        """Index of a string of ``group`` chosen by the random words ``h``."""
        return self.offset[group] + (h % self.size[group]).astype(np.int64)

    def take(self, index: I64, valid: BoolArray | None = None) -> pa.Array:
        """The strings at ``index`` (null where ``valid`` is False)."""
        mask = None if valid is None else ~valid
        return self.values.take(pa.array(index, pa.int64(), mask=mask))


def by_lang(table: dict[str, tuple[str, ...]]) -> Table:
    """A :class:`Table` with one group per language of :data:`phrases.LANGS` (English default)."""
    return Table([table.get(lang, table["en"]) for lang in phrases.LANGS])


def join_tokens(tokens: Sequence[pa.Array], sep: str = " ") -> pa.Array:
    """Joins the non-null tokens of each row with ``sep``."""
    return pc.binary_join_element_wise(*tokens, sep, null_handling="skip")


def prefixed(prefix: str, values: pa.Array) -> pa.Array:
    """``prefix + value`` per row (null stays null)."""
    return pc.binary_join_element_wise(pa.scalar(prefix), values, "")


def lower(values: pa.Array) -> pa.Array:
    """Lower-cased strings."""
    return pc.utf8_lower(values)


def list_column(slots: Sequence[pa.Array]) -> pa.Array:
    """A ``list<string>`` column from per-row slots, skipping nulls and keeping slot order."""
    n = len(slots[0])
    valid = np.stack([np.asarray(s.is_valid()) for s in slots], axis=1)  # rows x slots
    counts = valid.sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    where = np.arange(n, dtype=np.int64)[:, None] + n * np.arange(len(slots), dtype=np.int64)
    values = pa.concat_arrays([s.cast(pa.string()) for s in slots]).take(
        pa.array(where[valid], pa.int64())
    )
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def scatter(values: pa.Array, rows: I64, n: int) -> pa.Array:
    """An array of ``n`` nulls with ``values`` placed at ``rows`` (computing only what is used)."""
    index = np.full(n, -1, dtype=np.int64)
    index[rows] = np.arange(len(rows), dtype=np.int64)
    return values.take(pa.array(index, pa.int64(), mask=index < 0))
