"""Expert tools: consult_expert (an LLM with a specialised profile) and list_experts."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any, cast

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field
from typing_extensions import TypedDict

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.experts import delegation, handoff
from lighthouse_mcp.experts.material import read_files
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import READ_ONLY, AppState, tool_errors

# Asks a model outside this machine, and records the consultation.
ASKS_OUTSIDE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
PROGRESS_EVERY_S = 2.0


class ConsultOut(TypedDict):
    profile: str
    provider: str
    model: str
    verdict: str | None  # allow | ask | deny, for verdict profiles
    confidence: float | None
    analysis: str
    recommendations: list[str]
    tokens: dict[str, int]  # {input, output}
    cost_usd: float | None
    latency_ms: int
    attempts: list[dict[str, str]]  # providers tried before the answer: {provider, model, error, kind}
    cached: bool


class ConsensusOut(TypedDict):
    verdict: str | None  # null when fewer experts answered than the quorum
    quorum: int
    quorum_met: bool
    agreement: float
    votes: list[dict[str, Any]]  # {expert, verdict, confidence, analysis, provider}
    dissent: list[dict[str, Any]]  # the votes that differ from the verdict
    missing: list[dict[str, str]]  # {expert, error}: no answer


class ExpertsOut(TypedDict):
    profiles: list[dict[str, Any]]  # {name, description, answer, providers}
    providers: dict[str, Any]  # name -> {key_set, circuit: {state, failures, retry_in_s}}
    agents: dict[str, Any]  # registered agent experts: name -> {capabilities, available, completed, timed_out, open}


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the expert tools to `server`."""
    _register_consult(server, project.home.root)
    _register_consensus(server)


def _register_consult(server: MCPServer[AppState], root: Path) -> None:
    @server.tool(annotations=ASKS_OUTSIDE)
    async def consult_expert(
        ctx: Context[AppState],
        question: Annotated[str, Field(description="what you want a second opinion on")],
        profile: Annotated[str, Field(description="see list_experts")] = "security",
        context: Annotated[str | None, Field(description="material to review")] = None,
        files: Annotated[list[str] | None, Field(description="project files to include")] = None,
    ) -> ConsultOut:
        """Ask an LLM expert with a specialised profile (see list_experts): a verdict (allow, ask, deny) with
        confidence for verdict profiles, an analysis and recommendations for all. Recorded with tokens and cost."""
        from lighthouse_mcp.experts.consult import ExpertUnavailable, consulted_event

        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            experts = app.experts()
            chosen = experts.profile(profile)
            material = (context or "") + read_files(root, files or [])
        steps = 0

        async def progress(message: str) -> None:
            nonlocal steps
            steps += 1
            with contextlib.suppress(Exception):  # a client that cannot take progress still gets the answer
                await ctx.report_progress(steps, None, message=message)

        async def ticking() -> None:
            waited = 0.0
            while True:
                await anyio.sleep(PROGRESS_EVERY_S)
                waited += PROGRESS_EVERY_S
                await progress(f"waiting for the {chosen.name} expert ({waited:.0f} s)")

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ticking)
            try:
                outcome: Any = await experts.consult(chosen, question, material, progress=progress)
            except (ExpertUnavailable, UsageError) as exc:
                outcome = exc
            finally:
                tasks.cancel_scope.cancel()
        if isinstance(outcome, UsageError):
            raise ToolError(str(outcome))
        event = consulted_event(
            chosen, question, material, outcome, agent=me.agent.name, session=me.id, files=list(files or [])
        )
        with tool_errors():
            await app.store.append(event)
        if isinstance(outcome, ExpertUnavailable):
            raise ToolError(str(outcome))
        return cast(ConsultOut, outcome.to_json())

    @server.tool(annotations=READ_ONLY)
    async def list_experts(ctx: Context[AppState]) -> ExpertsOut:
        """LLM expert profiles, each provider's key and circuit state, and the registered agent experts."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            state = app.delegation.refresh(fresh=True)
            agents = {
                name: {
                    "capabilities": e["capabilities"],
                    "available": delegation.available(state, name),
                    **{k: e.get(k, 0) for k in ("completed", "timed_out", "open")},
                }
                for name, e in state["experts"].items()
            }
            return cast(ExpertsOut, {**app.experts().status(), "agents": agents})


def _register_consensus(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=ASKS_OUTSIDE)
    async def request_consensus(
        ctx: Context[AppState],
        question: Annotated[str, Field(description="the decision to take")],
        profiles: Annotated[list[str] | None, Field(description="verdict profiles, e.g. security")] = None,
        experts: Annotated[list[str] | None, Field(description="registered agent experts, by name")] = None,
        quorum: Annotated[int | None, Field(description="answers needed (default: a majority)")] = None,
        context: Annotated[str | None, Field(description="material to review")] = None,
        timeout_s: Annotated[int, Field(description="how long agent experts have to vote")] = 120,
    ) -> ConsensusOut:
        """Ask 2 to 8 experts (profiles and agents) at once and combine their verdicts: the most common wins, a
        tie goes to the more careful; dissent is kept with its reasoning. No verdict below the quorum."""
        from lighthouse_mcp.experts.consensus import combine

        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            chosen = [app.experts().profile(p) for p in dict.fromkeys(profiles or [])]
            agents = list(dict.fromkeys(experts or []))
            voters = len(chosen) + len(agents)
            if not 2 <= voters <= 8:
                raise UsageError(f"consensus needs 2 to 8 different experts and profiles, not {voters}")
            free = [p.name for p in chosen if p.answer != "verdict"]
            if free:
                raise UsageError(f"{', '.join(free)} answer without a verdict and cannot vote")
            needed = voters // 2 + 1 if quorum is None else quorum
            if not 1 <= needed <= voters:
                raise UsageError(f"quorum must be between 1 and {voters}, not {needed}")
            wait = delegation.check_timeout(timeout_s)
            delegation.check_text(question, "question", 20_000)
        material = context or ""
        ballots: dict[str, Any] = {}

        async def profile_vote(profile: Any) -> None:
            ballots[profile.name] = await handoff.profile_vote(app, me, profile, question, material)

        async def agent_vote(name: str) -> None:
            ballots[name] = await handoff.agent_vote(app, me, name, question, material, wait)

        with tool_errors():
            async with anyio.create_task_group() as tasks:
                for profile in chosen:
                    tasks.start_soon(profile_vote, profile)
                for name in agents:
                    tasks.start_soon(agent_vote, name)
            order = [p.name for p in chosen] + agents
            votes = [ballots[n] for n in order if not isinstance(ballots[n], dict)]
            missing = [ballots[n] for n in order if isinstance(ballots[n], dict)]
            result = combine(votes, missing, needed).to_json()
            from lighthouse_mcp.validation.secrets import mask_secrets

            payload = {"question": mask_secrets(question[:2000]), **result}
            await app.store.append(me.event("consensus.reached", payload))
        return cast(ConsensusOut, result)
