"""Validation tools: validate_command and validate_tool_call."""

from __future__ import annotations

import os
from typing import Annotated, Any, cast

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs it for output schemas on Python < 3.12

from lighthouse_mcp.agents import approvals
from lighthouse_mcp.agents.sessions import SessionRecorder
from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.experts.escalation import escalate
from lighthouse_mcp.hooks.claude import pre_tool_use_output
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import AppState, tool_errors
from lighthouse_mcp.validation.gate import Caller
from lighthouse_mcp.vocabulary import Decision

# Deciding records an event, so these tools are not read-only, but they change nothing outside Lighthouse.
RECORDS = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)


class DecisionOut(TypedDict):
    decision: str
    risk: str
    reasons: list[dict[str, str]]  # {rule, message}
    rules: list[str]
    exceptions: list[dict[str, str]]  # {rule, reason}
    policy_version: str
    facts_digest: str
    cached: bool
    latency_us: int
    tool: str
    hookSpecificOutput: dict[str, Any]


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the validation tools to `server`."""

    async def decide(app: AppState, me: SessionRecorder, tool: str, tool_input: Any, cwd: str) -> DecisionOut:
        with tool_errors():
            gate = app.gate
            caller = Caller(me.agent.name, me.agent.role, me.id)
            gate.recheck()
            # A remote OPA answers over the network: wait for it off the event loop.
            if app.validation.opa:
                decision = await anyio.to_thread.run_sync(lambda: gate.decide(tool, tool_input, cwd=cwd, caller=caller))
            else:
                decision = gate.decide(tool, tool_input, cwd=cwd, caller=caller)
            consulted: list[NewEvent] = []
            if any(f.escalate for f in decision.findings):
                timeout = app.project.config.validation.escalation_timeout_s
                decision, consulted = await escalate(
                    decision, app.experts(), timeout, agent=me.agent.name, session=me.id
                )
            recording = gate.recording(decision, caller, aggregate=None)
            events = [*consulted, *recording.events]
            if events:
                try:
                    for blob in recording.blobs:
                        await app.store.run(app.store.store.put_blob, blob)
                    if len(events) == 1:
                        await app.store.append(events[0])  # on the loop when the write lock is free
                    else:
                        await app.store.append_batch(events)
                except LighthouseError as exc:
                    return _out(gate.unrecorded(decision, str(exc)))
            if approvals.needs_approval(decision, app.project.config.approvals):
                decision = await _ask_a_person(app, me, decision)
        return _out(decision)

    async def _ask_a_person(app: AppState, me: SessionRecorder, decision: Decision) -> Decision:
        """Record the request and wait (without blocking the server) for an operator's answer."""
        config = app.project.config.approvals
        approval_id, asked = approvals.request(decision, timeout_s=config.timeout_s, agent=me.agent.name, session=me.id)
        await app.store.append(asked)
        deadline = anyio.current_time() + config.timeout_s
        while (resolution := await app.store.run(approvals.find_resolution, app.store.store, approval_id)) is None:
            if anyio.current_time() >= deadline:
                await app.store.append(approvals.expired_event(approval_id, by=me.agent.name))
                break
            await anyio.sleep(approvals.POLL_S)
        return approvals.outcome(decision, resolution, config, approval_id)

    @server.tool(annotations=RECORDS)
    async def validate_command(
        ctx: Context[AppState],
        command: Annotated[str, Field(description="the shell command, as the agent would run it")],
        cwd: Annotated[str | None, Field(description="absolute path it runs in (default: project root)")] = None,
    ) -> DecisionOut:
        """May this shell command run? allow, ask (a person confirms) or deny, with the rules and why. Recorded."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        return await decide(app, me, "Bash", {"command": command}, checked_cwd(cwd, app))

    @server.tool(annotations=RECORDS)
    async def validate_tool_call(
        ctx: Context[AppState],
        tool_name: Annotated[str, Field(description="e.g. Bash, Write, Edit, Read, WebFetch, mcp__server__tool")],
        tool_input: Annotated[dict[str, Any], Field(description="the tool's arguments, as the agent would send")],
        cwd: Annotated[str | None, Field(description="absolute working directory (default: project root)")] = None,
    ) -> DecisionOut:
        """May this tool call run (shell, file writes and reads, fetches, MCP tools)? allow, ask or deny, with
        reasons. Recorded."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        return await decide(app, me, tool_name, tool_input, checked_cwd(cwd, app))


def checked_cwd(cwd: str | None, app: AppState) -> str:
    """The directory a call is judged in: the project root when left out; otherwise an absolute path, and over stdio
    (the agent on this machine) a directory that exists. Over HTTP the agent's machine may be another, so its
    directory is judged as a path, without looking at this disk. A relative path is never guessed at."""
    if cwd is None:
        return str(app.project.home.root)
    shown = repr(cwd[:200])
    if not cwd.startswith("/") or "\x00" in cwd:
        raise ToolError(f"cwd must be an absolute path, not {shown} (leave it out for the project root)")
    if app.transport != "http" and not os.path.isdir(cwd):
        raise ToolError(f"cwd {shown} is not a directory on this machine (leave it out for the project root)")
    return cwd


def _out(decision: Decision) -> DecisionOut:
    out = decision.to_json()
    out.pop("command", None)
    out.pop("path", None)
    out["hookSpecificOutput"] = pre_tool_use_output(decision, on_allow="allow")["hookSpecificOutput"]  # type: ignore[index]
    return cast(DecisionOut, out)
