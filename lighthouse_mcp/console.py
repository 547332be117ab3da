"""What the operator's console shows, as typed rows (frozen dataclasses) read from the store: the overview (with
per-minute rates), sessions, a page of the timeline, pending approvals, policies, experts and the mount. The TUI
draws these; it computes nothing itself. `Console` keeps what never changes once computed (finished minutes, the
verified part of the chain), so a refresh reads only what is new."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from lighthouse_mcp import metrics
from lighthouse_mcp.audit import IncrementalVerifier
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import Event, iso_time
from lighthouse_mcp.events.query import EventFilter, parse_point
from lighthouse_mcp.policy.policyset import PolicyProvider, PolicySet
from lighthouse_mcp.project import Project

if TYPE_CHECKING:
    from lighthouse_mcp.agents.taint import Taint
    from lighthouse_mcp.validation.shadow import Shadow

RECENT_DECISIONS = 2000
MINUTES = 30  # the sparklines' span
PAGE = 200  # timeline rows per page
FILTER_KEYS = ("type", "agent", "decision", "at")
DECISIONS = ("allow", "ask", "deny")
MINUTE_NS = 60 * 1_000_000_000


@dataclass(frozen=True)
class TimelineQuery:
    """A timeline filter as typed: `type:` `agent:` `decision:` `at:` terms, and free words that must all appear."""

    types: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    decision: str | None = None
    at: str | None = None  # a sequence number or a time to jump to
    words: tuple[str, ...] = ()


def parse_timeline_query(text: str) -> TimelineQuery:
    """`type:validation agent:ben,ann decision:deny at:1200 rm -rf` → its parts. Terms may repeat (types and
    agents add up); an unknown `key:` is an ordinary word (a URL, say); a bad value raises `UsageError`."""
    types: list[str] = []
    agents: list[str] = []
    decision = at = None
    words: list[str] = []
    for term in text.split():
        key, sep, value = term.partition(":")
        if not sep or key.lower() not in FILTER_KEYS:
            words.append(term.lower())
            continue
        key = key.lower()
        if not value:
            raise UsageError(f"filter: {key}: needs a value, e.g. {key}:{_EXAMPLES[key]}")
        if key == "type":
            types += [v for v in value.split(",") if v]
        elif key == "agent":
            agents += [v for v in value.split(",") if v]
        elif key == "decision":
            if value.lower() not in DECISIONS:
                raise UsageError(f"filter: decision: must be allow, ask or deny, not {value!r}")
            decision = value.lower()
        else:
            at = value
    return TimelineQuery(tuple(types), tuple(agents), decision, at, tuple(words))


_EXAMPLES = {"type": "validation", "agent": "claude", "decision": "deny", "at": "1200"}


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A session, with its own decisions among the recent ones and the claims it holds now."""

    session: str
    agent: str | None
    role: str | None
    client: str | None
    status: str | None
    started: str
    last_seen: str
    allow: int
    ask: int
    deny: int
    claims: int
    taint: str = ""  # what tainted it, while a taint is in force on it (agents/taint.py)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """An event of the timeline: `decision` is set for decisions, and `about` is then what was decided on."""

    seq: int
    time: str
    type: str
    agent: str
    about: str
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    """A request waiting for a person's answer."""

    id: str
    agent: str | None
    what: str
    rules: str
    waiting_s: int


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """A project policy in force, with its revision and who put it when."""

    name: str
    revision: int | None
    by: str | None
    at: str


@dataclass(frozen=True, slots=True)
class PolicyChangeRow:
    """A recent put or delete of a project policy."""

    seq: int
    at: str
    change: str
    name: str | None
    by: str | None


@dataclass(frozen=True, slots=True)
class ShadowRow:
    """A call the shadow policy set answered otherwise than the live one: the change (`allow→deny`), what was
    asked, and the rules behind the shadow set's answer."""

    seq: int
    at: str
    agent: str | None
    change: str
    what: str
    rules: str


@dataclass(frozen=True, slots=True)
class PolicyFileRow:
    """A file the policy set in force was built from: kind pack, module or test; origin shipped or project."""

    name: str
    kind: str
    origin: str
    lines: int


