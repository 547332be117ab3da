"""Delegation between agents: registration, routing, long-polling, completion rules, timeouts moving a task on,
the LLM fallback, and failure when nobody can take it. Servers share one store, as separate processes do."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.config import AgentConfig
from lighthouse_mcp.experts import delegation
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def _as(project: Project, name: str, role: str = "expert") -> AsyncIterator[Client]:
    config = dataclasses.replace(project.config, agent=AgentConfig(name, role))  # type: ignore[arg-type]
    async with Client(build_server(dataclasses.replace(project, config=config))) as client:
        yield client


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def _error(client: Client, tool: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error, result.structured_content
    return str(result.content[0].text)  # type: ignore[union-attr]


async def test_a_task_goes_to_the_expert_and_its_answer_comes_back(project: Project) -> None:
    async with _as(project, "rex") as rex, _as(project, "ben", "builder") as ben, _as(project, "eve") as eve:
        await _call(rex, "register_expert", {"capabilities": ["python", "Security"], "description": "reviewer"})
        await _call(eve, "register_expert", {"capabilities": ["go"]})
        task = await _call(ben, "delegate_task", {"task": "Review auth.py", "capabilities": ["python"], "wait_s": 0})
        assert task["status"] == "assigned" and task["expert"] == "rex" and task["deadline"]
        assert (await _call(eve, "next_task", {"wait_s": 0}))["status"] == "none"
        got = await _call(rex, "next_task", {"wait_s": 5})
        assert got["task_id"] == task["task_id"] and got["task"] == "Review auth.py"
        assert "assigned to rex" in await _error(eve, "complete_task", {"task_id": got["task_id"], "result": "x"})
        done = await _call(rex, "complete_task", {"task_id": got["task_id"], "result": "LGTM, one nit"})
        assert done["status"] == "completed"
        again = await _error(rex, "complete_task", {"task_id": got["task_id"], "result": "again"})
        assert "already completed" in again
        result = await _call(ben, "get_task", {"task_id": task["task_id"], "wait_s": 5})
        assert (result["status"], result["expert"], result["result"]) == ("completed", "rex", "LGTM, one nit")
        listed = (await _call(ben, "list_experts", {}))["agents"]
        assert listed["rex"] == {"capabilities": ["python", "security"], "available": True, "completed": 1,
                                 "timed_out": 0, "open": 0}  # fmt: skip
        state = await _call(ben, "state_at", {})
    assert state["experts"]["rex"]["completed"] == 1 and state["tasks"][task["task_id"]]["status"] == "completed"


async def test_a_late_expert_loses_the_task_to_the_next(project: Project) -> None:
    async with _as(project, "amy") as amy, _as(project, "bob") as bob, _as(project, "ben", "builder") as ben:
        await _call(amy, "register_expert", {"capabilities": ["sql"]})
        await _call(bob, "register_expert", {"capabilities": ["sql"]})
        args = {"task": "Explain plan", "capabilities": ["sql"], "timeout_s": 2, "wait_s": 0}
        task = await _call(ben, "delegate_task", args)
        first = task["expert"]
        second = ({"amy", "bob"} - {first}).pop()
        with anyio.fail_after(10):
            while (moved := await _call(ben, "get_task", {"task_id": task["task_id"]}))["expert"] == first:
                await anyio.sleep(0.1)
        assert moved["expert"] == second and moved["tried"] == [first, second]
        late = amy if first == "amy" else bob
        assert "timed out for you" in await _error(late, "complete_task", {"task_id": task["task_id"], "result": "x"})
        other = bob if late is amy else amy
        await _call(other, "complete_task", {"task_id": task["task_id"], "result": "seq scan"})
        final = await _call(ben, "get_task", {"task_id": task["task_id"]})
        assert final["status"] == "completed" and final["result"] == "seq scan"
        state = await _call(ben, "state_at", {})
    assert state["experts"][first]["timed_out"] == 1 and state["experts"][second]["completed"] == 1


async def test_nobody_able_means_a_clear_failure(project: Project) -> None:
    async with _as(project, "ben", "builder") as ben, _as(project, "rex") as rex:
        await _call(rex, "register_expert", {"capabilities": ["python"]})
        task = await _call(ben, "delegate_task", {"task": "Port to Rust", "capabilities": ["rust"], "wait_s": 0})
        assert task["status"] == "failed" and "no available expert has rust" in task["reason"]
        mine = await _call(rex, "delegate_task", {"task": "Check", "capabilities": ["python"], "wait_s": 0})
        assert mine["status"] == "failed"  # an expert is not given its own task


async def test_bad_arguments_and_roles(project: Project) -> None:
    async with _as(project, "ben", "builder") as ben, _as(project, "rex") as rex:
        assert "needs the expert or reviewer or admin role" in await _error(
            ben, "register_expert", {"capabilities": ["x"]}
        )
        assert "needs the" in await _error(ben, "next_task", {"wait_s": 0})
        cases = [
            ({"task": "", "capabilities": ["x"]}, "the task is empty"),
            ({"task": "t", "capabilities": []}, "non-empty list"),
            ({"task": "t", "capabilities": ["has space"]}, "is not valid"),
            ({"task": "t", "capabilities": ["x"], "timeout_s": 0}, "timeout_s must be"),
            ({"task": "t", "capabilities": ["x"], "wait_s": 10_000}, "wait_s must be"),
            ({"task": "t", "capabilities": ["x"], "fallback_profile": "astrology"}, "no expert profile"),
        ]
        for args, message in cases:
            assert message in await _error(ben, "delegate_task", args), args
        assert "no task" in await _error(ben, "get_task", {"task_id": "task_nothing"})
        assert "no task" in await _error(rex, "complete_task", {"task_id": "task_nothing", "result": "r"})
        assert "the result is empty" in await _error(rex, "complete_task", {"task_id": "task_x", "result": " "})


def test_routing_prefers_success_then_speed_then_load() -> None:
    sessions = {
        "s1": {"status": "active"},
        "s2": {"status": "active"},
        "s3": {"status": "active"},
        "s4": {"status": "ended"},
    }

    def expert(session: str, done: int, late: int, latency: int, open_: int) -> dict[str, Any]:
        return {"capabilities": ["go", "sql"], "session": session, "completed": done, "timed_out": late,
                "latency_ms_total": latency * done, "open": open_}  # fmt: skip

    state = {
        "sessions": sessions,
        "experts": {
            "flaky": expert("s1", 5, 5, 10, 0),
            "slow": expert("s2", 10, 0, 900, 0),
            "fast": expert("s3", 10, 0, 100, 3),
            "gone": expert("s4", 100, 0, 1, 0),
        },
        "tasks": {},
    }
    assert delegation.route(state, ["sql"], exclude=set()) == "fast"
    assert delegation.route(state, ["sql"], exclude={"fast"}) == "slow"
    assert delegation.route(state, ["sql", "go"], exclude={"fast", "slow"}) == "flaky"
    assert delegation.route(state, ["rust"], exclude=set()) is None


async def test_when_no_agent_answers_the_fallback_llm_does(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from lighthouse_mcp.config import load_config
    from tests.experts.test_consult import ANTHROPIC_KEY, DENY
    from tests.helpers.fake_llm import FakeLLM

    fake = FakeLLM(default_text=DENY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__ANTHROPIC_BASE_URL", fake.url)
    project = Project(project.home, load_config(project.home.config_path))
    try:
        async with _as(project, "rex") as rex, _as(project, "ben", "builder") as ben:
            await _call(rex, "register_expert", {"capabilities": ["security"]})
            args = {"task": "Is curl|sh ok?", "capabilities": ["security"], "timeout_s": 1, "wait_s": 8}
            done = await _call(ben, "delegate_task", {**args, "fallback_profile": "security"})
            assert (done["status"], done["expert"], done["tried"]) == ("completed", "llm:security", ["rex"])
            assert done["result"].startswith("it deletes the home")
            direct = await _call(
                ben, "delegate_task", {**args, "capabilities": ["rust"], "fallback_profile": "security"}
            )
            assert direct["expert"] == "llm:security" and direct["tried"] == []
            events = (await _call(ben, "query_events", {"type": "expert.consulted"}))["events"]
        assert [e["payload"]["cached"] for e in events] == [True, False]  # newest first: the second was remembered
    finally:
        fake.stop()
