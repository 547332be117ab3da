"""Delegation tools: register_expert, delegate_task, get_task, next_task, complete_task."""

from __future__ import annotations

import time
from typing import Annotated, Any, cast

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from typing_extensions import TypedDict

from lighthouse_mcp.agents import taint
from lighthouse_mcp.agents.sessions import SessionRecorder
from lighthouse_mcp.experts import delegation
from lighthouse_mcp.experts.handoff import advance
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import AppState, tool_errors
from lighthouse_mcp.tools.validation import RECORDS

POLL_S = 0.1
MAX_WAIT_S = 600


class TaskOut(TypedDict):
    task_id: str | None
    status: str  # pending | assigned | completed | failed | none (next_task found nothing)
    task: str | None
    capabilities: list[str]
    delegator: str | None
    expert: str | None  # the assigned expert, or who completed it (llm:<profile> for an LLM expert)
    tried: list[str]
    deadline: str | None
    result: str | None
    reason: str | None


class CompletedOut(TypedDict):
    task_id: str
    status: str


class RegisteredOut(TypedDict):
    expert: str
    capabilities: list[str]
    session: str


NOTHING: dict[str, Any] = {
    "task_id": None,
    "status": "none",
    "task": None,
    "capabilities": [],
    "delegator": None,
    "expert": None,
    "tried": [],
    "deadline": None,
    "result": None,
    "reason": None,
}


