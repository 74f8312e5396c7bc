"""Counter-based randomness: every random value is a hash of ``(seed, purpose, index)``.

A sequential :class:`numpy.random.Generator` cannot tell what it drew for row 5,000,000 without
drawing everything before it. The generator needs exactly that: a reply in the last batch must
know the author, time and text of the post it answers, which lives in an earlier batch. Hashing
the index with the splitmix64 finaliser gives, for any set of indices, the same numbers in one
vectorised pass, so the output depends on ``(posts, seed)`` only and never on the batch size.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Keys", "hash_u64", "normal", "scramble", "uniform"]

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB

U64 = NDArray[np.uint64]
F64 = NDArray[np.float64]


def _mix_int(x: int) -> int:
    x = (x + _GOLDEN) & _MASK64
    x = ((x ^ (x >> 30)) * _M1) & _MASK64
    x = ((x ^ (x >> 27)) * _M2) & _MASK64
    return x ^ (x >> 31)


class Keys:
    """Derives one 64-bit key per purpose from a seed (``keys("author", 3)``)."""

    def __init__(self, seed: int):
        self.seed = int(seed) & _MASK64

    def __call__(self, *parts: str | int) -> int:
        """Returns the key of a purpose path such as ``("time", stream_index)``."""
        key = _mix_int(self.seed)
        for part in parts:
            value = int.from_bytes(part.encode(), "little") if isinstance(part, str) else part
            key = _mix_int(key ^ (value & _MASK64))
        return key


Key = int | U64


def _key(key: Key) -> np.uint64 | U64:
    return np.uint64(key) if isinstance(key, int) else key


def hash_u64(key: Key, index: NDArray[np.integer]) -> U64:
    """splitmix64 of ``index`` under ``key`` (one key, or one per index): 64 random bits each."""
    x = index.astype(np.uint64) * np.uint64(_GOLDEN) + _key(key)  # wraps, as intended
    x ^= x >> np.uint64(30)
    x *= np.uint64(_M1)
    x ^= x >> np.uint64(27)
    x *= np.uint64(_M2)
    x ^= x >> np.uint64(31)
    return x


def uniform(key: Key, index: NDArray[np.integer]) -> F64:
    """Uniform floats in ``[0, 1)`` (53 random bits), one per index."""
    return (hash_u64(key, index) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def normal(key: Key, index: NDArray[np.integer]) -> F64:
    """Standard normal draws by the inverse CDF, one per index."""
    from scipy.special import ndtri

    u = uniform(key, index)
    return np.asarray(ndtri(np.clip(u, 1e-12, 1 - 1e-12)), dtype=np.float64)


def scramble(x: NDArray[np.integer], bits: int, key: int) -> NDArray[np.int64]:
    """A keyed bijection of ``[0, 2**bits)`` (``bits`` <= 62): distinct in, distinct out.

    Used for ids that look random but can never collide.
    """
    mask = np.uint64((1 << bits) - 1)
    half = np.uint64(bits // 2)
    y = (x.astype(np.uint64) + np.uint64(key & ((1 << bits) - 1))) & mask
    y ^= y >> half
    y = (y * np.uint64(_M1 | 1)) & mask
    y ^= y >> half
    y = (y * np.uint64(_M2 | 1)) & mask
    y ^= y >> half
    return y.astype(np.int64)
