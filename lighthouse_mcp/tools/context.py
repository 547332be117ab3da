"""What every tool adapter shares: the per-connection state and how Lighthouse errors reach the model."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from lighthouse_mcp import audit
from lighthouse_mcp.agents.claims import ClaimsView
from lighthouse_mcp.agents.sessions import SessionRecorder
from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.projections import Projector
from lighthouse_mcp.project import Project
from lighthouse_mcp.validation.service import ValidationService

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)


@dataclass
class AppState:
    """What one connection's lifespan holds."""

    project: Project
    store: AsyncEventStore
    projector: Projector
    verifier: audit.IncrementalVerifier
    session: SessionRecorder
    validation: ValidationService
    claims: ClaimsView
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@contextlib.contextmanager
def tool_errors() -> Iterator[None]:
    """Lighthouse errors reach the model as their message, so it can correct the call."""
    try:
        yield
    except LighthouseError as exc:
        raise ToolError(str(exc)) from exc