class CollaborationOut(TypedDict):
    collaboration_id: str
    participants: list[str]
    status: str  # active | ended


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the delegation and collaboration tools to `server`."""
    _register_delegating(server)
    _register_answering(server)
    _register_collaboration(server)


def _register_collaboration(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=RECORDS)
    async def start_collaboration(
        ctx: Context[AppState],
        objective: Annotated[str, Field(description="what the agents are working on together")],
        participants: Annotated[list[str], Field(description="the agents taking part (you are included)")],
    ) -> CollaborationOut:
        """Group several agents' work under one id: their events until it ends (end_collaboration, or idle)
        are its timeline (query_events collaboration=ID)."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            text = delegation.check_text(objective, "objective", 2000)
            names = delegation.check_participants(participants, me.agent.name)
            event = delegation.collaboration_event(text, names, agent=me.agent.name, session=me.id)
            carried = taint.joined(event.aggregate or "", {name: app.taints_of(name) for name in names})
            await app.store.append_batch([event, *carried])
        return {"collaboration_id": event.aggregate or "", "participants": names, "status": "active"}

    @server.tool(annotations=RECORDS)
    async def end_collaboration(
        ctx: Context[AppState],
        collaboration_id: Annotated[str, Field(description="from start_collaboration")],
        reason: Annotated[str | None, Field(description="why it ends (default: done)")] = None,
    ) -> CollaborationOut:
        """End a collaboration you take part in."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            found = app.delegation.refresh(fresh=True)["collaborations"].get(collaboration_id)
            if found is None:
                raise ToolError(f"no collaboration {collaboration_id[:60]!r}")
            if me.agent.name not in (found["started_by"], *found["participants"]):
                raise ToolError(f"only its participants can end {collaboration_id}; you ({me.agent.name}) are not one")
            if found["status"] != "active":
                raise ToolError(f"{collaboration_id} already ended ({found['end_reason']})")
            payload = {"reason": (reason or "done")[:500]}
            await app.store.append(me.event("collaboration.ended", payload, aggregate=collaboration_id))
        return {"collaboration_id": collaboration_id, "participants": found["participants"], "status": "ended"}


def _register_delegating(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=RECORDS)
    async def delegate_task(
        ctx: Context[AppState],
        task: Annotated[str, Field(description="what to do, with all it needs")],
        capabilities: Annotated[list[str], Field(description="capabilities the expert must have")],
        timeout_s: Annotated[int, Field(description="how long one expert has")] = 300,
        wait_s: Annotated[int, Field(description="how long to wait for the result")] = 60,
        fallback_profile: Annotated[str | None, Field(description="LLM profile if no agent answers")] = None,
    ) -> TaskOut:
        """Give a task to the best available agent expert with these capabilities; if late (timeout_s) it goes
        to the next, then to the fallback LLM profile. Returns the result if it comes within wait_s, else the
        status (then use get_task)."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            text = delegation.check_text(task, "task", delegation.MAX_TASK_CHARS)
            caps = delegation.check_capabilities(capabilities)
            timeout = delegation.check_timeout(timeout_s)
            wait = _wait(wait_s)
            if fallback_profile is not None:
                app.experts().profile(fallback_profile)
            taint = app.taints_of(me.agent.name)  # the task carries it to whoever takes it
            event = delegation.delegated_event(
                text, caps, timeout, agent=me.agent.name, session=me.id, fallback=fallback_profile, taint=taint
            )
            await app.store.append(event)
            return cast(TaskOut, await _follow(app, ctx, event.aggregate or "", wait))

    @server.tool(annotations=RECORDS)
    async def get_task(
        ctx: Context[AppState],
        task_id: Annotated[str, Field(description="from delegate_task")],
        wait_s: Annotated[int, Field(description="how long to wait for it to finish (0: now)")] = 0,
    ) -> TaskOut:
        """A delegated task's status and result, waiting up to wait_s for it to finish (moving it on to the next
        expert if its current one is late)."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            wait = _wait(wait_s)
            if task_id not in app.delegation.refresh(fresh=True)["tasks"]:
                raise ToolError(f"no task {task_id[:60]!r}")
            return cast(TaskOut, await _follow(app, ctx, task_id, wait))


def _register_answering(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=RECORDS)
    async def register_expert(
        ctx: Context[AppState],
        capabilities: Annotated[list[str], Field(description="what you can do, e.g. ['python', 'security']")],
        description: Annotated[str | None, Field(description="one line about you, for delegators")] = None,
    ) -> RegisteredOut:
        """Offer yourself as an expert for these capabilities while this session lasts; then take tasks with
        next_task and answer with complete_task."""
        app = ctx.request_context.lifespan_context
        me = app.allowed(ctx.request_context, "register_expert")
        with tool_errors():
            caps = delegation.check_capabilities(capabilities)
            payload = {"capabilities": caps, "description": (description or "")[:300] or None}
            await _started(me)
            await app.store.append(me.event("expert.registered", payload, aggregate=me.agent.name))
        return {"expert": me.agent.name, "capabilities": caps, "session": me.id}

    @server.tool(annotations=RECORDS)
    async def next_task(
        ctx: Context[AppState],
        wait_s: Annotated[int, Field(description="how long to wait for a task (long poll)")] = 30,
    ) -> TaskOut:
        """The oldest task assigned to you and not completed (again after a restart), waiting up to wait_s;
        status 'none' if nothing came."""
        app = ctx.request_context.lifespan_context
        me = app.allowed(ctx.request_context, "next_task")
        with tool_errors():
            deadline = anyio.current_time() + _wait(wait_s)
            while True:
                state = app.delegation.refresh(fresh=True)
                now = time.time_ns()
                mine = [
                    (t["assigned_at"] or 0, tid)
                    for tid, t in state["tasks"].items()
                    if t["status"] == "assigned" and t["expert"] == me.agent.name and (t["deadline"] or 0) > now
                ]
                if mine:
                    task_id = min(mine)[1]
                    return cast(TaskOut, delegation.task_out(task_id, state["tasks"][task_id]))
                if anyio.current_time() >= deadline:
                    return cast(TaskOut, dict(NOTHING))
                await anyio.sleep(POLL_S)

    @server.tool(annotations=RECORDS)
    async def complete_task(
        ctx: Context[AppState],
        task_id: Annotated[str, Field(description="from next_task")],
        result: Annotated[str, Field(description="your full answer")],
    ) -> CompletedOut:
        """Answer a task assigned to you. Refused when it is not yours, already completed, or timed out."""
        app = ctx.request_context.lifespan_context
        me = app.allowed(ctx.request_context, "complete_task")
        with tool_errors():
            text = delegation.check_text(result, "result", delegation.MAX_RESULT_CHARS)
            async with app.delegation_lock:
                state = app.delegation.refresh(fresh=True)
                task = delegation.check_completion(state, task_id, me.agent.name, now_ns=time.time_ns())
                done = delegation.completed_event(task_id, me.agent.name, text, session=me.id)
                back = taint.handed_on(  # a tainted expert's answer taints whoever reads it
                    app.taints_of(me.agent.name) if task["delegator"] else [],
                    to_agent=task["delegator"] or "",
                    via={"task_result": task_id, "agent": me.agent.name},
                    what=f"the answer to task {task_id} from {me.agent.name}",
                )
                await app.store.append_batch([done, *back])
            return {"task_id": task_id, "status": "completed"}


def _wait(wait_s: int) -> int:
    if isinstance(wait_s, bool) or not isinstance(wait_s, int) or not 0 <= wait_s <= MAX_WAIT_S:
        raise ToolError(f"wait_s must be a whole number of seconds from 0 to {MAX_WAIT_S}, not {wait_s!r}")
    return wait_s


async def _started(me: SessionRecorder) -> None:
    if me.started is None:
        await me.start(None, None)


async def _follow(app: AppState, ctx: Context[AppState], task_id: str, wait_s: int) -> dict[str, Any]:
    """Move the task along (assign, time out, ask the fallback LLM) until it finishes or `wait_s` passes."""
    deadline = anyio.current_time() + wait_s
    reported = ""
    while True:
        await advance(app, task_id)
        task = app.delegation.refresh(fresh=True)["tasks"][task_id]
        if task["status"] in ("completed", "failed") or anyio.current_time() >= deadline:
            return delegation.task_out(task_id, task)
        status = f"{task['status']}: {task['expert'] or 'waiting for an expert'}"
        if status != reported:
            reported = status
            try:
                await ctx.report_progress(len(task["tried"]), None, message=status)
            except Exception:  # a client that cannot take progress still gets the result
                reported = status
        await anyio.sleep(POLL_S)
