"""The words every part of Lighthouse shares: the decisions and risks, a finding (a rule that matched) and a decision
(what was decided about one request, and why). This module imports nothing of Lighthouse, so that anything can use
it without pulling the validator in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lighthouse_mcp.validation.request import Request

DECISIONS = ("allow", "ask", "deny")  # in the order they combine: deny > ask > allow
RISKS = ("none", "low", "medium", "high", "critical")
DECISION_RANK = {d: i for i, d in enumerate(DECISIONS)}
RISK_RANK = {r: i for i, r in enumerate(RISKS)}


@dataclass(frozen=True)
class Finding:
    """A rule that matched: what it decides, how risky, and why, in words."""

    rule: str
    decision: str
    risk: str
    message: str
    source: str = "pack"  # pack | rego | problem
    escalate: str | None = None  # an expert profile asked to judge this finding (set by Rego findings)
    locked: bool = False  # a shipped critical rule: project policy cannot lower it

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "decision": self.decision, "risk": self.risk, "message": self.message}


@dataclass(frozen=True)
class Decision:
    """The answer to one request: allow, ask or deny, how risky, and the findings and exceptions behind it."""

    decision: str  # allow | ask | deny
    risk: str  # none | low | medium | high | critical
    reasons: list[dict[str, str]]  # [{rule, message}], most severe first
    request: Request
    findings: list[Finding] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)  # [{rule, reason, by}] that lowered a finding
    refused: list[dict[str, Any]] = field(default_factory=list)  # [{rule, reason, by, refused}] not allowed to
    policy_version: str = ""
    facts_digest: str = ""
    cached: bool = False
    latency_us: int = 0
    policy_us: int = 0  # of latency_us, the time the Rego query took
    # The taints of the caller's session it was judged with, as the taint rules read them (agents/taint.py), newest
    # first: recorded with it, so that replay and the shadow set judge the same call as tainted too.
    taints: list[dict[str, Any]] = field(default_factory=list)
    # What each expert profile its escalated findings went to answered: {profile: {"rules": [...], "verdict",
    # "reasoning"} or {"rules": [...], "unanswered": why}}, recorded with it so that replay reuses the verdicts.
    verdicts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """One line a person can read: the decision and its first reason, and what policy lowered, if anything."""
        lowered = ""
        if self.exceptions:
            first_exception = self.exceptions[0]
            more = f" and {len(self.exceptions) - 1} more" if len(self.exceptions) > 1 else ""
            by = first_exception.get("by") or "policy"
            lowered = f"{first_exception['rule']} lowered by {by}: {first_exception['reason']}{more}"
        if not self.reasons:
            return f"allow: {lowered}" if lowered else "allow: no rule matched"
        first = self.reasons[0]
        more = f" (and {len(self.reasons) - 1} more)" if len(self.reasons) > 1 else ""
        return f"{self.decision}: {first['message']} [{first['rule']}]{more}" + (f"; {lowered}" if lowered else "")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "decision": self.decision,
            "risk": self.risk,
            "reasons": self.reasons,
            "rules": [r["rule"] for r in self.reasons],
            "exceptions": self.exceptions,
            "policy_version": self.policy_version,
            "facts_digest": self.facts_digest,
            "cached": self.cached,
            "latency_us": self.latency_us,
            "tool": self.request.tool,
        }
        if self.refused:
            out["refused_exceptions"] = self.refused
        if self.request.command is not None:
            out["command"] = self.request.command
        elif self.request.path is not None:
            out["path"] = self.request.path
        return out
