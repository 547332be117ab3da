"""An asyncio face for any `EventStore`: every call runs on one dedicated thread.

One thread per store keeps each database connection on a single thread and costs one hop per operation. Appends
that arrive while the thread is busy are committed together in one transaction (group commit); each caller is
answered only after that transaction has committed.

An `inline` store (a second connection that never waits for the write lock) lets an append that finds the lock
free commit right on the event loop, which saves the hop when a commit does not wait for the disk; when another
process holds the lock, the append goes to the thread and waits there.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from lighthouse_mcp.errors import StoreLocked
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.store import EventStore

T = TypeVar("T")
MAX_GROUP = 1000


class _Append:
    __slots__ = ("event", "future")

    def __init__(self, event: NewEvent, future: Future[Event]) -> None:
        self.event = event
        self.future = future


class _Call:
    __slots__ = ("fn", "future")

    def __init__(self, fn: Callable[[], Any], future: Future[Any]) -> None:
        self.fn = fn
        self.future = future


class AsyncEventStore:
    """Runs a synchronous store on its own thread; `await` any of its methods through `run` or `append`."""

    def __init__(self, store: EventStore, *, inline: EventStore | None = None, name: str = "lighthouse-store") -> None:
        self.store = store
        self._inline = inline
        self._jobs: queue.SimpleQueue[_Append | _Call | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()
        self._closed = False
        self._append_us: deque[int] = deque(maxlen=2000)  # how long appends took, as their callers waited

    async def append(self, event: NewEvent) -> Event:
        """Append durably; concurrent appends share a transaction."""
        started = time.perf_counter_ns()
        if self._inline is not None and not self._closed:
            try:
                appended = self._inline.append(event)
            except StoreLocked:
                pass  # another writer holds the lock: wait for it on the store's thread, not on the event loop
            else:
                self._append_us.append((time.perf_counter_ns() - started) // 1000)
                return appended
        future: Future[Event] = Future()
        self._submit(_Append(event, future))
        appended = await asyncio.wrap_future(future)
        self._append_us.append((time.perf_counter_ns() - started) // 1000)
        return appended

    def take_append_latencies(self) -> list[int]:
        """The append latencies (µs) measured since the last call, at most the newest 2,000."""
        taken = list(self._append_us)
        self._append_us.clear()
        return taken

    async def append_batch(self, events: Sequence[NewEvent]) -> list[Event]:
        return await self.run(self.store.append_batch, list(events))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the store's thread, e.g. `await s.run(s.store.query, flt)`."""
        future: Future[T] = Future()
        self._submit(_Call(lambda: fn(*args), future))
        return await asyncio.wrap_future(future)

    async def aclose(self) -> None:
        """Finish queued work, stop the thread and close the store."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)
        self.store.close()
        if self._inline is not None:
            self._inline.close()

    def _submit(self, job: _Append | _Call) -> None:
        if self._closed:
            raise RuntimeError("the event store is closed")
        self._jobs.put(job)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if isinstance(job, _Call):
                _settle(job.future, job.fn)
                continue
            group = [job]
            stop = False
            pending_call: _Call | None = None
            while len(group) < MAX_GROUP:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if isinstance(more, _Append):
                    group.append(more)
                    continue
                if more is None:
                    stop = True
                else:
                    pending_call = more
                break
            self._commit(group)
            if pending_call is not None:
                _settle(pending_call.future, pending_call.fn)
            if stop:
                return

    def _commit(self, group: list[_Append]) -> None:
        try:
            events = self.store.append_batch([a.event for a in group])
        except BaseException as exc:
            if len(group) == 1:
                if group[0].future.set_running_or_notify_cancel():
                    group[0].future.set_exception(exc)
                return
            # One bad event must not sink the others: retry each on its own.
            for item in group:
                _settle(item.future, lambda e=item.event: self.store.append(e))  # type: ignore[misc]
            return
        for item, event in zip(group, events, strict=True):
            if item.future.set_running_or_notify_cancel():
                item.future.set_result(event)


def _settle(future: Future[Any], fn: Callable[[], Any]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = fn()
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)
