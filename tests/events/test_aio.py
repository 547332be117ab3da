"""The asyncio face of the store: one thread, group commit, errors delivered to the right caller."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.store import EventStore


@pytest.mark.anyio
async def test_concurrent_appends_get_distinct_seqs_and_the_chain_holds(store: EventStore) -> None:
    astore = AsyncEventStore(store)
    events = await asyncio.gather(*(astore.append(NewEvent("test.event", {"i": i})) for i in range(300)))
    assert sorted(e.seq for e in events) == list(range(1, 301))
    assert {e.payload["i"] for e in events} == set(range(300))
    assert (await astore.run(store.verify)).ok
    await astore.aclose()


@pytest.mark.anyio
async def test_a_bad_event_fails_only_its_own_caller(store: EventStore) -> None:
    astore = AsyncEventStore(store)
    results = await asyncio.gather(
        astore.append(NewEvent("test.ok", {"i": 1})),
        astore.append(NewEvent("Bad Type")),
        astore.append(NewEvent("test.ok", {"i": 2})),
        return_exceptions=True,
    )
    assert isinstance(results[1], DataError)
    assert [type(r).__name__ for r in (results[0], results[2])] == ["Event", "Event"]
    assert await astore.run(store.count) == 2
    await astore.aclose()


@pytest.mark.anyio
async def test_run_returns_values_and_raises_errors(store: EventStore) -> None:
    astore = AsyncEventStore(store)
    assert await astore.run(store.last_seq) == 0
    with pytest.raises(DataError):
        await astore.run(store.put_blob, "not bytes")
    await astore.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await astore.append(NewEvent("test.late"))


@pytest.mark.anyio
async def test_inline_appends_commit_on_the_loop_and_fall_back_when_locked(tmp_path: Path) -> None:
    """With the write lock free an append commits inline; held by another process, it waits on the thread."""
    import sqlite3

    from lighthouse_mcp.events.sqlite import SQLiteEventStore
    from tests.conftest import KEY

    path = tmp_path / "events.db"
    astore = AsyncEventStore(
        SQLiteEventStore(path, KEY, busy_timeout_ms=5000), inline=SQLiteEventStore(path, KEY, busy_timeout_ms=0)
    )
    first = await astore.append(NewEvent("test.inline"))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    pending = asyncio.ensure_future(astore.append(NewEvent("test.waited")))
    await asyncio.sleep(0.2)
    assert not pending.done()  # waiting for the lock on the store's thread, the loop still runs
    blocker.execute("COMMIT")
    blocker.close()
    second = await asyncio.wait_for(pending, 10)
    assert (first.seq, second.seq) == (1, 2)
    assert (await astore.run(astore.store.verify)).ok
    await astore.aclose()
