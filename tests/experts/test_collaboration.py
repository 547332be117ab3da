"""Collaborations: one id grouping several agents' work, a timeline queryable like a session's, ended explicitly
or when idle."""

from __future__ import annotations

import dataclasses

import anyio
import pytest

from lighthouse_mcp.project import Project
from tests.experts.test_delegation import _as, _call, _error

pytestmark = pytest.mark.anyio


async def test_a_collaboration_groups_its_agents_work(project: Project) -> None:
    async with _as(project, "ben", "builder") as ben, _as(project, "rex") as rex, _as(project, "eve") as eve:
        await _call(eve, "validate_command", {"command": "ls before"})
        started = await _call(ben, "start_collaboration", {"objective": "Ship the login flow", "participants": ["rex"]})
        col = started["collaboration_id"]
        assert started["participants"] == ["ben", "rex"]
        await _call(rex, "register_expert", {"capabilities": ["python"]})
        task = await _call(ben, "delegate_task", {"task": "Review", "capabilities": ["python"], "wait_s": 0})
        await _call(eve, "validate_command", {"command": "ls eve"})
        await _call(ben, "claim_files", {"paths": ["src/login.py"], "ttl_s": 60, "reason": "login"})
        assert "only its participants" in await _error(eve, "end_collaboration", {"collaboration_id": col})
        ended = await _call(rex, "end_collaboration", {"collaboration_id": col, "reason": "shipped"})
        assert ended["status"] == "ended"
        await _call(ben, "validate_command", {"command": "ls after"})
        timeline = (await _call(eve, "query_events", {"collaboration": col, "order": "asc"}))["events"]
        assert "already ended (shipped)" in await _error(ben, "end_collaboration", {"collaboration_id": col})
        mixed = await _error(eve, "query_events", {"collaboration": col, "agent": "eve"})
        assert "collaboration sets agent" in mixed
        assert "no collaboration" in await _error(eve, "query_events", {"collaboration": "col_nothing"})
        state = await _call(eve, "state_at", {})
    types = [e["type"] for e in timeline]
    assert types[0] == "collaboration.started" and types[-1] == "collaboration.ended"
    assert {"expert.registered", "task.delegated", "files.claimed"} <= set(types)
    assert {e["agent"] for e in timeline} <= {"ben", "rex", None}
    assert all(e["payload"].get("command") not in ("ls eve", "ls after", "ls before") for e in timeline)
    assert any(e["aggregate"] == task["task_id"] for e in timeline)
    assert state["collaborations"][col]["status"] == "ended" and state["collaborations"][col]["end_reason"] == "shipped"


async def test_an_idle_collaboration_ends(project: Project) -> None:
    config = dataclasses.replace(
        project.config, server=dataclasses.replace(project.config.server, collaboration_idle_s=1)
    )
    project = dataclasses.replace(project, config=config)
    async with _as(project, "ben", "builder") as ben:
        col = (await _call(ben, "start_collaboration", {"objective": "x", "participants": ["rex"]}))["collaboration_id"]
        with anyio.fail_after(10):
            while (await _call(ben, "state_at", {}))["collaborations"][col]["status"] == "active":
                await anyio.sleep(0.2)
        state = await _call(ben, "state_at", {})
    assert state["collaborations"][col]["end_reason"].startswith("idle")


async def test_bad_collaborations(project: Project) -> None:
    async with _as(project, "ben", "builder") as ben:
        assert "the objective is empty" in await _error(
            ben, "start_collaboration", {"objective": " ", "participants": ["a"]}
        )
        assert "1 to 50 agent names" in await _error(ben, "start_collaboration", {"objective": "x", "participants": []})
        assert "agent name" in await _error(ben, "start_collaboration", {"objective": "x", "participants": ["../x"]})
        assert "no collaboration" in await _error(ben, "end_collaboration", {"collaboration_id": "col_x"})
