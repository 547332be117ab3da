"""State as a fold of events, at the head or at any past sequence or time.

The state is plain JSON: which sessions exist and what they did, which policies are in force, how many events of
each type there were. Times are kept as integer nanoseconds while folding (formatting them is the costly part of a
fold) and shown as ISO-8601 by `present`. Snapshots every `snapshot_every` events, authenticated with the chain
key and tied to the MAC of the event they stop at, keep any point in the past a short fold away.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from typing import Any

from lighthouse_mcp.events.model import Event, iso_time
from lighthouse_mcp.events.store import EventStore, Snapshot

NAME = "state"
# Bump when a reducer changes meaning, so snapshots folded by older code are not reused.
VERSION = "7"
_READ_BATCH = 2000

State = dict[str, Any]
Reducer = Callable[[State, Event], None]


def empty_state() -> State:
    return {
        "seq": 0,
        "ts": None,
        "counts": {},
        "sessions": {},
        "policies": {},
        "claims": {},
        "experts": {},
        "tasks": {},
        "collaborations": {},
        "taints": {},
    }


def _new_session(event: Event, role: Any, client: Any, transport: Any, pid: Any) -> dict[str, Any]:
    """A session as it starts with `event`."""
    return {
        "agent": event.agent,
        "role": role,
        "client": client,
        "transport": transport,
        "pid": pid,
        "status": "active",
        "started_seq": event.seq,
        "started_at": event.ts,
        "last_seen": event.ts,
        "ended_at": None,
        "end_reason": None,
        "events": 0,
    }


def _session_started(state: State, event: Event) -> None:
    p = event.payload
    session = _new_session(event, p.get("role"), p.get("client"), p.get("transport"), p.get("pid"))
    state["sessions"][event.session or ""] = session


def _session_ended(state: State, event: Event) -> None:
    session = state["sessions"].get(event.session or "")
    if session is not None:
        session["status"] = "ended"
        session["ended_at"] = event.ts
        session["end_reason"] = event.payload.get("reason")


def _policy_put(state: State, event: Event) -> None:
    name = event.aggregate or str(event.payload.get("name", ""))
    previous = state["policies"].get(name, {})
    state["policies"][name] = {
        "sha256": event.payload.get("sha256"),
        "revision": previous.get("revision", 0) + 1,
        "seq": event.seq,
        "at": event.ts,
        "by": event.agent,
    }


def _policy_deleted(state: State, event: Event) -> None:
    state["policies"].pop(event.aggregate or str(event.payload.get("name", "")), None)


def _files_claimed(state: State, event: Event) -> None:
    p = event.payload
    state["claims"][event.aggregate or ""] = {
        "agent": event.agent,
        "session": event.session,
        "patterns": list(p.get("patterns", [])),
        "until": p.get("until_ns"),
        "reason": p.get("reason"),
        "seq": event.seq,
        "at": event.ts,
    }


def _files_released(state: State, event: Event) -> None:
    state["claims"].pop(event.aggregate or "", None)


def _expert_registered(state: State, event: Event) -> None:
    previous = state["experts"].get(event.agent or "", {})
    state["experts"][event.agent or ""] = {
        "capabilities": sorted(str(c) for c in event.payload.get("capabilities", [])),
        "description": event.payload.get("description"),
        "session": event.session,
        "registered_at": event.ts,
        "completed": previous.get("completed", 0),
        "timed_out": previous.get("timed_out", 0),
        "latency_ms_total": previous.get("latency_ms_total", 0),
        "open": previous.get("open", 0),
    }


def _expert_stat(state: State, name: str | None, key: str, change: int) -> None:
    expert = state["experts"].get(name or "")
    if expert is not None:
        expert[key] = max(0, expert.get(key, 0) + change)


def _task_delegated(state: State, event: Event) -> None:
    p = event.payload
    state["tasks"][event.aggregate or ""] = {
        "task": p.get("task"),
        "capabilities": list(p.get("capabilities", [])),
        "timeout_s": p.get("timeout_s"),
        "fallback_profile": p.get("fallback_profile"),
        "direct": p.get("direct"),
        "delegator": event.agent,
        "collaboration": p.get("collaboration"),
        "taint": list(p.get("taint", [])),  # the delegator's taints it carries (agents/taint.py)
        "status": "pending",
        "expert": None,
        "tried": [],
        "deadline": None,
        "assigned_at": None,
        "created_at": event.ts,
        "completed_at": None,
        "result": None,
        "reason": None,
    }


def _task_assigned(state: State, event: Event) -> None:
    task = state["tasks"].get(event.aggregate or "")
    if task is None or task["status"] in ("completed", "failed"):
        return
    expert = event.payload.get("expert")
    task.update(status="assigned", expert=expert, deadline=event.payload.get("deadline_ns"), assigned_at=event.ts)
    task["tried"].append(expert)
    _expert_stat(state, expert, "open", 1)


def _task_timed_out(state: State, event: Event) -> None:
    task = state["tasks"].get(event.aggregate or "")
    if task is None or task["status"] != "assigned" or task["expert"] != event.payload.get("expert"):
        return
    task.update(status="pending", expert=None, deadline=None)
    _expert_stat(state, event.payload.get("expert"), "open", -1)
    _expert_stat(state, event.payload.get("expert"), "timed_out", 1)


def _task_completed(state: State, event: Event) -> None:
    """Counts only when the task was still assigned to whoever completes it; a late answer changes nothing."""
    task = state["tasks"].get(event.aggregate or "")
    if task is None or task["status"] not in ("assigned", "pending"):
        return
    by = event.payload.get("expert")
    if task["status"] == "assigned" and task["expert"] != by:
        return
    if task["status"] == "assigned":
        _expert_stat(state, by, "open", -1)
        _expert_stat(state, by, "completed", 1)
        _expert_stat(state, by, "latency_ms_total", (event.ts - (task["assigned_at"] or event.ts)) // 1_000_000)
    task.update(status="completed", expert=by, result=event.payload.get("result"), completed_at=event.ts)


def _task_failed(state: State, event: Event) -> None:
    task = state["tasks"].get(event.aggregate or "")
    if task is not None and task["status"] != "completed":
        if task["status"] == "assigned":
            _expert_stat(state, task["expert"], "open", -1)
        task.update(status="failed", reason=event.payload.get("reason"), completed_at=event.ts)


def _collaboration_started(state: State, event: Event) -> None:
    p = event.payload
    state["collaborations"][event.aggregate or ""] = {
        "objective": p.get("objective"),
        "participants": list(p.get("participants", [])),
        "started_by": event.agent,
        "status": "active",
        "started_seq": event.seq,
        "started_at": event.ts,
        "ended_seq": None,
        "ended_at": None,
        "end_reason": None,
    }


def _collaboration_ended(state: State, event: Event) -> None:
    collaboration = state["collaborations"].get(event.aggregate or "")
    if collaboration is not None and collaboration["status"] == "active":
        collaboration.update(
            status="ended", ended_seq=event.seq, ended_at=event.ts, end_reason=event.payload.get("reason")
        )


def _session_tainted(state: State, event: Event) -> None:
    """A taint in force until a person clears it (agents/taint.py), by its event's sequence."""
    p = event.payload
    findings = [f.get("rule") for f in p.get("findings", []) if isinstance(f, dict)]
    state["taints"][str(event.seq)] = {
        "agent": event.agent,
        "session": event.session,
        "scope": p.get("scope"),
        "kind": p.get("kind"),
        "source": p.get("source"),
        "risk": p.get("risk"),
        "rules": findings or list(p.get("rules", [])),
        "truncated": bool(p.get("truncated")),
        "via": p.get("via"),
        "at": event.ts,
    }


