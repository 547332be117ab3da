"""Parsing filters, time points and cursors: strict, with messages that say what is expected."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.query import (
    FILTER_KEYS,
    Point,
    decode_cursor,
    encode_cursor,
    parse_filter,
    parse_point,
)

NOW = 1_800_000_000 * 10**9


def parse(**raw: Any) -> Any:
    return parse_filter(raw, default_limit=50, max_limit=1000, now_ns=NOW)


def test_defaults() -> None:
    flt = parse()
    assert (flt.order, flt.limit, flt.types, flt.after) == ("desc", 50, (), None)


def test_none_values_mean_not_given() -> None:
    assert parse(type=None, limit=None, cursor=None) == parse()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"colour": "red"}, "unknown filter 'colour'"),
        ({"limit": -1}, "between 1 and 1000"),
        ({"limit": 0}, "between 1 and 1000"),
        ({"limit": 10**9}, "between 1 and 1000"),
        ({"limit": "ten"}, "whole number"),
        ({"limit": True}, "whole number"),
        ({"limit": 2.5}, "whole number"),
        ({"order": "sideways"}, "'asc' or 'desc'"),
        ({"type": "Bad Type!"}, "not a dotted lowercase"),
        ({"type": ","}, "empty"),
        ({"type": 5}, "must be a string"),
        ({"since": "yesterday-ish"}, "neither a sequence number"),
        ({"since": -3}, "cannot be negative"),
        ({"until": True}, "boolean"),
        ({"until": [1]}, "not list"),
        ({"text": 5}, "string of words"),
        ({"text": "x " * 20}, "over the limit of 16"),
        ({"agent": 7}, "must be a string"),
        ({"agent": "a\x00"}, "NUL"),
        ({"agent": "a\udcff"}, "not valid UTF-8"),
        ({"text": "rm \udcff"}, "not valid UTF-8"),
        ({"cursor": "garbage"}, "malformed cursor"),
        ({"cursor": ""}, "malformed cursor"),
        ({"cursor": 12}, "malformed cursor"),
        ({"cursor": encode_cursor("asc", 5)}, "pass order=asc"),
    ],
)
def test_bad_filters_name_the_problem(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_filter(raw, default_limit=50, max_limit=1000, now_ns=NOW)


def test_limit_as_digit_string_is_accepted() -> None:
    """CLI flags and loosely typed clients send numbers as strings."""
    assert parse(limit="20").limit == 20


def test_types_split_on_commas_and_lists() -> None:
    assert parse(type="validation, session.started").types == ("validation", "session.started")
    assert parse(type=["a.b", "c"]).types == ("a.b", "c")


def test_text_is_lowercased_words() -> None:
    assert parse(text="  RM   -rf ").text == ("rm", "-rf")


@pytest.mark.parametrize(
    ("value", "point"),
    [
        (42, Point(seq=42)),
        ("42", Point(seq=42)),
        ("0", Point(seq=0)),
        ("15m", Point(ts=NOW - 15 * 60 * 10**9)),
        ("2h", Point(ts=NOW - 2 * 3600 * 10**9)),
        ("7d", Point(ts=NOW - 7 * 86400 * 10**9)),
        ("1970-01-01T00:00:01Z", Point(ts=10**9)),
        ("1970-01-01T01:00:01+01:00", Point(ts=10**9)),
        ("1970-01-02", Point(ts=86400 * 10**9)),
        ("1970-01-01T00:00:00.000123", Point(ts=123_000)),
    ],
)
def test_points(value: Any, point: Point) -> None:
    assert parse_point(value, name="since", now_ns=NOW) == point


def test_since_until_map_to_seq_or_time_bounds() -> None:
    flt = parse(since=5, until="1970-01-01T00:00:02Z")
    assert (flt.since_seq, flt.until_seq, flt.since_ts, flt.until_ts) == (5, None, None, 2 * 10**9)


def test_cursor_round_trip() -> None:
    for order in ("asc", "desc"):
        assert decode_cursor(encode_cursor(order, 1234)) == (order, 1234)  # type: ignore[arg-type]
    flt = parse(cursor=encode_cursor("desc", 99))
    assert flt.after == 99


def test_filter_keys_are_documented() -> None:
    assert set(FILTER_KEYS) == {
        "type",
        "agent",
        "session",
        "aggregate",
        "since",
        "until",
        "text",
        "limit",
        "order",
        "cursor",
    }


@given(st.text(max_size=80) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_any_cursor_text_decodes_or_is_a_usage_error(cursor: str) -> None:
    try:
        order, seq = decode_cursor(cursor)
    except UsageError:
        return
    assert order in ("asc", "desc") and seq >= 0


@given(
    st.one_of(
        st.text(max_size=70),
        st.integers(),
        st.floats(),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_point_parses_or_is_a_usage_error(value: Any) -> None:
    try:
        point = parse_point(value, name="since", now_ns=NOW)
    except UsageError:
        return
    assert (point.seq is None) != (point.ts is None)
    assert (point.seq or 0) >= 0 and (point.ts or 0) >= 0


@given(
    st.dictionaries(
        st.sampled_from([*FILTER_KEYS, "bogus"]),
        st.one_of(st.none(), st.text(max_size=30), st.integers(-5, 5000), st.booleans()),
        max_size=6,
    )
)
def test_any_filter_mapping_parses_or_is_a_usage_error(raw: dict[str, Any]) -> None:
    try:
        flt = parse_filter(raw, default_limit=50, max_limit=1000, now_ns=NOW)
    except UsageError:
        return
    assert 1 <= flt.limit <= 1000


@pytest.mark.parametrize("value", ["²", "١٢", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
def test_unusual_digits_and_extreme_times(value: str) -> None:
    """Unicode digits are not sequence numbers; extreme but valid times clamp instead of overflowing."""
    try:
        point = parse_point(value, name="since", now_ns=NOW)
    except UsageError:
        return
    assert point.ts is not None and point.ts >= 0


def test_limit_with_unicode_digits_is_refused() -> None:
    with pytest.raises(UsageError, match="whole number"):
        parse(limit="²")


def test_agents_split_on_commas() -> None:
    assert parse_filter({"agent": "alice"}, default_limit=10, max_limit=100).agents == ("alice",)
    assert parse_filter({"agent": " alice, bob,alice ,"}, default_limit=10, max_limit=100).agents == ("alice", "bob")
    with pytest.raises(UsageError, match="agent must be a string"):
        parse_filter({"agent": 5}, default_limit=10, max_limit=100)
    with pytest.raises(UsageError, match="at most 50 agents"):
        parse_filter({"agent": ",".join(f"a{i}" for i in range(51))}, default_limit=10, max_limit=100)
