"""What every tool adapter shares: the per-connection state and how Lighthouse errors reach the model."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from lighthouse_mcp import audit
from lighthouse_mcp.agents import identity
from lighthouse_mcp.agents.claims import ClaimsView
from lighthouse_mcp.agents.identity import Identity
from lighthouse_mcp.agents.sessions import SessionRecorder
from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.projections import Projector
from lighthouse_mcp.experts.delegation import DelegationView
from lighthouse_mcp.project import Project
from lighthouse_mcp.validation.gate import Gate
from lighthouse_mcp.validation.service import ValidationService

if TYPE_CHECKING:
    from lighthouse_mcp.agents.taint import Taint
    from lighthouse_mcp.experts.consult import ExpertService

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)

# Where the HTTP token gate leaves the caller's identity in the ASGI scope.
IDENTITY_SCOPE_KEY = "lighthouse.identity"


@dataclass
class AppState:
    """What the server's lifespan holds: one stdio connection's, or the HTTP server's for all its callers."""

    project: Project
    store: AsyncEventStore
    projector: Projector
    verifier: audit.IncrementalVerifier
    validation: ValidationService
    delegation: DelegationView
    transport: str
    gate: Gate
    sessions: dict[str | None, SessionRecorder] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    delegation_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    regressed: set[str] = field(default_factory=set)  # components whose p99 is over its threshold
    _experts: ExpertService | None = None

    @property
    def claims(self) -> ClaimsView:
        assert self.gate.claims is not None  # the server's gate always has the store's claims
        return self.gate.claims

    def taints_of(self, agent: str) -> list[Taint]:
        """The taints in force on any session of `agent`: what work it hands on carries."""
        config = self.project.config.taint
        if self.gate.taints is None or not config.enabled:
            return []
        return self.gate.taints.of_agent(agent, config.expiry_s)

    def experts(self) -> ExpertService:
        """The LLM experts, set up on first use (profiles read then; the SDKs imported at the first call)."""
        if self._experts is None:
            from lighthouse_mcp.experts.consult import ExpertService
            from lighthouse_mcp.experts.profiles import load_profiles

            profiles = load_profiles(self.project.home.experts_dir)
            self._experts = ExpertService(self.project.config.experts, profiles)
        return self._experts

    def identity(self, request_context: Any) -> Identity:
        """Who made this request: over HTTP the agent its token names, otherwise the agent of the configuration."""
        request = getattr(request_context, "request", None)
        scope = getattr(request, "scope", None) or {}
        found = scope.get(IDENTITY_SCOPE_KEY)
        return found if isinstance(found, Identity) else Identity.from_config(self.project.config.agent)

    def caller(self, request_context: Any) -> SessionRecorder:
        """The session of whoever made this request (one session per token over HTTP)."""
        who = self.identity(request_context)
        session = self.sessions.get(who.token)
        if session is None or session.ended is not None:
            session = self.sessions[who.token] = SessionRecorder(self.store, who, transport=self.transport)
        session.last_active = time.monotonic()
        return session

    def allowed(self, request_context: Any, tool: str) -> SessionRecorder:
        """The caller's session, after checking its role may call `tool` (a tool error naming the role if not)."""
        session = self.caller(request_context)
        try:
            identity.require(session.agent, tool)
        except identity.RoleRefused as exc:
            raise ToolError(str(exc)) from exc
        return session


@contextlib.contextmanager
def tool_errors() -> Iterator[None]:
    """Lighthouse errors reach the model as their message, so it can correct the call."""
    try:
        yield
    except LighthouseError as exc:
        raise ToolError(str(exc)) from exc
