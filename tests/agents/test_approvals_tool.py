"""Approvals through the validation tool: the server waits without blocking and returns the person's answer."""

from __future__ import annotations

import dataclasses
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.agents import approvals
from lighthouse_mcp.config import ApprovalsConfig
from lighthouse_mcp.events.query import EventFilter
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

pytestmark = pytest.mark.anyio


def _with(project: Project, **kw: Any) -> Project:
    config = dataclasses.replace(project.config, approvals=ApprovalsConfig(enabled=True, **kw))
    return dataclasses.replace(project, config=config)


async def _answer_when_asked(project: Project, kind: str) -> str:
    store = project.open_store()
    try:
        with anyio.fail_after(10):
            while True:
                found = store.query(EventFilter(types=("approval.requested",), limit=1)).events
                if found:
                    approval_id = found[0].aggregate or ""
                    approvals.resolve(store, approval_id, kind, by="operator", reason="checked")
                    return approval_id
                await anyio.sleep(0.05)
    finally:
        store.close()


@pytest.mark.parametrize(("kind", "decision"), [("approval.granted", "allow"), ("approval.denied", "deny")])
async def test_the_tool_returns_the_persons_answer(project: Project, kind: str, decision: str) -> None:
    result: dict[str, Any] = {}
    async with Client(build_server(_with(project, timeout_s=20))) as client:

        async def ask() -> None:
            call = await client.call_tool("validate_command", {"command": "npm publish"})
            result.update(call.structured_content or {})

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask)
            await anyio.sleep(0.3)
            with anyio.fail_after(5):  # the server keeps answering other calls while one waits
                assert (await client.call_tool("health", {})).is_error is False
            assert not result
            approval_id = await _answer_when_asked(project, kind)
    assert result["decision"] == decision
    assert approval_id in result["reasons"][0]["message"]


async def test_the_tool_takes_the_default_on_timeout(project: Project) -> None:
    async with Client(build_server(_with(project, timeout_s=1, on_timeout="ask"))) as client:
        call = await client.call_tool("validate_command", {"command": "npm publish"})
    out = call.structured_content or {}
    assert out["decision"] == "ask" and out["rules"] == ["approvals.timeout"]
