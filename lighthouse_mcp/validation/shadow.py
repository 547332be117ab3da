"""A second policy set decided beside the live one (`policy.shadow: DIR`): the shipped policies plus the files in DIR,
a directory inside `.lighthouse/` (where the agent under guard may not write). Every recorded decision is decided
again under it; when the answers differ, both are recorded (`validation.shadowed`), so that a team can watch a
stricter policy for a while before switching it on.

The live answer never depends on it: the shadow set is asked only after the live decision is made, with the findings
from beside the policy (the store's state, rate limits) as the live decision met them, and whatever goes wrong with
it (files that do not load, an error of any kind) is reported (`policy.shadow_failed`, once per problem; `health`,
`doctor`) and leaves the live decision as it was.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.validation.decision import Validator, outside_policy, with_findings, with_recorded_verdicts

if TYPE_CHECKING:
    from lighthouse_mcp.config import Config
    from lighthouse_mcp.home import ProjectHome
    from lighthouse_mcp.vocabulary import Decision


# Shadow sets kept loaded by this process (`Shadow.keep`), by home and the settings they were made with.
_KEPT: dict[tuple[Any, ...], Shadow] = {}


def shadow_directory(home: ProjectHome, configured: str) -> tuple[Path, str | None]:
    """Where `policy.shadow` points (relative to the project home unless absolute), and what is wrong with it:
    it must be a directory inside the project home, links resolved."""
    path = Path(configured) if os.path.isabs(configured) else home.path / configured
    inside = Path(os.path.realpath(home.path))
    resolved = Path(os.path.realpath(path))
    if resolved == inside or not resolved.is_relative_to(inside):
        where = f"a directory inside {home.path} (where the agent cannot write)"
        return path, f"policy.shadow must name {where}, not {path}"
    if not resolved.is_dir():
        return path, f"policy.shadow: {path} is not a directory"
    return path, None


def shadow_for(home: ProjectHome, config: Config) -> Shadow:
    """The shadow policy set for `config`: the one this process keeps loaded (`Shadow.keep`), or a new one."""
    kept = _KEPT.get(_key(home, config))
    return kept if kept is not None else Shadow(home, config)


def _key(home: ProjectHome, config: Config) -> tuple[Any, ...]:
    policy = config.policy
    return (str(home.path), policy.shadow, policy.deadline_ms, tuple(policy.unlock), config.validation)


class Shadow:
    """The shadow policy set of one process: loaded when first asked, reloaded when its files change."""

    def __init__(self, home: ProjectHome, config: Config) -> None:
        self._key = _key(home, config)
        self.directory, self._problem = shadow_directory(home, config.policy.shadow)
        self._errors = home.path / "cache" / "shadow"  # its own last good set, and the problems already recorded
        self._provider = PolicyProvider(  # its failures are recorded, not logged: the hook's output stays as it is
            self.directory, self._errors, deadline_s=config.policy.deadline_ms / 1000, logged=False
        )
        self._validator = Validator(self._provider, config.validation, unlocked=frozenset(config.policy.unlock))
        self._config = config

    def compare(
        self, decision: Decision, *, agent: str | None, session: str | None, aggregate: str | None
    ) -> list[NewEvent]:
        """`validation.shadowed` when the shadow set answers `decision`'s request otherwise (its outcome or its
        rules), `policy.shadow_failed` when it cannot be asked (once per problem), else nothing. Never raises."""
        try:
            problem = self.problem()
            if problem is not None:
                return self._failed(problem, agent=agent, session=session)
            shadow = with_findings(self._decide(decision, session), outside_policy(decision))
        except Exception as exc:  # whatever the shadow set does, the live decision stands
            problem = f"the shadow policy set failed: {type(exc).__name__}: {exc}"
            return self._failed(problem, agent=agent, session=session)
        live_rules = [r["rule"] for r in decision.reasons]
        shadow_rules = [r["rule"] for r in shadow.reasons]
        if shadow.decision == decision.decision and set(shadow_rules) == set(live_rules):
            return []
        payload = {
            **decision.request.summary(),
            "live": {"decision": decision.decision, "risk": decision.risk, "rules": live_rules},
            "shadow": {"decision": shadow.decision, "risk": shadow.risk, "rules": shadow_rules,
                       "reasons": [{"rule": r["rule"], "message": r["message"][:300]} for r in shadow.reasons]},
            "live_version": decision.policy_version,
            "shadow_version": shadow.policy_version,
        }  # fmt: skip
        where = aggregate or decision.request.path
        return [NewEvent("validation.shadowed", payload, agent=agent, session=session, aggregate=where)]

    def _decide(self, decision: Decision, session: str | None) -> Decision:
        """The shadow set's answer to the live decision's request: judged with the same taints when it was, and by
        the verdicts the experts gave the live decision (none is asked for the shadow set)."""
        if not decision.taints:
            shadow = self._validator.validate(decision.request)
        else:
            from lighthouse_mcp.agents.taint import judge_reads

            shadow = judge_reads(self._validator, decision.request, decision.taints, self._config, session)
        return with_recorded_verdicts(shadow, decision.verdicts)

    def keep(self) -> None:
        """Load the set now and keep it for the services this process (and the children it forks) makes later:
        the hook server loads it once instead of once per call."""
        self.status()
        _KEPT[self._key] = self

    def problem(self) -> str | None:
        """Why the shadow set cannot be asked now (its directory, or its files do not load), or None."""
        if self._problem is not None:
            return self._problem
        if not self.directory.is_dir():  # removed since: the shipped files alone are not the shadow set
            return f"policy.shadow: {self.directory} is not a directory"
        policy = self._provider.current()
        if self._provider.last_error is not None:
            return f"the shadow policy files do not load: {self._provider.last_error}"
        if policy.project_error:
            return f"the shadow policy files do not load: {policy.project_error}"
        return None

    def status(self) -> dict[str, Any]:
        """For `health` and `doctor`: the directory, and the version in force or why there is none."""
        try:
            problem = self.problem()
        except Exception as exc:
            problem = f"the shadow policy set cannot be loaded: {exc}"
        out: dict[str, Any] = {"directory": str(self.directory)}
        if problem is None:
            out["version"] = self._provider.current().version
        else:
            out["error"] = problem[:2000]
        return out

    def _failed(self, problem: str, *, agent: str | None, session: str | None) -> list[NewEvent]:
        """`policy.shadow_failed`, unless this very problem was recorded before (by any process: a marker in the
        home's cache says so)."""
        marker = self._errors / f"failed-{hashlib.sha256(problem.encode()).hexdigest()[:16]}"
        try:
            self._errors.mkdir(parents=True, exist_ok=True)
            with open(marker, "x"):
                pass
        except FileExistsError:
            return []
        except OSError:
            pass  # recorded, perhaps again later: better twice than never
        payload = {"directory": str(self.directory), "error": problem[:2000]}
        return [NewEvent("policy.shadow_failed", payload, agent=agent, session=session, aggregate=str(self.directory))]
