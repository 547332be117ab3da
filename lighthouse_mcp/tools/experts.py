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
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import READ_ONLY, AppState, tool_errors

# Asks a model outside this machine, and records the consultation.
ASKS_OUTSIDE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
MAX_FILES = 20
MAX_FILE_BYTES = 100_000
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


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the expert tools to `server`."""
    _register_consult(server, project.home.root)
    _register_consensus(server)


def _register_consult(server: MCPServer[AppState], root: Path) -> None:
    @server.tool(annotations=ASKS_OUTSIDE)
    async def consult_expert(
        ctx: Context[AppState],
        question: Annotated[str, Field(description="what you want a second opinion on")],
        profile: Annotated[str, Field(description="security, performance, architecture, code_review, …")] = "security",
        context: Annotated[str | None, Field(description="material to review: a diff, a command, logs")] = None,
        files: Annotated[list[str] | None, Field(description="project files to include, relative to the root")] = None,
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
        """The LLM expert profiles, and for each provider whether its API key is set and its circuit state."""
        app = ctx.request_context.lifespan_context
        with tool_errors():
            return cast(ExpertsOut, app.experts().status())


def _register_consensus(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=ASKS_OUTSIDE)
    async def request_consensus(
        ctx: Context[AppState],
        question: Annotated[str, Field(description="the decision to take, e.g. is this migration safe to run")],
        profiles: Annotated[list[str], Field(description="2 to 8 verdict profiles, e.g. security, code_review")],
        quorum: Annotated[int | None, Field(description="answers needed for a verdict (default: a majority)")] = None,
        context: Annotated[str | None, Field(description="material to review")] = None,
    ) -> ConsensusOut:
        """Ask several expert profiles at once and combine their verdicts: the most common wins, a tie goes to
        the more careful one; dissenting votes are kept with their reasoning. No verdict below the quorum."""
        from lighthouse_mcp.experts.consensus import Vote, combine
        from lighthouse_mcp.experts.consult import ExpertUnavailable, consulted_event

        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            experts = app.experts()
            chosen = [experts.profile(p) for p in dict.fromkeys(profiles)]
            if not 2 <= len(chosen) <= 8:
                raise UsageError(f"consensus needs 2 to 8 different profiles, not {len(chosen)}")
            free = [p.name for p in chosen if p.answer != "verdict"]
            if free:
                raise UsageError(f"{', '.join(free)} answer without a verdict and cannot vote")
            needed = len(chosen) // 2 + 1 if quorum is None else quorum
            if not 1 <= needed <= len(chosen):
                raise UsageError(f"quorum must be between 1 and {len(chosen)}, not {needed}")
        outcomes: dict[str, Any] = {}

        async def ask(profile: Any) -> None:
            try:
                outcomes[profile.name] = await experts.consult(profile, question, context or "")
            except (ExpertUnavailable, UsageError) as exc:
                outcomes[profile.name] = exc

        async with anyio.create_task_group() as tasks:
            for profile in chosen:
                tasks.start_soon(ask, profile)
        votes, missing = [], []
        with tool_errors():
            for profile in chosen:
                outcome = outcomes[profile.name]
                if isinstance(outcome, UsageError):
                    raise outcome
                event = consulted_event(profile, question, context or "", outcome, agent=me.agent.name, session=me.id)
                await app.store.append(event)
                if isinstance(outcome, ExpertUnavailable):
                    missing.append({"expert": profile.name, "error": str(outcome)})
                else:
                    answer = outcome.answer
                    votes.append(
                        Vote(
                            profile.name, answer.verdict or "ask", answer.confidence, answer.analysis, outcome.provider
                        )
                    )
            result = combine(votes, missing, needed).to_json()
            payload = {"question": event.payload["question"], **result}
            await app.store.append(me.event("consensus.reached", payload))
        return cast(ConsensusOut, result)


def read_files(root: Path, files: list[str]) -> str:
    """The named project files as review material; refuses paths outside the project, secrets and huge files."""
    from lighthouse_mcp.validation.files import Context, classify

    if len(files) > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files per consultation, not {len(files)}")
    where = Context(str(root), str(root), str(Path.home()))
    parts = []
    for name in files:
        fact = classify(name, where)
        if "project" not in fact.classes:
            raise UsageError(f"{name!r} is outside the project; only project files can be sent to an expert")
        if "secret" in fact.classes:
            raise UsageError(f"{name!r} looks like a secret file; it is not sent to an LLM")
        path = Path(fact.path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {name!r}: {exc.strerror or exc}") from None
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"{name!r} is {len(data)} bytes; at most {MAX_FILE_BYTES} per file")
        parts.append(f"\n--- {path.relative_to(root)} ---\n{data.decode('utf-8', 'replace')}")
    return "".join(parts)
