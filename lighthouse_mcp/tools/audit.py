"""Audit-log tools and resources: query_events, state_at, verify_audit_log, health, recent events, sessions."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any, cast

from mcp.server.mcpserver import Context, MCPServer
from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs it for output schemas on Python < 3.12

from lighthouse_mcp import audit, metrics
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import Event
from lighthouse_mcp.events.projections import present
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import READ_ONLY, AppState, tool_errors

RECENT_URI = "lighthouse://events/recent"
SESSIONS_URI = "lighthouse://sessions"


class EventOut(TypedDict):
    seq: int
    id: str
    ts: str
    ts_ns: int
    type: str
    agent: str | None
    session: str | None
    aggregate: str | None
    payload: dict[str, Any]
    mac: str


class EventsPage(TypedDict):
    events: list[EventOut]
    next_cursor: str | None


class VerifyOut(TypedDict):
    ok: bool
    checked: int
    last_seq: int
    first_bad_seq: int | None
    reason: str | None


class StateOut(TypedDict):
    seq: int
    ts: str | None
    counts: dict[str, int]
    sessions: dict[str, Any]
    policies: dict[str, Any]
    claims: dict[str, Any]  # claim id -> {agent, session, patterns, until, reason, seq, at}
    experts: dict[str, Any]  # agent -> {capabilities, session, completed, timed_out, latency_ms_total, open}
    tasks: dict[str, Any]  # task id -> {task, capabilities, delegator, status, expert, tried, deadline, result}
    collaborations: dict[str, Any]  # id -> {objective, participants, started_by, status, started_at, ended_at}
    taints: dict[str, Any]  # seq -> {agent, session, scope, kind, source, risk, rules, via, at}: not cleared


class HealthOut(TypedDict):
    status: str
    versions: dict[str, str | None]
    store: dict[str, Any]
    chain: VerifyOut
    agent: dict[str, str]
    session: str
    policy: dict[str, Any]  # {engine: local|opa, url?, deciding?, last_error?, fallback_since?, shadow?}
    metrics: dict[str, Any]  # component -> {count, p50_us, p95_us, p99_us} over metrics.window_s
    taint: dict[str, Any]  # {enabled, in_force, taints: the newest 20}: sessions that read untrusted content


def _event_out(event: Event) -> EventOut:
    return cast(EventOut, event.to_json())


def collaboration_scope(
    app: AppState, collaboration: str, agent: str | None, since: Any, until: Any
) -> tuple[str, Any, Any]:
    """The filters a collaboration's timeline stands for: its agents, from its start to its end."""
    found = app.delegation.refresh(fresh=True)["collaborations"].get(collaboration)
    if found is None:
        raise UsageError(f"no collaboration {collaboration[:60]!r}")
    if agent is not None or since is not None or until is not None:
        raise UsageError("collaboration sets agent, since and until; give it alone or give those")
    agents = ",".join(dict.fromkeys([found["started_by"], *found["participants"]]))
    return agents, found["started_seq"], found["ended_seq"]


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the audit tools and resources to `server`."""
    config = project.config

    @server.tool(annotations=READ_ONLY)
    async def query_events(
        ctx: Context[AppState],
        type: Annotated[str | None, Field(description="event type or dotted prefix, comma-separated")] = None,
        agent: Annotated[str | None, Field(description="agent name, comma-separated")] = None,
        session: str | None = None,
        aggregate: Annotated[str | None, Field(description="what the event is about: path, policy, task id")] = None,
        since: Annotated[int | str | None, Field(description="sequence, ISO time or relative (15m, 2h, 7d)")] = None,
        until: Annotated[int | str | None, Field(description="sequence, ISO time or relative")] = None,
        text: Annotated[str | None, Field(description="words that must all appear")] = None,
        limit: int | None = None,
        order: Annotated[str, Field(description="desc (newest first) or asc")] = "desc",
        cursor: Annotated[str | None, Field(description="next_cursor of the previous page")] = None,
        collaboration: Annotated[str | None, Field(description="a collaboration's timeline")] = None,
    ) -> EventsPage:
        """Search the audit log. Returns one page and a cursor for the next."""
        app = ctx.request_context.lifespan_context
        if collaboration is not None:
            with tool_errors():
                agent, since, until = collaboration_scope(app, collaboration, agent, since, until)
        filters = {
            "type": type,
            "agent": agent,
            "session": session,
            "aggregate": aggregate,
            "since": since,
            "until": until,
            "text": text,
            "limit": limit,
            "order": order,
            "cursor": cursor,
        }
        with tool_errors():
            page = await app.store.run(audit.query_events, app.store.store, config, filters)
        return EventsPage(events=[_event_out(e) for e in page.events], next_cursor=page.next_cursor)

    @server.tool(annotations=READ_ONLY)
    async def state_at(
        ctx: Context[AppState],
        seq: Annotated[int | None, Field(description="state after this event")] = None,
        time: Annotated[str | None, Field(description="state as of this ISO time or relative time")] = None,
    ) -> StateOut:
        """Sessions, taints, policies and counts at a past event or time (now if neither)."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            result = await app.store.run(lambda: audit.state_at(app.projector, seq=seq, time=time))
        return cast(StateOut, result)

    @server.tool(annotations=READ_ONLY)
    async def verify_audit_log(ctx: Context[AppState]) -> VerifyOut:
        """Walk the hash chain; name the first event edited, deleted, reordered or forged."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            report = await app.store.run(app.store.store.verify)
        return cast(VerifyOut, report.to_json())

    @server.tool(annotations=READ_ONLY)
    async def health(ctx: Context[AppState]) -> HealthOut:
        """Versions, store, event count, chain status (new events verified) and tainted sessions."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            chain = await app.store.run(app.verifier.check)
            result = await app.store.run(audit.health, app.store.store, config, chain)
        me = app.caller(ctx.request_context)
        caller = {"agent": {"name": me.agent.name, "role": me.agent.role}, "session": me.id}
        with tool_errors():
            figures = await app.store.run(metrics.latencies, app.store.store, config.metrics.window_s)
        return cast(HealthOut, {**result, **caller, "policy": app.validation.engine_status(), "metrics": figures})

    # Static resources get no Context, so each read opens its own short-lived connection to the store.
    @server.resource(RECENT_URI, mime_type="application/json", description="The newest events, newest first")
    def recent_events() -> list[EventOut]:
        with tool_errors(), contextlib.closing(project.open_store()) as store:
            page = audit.query_events(store, config, {"limit": config.server.recent_events})
        return [_event_out(e) for e in page.events]

    @server.resource(SESSIONS_URI, mime_type="application/json", description="Agent sessions and their status")
    def sessions() -> dict[str, Any]:
        with tool_errors(), contextlib.closing(project.open_store()) as store:
            current: dict[str, Any] = present(project.projector(store).state_at(None))["sessions"]
        return current
