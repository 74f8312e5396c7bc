"""Small helpers shared by the presets of today's platforms (Reddit, Mastodon, Bluesky...)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.presets.base import Preset, Probe, blank_to_none
from agorascope.collect.readers import Item, Record, Reject
from agorascope.errors import ImportFormatError

__all__ = [
    "JsonPreset",
    "OnceRecords",
    "Pairs",
    "each",
    "html_text",
    "mapping",
    "need_id",
    "str_or_none",
]

Pairs = list[tuple[dict[str, Any], bool] | FieldError]
"""What a converter of :class:`OnceRecords` returns: ``(fields, embedded)`` pairs, and the
errors of the elements of a response page that could not be read (each one a reject)."""


def str_or_none(value: Any) -> str | None:
    """A stripped string, or None for missing and blank values (numbers are written out)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def need_id(value: Any, field: str) -> str:
    """The identifier at ``field``.

    Raises:
        FieldError: missing, blank or not a string or integer.
    """
    if isinstance(value, Mapping | list):
        raise FieldError(field, f"expected an identifier, got {type(value).__name__}")
    text = str_or_none(value)
    if text is None:
        raise FieldError(field, "missing identifier")
    return text


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def html_text(html: Any) -> str | None:
    """Plain text of an HTML fragment (paragraphs and line breaks kept as new lines)."""
    text = blank_to_none(html)
    if not isinstance(text, str):
        return None
    from agorascope.watch.parse import html_to_text  # lxml only when HTML is read

    return html_to_text(text)


def each(elements: Any, convert: Callable[[Any], Pairs]) -> Pairs:
    """``convert`` applied to every element of a response page; an element that fails gives
    its error in its place, so one bad element does not lose the page."""
    out: Pairs = []
    for element in elements if isinstance(elements, list) else []:
        try:
            out += convert(element)
        except FieldError as e:
            out.append(e)
    return out


class JsonPreset(Preset):
    """A JSON / JSON lines preset whose first value must look like its format.

    Subclasses set ``expected``: what the first value should be, for the error message.
    """

    containers: ClassVar[frozenset[str]] = frozenset({"json", "jsonl"})
    expected: ClassVar[str]

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if probe.first is not None and not self.matches(probe):
            raise ImportFormatError(f"{probe.path}: the first value is not {self.expected}")


class OnceRecords(JsonPreset):
    """A preset whose items may repeat embedded objects: each id is emitted once per source.

    A reblogged status, a quoted post or a video appears under every item that embeds it;
    emitting it once keeps the file's duplicate count to real repeats of the items themselves
    (an embedded copy of an id already emitted is skipped). The ids remembered are capped at
    :attr:`REMEMBER` (oldest forgotten first), so memory stays bounded; past the cap a repeat is
    still caught by the importer, as a duplicate. Converters return ``(fields, embedded)``
    pairs (and the errors of page elements, see :func:`each`) through :meth:`convert_all`.
    """

    REMEMBER = 1_000_000

    def convert_all(self, item: Item) -> Pairs:
        """``(fields, embedded)`` for each record of the item; embedded ones may repeat.

        Raises:
            FieldError: a field of the item cannot be used.
        """
        raise NotImplementedError

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        out = []
        for pair in self.convert_all(item):
            if isinstance(pair, FieldError):
                raise pair
            out.append(pair[0])
        return out

    def records(self, items: Iterator[Item | Reject]) -> Iterator[Record | Reject]:
        seen: dict[str, None] = {}
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            try:
                converted = list(self.convert_all(item))
            except FieldError as e:
                yield Reject(item.path, item.line, e.field, e.reason, item.raw_text())
                continue
            for pair in converted:
                if isinstance(pair, FieldError):
                    yield Reject(item.path, item.line, pair.field, pair.reason, item.raw_text())
                    continue
                fields, embedded = pair
                key = str(fields.get("id"))
                if embedded and key in seen:
                    continue
                seen[key] = None
                if len(seen) > self.REMEMBER:
                    del seen[next(iter(seen))]
                yield Record(item.path, item.line, fields)
