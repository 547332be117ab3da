"""The annotate tool: a note on a project file, anchored to its code structure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from typing_extensions import TypedDict

from lighthouse_mcp.fs import annotations as notes
from lighthouse_mcp.fs.tree import relative
from lighthouse_mcp.project import Project
from lighthouse_mcp.tools.context import AppState, tool_errors
from lighthouse_mcp.tools.validation import RECORDS
from lighthouse_mcp.validation.files import readable_project_file


class AnnotatedOut(TypedDict):
    path: str
    line: int  # where the anchor is now
    seq: int


def register(server: MCPServer[AppState], project: Project) -> None:
    root = project.home.root

    @server.tool(annotations=RECORDS)
    async def annotate(
        ctx: Context[AppState],
        path: Annotated[str, Field(description="a project file")],
        anchor: Annotated[str, Field(description="a definition (Class.method), text in the file, or line:N")],
        note: Annotated[str, Field(description="the note")],
    ) -> AnnotatedOut:
        """Attach a note to code; it follows the code when lines move (mount: /shadows/<file>.annotations.md)."""
        app = ctx.request_context.lifespan_context
        me = app.caller(ctx.request_context)
        try:  # a file of the project once links are followed, not a secret, not one guarding the agent
            real = readable_project_file(str(root), path).path
        except ValueError as exc:
            raise ToolError(str(exc)) from None
        rel = relative(real, os.path.realpath(root))
        if rel is None:
            raise ToolError(f"{path!r} is not a file of this project")
        try:
            content = Path(real).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise ToolError(f"cannot read {rel}: {exc.strerror or exc}") from None
        with tool_errors():
            made = notes.make_anchor(rel, content, anchor)
            event = await app.store.append(notes.added_event(rel, made, note, agent=me.agent.name, session=me.id))
        return {"path": rel, "line": made.line, "seq": event.seq}
