"""Moving delegated work along and collecting experts' votes, for any process that holds the store: assign a task,
time it out and hand it on, ask its LLM fallback; ask a profile or a registered agent expert for a verdict. The
MCP tools (`tools/delegation.py`, `tools/experts.py`) and the server's background loop are adapters over these."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

import anyio

from lighthouse_mcp.experts import delegation

if TYPE_CHECKING:
    import asyncio

    from lighthouse_mcp.agents.sessions import SessionRecorder
    from lighthouse_mcp.agents.taint import Taint
    from lighthouse_mcp.events.aio import AsyncEventStore
    from lighthouse_mcp.experts.consensus import Vote
    from lighthouse_mcp.experts.consult import ExpertService
    from lighthouse_mcp.experts.delegation import DelegationView
    from lighthouse_mcp.experts.profiles import Profile


class Coordination(Protocol):
    """What moving work along needs: the store, the delegation state followed from it, a lock so that one step at
    a time is taken per process, and the LLM experts."""

    store: AsyncEventStore
    delegation: DelegationView
    delegation_lock: asyncio.Lock

    def experts(self) -> ExpertService: ...

    def taints_of(self, agent: str) -> list[Taint]: ...


async def advance(app: Coordination, task_id: str) -> None:
    """One step for a task that needs one: assign it, time it out and reassign, or ask its LLM fallback."""
    from lighthouse_mcp.experts.consult import ExpertUnavailable, consulted_event

    async with app.delegation_lock:
        state = app.delegation.refresh(fresh=True)
        steps = delegation.next_steps(state, task_id, agent=None, now_ns=time.time_ns())
        if isinstance(steps, list):
            for event in steps:
                await app.store.append(event)
            return
        task = state["tasks"][task_id]
        experts = app.experts()
        profile = experts.profile(steps)
        try:
            outcome: Any = await experts.consult(profile, task["task"])
        except ExpertUnavailable as exc:
            outcome = exc
        await app.store.append(consulted_event(profile, task["task"], "", outcome, agent=None, session=None))
        if isinstance(outcome, ExpertUnavailable):
            await app.store.append(delegation.failed_event(task_id, f"fallback {profile.name}: {outcome}", agent=None))
        else:
            result = outcome.answer.analysis
            if outcome.answer.recommendations:
                result += "\n\nRecommendations:\n" + "\n".join(f"- {r}" for r in outcome.answer.recommendations)
            await app.store.append(delegation.completed_event(task_id, f"llm:{profile.name}", result, session=None))


async def profile_vote(
    app: Coordination, me: SessionRecorder, profile: Profile, question: str, material: str
) -> Vote | dict[str, str]:
    """A profile's vote, or {expert, error} when it gave none; the consultation is recorded either way."""
    from lighthouse_mcp.experts.consensus import Vote
    from lighthouse_mcp.experts.consult import ExpertUnavailable, consulted_event

    try:
        outcome: Any = await app.experts().consult(profile, question, material)
    except ExpertUnavailable as exc:
        outcome = exc
    await app.store.append(consulted_event(profile, question, material, outcome, agent=me.agent.name, session=me.id))
    if isinstance(outcome, ExpertUnavailable):
        return {"expert": profile.name, "error": str(outcome)}
    answer = outcome.answer
    return Vote(profile.name, answer.verdict or "ask", answer.confidence, answer.analysis, outcome.provider)


async def agent_vote(
    app: Coordination, me: SessionRecorder, name: str, question: str, material: str, timeout_s: int
) -> Vote | dict[str, str]:
    """An agent expert's vote: a task for it alone, answered within `timeout_s` as the verdict JSON."""
    from lighthouse_mcp.experts.answers import MalformedAnswer, instructions, parse_answer
    from lighthouse_mcp.experts.consensus import Vote

    if not delegation.available(app.delegation.refresh(fresh=True), name):
        return {"expert": name, "error": f"{name} is not a registered expert with an active session"}
    text = f"{question}\n\n{material}\n\n{instructions('verdict')}".replace("\n\n\n\n", "\n\n")
    taint = app.taints_of(me.agent.name)
    event = delegation.delegated_event(
        text, [], timeout_s, agent=me.agent.name, session=me.id, fallback=None, direct=name, taint=taint
    )
    await app.store.append(event)
    task_id = event.aggregate or ""
    state = app.delegation.refresh(fresh=True)
    await app.store.append_batch(delegation.assignment(state, task_id, name, timeout_s, agent=me.agent.name))
    while (task := app.delegation.refresh(fresh=True)["tasks"][task_id])["status"] == "assigned":
        await anyio.sleep(0.1)
        await advance(app, task_id)  # fails it once its deadline has passed
    if task["status"] != "completed":
        return {"expert": name, "error": str(task["reason"])}
    try:
        answer = parse_answer(str(task["result"]), "verdict")
    except MalformedAnswer as exc:
        return {"expert": name, "error": f"its answer is not a verdict: {exc}"}
    return Vote(name, answer.verdict or "ask", answer.confidence, answer.analysis, None)
