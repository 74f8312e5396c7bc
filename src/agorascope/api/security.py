"""Access control: API tokens with roles, who may call what, and CSRF protection.

- **Tokens** look like ``ags_<id>_<secret>``; the store keeps only the SHA-256 of the secret
  (table ``tokens``), so a stolen store file gives no usable token.
- **Roles** are ordered: ``viewer`` reads, ``analyst`` also imports and edits topics, ``admin``
  also manages tokens.
- **Trust of the local user**: when the server is bound to a loopback address, tokens are not
  required, and no token exists yet, a caller without a token is the local admin (the demo opens
  straight away). The ``Host`` header must then name a loopback host too, so a web page on
  another site cannot reach the server through DNS rebinding. Binding elsewhere, or creating a
  first token, ends that trust: every non-public route then needs a token.
- **CSRF**: a request that changes something (POST, PUT, PATCH, DELETE) and does not carry a
  bearer token must echo the ``agorascope_csrf`` cookie in an ``X-CSRF-Token`` header or a
  ``csrf_token`` form field (double-submit), since browsers attach cookies by themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "TOKEN_COOKIE",
    "Principal",
    "Role",
    "TokenInfo",
    "active_tokens",
    "authenticate",
    "create_token",
    "csrf_ok",
    "is_loopback",
    "list_tokens",
    "new_csrf_token",
    "revoke_token",
]

TOKEN_PREFIX = "ags"
TOKEN_COOKIE = "agorascope_token"
CSRF_COOKIE = "agorascope_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class Role(IntEnum):
    """What a caller may do; a higher role may do everything a lower one may."""

    viewer = 1
    analyst = 2
    admin = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        """The role called ``name``.

        Raises:
            InvalidInputError: an unknown role.
        """
        try:
            return cls[name]
        except KeyError:
            raise InvalidInputError(f"unknown role {name!r}: viewer, analyst or admin") from None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's holder, or the trusted local user (``token_id`` None)."""

    name: str
    role: Role
    token_id: str | None = None

    def may(self, role: Role) -> bool:
        """Whether this caller holds ``role`` or a higher one."""
        return self.role >= role

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"name": self.name, "role": self.role.name, "token_id": self.token_id}


@dataclass(frozen=True)
class TokenInfo:
    """A stored token (never its secret)."""

    id: str
    name: str | None
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.name,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_COLUMNS = "id, name, role, created_at, last_used_at, revoked_at"


def _info(row: tuple[Any, ...]) -> TokenInfo:
    return TokenInfo(row[0], row[1], Role[row[2]], row[3], row[4], row[5])


def create_token(store: Store, role: Role | str, name: str | None = None) -> tuple[TokenInfo, str]:
    """Create a token; returns its record and the token text (shown once, never stored).

    Raises:
        InvalidInputError: an unknown role or a name over 100 characters.
    """
    r = role if isinstance(role, Role) else Role.parse(role)
    if name is not None and len(name) > 100:
        raise InvalidInputError("a token name has at most 100 characters")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    store.execute(
        "INSERT INTO tokens (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        [token_id, name, r.name, _hash(secret), _now()],
    )
    store.audit("token.create", token_id, r.name)
    info = _info(store.execute(f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", [token_id])[0])
    return info, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def list_tokens(store: Store, include_revoked: bool = False) -> list[TokenInfo]:
    """Every token, oldest first."""
    where = "" if include_revoked else " WHERE revoked_at IS NULL"
    rows = store.execute(f"SELECT {_COLUMNS} FROM tokens{where} ORDER BY created_at, id")
    return [_info(r) for r in rows]


def active_tokens(store: Store) -> int:
    """How many tokens are not revoked."""
    return int(store.execute("SELECT count(*) FROM tokens WHERE revoked_at IS NULL")[0][0])


def revoke_token(store: Store, token_id: str) -> TokenInfo:
    """Revoke a token by id.

    Raises:
        NotFoundError: no active token has this id.
    """
    rows = store.execute("SELECT id FROM tokens WHERE id = ? AND revoked_at IS NULL", [token_id])
    if not rows:
        raise NotFoundError(f"no active token {token_id!r}")
    store.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", [_now(), token_id])
    store.audit("token.revoke", token_id)
    return _info(store.execute(f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", [token_id])[0])


def authenticate(store: Store, token: str) -> Principal | None:
    """The holder of ``token``, or None when it is malformed, unknown or revoked."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    rows = store.execute(
        "SELECT secret_hash, role, name FROM tokens WHERE id = ? AND revoked_at IS NULL",
        [parts[1]],
    )
    if not rows or not hmac.compare_digest(rows[0][0], _hash(parts[2])):
        return None
    return Principal(rows[0][2] or f"token {parts[1]}", Role[rows[0][1]], parts[1])


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name, maybe with a port) is this machine only."""
    h = host.strip().lower()
    if h.startswith("["):
        h = h[1:].split("]", 1)[0]
    elif h.count(":") == 1:
        h = h.split(":", 1)[0]
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def new_csrf_token() -> str:
    """A fresh random CSRF token."""
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, sent: str | None) -> bool:
    """Whether the token sent with a request matches the cookie (constant-time)."""
    if not cookie or not sent:
        return False
    return hmac.compare_digest(cookie.encode(), sent.encode())
