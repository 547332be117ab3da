"""The asyncio face of the store: one thread, group commit, errors delivered to the right caller."""

from __future__ import annotations

import asyncio

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
