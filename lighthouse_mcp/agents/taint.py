"""Session taint: a session that read untrusted content loses the right to send data out until a person clears it.

What taints: the hook's scan of what a tool returned (PostToolUse) at or above `taint.min_risk`, from a source that
`taint.sources` names (`source_kind`); output too large to scan whole taints whatever its start held. The hook
records `session.tainted` (what was read, the findings with their masked excerpts) with `response.scanned`.

What it changes: a tainted session's calls are decided with their facts (never from the decision cache) and then
judged by the Rego rules of package `lighthouse.taint` (shipped: `policies/taint.rego`, locked), which tighten its
outward actions (and what the guard asks about) as `taint.send`, `secret_reads`, `outside_writes`, `handoff` and
`guard` say. Other sessions are unaffected.

Handed on: a task a tainted agent delegates carries the taint to the expert that takes it, a tainted expert's
answer carries it back to the delegator, and a collaboration carries it to every participant. Such a taint is the
receiving agent's (scope `agent`): Lighthouse ties an agent's MCP session to its hook sessions only by the agent's
name, so it applies to all of that agent's sessions. So does a taint recorded without a session id.

Cleared: only by a person (`session.cleared`: which taints, who, why), from the console's Sessions view or with
`lighthouse taint clear` in a terminal (a person-only command the guard denies to the agent). No MCP tool and no
hook path clears a taint.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.model import Event, NewEvent, iso_time
from lighthouse_mcp.events.projections import REDUCERS, State
from lighthouse_mcp.vocabulary import RISK_RANK, Decision, Finding

if TYPE_CHECKING:
    from lighthouse_mcp.config import Config, TaintConfig
    from lighthouse_mcp.hooks.claude import HookInput
    from lighthouse_mcp.policy.policyset import PolicySet
    from lighthouse_mcp.validation.decision import Validator
    from lighthouse_mcp.validation.facts import Facts
    from lighthouse_mcp.validation.request import Request

TYPES = ("session.tainted", "session.cleared")
FINDINGS = "data.lighthouse.taint.findings"
EXCEPTIONS = "data.lighthouse.taint.exceptions"
MAX_FINDINGS = 10
MAX_REASON = 500

# Tools by what their output is, by the names the hook input uses (Gemini CLI's mapped onto Claude Code's).
WEB_TOOLS = frozenset({"WebFetch", "WebSearch", "web_fetch"})
SHELL_TOOLS = frozenset({"Bash", "BashOutput"})
AGENT_TOOLS = frozenset({"Task", "delegate_to_agent"})
FILE_TOOLS = {"Read": "file_path", "NotebookRead": "notebook_path", "Grep": "path", "read_many_files": "paths"}


@dataclass(frozen=True)
class Taint:
    """One recorded taint not cleared: what was read (or from whom it was handed on), by which agent and session."""

    seq: int
    at: int  # ns
    agent: str | None
    session: str | None
    scope: str  # session: that session's alone; agent: every session of the agent
    kind: str  # a taint.sources kind, or handed-on
    source: str
    risk: str
    rules: tuple[str, ...]
    via: Mapping[str, Any] | None = None  # handed on: {"task" | "task_result" | "collaboration": id, "agent": from}
    truncated: bool = False

    @classmethod
    def from_state(cls, seq: str, entry: Mapping[str, Any]) -> Taint:
        via = entry.get("via")
        return cls(
            seq=int(seq),
            at=int(entry.get("at") or 0),
            agent=entry.get("agent"),
            session=entry.get("session"),
            scope="agent" if entry.get("scope") == "agent" or not entry.get("session") else "session",
            kind=str(entry.get("kind") or "other"),
            source=str(entry.get("source") or ""),
            risk=str(entry.get("risk")) if entry.get("risk") in RISK_RANK else "none",
            rules=tuple(str(r) for r in entry.get("rules") or ()),
            via=via if isinstance(via, Mapping) else None,
            truncated=bool(entry.get("truncated")),
        )

    def applies(self, agent: str, session: str | None) -> bool:
        """Whether this taint is on a call of `agent` in `session`: the session's own, or any of the agent's when it
        is the agent's (or the call names no session, which could be any of them)."""
        if self.scope == "agent" or session is None:
            return self.agent == agent
        return self.session == session

    def describe(self) -> str:
        """What was read, in a few words: `WebFetch https://… (risk high: injection.override)`."""
        found = f": {', '.join(self.rules[:3])}" if self.rules else ""
        cut = ", too large to scan whole" if self.truncated else ""
        return f"{self.source} (risk {self.risk}{found}{cut})"

    def label(self) -> str:
        """A few words for a table: `web: injection.override`, `task task_… from ben`."""
        via = self.via or {}
        for key, what in (("task", "task"), ("task_result", "answer to"), ("collaboration", "collaboration")):
            if via.get(key):
                return f"{what} {via[key]} from {via.get('agent')}"
        return f"{self.kind}: {self.rules[0] if self.rules else f'risk {self.risk}'}"

    def read(self) -> dict[str, Any]:
        """The taint as the Rego rules see it (`input.taint.reads`)."""
        source = f"{self.source}, too large to scan whole" if self.truncated else self.source
        return {"kind": self.kind, "source": source, "risk": self.risk, "rules": list(self.rules), "via": self.via}

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": iso_time(self.at),
            "agent": self.agent,
            "session": self.session,
            "scope": self.scope,
            "kind": self.kind,
            "source": self.source,
            "risk": self.risk,
            "rules": list(self.rules),
            "via": dict(self.via) if self.via else None,
        }


