"""Event ids: ULIDs, so that ids sort by time and need no coordination between processes."""

from __future__ import annotations

import secrets
from collections.abc import Callable

_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, in sort order
_PAIRS = [a + b for a in _DIGITS for b in _DIGITS]  # two digits for every 10-bit value


def new_ids(ts_ns: int, count: int, randbits: Callable[[int], int] = secrets.randbits) -> list[str]:
    """`count` 26-character ULIDs for one millisecond: 48 bits of time, then 80 bits that start at a random
    value and increase by one, so ids made together are unique and keep their order."""
    time_part = ((ts_ns // 1_000_000) & ((1 << 48) - 1)) << 80
    start = randbits(79)  # leaves room to count up without carrying into the time bits
    return [_encode(time_part | (start + i)) for i in range(count)]


def new_id(ts_ns: int) -> str:
    return new_ids(ts_ns, 1)[0]


def _encode(value: int) -> str:
    # 26 digits of 5 bits cover 130 bits; the value has 128, so the first digit is at most 7.
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10)])