@dataclass(frozen=True, slots=True)
class ExpertRow:
    """An agent expert: whether its session is active, tasks done, late and open, mean latency."""

    name: str
    capabilities: str
    available: str
    completed: int
    timed_out: int
    open: int
    mean_ms: int | None


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A delegated task not finished yet."""

    id: str
    status: str | None
    expert: str | None
    delegator: str | None
    task: str


@dataclass(frozen=True, slots=True)
class LlmRow:
    """An LLM profile with what the log says of it over the metrics window; a profile file that does not load is a
    row whose `routes` says why, with no figures."""

    name: str
    routes: str
    key: str | None = None
    calls: int | None = None
    failed: int | None = None
    p50_ms: float | None = None
    tokens: int | None = None
    cost_usd: float | None = None
    circuit: str | None = None


@dataclass(frozen=True)
class TimelinePage:
    """Which part of the log the timeline shows: the filter, a chosen session's agent, and the page (the events
    before sequence `before`; None follows the head)."""

    query: TimelineQuery = field(default_factory=TimelineQuery)
    agent: str | None = None
    before: int | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything the console shows at one moment. `ready`: it includes the folded state (sessions, claims,
    experts, tasks, project policies), which the first pictures of a big store may not have yet."""

    project: str
    database: str
    events: int
    last_seq: int
    mount: str
    decisions: dict[str, int]
    latency: dict[str, dict[str, float | int]]
    sessions: list[SessionRow]
    approvals: list[ApprovalRow]
    policies: list[PolicyRow]
    experts: list[ExpertRow]
    tasks: list[TaskRow]
    rates: dict[str, list[int]] = field(default_factory=dict)  # per minute, oldest first: decisions, findings
    llm: list[LlmRow] = field(default_factory=list)  # LLM profiles with what the log says of them
    policy_changes: list[PolicyChangeRow] = field(default_factory=list)
    policy_version: str = ""  # a line about the policy set in force (or why it cannot be loaded)
    policy_files: list[PolicyFileRow] = field(default_factory=list)
    shadow: str = ""  # a line about the shadow policy set (none, its version and differences, or its problem)
    shadowed: list[ShadowRow] = field(default_factory=list)  # the newest calls it answered otherwise
    timeline: list[TimelineRow] = field(default_factory=list)
    chain: str = ""
    ready: bool = True
    approvals_enabled: bool = False
    mountpoint: str | None = None
    mount_stats: dict[str, Any] | None = None


