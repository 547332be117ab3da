"""Session heartbeats and stale sessions: a live server says it is alive; a session whose process died silently is
ended, with the reason, by any running server."""

from __future__ import annotations

import dataclasses
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.config import ServerConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

pytestmark = pytest.mark.anyio


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def test_heartbeats_keep_a_session_alive_and_silent_ones_are_ended(project: Project) -> None:
    fast = dataclasses.replace(
        project, config=dataclasses.replace(project.config, server=ServerConfig(heartbeat_s=1, stale_after_s=2))
    )
    store = project.open_store()
    store.append(NewEvent("session.started", {"role": "builder"}, agent="ghost", session="ses_ghost"))
    store.close()
    async with Client(build_server(fast)) as client:
        health = await _call(client, "health", {})
        mine = health["session"]
        await anyio.sleep(3.5)
        state = await _call(client, "state_at", {})
        events = await _call(client, "query_events", {"type": "session", "limit": 100})
    assert state["sessions"]["ses_ghost"]["status"] == "ended"
    assert state["sessions"]["ses_ghost"]["end_reason"].startswith("stale: nothing heard for ")
    assert state["sessions"][mine]["status"] == "active"
    beats = [e for e in events["events"] if e["type"] == "session.heartbeat" and e["session"] == mine]
    assert len(beats) >= 2
    ended = [e for e in events["events"] if e["type"] == "session.ended" and e["session"] == "ses_ghost"]
    assert ended and ended[0]["payload"]["ended_by"] == mine and ended[0]["agent"] == "ghost"
