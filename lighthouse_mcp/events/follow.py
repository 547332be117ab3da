"""Keeping a small in-memory view of some event types up to date by folding new events as they arrive."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from lighthouse_mcp.events.model import Event

_BATCH = 1000


class Follower:
    """Folds the events of `types` (prefixes) into `fold`, in order. The store is asked at most every `refresh_s`
    seconds, so what another process recorded applies within that time, or at once when the caller needs it."""

    def __init__(
        self,
        store: Any,
        types: tuple[str, ...],
        fold: Callable[[Event], None],
        *,
        refresh_s: float = 0.1,
        after_seq: int = 0,
        agent: str | None = None,
    ) -> None:
        """Follows from the event after `after_seq`; only `agent`'s events when it is given."""
        self._store = store
        self._types = types
        self._fold = fold
        self._refresh_s = refresh_s
        self._seq = after_seq
        self._agent = agent
        self._checked = float("-inf")

    def refresh(self, *, fresh: bool = False) -> None:
        clock = time.monotonic()
        if not fresh and clock - self._checked < self._refresh_s:
            return
        from lighthouse_mcp.events.query import EventFilter

        while True:
            flt = EventFilter(
                types=self._types,
                agents=(self._agent,) if self._agent else (),
                since_seq=self._seq + 1,
                order="asc",
                limit=_BATCH,
            )
            events = self._store.query(flt).events
            for event in events:
                self._seq = event.seq
                self._fold(event)
            if len(events) < _BATCH:
                break
        self._checked = clock
