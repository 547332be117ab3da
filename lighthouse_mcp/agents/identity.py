"""Who is acting: an agent's name and role, from configuration (stdio) or from its bearer token (HTTP), never from
tool arguments; and which roles may call which tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from lighthouse_mcp.config import AgentConfig, Role
from lighthouse_mcp.errors import UsageError

ROLES: tuple[str, ...] = get_args(Role)

# Tools that not every role may call: tool -> the roles that may. Every other tool is open to all roles.
TOOL_ROLES: dict[str, frozenset[str]] = {
    "list_policies": frozenset({"admin"}),
    "get_policy": frozenset({"admin"}),
    "put_policy": frozenset({"admin"}),
    "delete_policy": frozenset({"admin"}),
    "replay_policy": frozenset({"admin"}),
    "register_expert": frozenset({"expert", "reviewer", "admin"}),
    "next_task": frozenset({"expert", "reviewer", "admin"}),
    "complete_task": frozenset({"expert", "reviewer", "admin"}),
}


@dataclass(frozen=True)
class Identity:
    """Who an agent is: its name and role (and over HTTP, the id of the token it came with)."""

    name: str
    role: str
    token: str | None = None  # the bearer token's id, over HTTP

    @classmethod
    def from_config(cls, agent: AgentConfig) -> Identity:
        return cls(agent.name, agent.role)


class RoleRefused(UsageError):
    """A role may not call a tool; the message names the roles that may."""


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role[:80]!r}: use one of {', '.join(ROLES)}")
    return role


def may_call(role: str, tool: str) -> bool:
    """Whether `role` may call `tool` (what a caller's tool list holds, and what `require` enforces)."""
    allowed = TOOL_ROLES.get(tool)
    return allowed is None or role in allowed


def require(identity: Identity, tool: str) -> None:
    """Refuse `tool` to an identity whose role may not call it, naming the role needed and the caller's."""
    if not may_call(identity.role, tool):
        allowed = TOOL_ROLES[tool]
        needed = " or ".join(r for r in ROLES if r in allowed)
        raise RoleRefused(f"{tool} needs the {needed} role; this agent ({identity.name}) is a {identity.role}")
