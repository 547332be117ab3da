"""The validation pipeline: request → decision cache → facts → rule packs → Rego → combine → record → answer.

Combination: deny > ask > allow, across packs and Rego. A project override (YAML) or Rego exception
(`exceptions contains {"rule", "reason"}`) lowers the finding with that rule id; the exception, who made it and its
reason are part of the decision and its event. Findings of locked shipped rules (critical risk) are never lowered by
project policy: the attempt is refused and recorded (`refused`), unless a person unlocked the rule.

Project policy can only add: the shipped Rego modules are queried on their own, and the project's beside them with
a deadline. When the project's policy files do not load, or its modules fail or run past the deadline, the shipped
decision stands, and an allow becomes ask (rules `policy.project-unavailable`, `policy.project-failed`). When the
shipped policies cannot be loaded or evaluated, the decision is `validation.on_error` (ask or deny), never allow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lighthouse_mcp.config import ValidationConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.policy.engine import PolicyError, RegoResult
from lighthouse_mcp.policy.policyset import PolicySet, PolicySource, PolicyUnavailable, shipped_rego_silent
from lighthouse_mcp.validation.facts import Facts
from lighthouse_mcp.validation.packs import lowered, refused
from lighthouse_mcp.validation.request import Recorded, Request, facts_for
from lighthouse_mcp.validation.secrets import mask_secrets
from lighthouse_mcp.vocabulary import DECISION_RANK, RISK_RANK, Decision, Finding

# A tool input larger than this is kept in the event without its content (`Request.recorded`).
RECORDED_INPUT_BYTES = 64 * 1024
# Findings from beside the policy query (the store's state, rate limits): re-deciding keeps them as they were.
OUTSIDE_POLICY = frozenset({"problem", "rate"})


def decision_event(
    decision: Decision,
    *,
    agent: str | None,
    session: str | None,
    recorded: Recorded | None,
    aggregate: str | None = None,
    client: str | None = None,
) -> NewEvent:
    """The `validation.decided` event for a decision: what was asked, what was decided and why, which agent
    product's hook asked (`client`), when one did, and what deciding it again takes: `request` (`recorded`, see
    `Request.recorded`; its `blob` is the caller's to store), `outside_policy` (the findings its policy set did
    not make) and `taints` (those of the session it was judged with)."""
    outside = [
        {"rule": f.rule, "decision": f.decision, "risk": f.risk, "source": f.source} for f in outside_policy(decision)
    ]
    payload = {
        **decision.request.summary(),
        "decision": decision.decision,
        "risk": decision.risk,
        "rules": [r["rule"] for r in decision.reasons],
        "reasons": [{"rule": r["rule"], "message": mask_secrets(r["message"])} for r in decision.reasons],
        "exceptions": decision.exceptions,
        "policy_version": decision.policy_version,
        "facts_digest": decision.facts_digest,
        "cached": decision.cached,
        "latency_us": decision.latency_us,
    }
    if decision.refused:
        payload["refused_exceptions"] = decision.refused
    if recorded is not None:
        payload["request"] = recorded.record
    if outside:
        payload["outside_policy"] = outside
    if decision.taints:
        payload["taints"] = decision.taints
    if decision.verdicts:
        payload["experts"] = {
            profile: {k: mask_secrets(v) if k in ("reasoning", "unanswered") else v for k, v in verdict.items()}
            for profile, verdict in decision.verdicts.items()
        }
    if client is not None:
        payload["client"] = client
    if not decision.cached:
        payload["policy_us"] = decision.policy_us
    return NewEvent(
        "validation.decided", payload, agent=agent, session=session, aggregate=aggregate or decision.request.path
    )


@dataclass(frozen=True)
class Packed:
    """A request's facts and what the rule packs found in them (overrides applied): the part of a decision that
    does not depend on who asks."""

    facts: Facts
    findings: tuple[Finding, ...]
    exceptions: tuple[dict[str, Any], ...]
    refused: tuple[dict[str, Any], ...]
    digest: str  # of the facts


def outside_policy(decision: Decision) -> list[Finding]:
    """The findings of `decision` that its policy set did not make: the store's state and rate limits, which
    another policy set deciding the same request meets as they were."""
    return [f for f in decision.findings if f.source in OUTSIDE_POLICY]


class Validator:
    """Decides requests. Thread-safe; share one per process. Callers record decisions (see `decision_event`)."""

    def __init__(
        self,
        policies: PolicySource,
        config: ValidationConfig,
        *,
        evaluate: Callable[[PolicySet, Mapping[str, Any]], RegoResult] | None = None,
        unlocked: frozenset[str] = frozenset(),
        report: Callable[[str, dict[str, Any]], None] | None = None,
        cache: bool = True,
    ) -> None:
        """`evaluate` answers the query of every module (shipped and project) elsewhere (a remote OPA); by default
        each policy set's own engine. `unlocked`: locked rules a person allowed project policy to lower.
        `report(type, payload)` hears of project modules that failed a query (`policy.evaluation_failed`).
        `cache`: remember decisions for later requests (`validation.cache_size`); not for a process that decides one
        call."""
        self.policies = policies
        self.config = config
        self.unlocked = unlocked
        self._remote = evaluate is not None
        self._evaluate = evaluate or _evaluate_locally
        self._report = report
        self._cache: TTLCache[tuple[Any, ...], Decision] | None = None
        if cache and config.cache_size:
            from cachetools import TTLCache

            self._cache = TTLCache(maxsize=config.cache_size, ttl=config.cache_ttl_s)
        self._lock = threading.Lock()

    def validate(self, request: Request) -> Decision:
        try:
            policy = self.policies.current()  # loading policies is not part of a decision's latency
        except PolicyUnavailable as exc:
            return self._failure(request, str(exc), time.perf_counter_ns())
        started = time.perf_counter_ns()
        key = (policy.version, *request.cache_key())
        if self._cache is not None:
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return replace(hit, request=request, cached=True, latency_us=_since(started))
        decision, facts = self._decide(request, policy, started)
        if self._cache is not None and not facts.volatile:  # a script on disk may change before the next call
            with self._lock:
                self._cache[key] = decision
        return decision

    def decide(self, request: Request) -> tuple[Decision, Facts]:
        """An uncached decision together with the facts behind it (for explanations and `policy eval`)."""
        return self._decide(request, self.policies.current(), time.perf_counter_ns())

    def decide_alike(self, request: Request, packed: Packed | None) -> tuple[Decision, Packed]:
        """An uncached decision, and what the rule packs made of its facts: pass that back as `packed` for a
        request with the same `facts_key` (the same call by another agent), whose facts and pack findings are the
        same, so that only the rest is done again (`policy replay`)."""
        policy = self.policies.current()
        started = time.perf_counter_ns()
        if packed is None:
            packed = self._packed(policy, facts_for(request, max_command_bytes=self.config.max_command_bytes))
        return self._from_packed(request, policy, packed, started), packed

    def _decide(self, request: Request, policy: PolicySet, started: int) -> tuple[Decision, Facts]:
        facts = facts_for(request, max_command_bytes=self.config.max_command_bytes)
        return self._from_packed(request, policy, self._packed(policy, facts), started), facts

    def _packed(self, policy: PolicySet, facts: Facts) -> Packed:
        findings, exceptions, refusals = policy.packs.apply_overrides(policy.packs.match(facts), self.unlocked)
        return Packed(facts, tuple(findings), tuple(exceptions), tuple(refusals), facts.digest())

    def _from_packed(self, request: Request, policy: PolicySet, packed: Packed, started: int) -> Decision:
        facts = packed.facts
        findings, exceptions, refusals = list(packed.findings), list(packed.exceptions), list(packed.refused)
        document = rego_input(request, facts, findings, policy)
        asked = time.perf_counter_ns()
        try:
            if shipped_rego_silent(policy.shipped_rego, document):
                shipped = RegoResult([], [])  # what the query would answer (see shipped_rego_silent)
            else:
                shipped = policy.shipped_rego.evaluate(document)
        except PolicyError as exc:
            shipped = RegoResult([], [])
            message = f"the shipped Rego policies failed on this request: {exc}"
            findings.append(Finding("policy.evaluation-failed", self.config.on_error, "high", message, "policy"))
        project = None
        if policy.layered or self._remote:
            try:
                project = self._evaluate(policy, document)
            except PolicyError as exc:
                findings.append(self._project_failed(request, str(exc)))
        policy_us = _since(asked)
        if policy.project_error:
            message = "the project's policy files do not load, so the shipped policies decided alone: "
            findings.append(
                Finding("policy.project-unavailable", "ask", "medium", message + policy.project_error[:300], "policy")
            )
        findings = [*findings, *rego_findings(shipped.findings, shipped=True)]
        if project is not None:
            known = {f.rule for f in findings}
            findings += [f for f in rego_findings(project.findings, shipped=False) if f.rule not in known]
        findings = apply_exceptions(
            findings,
            [*shipped.exceptions, *(project.exceptions if project else [])],
            self.unlocked,
            exceptions,
            refusals,
        )
        decision = _combine(request, findings, exceptions, policy.version, packed.digest, started)
        return replace(decision, policy_us=policy_us, refused=refusals)

    def _project_failed(self, request: Request, error: str) -> Finding:
        """The project's modules failed or ran past their deadline: recorded, and the shipped decision stands."""
        if self._report is not None:
            self._report("policy.evaluation_failed", {"error": error[:2000], "tool": request.tool})
        message = f"the project's Rego policies failed on this request, so the shipped policies decided alone: {error}"
        return Finding("policy.project-failed", "ask", "medium", message[:1000], "policy")

    def _failure(self, request: Request, message: str, started: int) -> Decision:
        finding = Finding("policy.unavailable", self.config.on_error, "high", message, "policy")
        return _combine(request, [finding], [], "unavailable", "", started)