def recorded(state: Mapping[str, Any]) -> list[Taint]:
    """The taints a folded state holds (recorded and not cleared), oldest first."""
    return sorted((Taint.from_state(seq, e) for seq, e in state.get("taints", {}).items()), key=lambda t: t.seq)


def in_force(taints: Iterable[Taint], expiry_s: int, now_ns: int | None = None) -> list[Taint]:
    """Those not lapsed (`taint.expiry_s`; 0: a taint lasts until a person clears it)."""
    if not expiry_s:
        return list(taints)
    now_ns = time.time_ns() if now_ns is None else now_ns
    return [t for t in taints if t.at + expiry_s * 1_000_000_000 > now_ns]


class TaintView:
    """The taints of one process, kept by folding taint events as they arrive (see `Follower`)."""

    def __init__(self, store: Any, *, refresh_s: float = 0.1) -> None:
        self.state: State = {"taints": {}}
        self._follower = Follower(store, TYPES, self._fold, refresh_s=refresh_s)

    def _fold(self, event: Event) -> None:
        REDUCERS[event.type](self.state, event)

    def current(self, expiry_s: int, *, now_ns: int | None = None, fresh: bool = False) -> list[Taint]:
        """Every taint in force (`expiry_s`: `taint.expiry_s`)."""
        self._follower.refresh(fresh=fresh)
        return in_force(recorded(self.state), expiry_s, now_ns)

    def on(self, agent: str, session: str | None, expiry_s: int, *, now_ns: int | None = None) -> list[Taint]:
        """The taints in force on a call of `agent` in `session`."""
        return [t for t in self.current(expiry_s, now_ns=now_ns) if t.applies(agent, session)]

    def of_agent(self, agent: str, expiry_s: int, *, now_ns: int | None = None) -> list[Taint]:
        """The taints in force on any session of `agent`: what work it hands on carries (its MCP session cannot be
        told apart from its hook sessions but by name)."""
        return [t for t in self.current(expiry_s, now_ns=now_ns, fresh=True) if t.agent == agent]


# ---- what taints ---------------------------------------------------------------------------------------------------


def source_kind(tool: str | None, tool_input: Mapping[str, Any], cwd: str | None, root: str | None) -> str:
    """What a tool's output is, as `taint.sources` names it."""
    tool = tool or ""
    if tool in WEB_TOOLS:
        return "web"
    if tool.startswith("mcp__"):
        return "mcp"
    if tool in SHELL_TOOLS:
        return "command"
    if tool in AGENT_TOOLS:
        return "subagent"
    if tool in FILE_TOOLS:
        value = tool_input.get(FILE_TOOLS[tool])
        paths = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        paths = [p for p in paths if isinstance(p, str)]
        inside = all(_inside(p, cwd, root) for p in paths or ["."])
        return "project-file" if inside else "outside-file"
    return "other"


