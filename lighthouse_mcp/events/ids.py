"""Event ids: ULIDs, so that ids sort by time and need no coordination between processes."""

from __future__ import annotations

import os
from collections.abc import Callable

_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, in sort order
_PAIRS = [a + b for a in _DIGITS for b in _DIGITS]  # two digits for every 10-bit value
_LOW_BITS = 20  # the last 4 digits, all that changes between most ids made together


def randbits(k: int) -> int:
    """`k` random bits from the system's source (what `secrets.randbits` gives, without importing `random`, which a
    hook deciding in its own process does not otherwise need)."""
    return int.from_bytes(os.urandom((k + 7) // 8), "big") >> (-k % 8)


def new_ids(ts_ns: int, count: int, randbits: Callable[[int], int] = randbits) -> list[str]:
    """`count` 26-character ULIDs for one millisecond: 48 bits of time, then 80 bits that start at a random
    value and increase by one, so ids made together are unique and keep their order."""
    time_part = ((ts_ns // 1_000_000) & ((1 << 48) - 1)) << 80
    first = time_part | randbits(79)  # leaves room to count up without carrying into the time bits
    ids = []
    high, prefix = -1, ""
    for value in range(first, first + count):
        if value >> _LOW_BITS != high:  # the first id, and each time the count carries past the last 4 digits
            high = value >> _LOW_BITS
            prefix = _encode(high, 11)
        ids.append(prefix + _PAIRS[(value >> 10) & 1023] + _PAIRS[value & 1023])
    return ids


def new_id(ts_ns: int) -> str:
    return new_ids(ts_ns, 1)[0]


def _encode(value: int, pairs: int) -> str:
    """`value` in `pairs` pairs of digits, most significant first (a ULID's 26 digits of 5 bits cover 130 bits;
    its value has 128, so its first digit is at most 7)."""
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in range(10 * pairs - 10, -1, -10)])
