"""Identifiers of a person, and their resolution to the accounts and people they name.

Forms of an identifier (``agorascope privacy find IDENTIFIER``):

=============================  =========================================================
``twitter:@handle``            an author's handle on a platform (``@handle``: any platform)
``twitter:id:12345``           an author's id on a platform
``person:P-123``               a person of the voters domain
``email:ann@example.org``      an e-mail address (a bare address works too)
``name:Ann Lee;dob:1980-02-01``  a name and a date of birth
=============================  =========================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from agorascope.errors import InvalidInputError

if TYPE_CHECKING:
    from agorascope.workspace import Workspace

__all__ = ["Identifier", "Resolver", "Subject", "parse_identifier", "register_resolver", "resolve"]

Kind = Literal["handle", "author_id", "person", "email", "name_dob"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FORMS = (
    "twitter:@handle, twitter:id:ID, @handle, person:ID, email:ADDRESS, name:NAME;dob:YYYY-MM-DD"
)


@dataclass(frozen=True)
class Identifier:
    """A parsed identifier.

    Attributes:
        kind: what it names.
        value: the handle, id, e-mail or name (without prefix).
        platform: the platform of an author (None: any).
        dob: the date of birth (``name_dob`` only).
    """

    kind: Kind
    value: str
    platform: str | None = None
    dob: date | None = None

    def canonical(self) -> str:
        """One spelling per identifier (what its keyed hash is taken of)."""
        parts = [self.kind, self.platform or "*", self.value.strip().lower()]
        if self.dob is not None:
            parts.append(self.dob.isoformat())
        return "|".join(parts)


def parse_identifier(text: str) -> Identifier:
    """Parse an identifier (forms in the module docstring).

    Raises:
        InvalidInputError: the text is none of the forms.

    Examples:
        >>> parse_identifier("twitter:@10_GOP")
        Identifier(kind='handle', value='10_gop', platform='twitter', dob=None)
        >>> parse_identifier("ann@example.org").kind
        'email'
    """
    t = text.strip()
    low = t.lower()
    if low.startswith("person:") and t[7:].strip():
        return Identifier("person", t[7:].strip())
    if low.startswith("email:"):
        t, low = t[6:].strip(), low[6:].strip()
    if _EMAIL.match(t) and not t.startswith("@"):
        return Identifier("email", low)
    if low.startswith("name:"):
        name, _, rest = t[5:].partition(";")
        key, _, dob = rest.partition(":")
        if not name.strip() or key.strip().lower() != "dob":
            raise InvalidInputError(f"{text!r}: write name:NAME;dob:YYYY-MM-DD")
        try:
            born = date.fromisoformat(dob.strip())
        except ValueError as e:
            raise InvalidInputError(f"{text!r}: the date of birth is not YYYY-MM-DD") from e
        return Identifier("name_dob", " ".join(name.split()), dob=born)
    if t.startswith("@") and len(t) > 1:
        return Identifier("handle", low[1:])
    platform, sep, rest = t.partition(":")
    if sep and platform and rest:
        if rest.startswith("@") and len(rest) > 1:
            return Identifier("handle", rest[1:].lower(), platform.lower())
        if rest.lower().startswith("id:") and rest[3:]:
            return Identifier("author_id", rest[3:], platform.lower())
    raise InvalidInputError(f"cannot read the identifier {text!r}; forms: {_FORMS}")


@dataclass
class Subject:
    """A person as found in the store: the identifier and what it resolved to.

    Attributes:
        identifier: what was asked for.
        hash: keyed hash of the identifier (what logs and request records hold).
        authors: ``(platform, author_id)`` of the accounts it names.
        handles: their handles (lower-case).
        names: their display names.
        person_ids: people of the voters domain it names.
    """

    identifier: Identifier
    hash: str
    authors: list[tuple[str, str]] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether anything was resolved."""
        return bool(self.authors or self.person_ids)


Resolver = Callable[["Workspace", Identifier, Subject], None]
"""Adds what a domain knows about an identifier to a subject (e.g. person ids by e-mail)."""

_RESOLVERS: list[Resolver] = []


def register_resolver(resolver: Resolver) -> Resolver:
    """Register a resolver (a domain calls this at import; see docs/privacy.md)."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)
    return resolver


def _authors(ws: Workspace, ident: Identifier, subject: Subject) -> None:
    if ident.kind not in ("handle", "author_id"):
        return
    column = "lower(handle)" if ident.kind == "handle" else "id"
    value = ident.value.lower() if ident.kind == "handle" else ident.value
    rows = ws.store.execute(
        f"SELECT platform, id, handle, name FROM authors WHERE {column} = ? "
        "AND (? IS NULL OR platform = ?) ORDER BY platform, id",
        [value, ident.platform, ident.platform],
    )
    if not rows and ident.kind == "author_id":  # posts whose author has no profile row
        rows = ws.store.execute(
            "SELECT DISTINCT platform, author_id, NULL, NULL FROM posts WHERE author_id = ? "
            "AND (? IS NULL OR platform = ?) ORDER BY 1",
            [value, ident.platform, ident.platform],
        )
    for platform, author_id, handle, name in rows:
        subject.authors.append((platform, author_id))
        if handle:
            subject.handles.append(str(handle).lower())
        if name:
            subject.names.append(str(name))


def resolve(ws: Workspace, identifier: str | Identifier) -> Subject:
    """Resolve an identifier to the accounts and people it names.

    Raises:
        InvalidInputError: the identifier cannot be read.
    """
    from agorascope.privacy.keys import project_key
    from agorascope.privacy.places import places

    places()  # registers every domain's resolvers
    ident = parse_identifier(identifier) if isinstance(identifier, str) else identifier
    subject = Subject(ident, project_key(ws.store).hash("subject", ident.canonical()))
    if ident.kind == "person":
        subject.person_ids.append(ident.value)
    _authors(ws, ident, subject)
    for resolver in _RESOLVERS:
        resolver(ws, ident, subject)
    subject.handles = sorted(set(subject.handles))
    return subject