def with_findings(decision: Decision, extra: list[Finding]) -> Decision:
    """`decision` with more findings (rate limits, checked beside the cached decision) combined in."""
    if not extra:
        return decision
    started = time.perf_counter_ns() - decision.latency_us * 1000
    combined = _combine(
        decision.request,
        [*decision.findings, *extra],
        decision.exceptions,
        decision.policy_version,
        decision.facts_digest,
        started,
    )
    return _carried(combined, decision)


def with_expert_verdicts(decision: Decision, verdicts: dict[str, tuple[str, str] | str]) -> Decision:
    """`decision` after the experts its escalated findings name have judged them. `verdicts` maps a profile to
    (verdict, reasoning), or to why it could not answer. An expert's allow lowers the finding (kept as an
    exception with the reasoning); ask or deny become the finding's decision; no answer leaves it as it was."""
    findings, exceptions = [], list(decision.exceptions)
    given = dict(decision.verdicts)
    for finding in decision.findings:
        outcome = verdicts.get(finding.escalate or "") if finding.escalate else None
        if finding.escalate and outcome is not None:
            rules = sorted({*given.get(finding.escalate, {}).get("rules", []), finding.rule})
            given[finding.escalate] = {
                "rules": rules,
                **(
                    {"unanswered": outcome}
                    if isinstance(outcome, str)
                    else {"verdict": outcome[0], "reasoning": outcome[1]}
                ),
            }
        if outcome is None:
            findings.append(finding)
        elif isinstance(outcome, str):
            note = f"{finding.message} (the {finding.escalate} expert could not judge it: {outcome})"
            findings.append(replace(finding, message=note[:1000]))
        elif outcome[0] == "allow":
            reason = f"{finding.escalate} expert: {outcome[1]}"[:1000]
            exceptions.append({"rule": finding.rule, "reason": reason, "by": f"{finding.escalate} expert"})
        else:
            note = f"{finding.message}; {finding.escalate} expert says {outcome[0]}: {outcome[1]}"
            findings.append(replace(finding, decision=outcome[0], message=note[:1000]))
    started = time.perf_counter_ns() - decision.latency_us * 1000
    combined = _combine(decision.request, findings, exceptions, decision.policy_version, decision.facts_digest, started)
    return replace(_carried(combined, decision), verdicts=given)