class Console:
    """The console's reads for one project and store; `clock` gives now in nanoseconds; `policies` gives the policy
    set in force (one for the project's policy files, by default)."""

    def __init__(
        self,
        project: Project,
        store: Any,
        *,
        clock: Callable[[], int] = time.time_ns,
        policies: PolicyProvider | None = None,
    ) -> None:
        self.project = project
        self.store = store
        self.clock = clock
        self.policies = policies or PolicyProvider(project.home.policies_dir, project.home.path / "cache")
        self._minutes: dict[tuple[str, int], int] = {}  # (series, minute) -> count, for minutes that are over
        self._open: dict[tuple[str, int], tuple[int, int]] = {}  # (series, current minute) -> (up to seq, count)
        self._verifier: IncrementalVerifier | None = None  # until the whole chain has been verified once
        self._verified = 0
        self._profiles: tuple[list[tuple[str, int]] | None, dict[str, Any]] = (None, {})  # read again on change
        self._shadow: Shadow | None = None  # the shadow policy set, once asked about
        self.chain = "not checked yet"

    # ---- the snapshot ----------------------------------------------------------------------------------------

    def snapshot(self, state: dict[str, Any] | None, page: TimelinePage | None = None) -> Snapshot:
        """The console's data, with the timeline's `page`; `state` is the folded state at the head (sessions,
        policies, experts, tasks), or None while the log is still being folded (the rest is shown meanwhile)."""
        from lighthouse_mcp.agents import approvals

        store, now = self.store, self.clock()
        ready, state = state is not None, state or {}
        page = page or TimelinePage()
        recent = store.query(EventFilter(types=("validation.decided",), order="desc", limit=RECENT_DECISIONS)).events
        decided = Counter(str(e.payload.get("decision")) for e in recent)
        by_session: dict[str, Counter[str]] = {}
        for event in recent:
            by_session.setdefault(event.session or "", Counter())[str(event.payload.get("decision"))] += 1
        waiting = [
            ApprovalRow(
                id=str(e.aggregate),
                agent=e.agent,
                what=subject(e.payload),
                rules=", ".join(e.payload.get("rules", [])),
                waiting_s=max(0, (now - e.ts) // 1_000_000_000),
            )
            for e in approvals.pending(store, now)
        ]
        mountpoint = mounted_at(store)
        policy_version, policy_files = self._policy_files()
        return Snapshot(
            project=self.project.home.root.name,
            database=_relative(store.location, self.project.home.root),
            events=store.count(),
            last_seq=store.last_seq(),
            mount=f"mounted at {mountpoint}" if mountpoint else "not mounted",
            decisions={d: decided.get(d, 0) for d in DECISIONS},
            latency=metrics.latencies(store, self.project.config.metrics.window_s, now_ns=now),
            sessions=_sessions(state, by_session, now, self.project.config.taint.expiry_s),
            approvals=waiting,
            policies=[
                PolicyRow(name=name, revision=p.get("revision"), by=p.get("by"), at=_time(p.get("at")))
                for name, p in sorted(state.get("policies", {}).items())
            ],
            experts=_experts(state),
            tasks=[
                TaskRow(
                    id=tid,
                    status=t.get("status"),
                    expert=t.get("expert"),
                    delegator=t.get("delegator"),
                    task=str(t.get("task") or "")[:80],
                )
                for tid, t in state.get("tasks", {}).items()
                if t.get("status") in ("pending", "assigned")
            ],
            rates={"decisions": self._per_minute("decisions", now), "findings": self._per_minute("findings", now)},
            llm=self._llm(now),
            policy_changes=[
                PolicyChangeRow(
                    seq=e.seq, at=_time(e.ts), change=e.type.removeprefix("policy."), name=e.aggregate, by=e.agent
                )
                for e in store.query(EventFilter(types=("policy.put", "policy.deleted"), limit=20)).events
            ],
            policy_version=policy_version,
            policy_files=policy_files,
            shadow=self._shadow_line(),
            shadowed=[shadow_row(e) for e in store.query(EventFilter(types=("validation.shadowed",), limit=50)).events],
            timeline=[timeline_row(e) for e in timeline(store, page.query, agent=page.agent, before=page.before)],
            chain=self.chain,
            ready=ready,
            approvals_enabled=self.project.config.approvals.enabled,
            mountpoint=mountpoint,
            mount_stats=read_mount_stats(mountpoint) if mountpoint else None,
        )

    def _policy_files(self) -> tuple[str, list[PolicyFileRow]]:
        """A line about the policy set in force, and the files it was built from."""
        try:
            policy = self.policies.current()
        except Exception as exc:  # the shipped files themselves are broken: say so in the view
            return f"Policies cannot be loaded: {exc}", []
        return f"Policy version {policy.version}", loaded_policies(policy)

    def _shadow_line(self) -> str:
        """The shadow policy set: none, or where it is, its version and how many answers differed, or its problem."""
        if not self.project.config.policy.shadow:
            return "Shadow policy: none (policy.shadow names a set to decide beside this one, changing nothing)"
        if self._shadow is None:
            from lighthouse_mcp.validation.shadow import Shadow

            self._shadow = Shadow(self.project.home, self.project.config)
        status = self._shadow.status()
        where = _relative(status["directory"], self.project.home.root)
        if "error" in status:
            return f"Shadow policy {where}: NOT IN USE: {status['error'][:200]}"
        differed = self.store.count(EventFilter(types=("validation.shadowed",)))
        return f"Shadow policy {where} (version {status['version']}): {differed:,} answers differed from the live ones"

    def check_chain(self) -> str:
        """A line to show about the chain. The first call verifies the whole chain in a child process (`lighthouse
        events verify`: another core, and this process's interpreter stays free for the screen); later calls
        verify here only the events appended since."""
        if self._verifier is None:
            self.chain = "verifying the whole chain…"
            report = self._verify_in_child()
            if not report.get("ok"):
                self.chain = f"BROKEN at event {report.get('first_bad_seq')}: {report.get('reason')}"
                return self.chain
            seq = int(report["last_seq"])
            found = self.store.get(seq) if seq else None
            start = (seq, bytes.fromhex(found.mac)) if found is not None else None
            self._verifier = IncrementalVerifier(self.store, self.project.key(), start=start)
            self._verified = int(report["checked"]) if start is not None else 0
        result = self._verifier.check()
        if result.ok:
            self.chain = f"intact ({self._verified + result.checked:,} events verified)"
        else:
            self.chain = f"BROKEN at event {result.first_bad_seq}: {result.reason}"
        return self.chain

    def _verify_in_child(self) -> dict[str, Any]:
        command = [sys.executable, "-m", "lighthouse_mcp", "--home", str(self.project.home.path), "events", "verify",
                   "--json"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return {"ok": False, "reason": f"the verifier failed: {done.stderr.strip()[-300:] or done.returncode}"}
        return report if isinstance(report, dict) else {"ok": False, "reason": "the verifier said nothing usable"}

    def _per_minute(self, series: str, now: int) -> list[int]:
        """Decisions (or scan findings) in each of the last MINUTES minutes, oldest first. Finished minutes are
        counted once and remembered; the current one is counted on from the last sequence seen."""
        current = now // MINUTE_NS
        head = int(self.store.last_seq())
        out = []
        for minute in range(current - MINUTES + 1, current + 1):
            known = self._minutes.get((series, minute))
            if known is None:
                upto, counted = self._open.get((series, minute), (0, 0))
                known = counted + self._count(series, minute * MINUTE_NS, (minute + 1) * MINUTE_NS - 1, upto, head)
                if minute < current:
                    self._minutes[(series, minute)] = known
                else:
                    self._open = {(series, minute): (head, known), **{k: v for k, v in self._open.items()
                                                                      if k[0] != series}}  # fmt: skip
            out.append(known)
        for key in [k for k in self._minutes if k[1] <= current - MINUTES]:
            del self._minutes[key]
        return out

    def _count(self, series: str, since: int, until: int, after_seq: int, head: int) -> int:
        """Events of the series between two times with sequence in (after_seq, head]."""
        types = ("validation.decided",) if series == "decisions" else ("response.scanned",)
        flt = EventFilter(types=types, since_ts=since, until_ts=until, since_seq=after_seq + 1, until_seq=head)
        if series == "decisions":
            return int(self.store.count(flt))
        return sum(int(e.payload.get("threat_count") or 0) for e in self.store.query(replace(flt, limit=5000)).events)

    def _llm(self, now: int) -> list[LlmRow]:
        """Each LLM profile: its routes, whether a key is set for them, and from the consultations in the metrics
        window: count, failures, p50 latency, tokens, cost, and the circuit as the log shows it (open when the
        last `breaker_failures` calls failed within `breaker_reset_s`)."""
        from lighthouse_mcp.experts.profiles import load_profiles
        from lighthouse_mcp.experts.providers import KEY_ENV

        config = self.project.config
        project_dir = self.project.home.experts_dir
        try:
            found = sorted(project_dir.glob("*.y*ml")) if project_dir.is_dir() else []
            signature = [(p.name, p.stat().st_mtime_ns) for p in found]
        except OSError:
            signature = None  # changing under us: read them all again
        if signature is None or signature != self._profiles[0]:
            try:
                self._profiles = (signature, load_profiles(project_dir))
            except Exception as exc:  # a broken profile file: say so in the table instead of failing the refresh
                return [LlmRow(name="(profiles)", routes=str(exc)[:120])]
        profiles = self._profiles[1]
        since = now - config.metrics.window_s * 1_000_000_000
        flt = EventFilter(types=("expert.consulted",), since_ts=since, order="desc", limit=5000)
        by_profile: dict[str, list[Event]] = {}
        for event in self.store.query(flt).events:
            by_profile.setdefault(event.aggregate or "", []).append(event)
        out = []
        for name, profile in sorted(profiles.items()):
            calls = by_profile.get(name, [])
            ok = [e.payload for e in calls if e.payload.get("ok")]
            latency = sorted(float(p["latency_ms"]) for p in ok if isinstance(p.get("latency_ms"), (int, float)))
            tokens = sum(int(p.get("tokens", {}).get("input") or 0) + int(p.get("tokens", {}).get("output") or 0)
                         for p in ok)  # fmt: skip
            costs = [float(p["cost_usd"]) for p in ok if isinstance(p.get("cost_usd"), (int, float))]
            newest = calls[: config.experts.breaker_failures]
            circuit = "closed"
            if len(newest) == config.experts.breaker_failures and not any(e.payload.get("ok") for e in newest):
                recent = now - newest[0].ts < config.experts.breaker_reset_s * 1_000_000_000
                circuit = "open" if recent else "half-open"
            out.append(
                LlmRow(
                    name=name,
                    routes=", ".join(f"{r.provider}:{r.model}" for r in profile.providers),
                    key="yes" if any(os.environ.get(KEY_ENV.get(r.provider, "")) for r in profile.providers) else "no",
                    calls=len(calls),
                    failed=len(calls) - len(ok),
                    p50_ms=latency[len(latency) // 2] if latency else None,
                    tokens=tokens,
                    cost_usd=round(sum(costs), 4) if costs else None,
                    circuit=circuit,
                )
            )
        return out

    # ---- the timeline ----------------------------------------------------------------------------------------

    def locate(self, point: str) -> int:
        """The sequence a jump lands on: `1200`, an ISO time, or `15m` (ago); the newest event at or before it."""
        where = parse_point(point, name="at", now_ns=self.clock())
        if where.seq is not None:
            return min(where.seq, int(self.store.last_seq()))
        return int(self.store.seq_at_time(int(where.ts or 0)))


def timeline(
    store: Any, query: TimelineQuery | None = None, *, agent: str | None = None, before: int | None = None
) -> list[Event]:
    """A page of the newest events (those before sequence `before` when given) that match `query`; `agent` (a
    chosen session's) narrows it further."""
    query = query or TimelineQuery()
    agents = tuple(dict.fromkeys((*query.agents, *((agent,) if agent else ()))))
    words = query.words + ((f'"decision":"{query.decision}"',) if query.decision else ())
    types = query.types or (("validation.decided",) if query.decision else ())
    flt = EventFilter(types=types, agents=agents, text=words, order="desc", limit=PAGE, after=before)
    return list(store.query(flt).events)


def timeline_row(event: Event) -> TimelineRow:
    """An event as the timeline lists it; a decision is about its command, path, URL or tool."""
    p, row = event.payload, TimelineRow(event.seq, _time(event.ts), event.type, event.agent or "", "")
    if event.type == "validation.decided":
        return replace(row, about=subject(p), decision=str(p.get("decision")))
    return replace(row, about=str(subject(p) or p.get("decision") or event.aggregate or ""))


def shadow_row(event: Event) -> ShadowRow:
    """A `validation.shadowed` event as the Policies view lists it."""
    p = event.payload
    live, shadow = p.get("live") or {}, p.get("shadow") or {}
    rules = shadow.get("rules") or [f"-{r}" for r in live.get("rules") or []]
    return ShadowRow(
        seq=event.seq,
        at=_time(event.ts),
        agent=event.agent,
        change=f"{live.get('decision')}→{shadow.get('decision')}",
        what=subject(p)[:80],
        rules=", ".join(rules),
    )


def mounted_at(store: Any) -> str | None:
    """Where the newest mount that has not stopped is, or None."""
    events = store.query(EventFilter(types=("mount",), order="desc", limit=50)).events
    stopped: set[str] = set()
    for event in events:
        if event.type == "mount.stopped":
            stopped.add(event.aggregate or "")
        elif event.type == "mount.started" and (event.aggregate or "") not in stopped:
            return str(event.aggregate)
    return None


def read_mount_stats(mountpoint: str) -> dict[str, Any]:
    """The mount's /stats.json, or {"error": why} when it cannot be read (not mounted any more, say)."""
    try:
        with open(os.path.join(mountpoint, "stats.json"), "rb") as f:
            data = json.loads(f.read(1_000_000))
    except (OSError, ValueError) as exc:
        return {"error": f"cannot read {mountpoint}/stats.json: {exc}"}
    return data if isinstance(data, dict) else {"error": "stats.json is not an object"}


def state_summary(projector: Any, seq: int) -> str:
    """What was true just after event `seq`: active sessions, claims in force, policies — for time travel."""
    from lighthouse_mcp.events.projections import present

    state = present(projector.state_at(seq))
    lines = [f"State after event {state['seq']:,} ({state['ts']})", "", "Active sessions:"]
    active = [(sid, s) for sid, s in state["sessions"].items() if s.get("status") == "active"]
    lines += [f"  {s.get('agent')} ({s.get('role')}) {sid}" for sid, s in active] or ["  none"]
    lines += ["", "Claims:"]
    lines += [f"  {c.get('agent')}: {', '.join(c.get('patterns', []))} until {c.get('until')}"
              for c in state["claims"].values()] or ["  none"]  # fmt: skip
    lines += ["", "Project policies:"]
    lines += [
        f"  {name} (revision {p.get('revision')}, by {p.get('by')})" for name, p in state["policies"].items()
    ] or ["  none"]
    return "\n".join(lines)


def subject(payload: dict[str, Any]) -> str:
    """What a decision or an approval is about: its command, path or URL, or else the tool called (an MCP tool)."""
    for key in ("command", "path", "url", "tool"):
        if payload.get(key):
            return str(payload[key])
    return ""


def event_detail(event: Event) -> str:
    """The detail pane: what was decided and why (for decisions), then the whole event as JSON."""
    p = event.payload
    head = [f"#{event.seq}  {iso_time(event.ts)}  {event.type}  agent {event.agent or '-'}"]
    if event.type == "validation.decided":
        head.append(f"{str(p.get('decision')).upper()} (risk {p.get('risk')}): {subject(p)}")
        head += [f"  {r.get('rule')}: {r.get('message')}" for r in p.get("reasons", []) if isinstance(r, dict)]
    return "\n".join([*head, "", json.dumps(event.to_json(), indent=2, ensure_ascii=False)])


def _sessions(state: dict[str, Any], by_session: dict[str, Counter[str]], now: int, expiry_s: int) -> list[SessionRow]:
    """Every session, newest activity first, with its own decisions among the recent ones and what tainted it."""
    from lighthouse_mcp.agents.taint import in_force, recorded

    taints = in_force(recorded(state), expiry_s, now)
    rows = []
    for sid, s in sorted(state.get("sessions", {}).items(), key=lambda kv: -(kv[1].get("last_seen") or 0)):
        decided = by_session.get(sid, Counter())
        claims = state.get("claims", {}).values()
        rows.append(
            SessionRow(
                session=sid,
                agent=s.get("agent"),
                role=s.get("role"),
                client=(s.get("client") or {}).get("name") if isinstance(s.get("client"), dict) else None,
                status=s.get("status"),
                started=_time(s.get("started_at")),
                last_seen=_time(s.get("last_seen")),
                allow=decided["allow"],
                ask=decided["ask"],
                deny=decided["deny"],
                claims=sum(1 for c in claims if c.get("session") == sid and (c.get("until") or 0) > now),
                taint=_taint_label([t for t in taints if t.applies(s.get("agent") or "", sid)]),
            )
        )
    return rows


def _taint_label(taints: list[Taint]) -> str:
    """The newest taint on a session in a few words, and how many more."""
    if not taints:
        return ""
    newest = max(taints, key=lambda t: t.seq)
    more = f" +{len(taints) - 1}" if len(taints) > 1 else ""
    return newest.label() + more


def _experts(state: dict[str, Any]) -> list[ExpertRow]:
    """Agent experts: capabilities, whether their session is active, tasks done, late and open, mean latency."""
    from lighthouse_mcp.experts.delegation import available

    out = []
    for name, e in sorted(state.get("experts", {}).items()):
        done = int(e.get("completed", 0))
        out.append(
            ExpertRow(
                name=name,
                capabilities=", ".join(e.get("capabilities", [])),
                available="yes" if "sessions" in state and available(state, name) else "no",
                completed=done,
                timed_out=e.get("timed_out", 0),
                open=e.get("open", 0),
                mean_ms=round(int(e.get("latency_ms_total", 0)) / done) if done else None,
            )
        )
    return out


def _relative(location: str, root: Any) -> str:
    try:
        return os.path.relpath(location, root) if os.path.isabs(location) else location
    except ValueError:
        return location


def _time(ns: Any) -> str:
    return iso_time(int(ns))[11:19] if isinstance(ns, int) else ""


def loaded_policies(policy: PolicySet) -> list[PolicyFileRow]:
    """Every file a `PolicySet` was built from: name, kind (pack, module, test), origin (shipped, project), lines."""
    from pathlib import Path

    from lighthouse_mcp.policy.policyset import SHIPPED

    out = []
    for path, text in policy.files:
        kind = "pack" if path.endswith((".yaml", ".yml")) else "test" if path.endswith("_test.rego") else "module"
        origin = "shipped" if Path(path).is_relative_to(SHIPPED) else "project"
        out.append(PolicyFileRow(Path(path).name, kind, origin, text.count("\n") + 1))
    return out
