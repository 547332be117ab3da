"""What the operator's console shows, as plain data read from the store: the overview, sessions, a page of the
timeline, pending approvals, policies, experts and the mount. The TUI draws these; it computes nothing itself."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp import metrics
from lighthouse_mcp.events.model import Event, iso_time
from lighthouse_mcp.events.query import EventFilter
from lighthouse_mcp.project import Project

RECENT_DECISIONS = 2000


@dataclass
class Snapshot:
    """Everything the console shows at one moment."""

    project: str
    database: str
    events: int
    last_seq: int
    mount: str
    decisions: dict[str, int]
    latency: dict[str, dict[str, float | int]]
    sessions: list[dict[str, Any]]
    approvals: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    experts: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def snapshot(project: Project, store: Any, state: dict[str, Any]) -> Snapshot:
    """The console's data; `state` is the folded state at the head (sessions, policies, experts, tasks)."""
    from lighthouse_mcp.agents import approvals

    recent = store.query(EventFilter(types=("validation.decided",), order="desc", limit=RECENT_DECISIONS)).events
    decided = Counter(str(e.payload.get("decision")) for e in recent)
    by_agent: dict[str, Counter[str]] = {}
    for event in recent:
        by_agent.setdefault(event.agent or "", Counter())[str(event.payload.get("decision"))] += 1
    sessions = [
        {
            "session": sid,
            "agent": s.get("agent"),
            "role": s.get("role"),
            "client": (s.get("client") or {}).get("name") if isinstance(s.get("client"), dict) else None,
            "status": s.get("status"),
            "started": _time(s.get("started_at")),
            "last_seen": _time(s.get("last_seen")),
            "decisions": dict(by_agent.get(s.get("agent") or "", Counter())),
        }
        for sid, s in sorted(state.get("sessions", {}).items(), key=lambda kv: -(kv[1].get("last_seen") or 0))
    ]
    now = time.time_ns()
    waiting = [
        {
            "id": e.aggregate,
            "agent": e.agent,
            "what": e.payload.get("command") or e.payload.get("path") or e.payload.get("url"),
            "rules": ", ".join(e.payload.get("rules", [])),
            "waiting_s": (now - e.ts) // 1_000_000_000,
        }
        for e in approvals.pending(store, now)
    ]
    policies = [
        {"name": name, "revision": p.get("revision"), "by": p.get("by"), "at": _time(p.get("at"))}
        for name, p in sorted(state.get("policies", {}).items())
    ]
    experts = [
        {"name": name, "capabilities": ", ".join(e.get("capabilities", [])), "completed": e.get("completed", 0),
         "timed_out": e.get("timed_out", 0), "open": e.get("open", 0)}
        for name, e in sorted(state.get("experts", {}).items())
    ]  # fmt: skip
    tasks = [
        {"id": tid, "status": t.get("status"), "expert": t.get("expert"), "delegator": t.get("delegator"),
         "task": str(t.get("task") or "")[:80]}
        for tid, t in state.get("tasks", {}).items() if t.get("status") in ("pending", "assigned")
    ]  # fmt: skip
    return Snapshot(
        project=str(project.home.root),
        database=store.location,
        events=store.count(),
        last_seq=store.last_seq(),
        mount=mount_state(store),
        decisions={d: decided.get(d, 0) for d in ("allow", "ask", "deny")},
        latency=metrics.latencies(store, project.config.metrics.window_s),
        sessions=sessions,
        approvals=waiting,
        policies=policies,
        experts=experts,
        tasks=tasks,
    )


def mount_state(store: Any) -> str:
    """`not mounted`, or where the newest mount that has not stopped is."""
    events = store.query(EventFilter(types=("mount",), order="desc", limit=50)).events
    stopped: set[str] = set()
    for event in events:
        if event.type == "mount.stopped":
            stopped.add(event.aggregate or "")
        elif event.type == "mount.started" and (event.aggregate or "") not in stopped:
            return f"mounted at {event.aggregate}"
    return "not mounted"


def timeline(
    store: Any, *, text: str = "", agent: str | None = None, limit: int = 200, before: int | None = None
) -> list[Event]:
    """The newest events (before sequence `before`), optionally only one agent's and those with all the words of
    `text`."""
    words = tuple(w.lower() for w in text.split())
    agents = (agent,) if agent else ()
    flt = EventFilter(text=words, agents=agents, order="desc", limit=limit, until_seq=before - 1 if before else None)
    return list(store.query(flt).events)


def _time(ns: Any) -> str:
    return iso_time(int(ns))[11:19] if isinstance(ns, int) else ""


def state_summary(projector: Any, seq: int) -> str:
    """What was true just after event `seq`: active sessions, claims in force, policies — for time travel."""
    from lighthouse_mcp.events.projections import present

    state = present(projector.state_at(seq))
    lines = [f"State after event {state['seq']:,} ({state['ts']})", "", "Active sessions:"]
    active = [(sid, s) for sid, s in state["sessions"].items() if s.get("status") == "active"]
    lines += [f"  {s.get('agent')} ({s.get('role')}) {sid}" for sid, s in active] or ["  none"]
    lines += ["", "Claims:"]
    lines += [f"  {c.get('agent')}: {', '.join(c.get('patterns', []))} until {c.get('until')}"
              for c in state["claims"].values()] or ["  none"]  # fmt: skip
    lines += ["", "Project policies:"]
    lines += [
        f"  {name} (revision {p.get('revision')}, by {p.get('by')})" for name, p in state["policies"].items()
    ] or ["  none"]
    return "\n".join(lines)