def _inside(path: str, cwd: str | None, root: str | None) -> bool:
    """Whether `path` (against `cwd`) is in the project at `root`, through links; never without a root."""
    if root is None or "\x00" in path:
        return False
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(cwd or root, os.path.expanduser(path)))
    return real == real_root or real.startswith(real_root.rstrip("/") + "/")


def tainted_event(
    scan: Mapping[str, Any],
    *,
    kind: str,
    config: TaintConfig,
    agent: str,
    session: str | None,
    tool: str | None,
    tool_use_id: str | None = None,
    client: str | None = None,
    subagent: Mapping[str, Any] | None = None,
) -> NewEvent | None:
    """`session.tainted` for a scan (a `response.scanned` payload) of what a tool of kind `kind` returned, or None
    when it does not taint: taint off, a source not listed, no hostile finding at `min_risk` or more (unless it was
    too large to scan whole). Hostile: an injection, malicious code, an exfiltration link; a secret in what it read
    is data, not an instruction. Each hostile finding at or above the risk is kept with its rule and masked excerpt."""
    truncated = bool(scan.get("truncated"))
    if not config.enabled or kind not in config.sources:
        return None
    hostile = [
        threat
        for threat in scan.get("threats") or []
        if isinstance(threat, Mapping) and threat.get("category") != "secret" and threat.get("severity") in RISK_RANK
    ]
    risk = max((str(t["severity"]) for t in hostile), key=RISK_RANK.__getitem__, default="none")
    if RISK_RANK[risk] < RISK_RANK[config.min_risk] and not truncated:
        return None
    floor = max(RISK_RANK[config.min_risk], RISK_RANK["low"])
    findings = [
        {key: threat.get(key) for key in ("rule", "category", "severity", "excerpt", "fingerprint")}
        for threat in hostile
        if RISK_RANK[str(threat["severity"])] >= floor
    ][:MAX_FINDINGS]
    payload: dict[str, Any] = {
        "scope": "session" if session else "agent",
        "kind": kind,
        "tool": tool,
        "source": str(scan.get("source") or tool or "tool")[:300],
        "risk": risk,
        "findings": findings,
    }
    if truncated:
        payload["truncated"] = True
    if tool_use_id:
        payload["tool_use_id"] = tool_use_id
    if client:
        payload["client"] = client
    if subagent:
        payload["subagent"] = dict(subagent)
    return NewEvent("session.tainted", payload, agent=agent, session=session, aggregate=session or f"agent:{agent}")


def handed_on_event(
    *, to_agent: str, via: Mapping[str, Any], source: str, risk: str, rules: Sequence[str] = ()
) -> NewEvent:
    """`session.tainted` for an agent that took work a tainted agent handed on (`via`: the task, its result or the
    collaboration, and who it came from): the receiving agent's, on every session of it."""
    payload = {
        "scope": "agent",
        "kind": "handed-on",
        "source": source[:300],
        "risk": risk if risk in RISK_RANK else "high",
        "rules": list(rules)[:MAX_FINDINGS],
        "via": dict(via),
    }
    return NewEvent("session.tainted", payload, agent=to_agent, session=None, aggregate=f"agent:{to_agent}")


def handed_on(taints: Sequence[Taint], *, to_agent: str, via: Mapping[str, Any], what: str) -> list[NewEvent]:
    """The taint `to_agent` takes on with work from an agent whose taints in force are `taints` (none: nothing)."""
    if not taints:
        return []
    newest = max(taints, key=lambda t: t.seq)
    risk = max((t.risk for t in taints), key=RISK_RANK.__getitem__)
    rules = list(dict.fromkeys(r for t in taints for r in t.rules))
    via = {**via, "taints": [t.seq for t in taints]}
    return [handed_on_event(to_agent=to_agent, via=via, source=f"{what}: {newest.describe()}", risk=risk, rules=rules)]


def joined(collaboration: str, members: Mapping[str, Sequence[Taint]]) -> list[NewEvent]:
    """The taint a collaboration carries to each member that has none, from those that have (`members`: each
    member's taints in force)."""
    tainted = {name: taints for name, taints in members.items() if taints}
    if not tainted:
        return []
    carried = [t for taints in tainted.values() for t in taints]
    who = ", ".join(sorted(tainted))
    via = {"collaboration": collaboration, "agent": who}
    what = f"collaboration {collaboration} with {who}"
    untainted = sorted(set(members) - set(tainted))
    return [event for name in untainted for event in handed_on(carried, to_agent=name, via=via, what=what)]


