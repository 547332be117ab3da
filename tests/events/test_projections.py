"""State at any sequence or time, folded from events, with authenticated snapshots."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.projections import NAME, VERSION, Projector, empty_state, fold
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.events.store import EventStore
from tests.conftest import KEY, StoreFactory


def _sessions_script(store: EventStore) -> None:
    store.append(
        NewEvent(
            "session.started",
            {"role": "builder", "client": {"name": "claude-code"}},
            agent="alice",
            session="s1",
            aggregate="s1",
        )
    )  # 1
    store.append(NewEvent("validation.decided", {"decision": "allow"}, agent="alice", session="s1"))  # 2
    store.append(NewEvent("policy.put", {"sha256": "aa"}, agent="admin", aggregate="files"))  # 3
    store.append(NewEvent("session.started", {"role": "reviewer"}, agent="bob", session="s2", aggregate="s2"))  # 4
    store.append(
        NewEvent("session.ended", {"reason": "client disconnected"}, agent="alice", session="s1", aggregate="s1")
    )  # 5
    store.append(NewEvent("policy.put", {"sha256": "bb"}, agent="admin", aggregate="files"))  # 6
    store.append(NewEvent("policy.deleted", {}, agent="admin", aggregate="files"))  # 7


def test_state_at_each_point(store: EventStore) -> None:
    _sessions_script(store)
    projector = Projector(store, KEY, snapshot_every=1000)
    at2 = projector.state_at(2)
    assert at2["seq"] == 2
    assert at2["sessions"]["s1"]["status"] == "active" and at2["sessions"]["s1"]["events"] == 2
    assert at2["policies"] == {}
    at3 = projector.state_at(3)
    assert at3["policies"]["files"]["sha256"] == "aa" and at3["policies"]["files"]["revision"] == 1
    at5 = projector.state_at(5)
    assert at5["sessions"]["s1"]["status"] == "ended"
    assert at5["sessions"]["s1"]["end_reason"] == "client disconnected"
    assert at5["sessions"]["s2"]["role"] == "reviewer"
    at6 = projector.state_at(6)
    assert at6["policies"]["files"] == {**at6["policies"]["files"], "sha256": "bb", "revision": 2}
    assert projector.state_at(7)["policies"] == {}
    assert projector.state_at(None)["seq"] == 7
    assert projector.state_at(0) == empty_state()
    assert projector.state_at(10**9)["seq"] == 7


def test_state_at_time(store: EventStore) -> None:
    _sessions_script(store)
    projector = Projector(store, KEY, snapshot_every=1000)
    third = store.get(3)
    assert third is not None
    assert projector.state_at_time(third.ts)["seq"] >= 3
    assert projector.state_at_time(0)["seq"] == 0


def test_counts_by_type(store: EventStore) -> None:
    _sessions_script(store)
    counts = Projector(store, KEY, snapshot_every=1000).state_at(None)["counts"]
    assert counts == {
        "session.started": 2,
        "validation.decided": 1,
        "policy.put": 2,
        "session.ended": 1,
        "policy.deleted": 1,
    }


def test_snapshots_are_written_and_give_the_same_state(store: EventStore) -> None:
    store.append_batch([NewEvent("test.event", {"i": i}, session="s") for i in range(350)])
    with_snapshots = Projector(store, KEY, snapshot_every=100)
    first = with_snapshots.state_at(None)
    assert [store.load_snapshot(NAME, VERSION, s).seq for s in (100, 250, 350)] == [100, 200, 300]  # type: ignore[union-attr]
    # A second computation starts from the snapshot at 300 and must agree with a fold from scratch.
    assert with_snapshots.state_at(None) == first
    assert with_snapshots.state_at(250) == fold(empty_state(), store.read_after(0, 250))


def test_tampered_snapshot_is_ignored(tmp_path: Path) -> None:
    """A snapshot edited in the file fails its MAC and the state is refolded from events."""
    store = SQLiteEventStore(tmp_path / "e.db", KEY)
    store.append_batch([NewEvent("test.event", {"i": i}) for i in range(250)])
    projector = Projector(store, KEY, snapshot_every=100)
    honest = projector.state_at(None)
    conn = sqlite3.connect(tmp_path / "e.db")
    conn.execute("""UPDATE snapshots SET state = replace(state, '"test.event":200', '"test.event":7')""")
    conn.commit()
    conn.close()
    assert projector.state_at(None) == honest
    store.close()


def test_current_catches_up_incrementally(store: EventStore) -> None:
    projector = Projector(store, KEY, snapshot_every=1000)
    store.append(NewEvent("test.a"))
    assert projector.current()["seq"] == 1
    store.append(NewEvent("test.b"))
    state = projector.current()
    assert state["seq"] == 2 and state["counts"] == {"test.a": 1, "test.b": 1}
    state["counts"]["test.a"] = 99  # callers get a copy
    assert projector.current()["counts"]["test.a"] == 1


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(points=st.lists(st.integers(0, 260), min_size=1, max_size=6), every=st.integers(100, 130))
def test_any_point_with_snapshots_equals_a_plain_fold(
    store_factory: StoreFactory, points: list[int], every: int
) -> None:
    """Whatever order points are asked in, snapshots never change the answer."""
    store = store_factory(name=f"p{every}-{'-'.join(map(str, points))}.db")
    kinds = ["session.started", "session.ended", "policy.put", "policy.deleted", "test.x"]
    store.append_batch(
        [NewEvent(kinds[i % 5], {"sha256": str(i)}, session=f"s{i % 3}", aggregate=f"p{i % 2}") for i in range(260)]
    )
    projector = Projector(store, KEY, snapshot_every=every)
    for point in points:
        assert projector.state_at(point) == fold(empty_state(), store.read_after(0, point))


def test_what_a_first_fold_reads(store: EventStore) -> None:
    """`to_fold`: every event while no snapshot is written, then only those after the newest one."""
    store.append_batch([NewEvent("test.event", {"i": i}, session="s") for i in range(350)])
    projector = Projector(store, KEY, snapshot_every=100)
    assert projector.to_fold() == 350
    projector.state_at(None)  # folds, writing a snapshot every 100 events
    assert projector.to_fold() == 50
