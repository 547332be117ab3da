"""Delegation across two real `lighthouse serve` processes, and across a restart of both in the middle of a task:
the state is the event log, not either process's memory."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.project import Project
from tests.agents.test_processes import _serve

pytestmark = pytest.mark.anyio


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def test_delegation_round_trip_and_restart_mid_task(project: Project) -> None:
    with anyio.fail_after(120):
        async with _serve(project, "ben", "builder") as ben, _serve(project, "rex", "expert") as rex:
            await _call(rex, "register_expert", {"capabilities": ["python"]})
            first = await _call(ben, "delegate_task", {"task": "Review a.py", "capabilities": ["python"], "wait_s": 0})
            assert first["expert"] == "rex"
            got = await _call(rex, "next_task", {"wait_s": 10})
            assert got["task_id"] == first["task_id"]
            await _call(rex, "complete_task", {"task_id": got["task_id"], "result": "fine"})
            done = await _call(ben, "get_task", {"task_id": first["task_id"], "wait_s": 10})
            assert (done["status"], done["result"]) == ("completed", "fine")

            second = await _call(
                ben, "delegate_task", {"task": "Review b.py", "capabilities": ["python"], "timeout_s": 300, "wait_s": 0}
            )
            assert (await _call(rex, "next_task", {"wait_s": 10}))["task_id"] == second["task_id"]
        # Both processes are gone, mid-task. New ones start from the log.
        async with _serve(project, "ben", "builder") as ben, _serve(project, "rex", "expert") as rex:
            again = await _call(rex, "next_task", {"wait_s": 10})
            assert (again["task_id"], again["task"]) == (second["task_id"], "Review b.py")
            await _call(rex, "complete_task", {"task_id": again["task_id"], "result": "b.py leaks a file handle"})
            result = await _call(ben, "get_task", {"task_id": second["task_id"], "wait_s": 10})
            assert (result["status"], result["expert"], result["result"]) == (
                "completed",
                "rex",
                "b.py leaks a file handle",
            )
