"""The behaviour every event store backend must have. Runs once per backend in `conftest.BACKENDS`."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.query import EventFilter, parse_filter
from lighthouse_mcp.events.store import EventStore, Snapshot
from tests.conftest import StoreFactory


def _fill(store: EventStore, n: int, **fields: str) -> None:
    store.append_batch([NewEvent("test.event", {"i": i}, **fields) for i in range(n)])


def test_append_assigns_consecutive_seq_and_returns_the_event(store: EventStore) -> None:
    """Sequences start at 1 and increase by one; the returned event carries what was stored."""
    first = store.append(NewEvent("test.one", {"a": 1}, agent="alice", session="s1", aggregate="x.py"))
    second = store.append(NewEvent("test.two"))
    assert (first.seq, second.seq) == (1, 2)
    assert store.get(1) == first
    assert first.payload == {"a": 1} and first.agent == "alice" and first.aggregate == "x.py"
    assert len(first.mac) == 64 and first.mac != second.mac


def test_ids_are_unique_and_sort_by_time(store: EventStore) -> None:
    """Event ids are unique ULIDs that sort in append order across batches."""
    events = [store.append(NewEvent("test.event")) for _ in range(3)]
    time.sleep(0.002)
    events += store.append_batch([NewEvent("test.event")] * 3)
    ids = [e.id for e in events]
    assert len(set(ids)) == 6
    assert ids[:3] < ids[3:] or sorted(ids[:3])[-1] < sorted(ids[3:])[0]


def test_timestamps_never_go_backwards(store: EventStore) -> None:
    """`ts` is non-decreasing with `seq`, so time travel by time is well defined."""
    _fill(store, 50)
    stamps = [e.ts for e in store.read_after(0, 100)]
    assert stamps == sorted(stamps)


def test_batch_is_all_or_nothing(store: EventStore) -> None:
    """A batch with one malformed event writes nothing."""
    with pytest.raises(DataError):
        store.append_batch([NewEvent("test.ok"), NewEvent("Not A Type")])
    assert store.last_seq() == 0 and store.count() == 0


def test_empty_batch_is_a_no_op(store: EventStore) -> None:
    assert store.append_batch([]) == []
    assert store.last_seq() == 0


def test_read_after_returns_oldest_first(store: EventStore) -> None:
    _fill(store, 10)
    assert [e.seq for e in store.read_after(7, 100)] == [8, 9, 10]
    assert [e.seq for e in store.read_after(0, 3)] == [1, 2, 3]


def test_times_after_reads_exact_types_oldest_first(store: EventStore) -> None:
    """What a rate window follows: the sequence, time and agent of events of exactly the types given (a longer
    type that begins the same is another type), after a sequence, oldest first, at most a limit."""
    store.append(NewEvent("validation.decided", agent="ann"))
    store.append_batch([NewEvent("validation.scanned", agent="ann"), NewEvent("validation.decided.more", agent="ben")])
    store.append(NewEvent("validation.decided"))
    events = store.read_after(0, 10)
    decided = [(e.seq, e.ts, e.agent) for e in events if e.type == "validation.decided"]
    assert [seq for seq, _, _ in decided] == [1, 4] and decided[1][2] is None
    assert store.times_after(("validation.decided",), 0, 10) == decided
    assert store.times_after(("validation.decided",), 1, 10) == decided[1:]
    assert store.times_after(("validation.decided",), 0, 1) == decided[:1]
    both = store.times_after(("validation.decided", "validation.scanned"), 0, 10)
    assert both == [(e.seq, e.ts, e.agent) for e in events if e.type != "validation.decided.more"]


def test_query_newest_first_by_default(store: EventStore) -> None:
    _fill(store, 5)
    page = store.query(EventFilter(limit=3))
    assert [e.seq for e in page.events] == [5, 4, 3]
    assert page.next_cursor is not None


def test_cursor_pages_cover_everything_exactly_once(store: EventStore) -> None:
    """Following next_cursor visits every matching event once, in order, both directions."""
    _fill(store, 23)
    for order in ("desc", "asc"):
        seen: list[int] = []
        cursor = None
        while True:
            page = store.query(
                parse_filter({"limit": 5, "order": order, "cursor": cursor}, default_limit=5, max_limit=100)
            )
            seen += [e.seq for e in page.events]
            cursor = page.next_cursor
            if cursor is None:
                break
        expected = list(range(1, 24))
        assert seen == (expected if order == "asc" else expected[::-1])


def test_last_page_has_no_cursor(store: EventStore) -> None:
    _fill(store, 4)
    assert store.query(EventFilter(limit=4)).next_cursor is None


def test_type_filter_matches_exact_type_and_dotted_prefix(store: EventStore) -> None:
    """`validation` matches `validation.decided` but not `validationx.y`; `a.b` matches itself."""
    for t in ("validation.decided", "validation.cache.hit", "validationx.y", "session.started"):
        store.append(NewEvent(t))

    def types(spec: str) -> list[str]:
        flt = parse_filter({"type": spec, "order": "asc"}, default_limit=50, max_limit=50)
        return [e.type for e in store.query(flt).events]

    assert types("validation") == ["validation.decided", "validation.cache.hit"]
    assert types("validation.") == ["validation.decided", "validation.cache.hit"]
    assert types("session.started") == ["session.started"]
    assert types("validation.decided,session") == ["validation.decided", "session.started"]
    assert types("nothing") == []


def test_agent_session_and_aggregate_filters(store: EventStore) -> None:
    store.append(NewEvent("test.a", agent="alice", session="s1", aggregate="a.py"))
    store.append(NewEvent("test.b", agent="bob", session="s2", aggregate="b.py"))
    store.append(NewEvent("test.c", agent="alice", session="s2", aggregate="b.py"))

    def seqs(**f: Any) -> list[int]:
        return [e.seq for e in store.query(EventFilter(order="asc", **f)).events]

    assert seqs(agents=("alice",)) == [1, 3]
    assert seqs(agents=("alice", "bob")) == [1, 2, 3]
    assert seqs(session="s2") == [2, 3]
    assert seqs(aggregate="b.py", agents=("alice",)) == [3]


def test_sequence_and_time_bounds_are_inclusive(store: EventStore) -> None:
    _fill(store, 10)
    page = store.query(EventFilter(since_seq=3, until_seq=5, order="asc"))
    assert [e.seq for e in page.events] == [3, 4, 5]
    all_events = store.read_after(0, 10)
    page = store.query(EventFilter(since_ts=all_events[4].ts, until_ts=all_events[4].ts, order="asc"))
    assert all(e.ts == all_events[4].ts for e in page.events) and 5 in [e.seq for e in page.events]


def test_text_filter_needs_every_word_case_insensitively(store: EventStore) -> None:
    store.append(NewEvent("test.cmd", {"command": "rm -rf build"}))
    store.append(NewEvent("test.cmd", {"command": "ls build"}))
    store.append(NewEvent("test.cmd", {"command": "RM notes.txt"}, agent="Carol"))

    def seqs(text: str) -> list[int]:
        flt = parse_filter({"text": text, "order": "asc"}, default_limit=50, max_limit=50)
        return [e.seq for e in store.query(flt).events]

    assert seqs("build") == [1, 2]
    assert seqs("rm build") == [1]
    assert seqs("rm") == [1, 3]
    assert seqs("carol") == [3]
    assert seqs("100%_") == []


def test_seq_at_time(store: EventStore) -> None:
    """The last event at or before a time; 0 before the first event."""
    _fill(store, 3)
    events = store.read_after(0, 10)
    assert store.seq_at_time(events[0].ts - 1) == 0
    assert store.seq_at_time(events[-1].ts) == 3
    assert store.seq_at_time(events[-1].ts + 10**12) == 3


def test_count_and_last_seq(store: EventStore) -> None:
    assert (store.count(), store.last_seq()) == (0, 0)
    _fill(store, 7)
    assert (store.count(), store.last_seq()) == (7, 7)


def test_count_of_matching_events(store: EventStore) -> None:
    _fill(store, 3, agent="ann")
    _fill(store, 2, agent="ben")
    store.append(NewEvent("other.event", agent="ann"))
    events = store.read_after(0, 10)
    assert store.count(EventFilter(types=("test",), agents=("ann",))) == 3
    assert store.count(EventFilter(agents=("ann",))) == 4
    assert store.count(EventFilter(types=("test.event",), since_ts=events[0].ts)) == 5
    assert store.count(EventFilter(since_ts=events[-1].ts + 1)) == 0
    assert store.count(EventFilter(since_seq=5, limit=1, order="asc", after=1)) == 2  # page settings do not count
    assert store.count(EventFilter(agents=("nobody",))) == 0


def test_blobs_are_content_addressed_and_stored_once(store: EventStore) -> None:
    data = b"print('hello')\n" * 100
    digest = store.put_blob(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.put_blob(data) == digest
    assert store.get_blob(digest) == data
    assert store.get_blob("0" * 64) is None
    many = {store.put_blob(f"blob {i}".encode()): f"blob {i}".encode() for i in range(1200)}
    assert store.get_blobs([*many, "0" * 64, *list(many)[:3]]) == many  # missing left out, repeats once
    assert store.get_blobs([]) == {}


def test_blob_must_be_bytes(store: EventStore) -> None:
    with pytest.raises(DataError, match="bytes"):
        store.put_blob("text")  # type: ignore[arg-type]


def test_snapshots_load_the_newest_at_or_before(store: EventStore) -> None:
    for seq in (10, 20, 30):
        store.save_snapshot("state", "1", Snapshot(seq, f'{{"seq":{seq}}}', b"m" * 32))
    assert store.load_snapshot("state", "1", 25).seq == 20  # type: ignore[union-attr]
    assert store.load_snapshot("state", "1", 30).seq == 30  # type: ignore[union-attr]
    assert store.load_snapshot("state", "1", 9) is None
    assert store.load_snapshot("state", "2", 30) is None


def test_verify_passes_on_an_untouched_store(store: EventStore) -> None:
    _fill(store, 120)
    report = store.verify()
    assert report.ok and report.checked == 120 and report.last_seq == 120


def test_verify_of_an_empty_store(store: EventStore) -> None:
    report = store.verify()
    assert report.ok and report.checked == 0


def test_chain_continues_across_reopen(store_factory: StoreFactory) -> None:
    """A second connection (another process) extends the same chain."""
    a = store_factory()
    a.append(NewEvent("test.a"))
    b = store_factory()
    b.append(NewEvent("test.b"))
    a.append(NewEvent("test.c"))
    assert [e.seq for e in b.read_after(0, 10)] == [1, 2, 3]
    assert b.verify().ok


def test_unicode_survives_round_trip(store: EventStore) -> None:
    payload = {"text": "héllo 世界 \U0001f600 \u202e\u200d", "nested": {"list": [1, 2.5, None, True]}}
    event = store.append(NewEvent("test.unicode", payload, agent="ä", aggregate="dir/ü.py"))
    assert store.get(event.seq) == event
    assert store.get(event.seq).payload == payload  # type: ignore[union-attr]
    assert store.verify().ok


def test_time_bounds_match_a_scan_of_every_event(store: EventStore) -> None:
    """Time-bounded pages (found by binary search on seq) equal a brute-force filter, at every boundary."""
    for i in range(40):
        if i % 7 == 0:
            store.append_batch([NewEvent("test.batch", {"i": i}), NewEvent("test.batch", {"i": i})])
        else:
            store.append(NewEvent("test.single", {"i": i}))
    events = store.read_after(0, 1000)
    stamps = sorted({e.ts for e in events})
    probes = [stamps[0] - 1, stamps[0], stamps[3], stamps[3] + 1, stamps[-1], stamps[-1] + 1]
    for since in probes:
        for until in probes:
            page = store.query(EventFilter(since_ts=since, until_ts=until, order="asc", limit=1000))
            expected = [e.seq for e in events if since <= e.ts <= until]
            assert [e.seq for e in page.events] == expected, (since, until)


def test_a_large_batch_reads_back_exactly_and_verifies(store: EventStore) -> None:
    """A bulk load's worth of events in one transaction (PostgreSQL takes batches through COPY, whose text format
    escapes tabs, line ends and backslashes and reads a lone `\\N` as NULL), with text that needs all of that."""
    awkward = "tab\there\nline\rreturn \\N \\. back\\slash \\x00 é \U0001f600"
    events = [
        NewEvent(
            "test.bulk",
            {"n": i, "text": awkward, "\\N": None},
            agent=["\\N", awkward, None][i % 3],
            session=None if i % 2 else awkward,
            aggregate=f"src/{i % 97}\\N.py",
        )
        for i in range(3000)
    ]
    appended = store.append_batch(events)
    assert store.read_after(0, 5000) == appended
    assert [(e.agent, e.session, e.aggregate, e.payload) for e in appended] == [
        (e.agent, e.session, e.aggregate, e.payload) for e in events
    ]
    assert store.verify().ok
