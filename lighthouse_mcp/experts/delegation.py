"""Agents as experts: registration, delegated tasks, routing, timeouts. Every step is an event (folded by the
reducers in `events/projections.py`), so a task survives restarts and moves between processes.

A task is delegated with the capabilities it needs; it goes to the available expert (its session active) that has
all of them, best by success rate, then latency, then load. The expert gets it by long-polling `next_task` and
answers with `complete_task`. When the deadline passes, the task goes to the next expert, and finally to an LLM
expert profile when one is named; with nobody left it fails, saying why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from lighthouse_mcp.agents.taint import Taint, handed_on
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.ids import new_id
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.projections import REDUCERS, State

MAX_CAPABILITIES = 20
MAX_TASK_CHARS = 50_000
MAX_RESULT_CHARS = 100_000
MAX_TIMEOUT_S = 24 * 3600
_CAPABILITY = re.compile(r"[a-z0-9][a-z0-9._+-]{0,47}")
# Sessions only for who is available: not their heartbeats, which are most of the log on a long-lived project. Taints,
# for the tasks that carry them.
_FOLLOWED = (
    "session.started",
    "session.ended",
    "session.tainted",
    "session.cleared",
    "expert.registered",
    "task",
    "collaboration",
)


def check_capabilities(capabilities: Any, *, allow_empty: bool = False) -> list[str]:
    if not isinstance(capabilities, list) or (not capabilities and not allow_empty):
        raise UsageError("capabilities must be a non-empty list such as ['python', 'security']")
    if len(capabilities) > MAX_CAPABILITIES:
        raise UsageError(f"at most {MAX_CAPABILITIES} capabilities, not {len(capabilities)}")
    out = []
    for item in capabilities:
        if not isinstance(item, str) or not _CAPABILITY.fullmatch(item.strip().lower()):
            raise UsageError(
                f"capability {str(item)[:60]!r} is not valid: lower-case letters, digits and . _ + -, up to 48"
            )
        out.append(item.strip().lower())
    return sorted(set(out))


def check_timeout(timeout_s: Any) -> int:
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int) or not 1 <= timeout_s <= MAX_TIMEOUT_S:
        raise UsageError(f"timeout_s must be a whole number of seconds from 1 to {MAX_TIMEOUT_S}, not {timeout_s!r}")
    return timeout_s


def check_text(text: Any, what: str, limit: int) -> str:
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"the {what} is empty")
    if len(text) > limit:
        raise UsageError(f"the {what} is {len(text)} characters; at most {limit}")
    return text


class DelegationView:
    """Sessions, registered experts and tasks of one process, folded from the store as events arrive."""

    def __init__(self, store: Any, *, refresh_s: float = 0.05) -> None:
        self.state: State = {"sessions": {}, "experts": {}, "tasks": {}, "collaborations": {}, "taints": {}}
        self._follower = Follower(store, _FOLLOWED, self._fold, refresh_s=refresh_s)

    def refresh(self, *, fresh: bool = False) -> State:
        self._follower.refresh(fresh=fresh)
        return self.state

    def _fold(self, event: Event) -> None:
        reducer = REDUCERS.get(event.type)
        if reducer is not None:
            reducer(self.state, event)


def available(state: State, name: str) -> bool:
    """An expert is available while the session it registered from is active."""
    expert = state["experts"].get(name)
    if expert is None:
        return False
    session = state["sessions"].get(expert.get("session") or "")
    return session is not None and session.get("status") == "active"


def route(state: State, capabilities: list[str], *, exclude: set[str]) -> str | None:
    """The best available expert with every capability, or None."""
    needed = set(capabilities)
    candidates = []
    for name, expert in state["experts"].items():
        if name in exclude or not needed <= set(expert["capabilities"]) or not available(state, name):
            continue
        done, late = expert.get("completed", 0), expert.get("timed_out", 0)
        success = done / (done + late) if done + late else 1.0
        latency = expert.get("latency_ms_total", 0) / done if done else 0.0
        candidates.append((-success, latency, expert.get("open", 0), name))
    return min(candidates)[3] if candidates else None


def check_participants(participants: Any, me: str) -> list[str]:
    from lighthouse_mcp.agents.tokens import check_agent_name

    if not isinstance(participants, list) or not participants or len(participants) > 50:
        raise UsageError("participants must be a list of 1 to 50 agent names")
    return list(dict.fromkeys([me, *(check_agent_name(str(p)) for p in participants)]))


def collaboration_event(objective: str, participants: list[str], *, agent: str, session: str | None) -> NewEvent:
    collaboration_id = "col_" + new_id(time.time_ns()).lower()
    payload = {"objective": objective, "participants": participants}
    return NewEvent("collaboration.started", payload, agent=agent, session=session, aggregate=collaboration_id)


def idle_collaborations(state: State, last_activity: dict[str, int], now_ns: int, idle_s: int) -> list[str]:
    """Active collaborations none of whose agents did anything for `idle_s` (`last_activity`: id -> ns)."""
    limit = now_ns - idle_s * 1_000_000_000
    return [
        cid
        for cid, c in state["collaborations"].items()
        if c["status"] == "active" and last_activity.get(cid, c["started_at"]) < limit
    ]


def delegated_event(
    task: str,
    capabilities: list[str],
    timeout_s: int,
    *,
    agent: str,
    session: str | None,
    fallback: str | None,
    direct: str | None = None,
    taint: Sequence[Taint] = (),
) -> NewEvent:
    """`task.delegated`; `direct` names the one expert it is for (it is not routed or passed on); `taint`: the
    delegator's taints in force, which the task carries to whoever takes it."""
    task_id = "task_" + new_id(time.time_ns()).lower()
    payload: dict[str, Any] = {"task": task, "capabilities": capabilities, "timeout_s": timeout_s}
    payload |= {"fallback_profile": fallback, "direct": direct}
    if taint:
        payload["taint"] = [t.seq for t in taint]
    return NewEvent("task.delegated", payload, agent=agent, session=session, aggregate=task_id)