def with_recorded_verdicts(decision: Decision, recorded: Any) -> Decision:
    """`decision` with its escalated findings judged by the verdicts a recorded decision kept (`Decision.verdicts`,
    as `decision_event` records them; replay and the shadow set): a profile's verdict where it judged every rule
    escalated to it now; otherwise, for a profile that was not asked about them, the findings stand, as when an
    expert does not answer. Nothing is asked of an expert again."""
    if not any(f.escalate for f in decision.findings):
        return decision
    kept = recorded if isinstance(recorded, dict) else {}
    wanted: dict[str, set[str]] = {}
    for finding in decision.findings:
        if finding.escalate:
            wanted.setdefault(finding.escalate, set()).add(finding.rule)
    out: dict[str, tuple[str, str] | str] = {}
    for profile, rules in wanted.items():
        answer = kept.get(profile)
        judged = answer.get("rules") if isinstance(answer, dict) else None
        if not isinstance(answer, dict) or not isinstance(judged, list) or not rules <= set(judged):
            out[profile] = "not asked about these findings when the call was decided (replay asks no expert)"
        elif answer.get("verdict") in DECISION_RANK:
            out[profile] = (str(answer["verdict"]), str(answer.get("reasoning", "")))
        else:
            out[profile] = str(answer.get("unanswered") or "no verdict recorded")
    return with_expert_verdicts(decision, out)


def _carried(combined: Decision, decision: Decision) -> Decision:
    """`combined` (findings combined again) with what `decision` carries beside its findings."""
    return replace(
        combined,
        cached=decision.cached,
        policy_us=decision.policy_us,
        refused=decision.refused,
        taints=decision.taints,
        verdicts=decision.verdicts,
    )


def _evaluate_locally(policy: PolicySet, document: Mapping[str, Any]) -> RegoResult:
    return policy.rego.evaluate(document)


def rego_input(request: Request, facts: Facts, findings: list[Finding], policy: PolicySet) -> dict[str, Any]:
    """The Rego input document, holding only the fields some loaded module reads (building it is the costly part
    of a query)."""
    wanted = None if policy.rego.whole_input else policy.rego.input_fields
    return input_document(request, facts, findings, wanted, policy.rego.path_extras)


