"""Policy tools: list, read, put and delete the project's policies and replay the log under a candidate set (admin
only), and evaluate any rule."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from typing_extensions import TypedDict

from lighthouse_mcp.events.query import Point, parse_point
from lighthouse_mcp.policy import manage, replay
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import READ_ONLY, AppState, tool_errors
from lighthouse_mcp.tools.validation import RECORDS


class PolicyListOut(TypedDict):
    version: str
    project: list[dict[str, Any]]  # {name, bytes}
    shipped: list[str]


class PolicyOut(TypedDict):
    name: str
    content: str


class PolicyChangedOut(TypedDict):
    name: str
    sha256: str | None
    seq: int
    version: str


class EvaluateOut(TypedDict):
    entrypoint: str
    value: Any


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the policy tools to `server`."""
    _register_reading(server, project.home.policies_dir)
    _register_changing(server, project.home.policies_dir)
    _register_evaluate(server)
    _register_replay(server, project)


def _register_replay(server: MCPServer[AppState], project: Project) -> None:
    @server.tool(annotations=READ_ONLY)
    async def replay_policy(
        ctx: Context[AppState],
        policies: Annotated[dict[str, str] | None, Field(description="candidate files, name: text")] = None,
        at: Annotated[int | None, Field(description="or: the project's files as at this seq")] = None,
        since: Annotated[str | None, Field(description="seq or time")] = None,
        until: Annotated[str | None, Field(description="seq or time")] = None,
        agent: Annotated[str | None, Field(description="comma-separated")] = None,
    ) -> dict[str, Any]:
        """Decide recorded decisions again under the shipped policies plus `policies` (or the set in force): how
        many would change, by outcome, rule and agent. Changes nothing."""
        app = ctx.request_context.lifespan_context
        app.allowed(ctx.request_context, "replay_policy")
        with tool_errors():
            span = replay.Span(
                since=parse_point(since, name="since") if since else Point(),
                until=parse_point(until, name="until") if until else Point(),
                agents=tuple(a.strip() for a in (agent or "").split(",") if a.strip()),
            )
            config = project.config
            run = functools.partial(
                replay.summary, project.open_store, project.home, config, texts=policies, at=at, span=span
            )
            return await anyio.to_thread.run_sync(run)


def _register_reading(server: MCPServer[AppState], directory: Path) -> None:

    @server.tool(annotations=READ_ONLY)
    async def list_policies(ctx: Context[AppState]) -> PolicyListOut:
        """The policy set in force (its version), the project's own policy files and the shipped ones."""
        app = ctx.request_context.lifespan_context
        app.allowed(ctx.request_context, "list_policies")
        with tool_errors():
            policy = app.validation.provider.current()
        own = manage.project_policies(directory)
        return {
            "version": policy.version,
            "project": [{"name": p.name, "bytes": p.stat().st_size} for p in own],
            "shipped": [p.rsplit("/", 1)[-1] for p, _ in policy.files if not p.startswith(str(directory))],
        }

    @server.tool(annotations=READ_ONLY)
    async def get_policy(
        ctx: Context[AppState], name: Annotated[str, Field(description="a project policy file, e.g. team.rego")]
    ) -> PolicyOut:
        """The text of one of the project's policy files."""
        app = ctx.request_context.lifespan_context
        app.allowed(ctx.request_context, "get_policy")
        with tool_errors():
            path = manage.existing_policy(directory, name)
            return {"name": name, "content": path.read_text(encoding="utf-8")}


def _register_changing(server: MCPServer[AppState], directory: Path) -> None:
    @server.tool(annotations=RECORDS)
    async def put_policy(
        ctx: Context[AppState],
        name: Annotated[str, Field(description="file name ending in .rego (Rego v1) or .yaml (a rule pack)")],
        content: Annotated[str, Field(description="the policy's full text")],
    ) -> PolicyChangedOut:
        """Add or replace a project policy, compiled with the whole set first (a broken module is refused with
        the parser's message). Every Lighthouse process reloads it."""
        app = ctx.request_context.lifespan_context
        me = app.allowed(ctx.request_context, "put_policy")
        with tool_errors():
            manage.check_content(content)
            manage.check_set(directory, put=(manage.check_name(name), content))
            sha = manage.write_policy(directory, name, content)
            blob = await app.store.run(app.store.store.put_blob, content.encode("utf-8"))
            event = await app.store.append(
                manage.put_event(name, sha, len(content.encode()), blob, agent=me.agent.name, session=me.id)
            )
            version = app.validation.provider.current().version
        return {"name": name, "sha256": sha, "seq": event.seq, "version": version}

    @server.tool(annotations=RECORDS)
    async def delete_policy(
        ctx: Context[AppState], name: Annotated[str, Field(description="the project policy file to remove")]
    ) -> PolicyChangedOut:
        """Remove a project policy (the shipped ones stay). Recorded as policy.deleted."""
        app = ctx.request_context.lifespan_context
        me = app.allowed(ctx.request_context, "delete_policy")
        with tool_errors():
            path = manage.existing_policy(directory, name)
            manage.check_set(directory, delete=name)
            path.unlink()
            event = await app.store.append(manage.deleted_event(name, agent=me.agent.name, session=me.id))
            version = app.validation.provider.current().version
        return {"name": name, "sha256": None, "seq": event.seq, "version": version}


def _register_evaluate(server: MCPServer[AppState]) -> None:
    @server.tool(annotations=READ_ONLY)
    async def evaluate_policy(
        ctx: Context[AppState],
        entrypoint: Annotated[str, Field(description="a Rego reference, e.g. data.lighthouse.findings")],
        input: Annotated[dict[str, Any], Field(description="the input document")],
    ) -> EvaluateOut:
        """Evaluate any loaded Rego rule against an input document, for debugging policies. `value` is null when
        the rule is undefined for that input."""
        app = ctx.request_context.lifespan_context
        if not entrypoint.startswith("data.") or len(entrypoint) > 256:
            raise ToolError(
                f"entrypoint must be a reference under data., such as data.lighthouse.result, not {entrypoint!r}"
            )
        with tool_errors():
            policy = app.validation.provider.current()
            try:
                value = policy.rego.query_value(entrypoint, input)
            except PolicyError as exc:
                raise ToolError(str(exc)) from exc
        return {"entrypoint": entrypoint, "value": value}
