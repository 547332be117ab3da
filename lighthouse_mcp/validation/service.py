"""Setting validation up for a process: where the policies and their cache are, who is asking, which project."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lighthouse_mcp.config import Config
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.home import ProjectHome
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.request import Request, make_request


class ValidationService:
    """A validator plus the identity and project every request is made for."""

    def __init__(
        self,
        home: ProjectHome | None,
        config: Config,
        *,
        on_policy_failure: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self.home = home
        self.config = config
        self.provider = PolicyProvider(
            home.policies_dir if home else None, home.path / "cache" if home else None, on_failure=on_policy_failure
        )
        self.validator = Validator(self.provider, config.validation)

    def request(
        self,
        tool: Any,
        tool_input: Any,
        *,
        cwd: Any = None,
        home: str | None = None,
        project: str | None = None,
        claims: tuple[Mapping[str, Any], ...] = (),
    ) -> Request:
        """A request on behalf of the configured agent, in the project this home belongs to."""
        root = project or (str(self.home.root) if self.home else None)
        return make_request(
            tool,
            tool_input,
            cwd=cwd,
            project=root,
            home=home,
            agent=self.config.agent.name,
            role=self.config.agent.role,
            claims=claims,
        )


def policy_failure_event(
    error: str, fallback_version: str | None, *, agent: str | None, session: str | None = None
) -> NewEvent:
    """`policy.load_failed`: the policy files did not load, and which set is in force instead (if any)."""
    return NewEvent(
        "policy.load_failed", {"error": error[:4000], "using_version": fallback_version}, agent=agent, session=session
    )
