"""Event ids: ULIDs, so that ids sort by time and need no coordination between processes."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


def new_id(ts_ns: int) -> str:
    """A 26-character ULID: 48 bits of milliseconds, then 80 random bits."""
    value = ((ts_ns // 1_000_000) & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