def _session_cleared(state: State, event: Event) -> None:
    for seq in event.payload.get("taints", []):
        state["taints"].pop(str(seq), None)


REDUCERS: dict[str, Reducer] = {
    "collaboration.started": _collaboration_started,
    "collaboration.ended": _collaboration_ended,
    "expert.registered": _expert_registered,
    "task.delegated": _task_delegated,
    "task.assigned": _task_assigned,
    "task.timed_out": _task_timed_out,
    "task.completed": _task_completed,
    "task.failed": _task_failed,
    "files.claimed": _files_claimed,
    "files.released": _files_released,
    "session.started": _session_started,
    "session.ended": _session_ended,
    "session.tainted": _session_tainted,
    "session.cleared": _session_cleared,
    "policy.put": _policy_put,
    "policy.deleted": _policy_deleted,
}


# What `lighthouse hook` records: an agent's session seen only through its hook (Claude Code's session_id) has no
# `session.started`; its first such event starts it, and any later one after it was ended as stale resumes it.
HOOK_EVENTS = frozenset(
    {"validation.decided", "tool.ran", "file.changed", "response.scanned", "enforcement.bypassed", "hook.deadline"}
)


def _role_of(event: Event) -> Any:
    """The role a hook's event says its agent had (a decision records it with its request)."""
    request = event.payload.get("request")
    return request.get("role") if isinstance(request, dict) else None


