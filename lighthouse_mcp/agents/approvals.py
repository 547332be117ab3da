"""Approvals: an `ask` routed to a person. The hook or tool records `approval.requested` and waits, bounded, for
`approval.granted` or `approval.denied` (given with `lighthouse approvals approve|deny ID`, later from the TUI);
when nobody answers in time the configured default applies and `approval.expired` is recorded."""

from __future__ import annotations

import fnmatch
import time
from dataclasses import replace
from typing import Any

from lighthouse_mcp.config import ApprovalsConfig
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.ids import new_id
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.query import EventFilter
from lighthouse_mcp.validation.decision import decision_event
from lighthouse_mcp.vocabulary import Decision

RESOLUTIONS = ("approval.granted", "approval.denied", "approval.expired")
POLL_S = 0.2
_MAX_TIMEOUT_S = 3600  # approvals.timeout_s's upper bound: no asker waits longer


def needs_approval(decision: Decision, config: ApprovalsConfig) -> bool:
    """An `ask` whose rules include one the configuration routes to a person."""
    if not config.enabled or decision.decision != "ask":
        return False
    patterns = [p.strip() for p in config.rules.split(",") if p.strip()]
    return any(fnmatch.fnmatchcase(r["rule"], p) for r in decision.reasons for p in patterns)


def request(decision: Decision, *, timeout_s: int, agent: str | None, session: str | None) -> tuple[str, NewEvent]:
    """A new approval id and its `approval.requested` event: what is asked (as the decision records it) and how
    long the asker waits."""
    approval_id = "apr_" + new_id(time.time_ns()).lower()
    asked = decision_event(decision, agent=agent, session=session, recorded=None).payload
    payload: dict[str, Any] = {k: asked[k] for k in ("tool", "command", "path", "url", "cwd") if k in asked}
    payload["rules"] = asked["rules"]
    payload["reasons"] = asked["reasons"]
    payload["timeout_s"] = timeout_s
    return approval_id, NewEvent("approval.requested", payload, agent=agent, session=session, aggregate=approval_id)


def expired_event(approval_id: str, *, by: str | None) -> NewEvent:
    """`approval.expired`: the asker stopped waiting; the default applied."""
    return resolution_event(approval_id, "approval.expired", by=by)


def resolution_event(approval_id: str, kind: str, *, by: str | None, reason: str = "") -> NewEvent:
    return NewEvent(kind, {"reason": reason}, agent=by, session=None, aggregate=approval_id)


def find_resolution(store: Any, approval_id: str) -> Event | None:
    page = store.query(EventFilter(types=RESOLUTIONS, aggregate=approval_id, limit=1, order="asc"))
    return page.events[0] if page.events else None


def wait(store: Any, approval_id: str, timeout_s: int) -> Event | None:
    """Block until the approval is resolved or `timeout_s` passes (then None)."""
    deadline = time.monotonic() + timeout_s
    seen = store.last_seq()
    while True:
        found = find_resolution(store, approval_id)
        if found is not None or time.monotonic() >= deadline:
            return found
        # Woken by the store's notification where it has one (PostgreSQL), else after a poll interval.
        seen = store.wait_for_events(seen, min(POLL_S * 10, max(0.0, deadline - time.monotonic())))


def outcome(decision: Decision, resolution: Event | None, config: ApprovalsConfig, approval_id: str) -> Decision:
    """The decision after the person's answer (or the default when there was none)."""
    if resolution is not None and resolution.type == "approval.granted":
        message = f"approved by {resolution.agent or 'an operator'} ({approval_id})"
        return replace(decision, decision="allow", reasons=[{"rule": "approvals.granted", "message": message}])
    if resolution is not None and resolution.type == "approval.denied":
        why = resolution.payload.get("reason") or "no reason given"
        message = f"denied by {resolution.agent or 'an operator'} ({approval_id}): {why}"
        return replace(decision, decision="deny", reasons=[{"rule": "approvals.denied", "message": message}])
    message = f"no answer to {approval_id} within {config.timeout_s} s; {config.on_timeout} by default"
    return replace(decision, decision=config.on_timeout, reasons=[{"rule": "approvals.timeout", "message": message}])


def pending(store: Any, now_ns: int | None = None) -> list[Event]:
    """Requested approvals with no answer whose asker may still be waiting."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    since = now_ns - (_MAX_TIMEOUT_S + 60) * 1_000_000_000
    requested = store.query(EventFilter(types=("approval.requested",), since_ts=since, limit=1000)).events
    answered = {e.aggregate for e in store.query(EventFilter(types=RESOLUTIONS, since_ts=since, limit=100_000)).events}
    return [
        event
        for event in requested
        if event.aggregate not in answered
        and event.ts + int(event.payload.get("timeout_s", 0)) * 1_000_000_000 >= now_ns
    ]


def resolve(store: Any, approval_id: str, kind: str, *, by: str, reason: str) -> Event:
    """Record the operator's answer; an unknown, finished or already answered approval is a UsageError."""
    requested = store.query(EventFilter(types=("approval.requested",), aggregate=approval_id, limit=1)).events
    if not requested:
        raise UsageError(f"no approval {approval_id}; `lighthouse approvals list` shows the pending ones")
    done = find_resolution(store, approval_id)
    if done is not None:
        raise UsageError(f"{approval_id} is already answered ({done.type.split('.')[-1]})")
    event: Event = store.append(resolution_event(approval_id, kind, by=by, reason=reason))
    return event
