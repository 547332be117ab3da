"""Reading the audit log: queries, state at a point, verification and health, shared by the CLI and tools."""

from __future__ import annotations

import platform
import sqlite3
from collections.abc import Mapping
from typing import Any

from lighthouse_mcp import __version__
from lighthouse_mcp.config import Config
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.chain import ChainVerifier, VerifyReport
from lighthouse_mcp.events.projections import Projector, State, present
from lighthouse_mcp.events.query import parse_filter, parse_point
from lighthouse_mcp.events.store import EventStore, Page


def query_events(store: EventStore, config: Config, filters: Mapping[str, Any]) -> Page:
    """One page of events matching `filters` (the keys of `events.query.FILTER_KEYS`)."""
    flt = parse_filter(filters, default_limit=config.query.default_limit, max_limit=config.query.max_limit)
    return store.query(flt)


def state_at(projector: Projector, *, seq: int | None = None, time: str | None = None) -> State:
    """The folded state after event `seq`, or as of `time` (the head when neither), times as ISO-8601."""
    return present(_fold_at(projector, seq, time))


def _fold_at(projector: Projector, seq: int | None, time: str | None) -> State:
    if seq is not None and time is not None:
        raise UsageError("give either seq or time, not both")
    if time is not None:
        point = parse_point(time, name="time")
        if point.ts is None:
            return projector.state_at(point.seq)
        return projector.state_at_time(point.ts)
    if seq is not None:
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise UsageError(f"seq must be a non-negative whole number, not {seq!r}")
        return projector.state_at(seq)
    return projector.state_at(None)


class IncrementalVerifier:
    """Verifies only the events appended since the last call (their chain and the blobs they refer to), and the
    anchor every time: cheap enough for every `health` check, and the same verdict as `verify` gives."""

    def __init__(self, store: EventStore, key: bytes, *, start: tuple[int, bytes] | None = None) -> None:
        """`start`: a (seq, mac) already verified (by another process, say) to continue from."""
        self._store = store
        self._verifier = ChainVerifier(key) if start is None else ChainVerifier(key, seq=start[0], mac=start[1])

    def check(self) -> VerifyReport:
        from lighthouse_mcp.events.integrity import walk

        return walk(self._store, self._verifier)


def health(store: EventStore, config: Config, chain: VerifyReport) -> dict[str, Any]:
    """Versions, where the store is, how many events it holds, whether the chain holds, and the sessions tainted."""
    from lighthouse_mcp.agents.taint import TaintView

    taints = TaintView(store).current(config.taint.expiry_s, fresh=True)
    return {
        "status": "ok" if chain.ok else "chain_broken",
        "versions": {
            "lighthouse": __version__,
            "python": platform.python_version(),
            "mcp": _dist_version("mcp"),
            "sqlite": sqlite3.sqlite_version,
        },
        "store": {"location": store.location, "events": store.count(), "last_seq": store.last_seq()},
        "chain": chain.to_json(),
        "agent": {"name": config.agent.name, "role": config.agent.role},
        "taint": {
            "enabled": config.taint.enabled,
            "in_force": len(taints),
            "taints": [t.to_json() for t in taints[-20:]],  # the newest
        },
    }


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None