def apply_event(state: State, event: Event) -> None:
    """Fold one event into `state` in place."""
    reducer = REDUCERS.get(event.type)
    if reducer is not None:
        reducer(state, event)
    if event.session:
        session = state["sessions"].get(event.session)
        if event.type in HOOK_EVENTS:
            if session is None:
                client = {"name": event.payload.get("client") or "hook"}  # the agent product, where it is recorded
                role = _role_of(event)
                session = state["sessions"][event.session] = _new_session(event, role, client, "hook", None)
            elif session.get("transport") == "hook":
                if session["status"] != "active":
                    session.update(status="active", ended_at=None, end_reason=None)
                if session.get("role") is None:
                    session["role"] = _role_of(event)
        if session is not None:
            session["events"] += 1
            session["last_seen"] = event.ts
    counts = state["counts"]
    counts[event.type] = counts.get(event.type, 0) + 1
    state["seq"] = event.seq
    state["ts"] = event.ts


_TIMES = {
    "sessions": ("started_at", "last_seen", "ended_at"),
    "policies": ("at",),
    "claims": ("until", "at"),
    "experts": ("registered_at",),
    "tasks": ("deadline", "assigned_at", "created_at", "completed_at"),
    "collaborations": ("started_at", "ended_at"),
    "taints": ("at",),
}


def present(state: State) -> State:
    """A copy of `state` with its nanosecond times as ISO-8601 strings, for people and tools."""
    out = copy.deepcopy(state)
    out["ts"] = None if state["ts"] is None else iso_time(state["ts"])
    for section, fields in _TIMES.items():
        for item in out[section].values():
            for name in fields:
                if item.get(name) is not None:
                    item[name] = iso_time(item[name])
    return out


def fold(state: State, events: Iterable[Event]) -> State:
    for event in events:
        apply_event(state, event)
    return state


class Projector:
    """Computes state at any sequence or time from a store, using and writing snapshots."""

    def __init__(self, store: EventStore, key: bytes, *, snapshot_every: int) -> None:
        self._store = store
        self._key = key
        self._every = snapshot_every
        self._live: State = empty_state()

    def current(self) -> State:
        """State at the head; kept in memory and caught up incrementally. Returns a copy. The first call starts
        from the newest snapshot (writing them as it folds when there are none yet), not from the first event."""
        head = self._store.last_seq()
        if self._live["seq"] == 0 and head > 0:
            self._live = self.state_at(head)
        self._live = self._fold_to(self._live, head, save=False)
        return copy.deepcopy(self._live)

    def to_fold(self) -> int:
        """How many events the first `current()` reads: those after the newest snapshot (all, when there is none)."""
        head = self._store.last_seq()
        snapshot = self._store.load_snapshot(NAME, VERSION, head)
        return head - (snapshot.seq if snapshot is not None else 0)

    def state_at(self, seq: int | None = None) -> State:
        """State after event `seq` (the head when None; clamped to the head)."""
        head = self._store.last_seq()
        target = head if seq is None else max(0, min(seq, head))
        snapshot = self._store.load_snapshot(NAME, VERSION, target)
        state = self._open(snapshot) if snapshot is not None else None
        return self._fold_to(state or empty_state(), target, save=True)

    def state_at_time(self, ts_ns: int) -> State:
        return self.state_at(self._store.seq_at_time(ts_ns))

    def _fold_to(self, state: State, target: int, *, save: bool) -> State:
        while state["seq"] < target:
            events = self._store.read_after(state["seq"], min(_READ_BATCH, target - state["seq"]))
            if not events:
                break
            for event in events:
                apply_event(state, event)
                if save and event.seq % self._every == 0:
                    self._save(state, event)
        return state

    def _save(self, state: State, event: Event) -> None:
        text = json.dumps(state, sort_keys=True, separators=(",", ":"))
        mac = self._mac(event.seq, bytes.fromhex(event.mac), text)
        self._store.save_snapshot(NAME, VERSION, Snapshot(event.seq, text, mac))

    def _open(self, snapshot: Snapshot) -> State | None:
        """The snapshot's state if its MAC holds against the event it claims to follow; else None (refold)."""
        event = self._store.get(snapshot.seq)
        if event is None:
            return None
        expected = self._mac(snapshot.seq, bytes.fromhex(event.mac), snapshot.state)
        if not hmac.compare_digest(expected, snapshot.mac):
            return None
        state: State = json.loads(snapshot.state)
        return state

    def _mac(self, seq: int, event_mac: bytes, text: str) -> bytes:
        header = f"{NAME}\0{VERSION}\0{seq}\0".encode()
        return hmac.new(self._key, header + event_mac + text.encode(), hashlib.sha256).digest()
