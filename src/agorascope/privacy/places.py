"""Places of personal data: a small registry that every domain adds its place to.

A place knows, for one :class:`~agorascope.privacy.identity.Subject`, how to

- **find** its records (rows of plain values: what an access package holds),
- **erase** them (inside the store transaction for ``kind="store"``, after the file rewrite
  for ``kind="files"``),
- **prove** they are gone (a list of problems: empty means proven), and optionally
- **rectify** a field.

The erasure of :mod:`agorascope.privacy.erase` walks the places in order, rewrites the DuckDB
file, then scans its bytes; a domain that stores personal data registers its place with
:func:`register_place` (see docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from agorascope.privacy.identity import Subject
    from agorascope.workspace import Workspace

__all__ = [
    "PLACE_MODULES",
    "Change",
    "Needles",
    "Place",
    "get_place",
    "places",
    "register_place",
]

Records = list[dict[str, Any]]


@dataclass
class Needles:
    """What must not be found anywhere after an erasure (clear values, never stored).

    Attributes:
        texts: texts of erased records (posts, notes...).
        identifiers: handles, names, ids, e-mails of the person.
        keys: ``(platform, id)`` of erased posts.
        shared: values that other people's remaining records hold as their own (the same
            text posted by someone else, a common name): not searched, only counted.
    """

    texts: set[str] = field(default_factory=set)
    identifiers: set[str] = field(default_factory=set)
    keys: set[tuple[str, str]] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)

    def strings(self, min_length: int = 6) -> list[str]:
        """Every needle long enough to be searched as bytes without false alarms."""
        values = (self.texts | self.identifiers) - self.shared
        return sorted(s for s in values if len(s) >= min_length)


@dataclass
class Change:
    """One rectified value (the old one goes to the audit trail as a keyed hash and in the
    request record)."""

    place: str
    platform: str
    id: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Place:
    """A place of personal data.

    Attributes:
        name: short name (``posts``, ``authors``, ``search_index``...).
        description: one line for the access package and docs.
        kind: ``store`` (erased inside the store transaction, proven by the file scan) or
            ``files`` (erased after the store's rewrite).
        find: records of the subject.
        erase: removes them; returns how many records were removed or blanked.
        prove: problems left (empty: proven gone).
        needles: adds the clear values that must vanish (before erasure).
        rectify: changes one field, returning the changes (None: the place has no fields).
    """

    name: str
    description: str
    kind: Literal["store", "files"]
    find: Callable[[Workspace, Subject], Records]
    erase: Callable[[Workspace, Subject, Needles], int]
    prove: Callable[[Workspace, Subject, Needles], list[str]]
    needles: Callable[[Workspace, Subject, Needles], None] | None = None
    rectify: Callable[[Workspace, Subject, str, str], list[Change]] | None = None
    fields: tuple[str, ...] = ()


_PLACES: dict[str, Place] = {}

PLACE_MODULES = (
    "agorascope.privacy.store_places",
    "agorascope.privacy.file_places",
    "agorascope.voters.privacy_place",
    "agorascope.watch.privacy_place",
    "agorascope.listen.privacy_place",
)
"""Modules whose import registers places and resolvers, imported by name on first use (like
:data:`agorascope.registry.DOMAIN_MODULES`): a domain adds its module here, and the privacy
domain never imports a domain's code otherwise."""


def register_place(place: Place) -> Place:
    """Add (or replace, by name) a place; erasure visits places in registration order."""
    _PLACES[place.name] = place
    return place


def places() -> list[Place]:
    """Every registered place, the built-in ones included."""
    import importlib

    for module in PLACE_MODULES:
        importlib.import_module(module)
    return list(_PLACES.values())


def get_place(name: str) -> Place:
    """A registered place by name.

    Raises:
        NotFoundError: no such place.
    """
    from agorascope.errors import NotFoundError

    for p in places():
        if p.name == name:
            return p
    raise NotFoundError(f"no place of personal data {name!r} ({', '.join(_PLACES)})")