def read_by_hook(hook: HookInput, scan: NewEvent, config: Config, store: Any, root: str | None) -> list[NewEvent]:
    """What a hook records when what a tool returned (its `response.scanned`, `scan`) taints the session: the
    taint, and the taint it passes to those the agent collaborates with."""
    subagent = {key: hook.raw[key] for key in ("agent_id", "agent_type") if isinstance(hook.raw.get(key), str)}
    event = tainted_event(
        scan.payload,
        kind=source_kind(hook.tool, hook.tool_input, hook.cwd, root),
        config=config.taint,
        agent=config.agent.name,
        session=hook.session,
        tool=hook.agent_tool or hook.tool,
        tool_use_id=hook.tool_use_id,
        client=hook.client,
        subagent=subagent,
    )
    return [] if event is None else [event, *spread(store, event)]


def collaborators(store: Any, agent: str) -> dict[str, str]:
    """The other agents `agent` works with in active collaborations, directly or through others: name → the
    collaboration through which taint reaches them first."""
    state: State = {"collaborations": {}}

    def fold(event: Event) -> None:
        reducer = REDUCERS.get(event.type)
        if reducer is not None:
            reducer(state, event)

    Follower(store, ("collaboration",), fold, refresh_s=0).refresh(fresh=True)
    groups = [
        (cid, {c["started_by"], *c["participants"]} - {None})
        for cid, c in state["collaborations"].items()
        if c["status"] == "active"
    ]
    reached: dict[str, str] = {agent: ""}
    frontier = [agent]
    while frontier:
        name = frontier.pop()
        for cid, members in groups:
            if name in members:
                for other in members - reached.keys():
                    reached[other] = cid
                    frontier.append(other)
    del reached[agent]
    return reached


def spread(store: Any, tainted: NewEvent) -> list[NewEvent]:
    """The taint the agent of a new `session.tainted` passes to those it collaborates with."""
    agent = tainted.agent or ""
    p = tainted.payload
    rules = [str(f.get("rule")) for f in p.get("findings", []) if isinstance(f, Mapping)]
    return [
        handed_on_event(
            to_agent=other,
            via={"collaboration": cid, "agent": agent, "session": tainted.session},
            source=f"collaboration {cid} with {agent}, who read {p.get('source')}",
            risk=str(p.get("risk")),
            rules=rules,
        )
        for other, cid in sorted(collaborators(store, agent).items())
    ]


# ---- what a taint changes -------------------------------------------------------------------------------------------


def judge(
    validator: Validator, request: Request, taints: Sequence[Taint], config: Config, session: str | None
) -> Decision:
    """The decision for a call of a tainted session: the validator's, decided with its facts, and the findings of
    the `lighthouse.taint` rules added (a shipped one locked; a project's exceptions may lower only the project's)."""
    return judge_reads(validator, request, [t.read() for t in sorted(taints, key=lambda t: -t.seq)], config, session)


def judge_reads(
    validator: Validator, request: Request, reads: Sequence[Mapping[str, Any]], config: Config, session: str | None
) -> Decision:
    """`judge` with the taints as the rules read them (`Taint.read`, newest first), as a decision records them:
    how the shadow set and a replay judge a call that was judged tainted."""
    from lighthouse_mcp.policy.policyset import PolicyUnavailable
    from lighthouse_mcp.validation.decision import with_findings

    try:
        decision, facts = validator.decide(request)
        policy = validator.policies.current()
    except PolicyUnavailable:
        return validator.validate(request)  # the policies' own failure: validation.on_error
    document = taint_input(request, facts, decision, reads, config.taint, session)
    findings, applied, refused = evaluate(policy, document, validator.unlocked, config.validation.on_error)
    decision = replace(
        decision,
        exceptions=[*decision.exceptions, *applied],
        refused=[*decision.refused, *refused],
        taints=[dict(r) for r in reads],
    )
    return with_findings(decision, findings)


