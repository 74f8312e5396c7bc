"""Access control: API tokens with roles, who may call what, and CSRF protection.

- **Tokens** look like ``ags_<id>_<secret>``; the store keeps only the SHA-256 of the secret
  (table ``tokens``), so a stolen store file gives no usable token.
- **Roles** are ordered: ``viewer`` reads, ``analyst`` also imports and edits topics, ``admin``
  also manages tokens.
- **Expiry**: a token is created with a lifetime (90 days unless asked otherwise); an expired
  token is refused like a revoked one. Each use records ``last_used_at`` (at most once a
  minute); :func:`rotate_token` replaces a token by a new one with the same role and name.
- **Trust of the local user**: when the server is bound to a loopback address (``127.0.0.1``,
  ``::1`` or ``localhost`` only: not the rest of 127/8), tokens are not required, and no token
  has ever been created, a caller without a token is the local admin (the demo opens straight
  away). The ``Host`` header must then name one of those hosts too, so a web page on another
  site cannot reach the server through DNS rebinding. Binding elsewhere, or creating a first
  token, ends that trust for good: revoking every token does not restore it.
- **CSRF**: a request that changes something (POST, PUT, PATCH, DELETE) and does not carry a
  bearer token must echo the ``agorascope_csrf`` cookie in an ``X-CSRF-Token`` header or a
  ``csrf_token`` form field. The cookie is signed (HMAC-SHA-256 with a secret of the running
  server) and bound to the session (the token cookie), so a value made up by a page on another
  port, or copied from another session, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "DEFAULT_LIFETIME_DAYS",
    "LOOPBACK_HOSTS",
    "TOKEN_COOKIE",
    "Principal",
    "Role",
    "TokenInfo",
    "active_tokens",
    "authenticate",
    "create_token",
    "csrf_ok",
    "csrf_valid",
    "is_loopback",
    "list_tokens",
    "new_csrf_token",
    "revoke_token",
    "rotate_token",
    "session_binding",
    "tokens_ever_created",
]

DEFAULT_LIFETIME_DAYS = 90.0
"""Lifetime of a new token unless another is given."""

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
    expires_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.name,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_COLUMNS = "id, name, role, created_at, last_used_at, revoked_at, expires_at"
_ACTIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"


def _info(row: tuple[Any, ...]) -> TokenInfo:
    return TokenInfo(row[0], row[1], Role[row[2]], row[3], row[4], row[5], row[6])


def create_token(
    store: Store,
    role: Role | str,
    name: str | None = None,
    *,
    lifetime_days: float | None = DEFAULT_LIFETIME_DAYS,
    actor: str | None = None,
) -> tuple[TokenInfo, str]:
    """Create a token; returns its record and the token text (shown once, never stored).

    Args:
        store: the store.
        role: its role.
        name: a label (at most 100 characters).
        lifetime_days: days until it expires (None: never).
        actor: who creates it (for the audit log).

    Raises:
        InvalidInputError: an unknown role, a name over 100 characters, a lifetime <= 0.
    """
    r = role if isinstance(role, Role) else Role.parse(role)
    if name is not None and len(name) > 100:
        raise InvalidInputError("a token name has at most 100 characters")
    if lifetime_days is not None and not 0 < lifetime_days <= 36_500:
        raise InvalidInputError("a token lifetime is between 0 and 36500 days")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    now = _now()
    expires = None if lifetime_days is None else now + timedelta(days=lifetime_days)
    store.execute(
        "INSERT INTO tokens (id, name, role, secret_hash, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [token_id, name, r.name, _hash(secret), now, expires],
    )
    store.audit(action="token.create", target=token_id, detail=r.name, actor=actor)
    info = _info(store.execute(f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", [token_id])[0])
    return info, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def rotate_token(
    store: Store,
    token_id: str,
    *,
    lifetime_days: float | None = DEFAULT_LIFETIME_DAYS,
    actor: str | None = None,
) -> tuple[TokenInfo, str]:
    """Replace an active token by a new one with the same role and name; revoke the old one.

    Raises:
        NotFoundError: no active token has this id.
    """
    rows = store.execute(
        f"SELECT role, name FROM tokens WHERE id = ? AND {_ACTIVE}", [token_id, _now()]
    )
    if not rows:
        raise NotFoundError(f"no active token {token_id!r}")
    info, token = create_token(
        store, rows[0][0], rows[0][1], lifetime_days=lifetime_days, actor=actor
    )
    revoke_token(store, token_id, actor=actor)
    store.audit(action="token.rotate", target=token_id, detail=info.id, actor=actor)
    return info, token


def list_tokens(store: Store, include_revoked: bool = False) -> list[TokenInfo]:
    """Every token, oldest first (by default only the active ones: not revoked, not expired)."""
    if include_revoked:
        rows = store.execute(f"SELECT {_COLUMNS} FROM tokens ORDER BY created_at, id")
    else:
        rows = store.execute(
            f"SELECT {_COLUMNS} FROM tokens WHERE {_ACTIVE} ORDER BY created_at, id", [_now()]
        )
    return [_info(r) for r in rows]


def active_tokens(store: Store) -> int:
    """How many tokens are neither revoked nor expired."""
    return int(store.execute(f"SELECT count(*) FROM tokens WHERE {_ACTIVE}", [_now()])[0][0])


def tokens_ever_created(store: Store) -> int:
    """How many tokens were ever created (revoked and expired ones included)."""
    return int(store.execute("SELECT count(*) FROM tokens")[0][0])


def revoke_token(store: Store, token_id: str, *, actor: str | None = None) -> TokenInfo:
    """Revoke a token by id.

    Raises:
        NotFoundError: no active token has this id.
    """
    rows = store.execute("SELECT id FROM tokens WHERE id = ? AND revoked_at IS NULL", [token_id])
    if not rows:
        raise NotFoundError(f"no active token {token_id!r}")
    store.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", [_now(), token_id])
    store.audit(action="token.revoke", target=token_id, actor=actor)
    return _info(store.execute(f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", [token_id])[0])


def authenticate(store: Store, token: str) -> Principal | None:
    """The holder of ``token``, or None when it is malformed, unknown, revoked or expired.

    A success records ``last_used_at`` (at most once a minute); a failure is audited
    (``auth.fail``, with the token id when it has one, never the secret).
    """
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        store.audit(action="auth.fail", detail="malformed token")
        return None
    now = _now()
    rows = store.execute(
        f"SELECT secret_hash, role, name, last_used_at FROM tokens WHERE id = ? AND {_ACTIVE}",
        [parts[1], now],
    )
    if not rows or not hmac.compare_digest(rows[0][0], _hash(parts[2])):
        store.audit(action="auth.fail", target=parts[1][:40], detail="unknown, revoked or expired")
        return None
    last = rows[0][3]
    if last is None or now - last > timedelta(minutes=1):
        store.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", [now, parts[1]])
    return Principal(rows[0][2] or f"token {parts[1]}", Role[rows[0][1]], parts[1])


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
"""The only hosts trusted as this machine (not the rest of 127/8, not ``*.localhost``)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name, maybe with a port) is one of
    :data:`LOOPBACK_HOSTS`; anything else, malformed values included, is not."""
    h = host.strip().lower()
    if h.startswith("["):
        inside, sep, rest = h[1:].partition("]")
        if not sep or (rest and not (rest[:1] == ":" and rest[1:].isdigit())):
            return False
        h = inside
    elif h.count(":") == 1:
        h, port = h.split(":", 1)
        if not (port.isascii() and port.isdigit()):
            return False
    if h in LOOPBACK_HOSTS:
        return True
    try:
        return str(ipaddress.ip_address(h)) in LOOPBACK_HOSTS
    except ValueError:
        return False


def _mac(secret: bytes, nonce: str, binding: str) -> str:
    msg = f"{nonce}|{binding}".encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()[:32]


def session_binding(token_cookie: str | None) -> str:
    """What a CSRF token is bound to: a digest of the session's token cookie ("" if none)."""
    return _hash(token_cookie)[:32] if token_cookie else ""


def new_csrf_token(secret: bytes, binding: str = "") -> str:
    """A fresh CSRF token, signed with ``secret`` and bound to ``binding``."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(secret, nonce, binding)}"


def csrf_valid(token: str | None, secret: bytes, binding: str = "") -> bool:
    """Whether ``token`` was signed by this server for this session."""
    if not token or "." not in token:
        return False
    nonce, _, mac = token.partition(".")
    return hmac.compare_digest(mac.encode(), _mac(secret, nonce, binding).encode())


def csrf_ok(
    cookie: str | None, sent: str | None, secret: bytes | None = None, binding: str = ""
) -> bool:
    """Whether the token sent with a request matches the cookie (constant-time) and, given
    the server's ``secret``, is signed for the session ``binding``."""
    if not cookie or not sent:
        return False
    if not hmac.compare_digest(cookie.encode(), sent.encode()):
        return False
    return secret is None or csrf_valid(sent, secret, binding)
