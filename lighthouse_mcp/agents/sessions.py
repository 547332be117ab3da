"""Recording an agent's session: `session.started` when its client first speaks, `session.ended` when it goes."""

from __future__ import annotations

import os
import time
from typing import Any

from lighthouse_mcp.agents.identity import Identity
from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.ids import new_id
from lighthouse_mcp.events.model import Event, NewEvent


class SessionRecorder:
    """One agent's session: a stdio connection, or the requests made with one bearer token over HTTP. The identity
    comes from configuration or the token, never from the client's arguments."""

    def __init__(self, store: AsyncEventStore, agent: Identity, *, transport: str) -> None:
        self._store = store
        self.agent = agent
        self.transport = transport
        self.id = "ses_" + new_id(time.time_ns()).lower()
        self.started: Event | None = None
        self.ended: Event | None = None
        self.last_active = time.monotonic()

    async def start(self, client_name: str | None, client_version: str | None) -> None:
        """Record `session.started` once, with what the client says about itself."""
        if self.started is not None:
            return
        payload: dict[str, Any] = {
            "role": self.agent.role,
            **({"token": self.agent.token} if self.agent.token else {}),
            "client": {"name": client_name, "version": client_version},
            "transport": self.transport,
            "pid": os.getpid(),
        }
        self.started = await self._store.append(self.event("session.started", payload, aggregate=self.id))

    async def end(self, reason: str) -> None:
        """Record `session.ended` once, if the session was started."""
        if self.started is None or self.ended is not None:
            return
        self.ended = await self._store.append(self.event("session.ended", {"reason": reason}, aggregate=self.id))

    async def heartbeat(self) -> None:
        """Record that this session is alive (while it is started and not ended)."""
        if self.started is not None and self.ended is None:
            await self._store.append(self.event("session.heartbeat", {}, aggregate=self.id))

    def event(self, type_: str, payload: dict[str, Any], aggregate: str | None = None) -> NewEvent:
        """An event attributed to this session's agent."""
        return NewEvent(type_, payload, agent=self.agent.name, session=self.id, aggregate=aggregate)


def stale_sessions(sessions: dict[str, Any], now_ns: int, stale_after_s: int) -> list[tuple[str, dict[str, Any]]]:
    """Active sessions of a projected state that nothing has been heard from for `stale_after_s` seconds."""
    limit = now_ns - stale_after_s * 1_000_000_000
    return [(sid, s) for sid, s in sessions.items() if s.get("status") == "active" and int(s["last_seen"]) < limit]


def stale_event(session_id: str, session: dict[str, Any], *, age_s: int, ended_by: str) -> NewEvent:
    """`session.ended` for a session that went silent, recorded by another session's server."""
    payload = {"reason": f"stale: nothing heard for {age_s} s", "ended_by": ended_by}
    return NewEvent("session.ended", payload, agent=session.get("agent"), session=session_id, aggregate=session_id)