def taint_input(
    request: Request,
    facts: Facts,
    decision: Decision,
    reads: Sequence[Mapping[str, Any]],
    config: TaintConfig,
    session: str | None,
) -> dict[str, Any]:
    """The input of the `lighthouse.taint` rules (see `policies/taint.rego`); `reads` as `Taint.read` gives them,
    newest first."""
    from lighthouse_mcp.validation.decision import input_document

    taint: dict[str, Any] = {"agent": request.agent, "reads": [dict(r) for r in reads]}
    if session:
        taint["session"] = session
    return {
        "request": input_document(request, facts, decision.findings),
        "flow_details": dict(facts.flows),
        "decision": {"decision": decision.decision, "rules": [r["rule"] for r in decision.reasons]},
        "taint": taint,
        "tighten": {
            "send": config.send,
            "secret_reads": config.secret_reads,
            "outside_writes": config.outside_writes,
            "handoff": config.handoff,
            "guard": config.guard,
        },
    }


def evaluate(
    policy: PolicySet, document: Mapping[str, Any], unlocked: frozenset[str], on_error: str
) -> tuple[list[Finding], list[dict[str, Any]], list[dict[str, Any]]]:
    """The findings of the taint rules for `document`, with the project's exceptions applied (and those applied and
    refused). When the shipped rules cannot be evaluated, `validation.on_error`; when the project's fail, the
    shipped ones stand and an allow becomes ask."""
    from lighthouse_mcp.policy.engine import PolicyError
    from lighthouse_mcp.validation.decision import apply_exceptions, rego_findings

    try:
        shipped = _items(policy.shipped_rego.query_value(FINDINGS, document, bundled=True))
    except PolicyError as exc:
        message = f"this session is tainted, and the taint rules could not be evaluated: {exc}"[:1000]
        return [Finding("taint.unavailable", on_error, "high", message, "policy")], [], []
    findings = rego_findings(shipped, shipped=True)
    exceptions: list[dict[str, Any]] = []
    if policy.layered:
        try:
            project = rego_findings(_items(policy.rego.query_value(FINDINGS, document, bundled=True)), shipped=False)
            exceptions = _items(policy.rego.query_value(EXCEPTIONS, document, bundled=True))
        except PolicyError as exc:
            message = f"the project's taint rules failed, so the shipped ones decided alone: {exc}"[:1000]
            findings.append(Finding("policy.project-failed", "ask", "medium", message, "policy"))
        else:
            known = {f.rule for f in findings}
            findings += [f for f in project if f.rule not in known]
    applied: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    return apply_exceptions(findings, exceptions, unlocked, applied, refused), applied, refused


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


# ---- clearing -----------------------------------------------------------------------------------------------------


def person() -> str:
    """Who is clearing: the login name of the person at the console or terminal."""
    import getpass  # only where a person clears

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


def clear(
    store: Any, session: str, config: TaintConfig, *, by: str, reason: str, via: str
) -> tuple[Event, list[Taint]]:
    """Record that a person cleared the taints in force on `session` (`via`: console or cli); returns the event and
    what it cleared. UsageError when the session is unknown or not tainted, or no reason is given. A taint of the
    agent's (handed on) applies to every session of that agent, so clearing it here clears it there too."""
    from lighthouse_mcp.events.query import EventFilter

    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON:
        raise UsageError(f"say why the session may be trusted again (a reason of 1 to {MAX_REASON} characters)")
    everything = TaintView(store).current(config.expiry_s, fresh=True)
    own = [t for t in everything if t.session == session]
    agent = own[0].agent if own else None
    if agent is None:
        found = store.query(EventFilter(session=session, limit=1)).events
        if not found:
            raise UsageError(f"no session {session[:80]!r} in the log (`lighthouse taint` lists the tainted ones)")
        agent = found[0].agent
    cleared = [t for t in everything if t.applies(agent or "", session)]
    if not cleared:
        raise UsageError(f"session {session[:80]} is not tainted")
    payload = {
        "session": session,
        "agent": agent,
        "taints": [t.seq for t in cleared],
        "by": by,
        "via": via,
        "reason": reason,
    }
    event = store.append(NewEvent("session.cleared", payload, aggregate=session))
    return event, cleared
