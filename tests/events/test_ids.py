"""Event ids are ULIDs: 48 bits of milliseconds and 80 counting bits in 26 Crockford base-32 digits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.events.ids import new_ids, randbits

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _ulid(value: int) -> str:
    """A 128-bit value as a ULID, digit by digit from the most significant."""
    return "".join(CROCKFORD[(value >> (5 * place)) & 31] for place in range(25, -1, -1))


starts = st.integers(0, 2**79 - 1) | st.integers(1, 2000).map(lambda back: 2**20 * 7 - back)


@given(ts_ns=st.integers(0, 2**64), start=starts, count=st.integers(1, 3000))
def test_ids_count_up_from_a_random_start_in_their_millisecond(ts_ns: int, start: int, count: int) -> None:
    """Including runs that carry past the last four digits (the start is drawn near such a carry too)."""
    millisecond = (ts_ns // 1_000_000) & (2**48 - 1)
    ids = new_ids(ts_ns, count, lambda bits: start)
    assert ids == [_ulid(millisecond << 80 | start + i) for i in range(count)]
    assert ids == sorted(ids) and len(set(ids)) == count


def test_the_random_part_is_asked_for_79_bits() -> None:
    """One bit short of the 80, so counting up never carries into the time."""
    asked = []
    new_ids(0, 5, lambda bits: asked.append(bits) or 2**79 - 1)
    assert asked == [79]


@given(bits=st.integers(1, 200))
def test_random_bits_are_as_many_as_asked(bits: int) -> None:
    """Never more than asked for, and over a few draws the top bit asked for is set at least once (not fewer)."""
    draws = [randbits(bits) for _ in range(64)]
    assert all(0 <= d < 2**bits for d in draws)
    assert any(d >> (bits - 1) for d in draws)
    assert len(set(draws)) > 1 or bits == 1