def input_document(
    request: Request,
    facts: Facts,
    findings: list[Finding],
    wanted: frozenset[str] | None = None,
    path_extras: frozenset[str] = frozenset({"raw", "command"}),
) -> dict[str, Any]:
    """The input document of package lighthouse's modules: the fields in `wanted` (all when None), each path with the
    extra fields in `path_extras`."""
    document: dict[str, Any] = {}

    def put(name: str, value: Callable[[], Any]) -> None:
        if wanted is None or name in wanted:
            document[name] = value()

    put("tool", lambda: request.tool)
    put("paths", lambda: _paths(facts, path_extras))
    put("agent", lambda: {"name": request.agent, "role": request.role})
    put("claims", lambda: list(request.claims))
    put("findings", lambda: [f.to_json() for f in findings])
    put("flows", lambda: sorted(facts.flows))
    put(
        "commands",
        lambda: [
            {
                "name": c.name,
                "argv": c.argv,
                "flags": sorted(c.flags),
                "via": list(c.via),
                "sudo": c.sudo,
                "subcommand": c.subcommand,
            }
            for c in facts.commands
        ],
    )
    put("command", lambda: request.command)
    put("urls", lambda: list(facts.urls))
    put("input", lambda: dict(request.input))
    put("cwd", lambda: request.cwd)
    put("project", lambda: request.project)
    put("home", lambda: request.home)
    return document


def _paths(facts: Facts, extras: frozenset[str]) -> list[dict[str, Any]]:
    """Each distinct (path, access) once, with the fields modules read."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for access in facts.accesses:
        key = (access.path.path, access.access, access.path.raw if "raw" in extras else "")
        if key in seen:
            continue
        seen.add(key)
        entry: dict[str, Any] = {
            "path": access.path.path,
            "classes": sorted(access.path.classes),
            "access": access.access,
        }
        if "raw" in extras:
            entry["raw"] = access.path.raw
        if "command" in extras:
            entry["command"] = access.command
        out.append(entry)
    return out


def rego_findings(added: list[dict[str, Any]], *, shipped: bool) -> list[Finding]:
    """Findings from a Rego result; a shipped one is locked when it is critical or says `"locked": true`."""
    out = []
    for item in added:
        decision = item.get("decision")
        risk = item.get("risk", "medium")
        if decision not in DECISION_RANK or risk not in RISK_RANK or not isinstance(item.get("rule"), str):
            out.append(
                Finding(
                    "policy.bad-finding",
                    "ask",
                    "medium",
                    f"a Rego finding is malformed (needs rule, decision, risk, message): {item!r}"[:300],
                    "policy",
                )
            )
            continue
        escalate = item.get("escalate") if isinstance(item.get("escalate"), str) else None
        locked = shipped and (risk == "critical" or item.get("locked") is True)
        message = str(item.get("message") or item["rule"])
        out.append(Finding(item["rule"], decision, risk, message, "rego", escalate, locked))
    return out


def apply_exceptions(
    findings: list[Finding],
    exceptions: list[dict[str, Any]],
    unlocked: frozenset[str],
    applied: list[dict[str, Any]],
    refusals: list[dict[str, Any]],
) -> list[Finding]:
    """`findings` without those a Rego exception lowers; what was applied and refused is added to the lists."""
    out = list(findings)
    for exception in exceptions:
        rule, reason = exception.get("rule"), exception.get("reason")
        if not isinstance(rule, str) or not isinstance(reason, str) or not reason.strip():
            continue  # an exception without a reason is not an exception
        kept = []
        for finding in out:
            if finding.rule != rule:
                kept.append(finding)
                continue
            record = lowered(finding, reason[:500], "rego", unlocked)
            if record is None:
                if not any(r["rule"] == rule and r["by"] == "rego" for r in refusals):
                    refusals.append(refused(finding, reason[:500], "rego"))
                kept.append(finding)
            elif not any(a["rule"] == rule and a["by"] == "rego" for a in applied):
                applied.append(record)
        out = kept
    return out


def _combine(
    request: Request, findings: list[Finding], exceptions: list[dict[str, Any]], version: str, digest: str, started: int
) -> Decision:
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.rule, finding)
    ordered = sorted(unique.values(), key=lambda f: (-DECISION_RANK[f.decision], -RISK_RANK[f.risk], f.rule))
    decision = ordered[0].decision if ordered else "allow"
    risk = max((f.risk for f in ordered), key=RISK_RANK.__getitem__, default="none")
    reasons = [{"rule": f.rule, "message": f.message} for f in ordered if f.decision != "allow"]
    return Decision(
        decision,
        risk,
        reasons,
        request,
        ordered,
        exceptions,
        policy_version=version,
        facts_digest=digest,
        latency_us=_since(started),
    )


def _since(started: int) -> int:
    return (time.perf_counter_ns() - started) // 1000
