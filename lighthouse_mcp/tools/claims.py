"""File-claim tools: claim_files and release_files."""

from __future__ import annotations

from typing import Annotated, cast

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from typing_extensions import TypedDict

from lighthouse_mcp.agents import claims
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import AppState, tool_errors
from lighthouse_mcp.tools.validation import RECORDS


class ClaimOut(TypedDict):
    claim_id: str
    agent: str
    patterns: list[str]
    until: str
    reason: str


class ReleasedOut(TypedDict):
    released: list[str]


def register(server: MCPServer[AppState], project: Project) -> None:
    """Add the file-claim tools to `server`."""

    @server.tool(annotations=RECORDS)
    async def claim_files(
        ctx: Context[AppState],
        paths: Annotated[list[str], Field(description="files, folders or globs in the project (src/auth/**, a.py)")],
        ttl_s: Annotated[int, Field(description="how long the claim holds, in seconds (1 to 86400)")],
        reason: Annotated[str, Field(description="what you are changing there")],
    ) -> ClaimOut:
        """Reserve files for a while: until the claim ends, other agents' writes there (tools and shell) are
        denied, naming you. Fails if another agent holds any of them."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        with tool_errors():
            claim = claims.new_claim(me.agent.name, paths, ttl_s, reason, root=str(project.home.root))
            held = app.claims.held(fresh=True)
            clash = claims.conflicts(claim, held)
            if clash:
                other, pattern = clash[0]
                raise ToolError(
                    f"{pattern} is claimed by {other.agent} until {other.to_json()['until']} ({other.reason}); "
                    "claim other files or wait"
                )
            await app.store.append(claims.claimed_event(claim, session=me.id, root=str(project.home.root)))
        return cast(ClaimOut, claim.to_json())

    @server.tool(annotations=RECORDS)
    async def release_files(
        ctx: Context[AppState],
        claim_id: Annotated[str | None, Field(description="the claim to end (default: all of yours)")] = None,
    ) -> ReleasedOut:
        """End your file claims (one, or all of yours), so other agents may write there again."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        agent = me.agent.name
        with tool_errors():
            held = app.claims.held(fresh=True)
            mine = [c for c in held if c.agent == agent and (claim_id is None or c.id == claim_id)]
            if claim_id is not None and not mine:
                owner = next((c.agent for c in held if c.id == claim_id), None)
                if owner is not None:
                    raise ToolError(f"claim {claim_id} belongs to {owner}; only its holder can release it")
                raise ToolError(f"no active claim {claim_id}")
            for claim in mine:
                await app.store.append(claims.released_event(claim, agent=agent, session=me.id))
        return {"released": [c.id for c in mine]}
