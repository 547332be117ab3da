"""Malformed events are refused with a message that names the problem, and nothing half-written remains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.errors import DataError, StoreError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.events.store import EventStore
from tests.conftest import KEY


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (NewEvent("Bad Type"), "dotted lowercase"),
        (NewEvent("nodot"), "dotted lowercase"),
        (NewEvent(""), "dotted lowercase"),
        (NewEvent("a." + "b" * 200), "dotted lowercase"),
        (NewEvent(123), "dotted lowercase"),  # type: ignore[arg-type]
        (NewEvent("test.x", payload=[1, 2]), "JSON object"),  # type: ignore[arg-type]
        (NewEvent("test.x", payload={"b": b"bytes"}), "JSON-serialisable"),
        (NewEvent("test.x", payload={"f": float("nan")}), "JSON-serialisable"),
        (NewEvent("test.x", payload={"s": "\ud800"}), "not valid Unicode"),
        (NewEvent("test.x", agent="\udcff"), "not valid Unicode"),
        (NewEvent("test.x", agent=5), "must be a string"),  # type: ignore[arg-type]
        (NewEvent("test.x", aggregate="a\x00b"), "NUL"),
        (NewEvent("test.x", session="s" * 5000), "over the limit"),
    ],
)
def test_malformed_events_are_refused(store: EventStore, event: NewEvent, message: str) -> None:
    with pytest.raises(DataError, match=message):
        store.append(event)
    assert store.count() == 0 and store.last_seq() == 0


def test_ten_megabyte_payload_is_refused_by_size(store: EventStore) -> None:
    """A 10 MB payload names the limit and the setting that controls it."""
    with pytest.raises(DataError, match=r"over the limit of 1048576 \(store.max_payload_bytes\)"):
        store.append(NewEvent("test.big", {"blob": "x" * 10_000_000}))
    assert store.count() == 0


def test_a_payload_nested_past_the_recursion_limit_is_refused(store: EventStore) -> None:
    import sys

    deep: dict[str, Any] = {}
    for _ in range(sys.getrecursionlimit() + 10):
        deep = {"d": deep}
    with pytest.raises(DataError, match="nested too deeply"):
        store.append(NewEvent("test.deep", deep))
    assert store.count() == 0


def test_a_payload_that_contains_itself_is_refused(store: EventStore) -> None:
    """And the next payload, which may reuse its memory, is stored (nothing is remembered from the failure)."""
    loop: dict[str, Any] = {"x": 1}
    loop["self"] = loop
    with pytest.raises(DataError, match="contains itself"):
        store.append(NewEvent("test.loop", loop))
    del loop["self"]
    assert store.append(NewEvent("test.loop", loop)).payload == {"x": 1}


def test_a_payload_refused_midway_leaves_nothing_behind_for_the_next(store: EventStore) -> None:
    """A value the encoder cannot write, deep inside, fails that payload alone."""
    inner = {"ok": [1, 2]}
    with pytest.raises(DataError, match="not JSON-serialisable"):
        store.append(NewEvent("test.bad", {"a": inner, "b": {"c": [inner, object()]}}))
    assert store.append(NewEvent("test.good", {"a": inner, "b": {"c": [inner]}})).payload_text == (
        '{"a":{"ok":[1,2]},"b":{"c":[{"ok":[1,2]}]}}'
    )


def test_payload_limit_is_configurable(store_factory: Any) -> None:
    small = store_factory(max_payload_bytes=2048)
    small.append(NewEvent("test.ok", {"x": "y" * 1000}))
    with pytest.raises(DataError):
        small.append(NewEvent("test.big", {"x": "y" * 3000}))
    assert small.count() == 1


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"garbage\.db"):
        SQLiteEventStore(path, KEY)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteEventStore(tmp_path / "nope" / "events.db", KEY)


def test_readonly_open_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteEventStore(tmp_path / "missing.db", KEY, readonly=True)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    agent=st.none() | st.text(max_size=20),
)
def test_any_payload_is_stored_exactly_or_refused_cleanly(
    store: EventStore, payload: dict[str, Any], agent: str | None
) -> None:
    """Arbitrary JSON and Unicode either round-trips exactly or is refused with DataError; the chain holds."""
    before = store.last_seq()
    try:
        event = store.append(NewEvent("test.prop", payload, agent=agent))
    except DataError:
        assert store.last_seq() == before
        return
    assert store.get(event.seq) == event
    assert event.payload == payload or _float_equal(event.payload, payload)


def _float_equal(a: Any, b: Any) -> bool:
    """JSON turns -0.0 into -0.0 and 1e16 stays a float; compare through the same JSON round trip."""
    import json

    return bool(json.loads(json.dumps(a)) == json.loads(json.dumps(b)))