def assigned_event(task_id: str, expert: str, timeout_s: int, *, agent: str | None) -> NewEvent:
    deadline = time.time_ns() + timeout_s * 1_000_000_000
    return NewEvent("task.assigned", {"expert": expert, "deadline_ns": deadline}, agent=agent, aggregate=task_id)


def assignment(state: State, task_id: str, expert: str, timeout_s: int, *, agent: str | None) -> list[NewEvent]:
    """`task.assigned`, and the taint the task carries to the expert: its delegator's taints that no person has
    cleared since (agents/taint.py)."""
    task = state["tasks"][task_id]
    taints = state.get("taints", {})
    carried = [Taint.from_state(str(s), taints[str(s)]) for s in task.get("taint") or () if str(s) in taints]
    delegator = task["delegator"] or "?"
    via = {"task": task_id, "agent": delegator}
    what = f"task {task_id} from {delegator}"
    return [
        assigned_event(task_id, expert, timeout_s, agent=agent),
        *handed_on(carried, to_agent=expert, via=via, what=what),
    ]


def completed_event(task_id: str, expert: str, result: str, *, session: str | None) -> NewEvent:
    payload = {"expert": expert, "result": result}
    return NewEvent("task.completed", payload, agent=expert, session=session, aggregate=task_id)


def failed_event(task_id: str, reason: str, *, agent: str | None) -> NewEvent:
    return NewEvent("task.failed", {"reason": reason}, agent=agent, aggregate=task_id)


def next_steps(state: State, task_id: str, *, agent: str | None, now_ns: int) -> list[NewEvent] | str:
    """What a pending or overdue task needs now: events that time it out and assign it onwards, the name of an
    LLM profile to ask (a string), or nothing."""
    task = state["tasks"][task_id]
    events: list[NewEvent] = []
    if task["status"] == "assigned" and task["deadline"] is not None and task["deadline"] <= now_ns:
        expert = task["expert"]
        events.append(NewEvent("task.timed_out", {"expert": expert}, agent=agent, aggregate=task_id))
    elif task["status"] != "pending":
        return events
    if task.get("direct"):  # asked of one expert by name (a consensus vote): nobody else answers for it
        reason = f"{task['direct']} did not answer within {task['timeout_s']} s"
        return [*events, failed_event(task_id, reason, agent=agent)]
    chosen = route(state, task["capabilities"], exclude={*task["tried"], task["delegator"] or ""})
    if chosen is not None:
        events += assignment(state, task_id, chosen, int(task["timeout_s"] or 60), agent=agent)
    elif task.get("fallback_profile"):
        if events:
            return events  # time it out first; the LLM is asked on the next step
        return str(task["fallback_profile"])
    else:
        tried = ", ".join(t for t in task["tried"] if t) or "none"
        reason = f"no available expert has {', '.join(task['capabilities'])} (tried: {tried}) and no fallback profile"
        events.append(failed_event(task_id, reason, agent=agent))
    return events


def check_completion(state: State, task_id: str, expert: str, *, now_ns: int) -> dict[str, Any]:
    """The task `expert` may complete now, or `UsageError` saying why not."""
    task = state["tasks"].get(task_id)
    if task is None:
        raise UsageError(f"no task {task_id[:60]!r}")
    if task["status"] == "completed":
        raise UsageError(f"task {task_id} is already completed (by {task['expert']})")
    if task["status"] == "failed":
        raise UsageError(f"task {task_id} failed: {task['reason']}")
    if task["expert"] != expert:
        if expert in task["tried"]:
            raise UsageError(f"task {task_id} timed out for you and went on; your answer is not used")
        raise UsageError(
            f"task {task_id} is assigned to {task['expert'] or 'nobody yet'}; only that expert can complete it"
        )
    if task["deadline"] is not None and task["deadline"] <= now_ns:
        raise UsageError(f"task {task_id} timed out before your answer; it goes to the next expert")
    return dict(task)


def task_out(task_id: str, task: dict[str, Any]) -> dict[str, Any]:
    from lighthouse_mcp.events.model import iso_time

    return {
        "task_id": task_id,
        "status": task["status"],
        "task": task["task"],
        "capabilities": task["capabilities"],
        "delegator": task["delegator"],
        "expert": task["expert"],
        "tried": [t for t in task["tried"] if t],
        "deadline": iso_time(task["deadline"]) if task["deadline"] else None,
        "result": task["result"],
        "reason": task["reason"],
    }
