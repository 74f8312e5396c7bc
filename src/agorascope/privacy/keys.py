"""The project key and keyed hashes (HMAC-SHA-256) of identifiers.

The key is 32 random bytes in a file beside the store (``<store>.privacy-key``), created with
permissions 0600 on first use. Suppression lists, pseudonymised exports and the audit log hold
keyed hashes only: without the key, a hash cannot be tested against guessed identifiers
(a plain hash of an e-mail address can). Keep the key with the store's backups; losing it
makes suppressed people importable again and changes every pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from agorascope.errors import PermissionDeniedError
from agorascope.store.store import Store

__all__ = ["ProjectKey", "key_path", "project_key"]

_MEMORY_KEYS: dict[int, bytes] = {}
_LOCK = threading.Lock()


def key_path(db: Path) -> Path:
    """The key file of the store file ``db``."""
    return db.with_name(db.name + ".privacy-key")


class ProjectKey:
    """A project key: keyed hashes of identifiers.

    Examples:
        >>> k = ProjectKey(b"k" * 32)
        >>> k.hash("email", "Ann@Example.org") == k.hash("email", " ann@example.org")
        True
    """

    def __init__(self, key: bytes):
        self._key = key

    def hash(self, kind: str, value: str) -> str:
        """The keyed hash (hex) of ``value`` of a kind (``email``, ``author``, ``post``...).

        The value is trimmed and lower-cased first, so that spellings of one identifier agree.
        """
        message = f"{kind}\x1f{value.strip().lower()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def pseudonym(self, kind: str, value: str, length: int = 16) -> str:
        """A short stable pseudonym (the first ``length`` hex digits of the keyed hash)."""
        return self.hash(kind, value)[:length]


def project_key(store: Store) -> ProjectKey:
    """The store's project key, created (0600) on first use.

    Raises:
        PermissionDeniedError: the key file is readable by others than its owner.
    """
    with _LOCK:
        if store.path is None:
            key = _MEMORY_KEYS.setdefault(id(store), secrets.token_bytes(32))
            return ProjectKey(key)
        path = key_path(store.path)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise PermissionDeniedError(
                f"the project key {path} is readable by others (mode {mode:o}): chmod 600 it"
            )
        return ProjectKey(path.read_bytes())
