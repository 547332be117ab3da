"""Escalation: a policy finding marked `escalate: <profile>` is judged by that LLM expert within the request's time
budget (`validation.escalation_timeout_s`); the verdict joins the decision (see `with_expert_verdicts`) and the
consultation, with the expert's reasoning, is recorded."""

from __future__ import annotations

import json
from typing import Any

import anyio

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.experts.consult import ExpertService, ExpertUnavailable, consulted_event
from lighthouse_mcp.validation.decision import with_expert_verdicts
from lighthouse_mcp.vocabulary import Decision


def question_for(decision: Decision, profile: str) -> str:
    """What the expert is asked: the request, and why the rules flagged it."""
    request = decision.request
    what = request.command if request.command is not None else json.dumps(request.input, default=str)[:4000]
    flagged = "; ".join(f"{f.rule}: {f.message}" for f in decision.findings if f.escalate == profile)
    return (
        f"An autonomous coding agent ({request.agent}, role {request.role}) wants to run this {request.tool} "
        f"call in {request.cwd}:\n\n{what}\n\nThe policy flagged it for your judgement: {flagged}\n"
        "Should it be allowed (allow), confirmed by a person first (ask), or refused (deny)?"
    )


async def escalate(
    decision: Decision, experts: ExpertService, timeout_s: float, *, agent: str | None, session: str | None
) -> tuple[Decision, list[NewEvent]]:
    """The decision after its escalated findings were judged, and the `expert.consulted` events to record."""
    profiles = sorted({f.escalate for f in decision.findings if f.escalate})
    if not profiles:
        return decision, []
    verdicts: dict[str, tuple[str, str] | str] = {}
    events: list[NewEvent] = []

    async def judge(name: str) -> None:
        try:
            profile = experts.profile(name)
        except Exception as exc:
            verdicts[name] = str(exc)
            return
        question = question_for(decision, name)
        outcome: Any
        try:
            with anyio.fail_after(timeout_s):
                outcome = await experts.consult(profile, question)
        except TimeoutError:
            verdicts[name] = f"no answer within the {timeout_s:g} s the decision may wait"
            return
        except ExpertUnavailable as exc:
            outcome = exc
        events.append(consulted_event(profile, question, "", outcome, agent=agent, session=session))
        if isinstance(outcome, ExpertUnavailable):
            verdicts[name] = str(outcome)
        elif outcome.answer.verdict is None:
            verdicts[name] = f"the {name} profile answers without a verdict"
        else:
            confidence = f" (confidence {outcome.answer.confidence:g})" if outcome.answer.confidence is not None else ""
            verdicts[name] = (outcome.answer.verdict, f"{outcome.answer.analysis[:300]}{confidence}")

    async with anyio.create_task_group() as tasks:
        for name in profiles:
            tasks.start_soon(judge, name)
    return with_expert_verdicts(decision, verdicts), events
