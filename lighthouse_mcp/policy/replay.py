"""Deciding recorded decisions again under another policy set (`lighthouse policy replay`, the `replay_policy`
tool): which answers would change, by outcome, rule and agent, with examples.

Each `validation.decided` event keeps what deciding it again takes (`Request.recorded`): the input with secrets
masked, where it was made, the role, the claims held, and the findings from beside the policy (store problems, rate
limits), which are kept as they were. Events without it, or whose input was withheld, are counted as not
re-decidable, never skipped silently. Identical requests are decided once.

The candidate is built in memory and written nowhere: replaying a policy file never makes it live.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ConfigError, DataError, StoreError, UsageError
from lighthouse_mcp.events.query import EventFilter, Point
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.manage import check_name
from lighthouse_mcp.policy.policyset import SHIPPED, FixedPolicy, PolicySet, build_policy_set, policy_files
from lighthouse_mcp.validation.decision import Packed, Validator, with_findings, with_recorded_verdicts
from lighthouse_mcp.validation.packs import is_shipped
from lighthouse_mcp.vocabulary import DECISION_RANK, RISK_RANK, Finding

if TYPE_CHECKING:
    from lighthouse_mcp.config import Config
    from lighthouse_mcp.events.model import Event
    from lighthouse_mcp.events.store import EventStore
    from lighthouse_mcp.home import ProjectHome
    from lighthouse_mcp.validation.request import Request
    from lighthouse_mcp.validation.service import ValidationService
    from lighthouse_mcp.vocabulary import Decision

PAGE = 2000  # events read at a time
PART = 2000  # recorded decisions a forked worker is given at least (fewer are not worth a process)
NOT_RECORDED = "recorded before decisions kept their request"
NOT_VALID = "its recorded request is not a valid request"
NO_BLOB = "its input is not in the blob table (or not as recorded)"


@dataclass(frozen=True)
class Candidate:
    """A policy set to replay the log under, and what it was built from."""

    policy: PolicySet
    source: str  # "the policy set in force", "the shipped policies and 2 candidate files", "the set as at #1200"
    files: list[str]  # its files that are not shipped
    at: dict[str, Any] | None = None  # for a set rebuilt at a sequence: {seq, version, recorded_version}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.policy.version, "source": self.source, "files": self.files}
        if self.at is not None:
            out["at"] = self.at
        return out


def _build(files: list[tuple[str, str]], source: str, deadline_s: float, at: dict[str, Any] | None = None) -> Candidate:
    """A candidate from (path, text) pairs, its project modules first compiled in a child process (a module that
    crashes the engine is an error here). Nothing is cached on disk."""
    try:
        policy = build_policy_set(files, cache_dir=None, check_isolated=True, deadline_s=deadline_s)
    except (PolicyError, ConfigError) as exc:
        raise DataError(f"the candidate policy set does not load: {exc}") from exc
    own = [p for p, _ in files if not is_shipped(p)]
    return Candidate(policy, source, own, at)


def _shipped() -> list[tuple[str, str]]:
    return [(str(p), p.read_text(encoding="utf-8")) for p in policy_files(None)]


def _ordered(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Packs before modules, each kind by name, as `policy_files` orders a project's."""
    return sorted(files, key=lambda f: (not f[0].endswith((".yaml", ".yml")), f[0]))


def candidate_in_force(home: ProjectHome | None, *, deadline_s: float) -> Candidate:
    """The policy set the project's files make now (the shipped ones without a project)."""
    files = []
    for path in policy_files(home.policies_dir if home else None):
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from exc
    return _build(files, "the policy set in force", deadline_s)


def candidate_from_files(paths: Sequence[Path], *, deadline_s: float) -> Candidate:
    """The shipped policies plus the given files, and the `*.yaml`, `*.yml` and `*.rego` files of the given
    directories (the project's own policy files are not part of it unless given)."""
    chosen: list[Path] = []
    for path in paths:
        if path.is_dir():
            chosen += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".rego") and p.is_file())
        elif path.is_file():
            if path.suffix not in (".yaml", ".yml", ".rego"):
                raise UsageError(f"policy replay: {path} is not a policy file (*.yaml, *.yml or *.rego)")
            chosen.append(path)
        else:
            raise UsageError(f"policy replay: {path} does not exist")
    files = []
    for path in dict.fromkeys(p.resolve() for p in chosen):
        if path.is_relative_to(SHIPPED.resolve()):
            raise UsageError(f"policy replay: {path} is a shipped policy file, already part of every candidate")
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from exc
    if not files:
        raise UsageError("policy replay: no policy files (*.yaml, *.yml, *.rego) in " + ", ".join(map(str, paths)))
    source = f"the shipped policies and {len(files)} candidate file{'s' if len(files) != 1 else ''}"
    return _build([*_shipped(), *_ordered(files)], source, deadline_s)


def candidate_from_texts(texts: dict[str, str], directory: Path, *, deadline_s: float) -> Candidate:
    """The shipped policies plus policy files given as text (name → content), named as if in `directory`."""
    files = [(str(directory / check_name(name)), text) for name, text in texts.items()]
    source = f"the shipped policies and {len(files)} candidate file{'s' if len(files) != 1 else ''}"
    return _build([*_shipped(), *_ordered(files)], source, deadline_s)


def candidate_at(store: EventStore, seq: int, directory: Path, *, deadline_s: float) -> Candidate:
    """The project's policy files as the log says they were after event `seq` (its `policy.put` and
    `policy.deleted`, the content from the blob table), with the shipped policies of this Lighthouse. `at` holds
    the version the newest decision up to `seq` recorded, to compare: files changed by hand, and the shipped files
    of another version of Lighthouse, are not in the log."""
    files: dict[str, str] = {}
    flt = EventFilter(types=("policy.put", "policy.deleted"), until_seq=seq, order="asc", limit=PAGE)
    for event in itertools.chain.from_iterable(_pages(store, flt)):
        name = check_name(event.aggregate or event.payload.get("name"))
        if event.type == "policy.deleted":
            files.pop(name, None)
            continue
        content = store.get_blob(str(event.payload.get("blob", "")))
        if content is None or hashlib.sha256(content).hexdigest() != event.payload.get("sha256"):
            raise DataError(f"event {event.seq}: the store has no intact content for {name} (policy.put)")
        files[name] = content.decode("utf-8")
    newest = store.query(EventFilter(types=("validation.decided",), until_seq=seq, order="desc", limit=1)).events
    recorded = str(newest[0].payload.get("policy_version")) if newest else None
    pairs = [(str(directory / name), text) for name, text in files.items()]
    at = {"seq": seq, "recorded_version": recorded}
    candidate = _build([*_shipped(), *_ordered(pairs)], f"the policy set as at #{seq}", deadline_s, at)
    return replace(candidate, at={**at, "version": candidate.policy.version})


@dataclass(frozen=True)
class Span:
    """Which recorded decisions to replay: a range (inclusive; sequences or times) and agents (any of them)."""

    since: Point = field(default_factory=Point)
    until: Point = field(default_factory=Point)
    agents: tuple[str, ...] = ()
    limit: int | None = None  # at most this many decisions, oldest first (the report says it stopped)

    def filter(self) -> EventFilter:
        return EventFilter(
            types=("validation.decided",),
            agents=self.agents,
            since_seq=self.since.seq,
            since_ts=self.since.ts,
            until_seq=self.until.seq,
            until_ts=self.until.ts,
            order="asc",
            limit=PAGE,
        )


@dataclass(frozen=True)
class Answer:
    """One side of a comparison: the outcome and the rules behind it."""

    decision: str
    risk: str
    rules: tuple[str, ...]


@dataclass
class Report:
    """What would change: counts by outcome transition (`allow→deny`), by rule (decisions in which it now
    appears, `added`, or no longer does, `removed`, and the transitions it made: the candidate's strongest rule of
    a stricter answer, the recorded answer's of a looser one), by agent, and examples of each transition."""

    candidate: dict[str, Any]  # `Candidate.to_json`
    decisions: int = 0  # recorded decisions in the span
    re_decided: int = 0
    not_re_decidable: Counter[str] = field(default_factory=Counter)
    distinct: int = 0  # requests decided (identical ones once; once in each part when decided in parts)
    masked: int = 0  # re-decided from an input whose secrets were masked when recorded
    unchanged: int = 0
    changed: int = 0  # the outcome changed
    rules_only: int = 0  # the same outcome, other rules
    transitions: Counter[str] = field(default_factory=Counter)
    rules: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    agents: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: defaultdict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    first_seq: int | None = None
    last_seq: int | None = None
    stopped: bool = False  # the limit was reached before the end of the span
    elapsed_s: float = 0.0

    def to_json(self, *, examples: bool = True, top: int | None = None) -> dict[str, Any]:
        """The report as JSON; `top` keeps the rules and agents with the most changes (and says how many were
        left out), `examples=False` leaves the examples out (they hold masked inputs)."""
        rules = sorted(self.rules.items(), key=lambda kv: (-kv[1].total(), kv[0]))
        agents = sorted(self.agents.items(), key=lambda kv: (-kv[1]["changed"], kv[0]))
        out: dict[str, Any] = {
            "candidate": self.candidate,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "decisions": self.decisions,
            "re_decided": self.re_decided,
            "not_re_decidable": {"count": sum(self.not_re_decidable.values()), "why": dict(self.not_re_decidable)},
            "distinct_requests": self.distinct,
            "masked": self.masked,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "rules_only": self.rules_only,
            "transitions": _transitions(self.transitions),
            "rules": [{"rule": rule, **_rule_counts(c)} for rule, c in rules[:top]],
            "agents": [{"agent": agent, **_agent_counts(c)} for agent, c in agents[:top]],
            "stopped": self.stopped,
            "elapsed_s": round(self.elapsed_s, 3),
            "per_s": round(self.decisions / self.elapsed_s) if self.elapsed_s > 0 else None,
        }
        if top is not None:
            out["rules_left_out"] = max(0, len(rules) - top)
            out["agents_left_out"] = max(0, len(agents) - top)
        if examples:
            out["examples"] = {t: list(found) for t, found in self.examples.items()}
        return out

    def add(self, part: Report, examples: int) -> None:
        """Count in the report of a later part of the span."""
        for name in ("decisions", "re_decided", "distinct", "masked", "unchanged", "changed", "rules_only"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.not_re_decidable.update(part.not_re_decidable)
        self.transitions.update(part.transitions)
        for mine, theirs in ((self.rules, part.rules), (self.agents, part.agents)):
            for key, counts in theirs.items():
                mine[key].update(counts)
        for transition, found in part.examples.items():
            self.examples[transition] = (self.examples[transition] + found)[:examples]
        self.first_seq = self.first_seq if self.first_seq is not None else part.first_seq
        self.last_seq = part.last_seq if part.last_seq is not None else self.last_seq


def _rule_counts(counts: Counter[str]) -> dict[str, Any]:
    return {"added": counts["added"], "removed": counts["removed"], "transitions": _transitions(counts)}


def _agent_counts(counts: Counter[str]) -> dict[str, Any]:
    return {"decisions": counts["decisions"], "changed": counts["changed"], "transitions": _transitions(counts)}


def _transitions(counts: Counter[str]) -> dict[str, int]:
    """The `before→after` counts among `counts`, most first."""
    return dict(sorted(((k, v) for k, v in counts.items() if "→" in k), key=lambda kv: (-kv[1], kv[0])))


def replay(
    store: EventStore,
    candidate: Candidate,
    service: ValidationService,
    config: Config,
    *,
    span: Span | None = None,
    examples: int = 3,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    reopen: Callable[[], EventStore] | None = None,
) -> Report:
    """Decide every recorded decision in `span` again under `candidate` and count what changes. `service` makes
    the requests as the live validator would (the project's guarded paths), `config` gives the validation settings
    and the rules a person unlocked. `progress(n)` hears how many were read so far, every page. With `workers` > 1
    and `reopen` (a new connection to the same store), the span is cut into that many parts of about as many
    decisions, each replayed by a forked process of its own (a command line's, not a server's: forking a process
    that runs an event loop is not safe)."""
    started = time.perf_counter()
    span = span or Span()
    parts = _parts(store, span, workers) if workers > 1 and reopen is not None and span.limit is None else [span]
    if len(parts) == 1:
        report = _replay_part(store, candidate, service, config, span, examples, progress)
    else:
        assert reopen is not None
        report = Report(candidate.to_json())
        for part in _in_processes(parts, candidate, service, config, examples, reopen):
            report.add(part, examples)
    report.elapsed_s = time.perf_counter() - started
    return report


def _replay_part(
    store: EventStore,
    candidate: Candidate,
    service: ValidationService,
    config: Config,
    span: Span,
    examples: int,
    progress: Callable[[int], None] | None,
) -> Report:
    again = Redecider(store, candidate, service, config)
    report = Report(candidate.to_json())
    for page in _pages(store, span.filter()):
        again.prefetch(page)
        for event in page:
            if span.limit is not None and report.decisions >= span.limit:
                report.stopped = True
                break
            report.decisions += 1
            report.first_seq = report.first_seq or event.seq
            report.last_seq = event.seq
            if progress is not None and report.decisions % PAGE == 0:
                progress(report.decisions)
            _count(report, event, again.answer(event), examples)
        if report.stopped:
            break
    report.distinct = again.distinct
    return report


def _parts(store: EventStore, span: Span, workers: int) -> list[Span]:
    """`span` cut into at most `workers` parts of as many sequences, from its first recorded decision to its last
    (one part when there are too few decisions to be worth a process each)."""
    flt = replace(span.filter(), limit=1)
    first, last = store.query(flt).events, store.query(replace(flt, order="desc")).events
    if not first or store.count(flt) < workers * PART:
        return [span]
    low, high = first[0].seq, last[0].seq
    cuts = [low + (high - low + 1) * i // workers for i in range(workers + 1)]
    return [
        replace(span, since=replace(span.since, seq=start), until=replace(span.until, seq=end - 1))
        for start, end in itertools.pairwise(cuts)
    ]


_JOB: dict[str, Any] = {}  # what a forked worker replays: set before the workers are forked


def _in_processes(
    parts: list[Span],
    candidate: Candidate,
    service: ValidationService,
    config: Config,
    examples: int,
    reopen: Callable[[], EventStore],
) -> list[Report]:
    import multiprocessing

    _JOB.update(candidate=candidate, service=service, config=config, examples=examples, reopen=reopen)
    try:
        with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
            return pool.map(_worker, parts)
    finally:
        _JOB.clear()


def _worker(span: Span) -> Report:
    store = _JOB["reopen"]()  # never the parent's connection
    try:
        return _replay_part(store, _JOB["candidate"], _JOB["service"], _JOB["config"], span, _JOB["examples"], None)
    finally:
        store.close()


class Redecider:
    """Decides recorded requests again under a candidate, each distinct one once: the same call by another agent
    (another name, role or claims) shares its facts and pack findings, and only the rest is done again."""

    def __init__(self, store: EventStore, candidate: Candidate, service: ValidationService, config: Config) -> None:
        self._store = store
        self._service = service
        self._validator = Validator(
            FixedPolicy(candidate.policy),
            replace(config.validation, cache_size=0),  # identical requests are decided once here instead
            unlocked=frozenset(config.policy.unlock),
        )
        self._config = config
        self._answers: dict[tuple[Any, Any], Answer | str] = {}  # (call, who) → the answer, or why there is none
        self._calls: dict[Any, tuple[Request, Packed] | str] = {}  # call → its first request and what packs found
        self._blobs: dict[str, bytes] = {}  # the inputs kept in the blob table by this page's events
        self.distinct = 0

    def prefetch(self, events: Sequence[Event]) -> None:
        """Fetch the inputs `events` keep in the blob table in one query, for `answer` to take (a store that
        cannot give them at once, one of them edited for instance, is asked for each as it is needed)."""
        digests = []
        for event in events:
            recorded = event.payload.get("request")
            if isinstance(recorded, dict) and isinstance(recorded.get("input_blob"), str):
                digests.append(recorded["input_blob"])
        self._blobs = {}
        if digests:
            with contextlib.suppress(StoreError):
                self._blobs = self._store.get_blobs(digests)

    def answer(self, event: Event) -> Answer | str:
        """The candidate's answer to the request `event` recorded, with the findings from beside the policy as
        recorded; a string saying why when the event holds no request that can be decided again."""
        payload = event.payload
        recorded = payload.get("request")
        if not isinstance(recorded, dict):
            return NOT_RECORDED
        if "withheld" in recorded:
            return f"its input was withheld: {_withheld(recorded['withheld'])}"
        # Keys are the recorded values' reprs: as told apart as their JSON, and made in C (JSON as it was read
        # keeps its order, so the same record always gives the same key).
        kept = str(recorded.get("input_blob") or repr(recorded.get("input")))
        where = (payload.get("tool"), payload.get("cwd"), recorded.get("project"), recorded.get("home"))
        call = (*map(str, where), kept)  # strings whatever a record holds; the request is checked when it is made
        claims, outside, taints = recorded.get("claims"), payload.get("outside_policy"), payload.get("taints")
        held = repr(claims) if claims else ""
        judged = repr(taints) if taints else ""
        who = (event.agent, str(recorded.get("role")), held, repr(outside) if outside else "", judged)
        answer = self._answers.get((call, who))
        if answer is None:
            answer = self._answers[(call, who)] = self._decide(event, recorded, call)
            self.distinct += isinstance(answer, Answer)
        return answer

    def _decide(self, event: Event, recorded: dict[str, Any], call: Any) -> Answer | str:
        payload = event.payload
        claims = recorded.get("claims") or []
        if not isinstance(claims, list) or not all(isinstance(c, dict) for c in claims):
            return NOT_VALID
        taints = payload.get("taints") or []
        if not isinstance(taints, list) or not all(isinstance(t, dict) for t in taints):
            return NOT_VALID
        agent, role = event.agent or "agent", str(recorded.get("role") or "builder")
        first = self._calls.get(call)
        if first is None:
            made = self._first(payload, recorded, (agent, role), tuple(claims))
            self._calls[call] = made if isinstance(made, str) else made[:2]
            if isinstance(made, str):
                return made
            request, decision = made[0], made[2]
        elif isinstance(first, str):
            return first
        else:
            request = replace(first[0], agent=agent, role=role, claims=tuple(claims))
            decision, _ = self._validator.decide_alike(request, first[1])
        if taints:  # judged tainted when it was made: judged with the same taints again
            from lighthouse_mcp.agents.taint import judge_reads

            decision = judge_reads(self._validator, request, taints, self._config, event.session)
        decision = with_recorded_verdicts(decision, payload.get("experts"))  # no expert is asked again
        return _answer(with_findings(decision, _findings(payload.get("outside_policy"))))

    def _first(
        self, payload: dict[str, Any], recorded: dict[str, Any], agent: tuple[str, str], claims: tuple[Any, ...]
    ) -> tuple[Request, Packed, Decision] | str:
        """The first recorded request of a call, made as the live validator makes it, what the packs found in it,
        and its decision."""
        tool_input = recorded.get("input")
        if "input_blob" in recorded:
            tool_input = _blob_input(self._store, recorded["input_blob"], self._blobs)
            if tool_input is None:
                return NO_BLOB
        where = (payload.get("cwd"), recorded.get("home"), recorded.get("project"))
        if not all(isinstance(w, str) for w in where):  # never this process's own directories instead
            return NOT_VALID
        try:
            request = self._service.request(
                payload.get("tool"),
                tool_input,
                cwd=where[0],
                home=where[1],
                project=where[2],
                claims=claims,
                agent=agent,
            )
        except DataError:
            return NOT_VALID
        decision, packed = self._validator.decide_alike(request, None)
        return request, packed, decision


def _count(report: Report, event: Event, answer: Answer | str, examples: int) -> None:
    if isinstance(answer, str):
        report.not_re_decidable[answer] += 1
        return
    payload = event.payload
    masked = bool(payload["request"].get("masked"))
    report.re_decided += 1
    report.masked += masked
    before = Answer(str(payload.get("decision")), str(payload.get("risk")), tuple(payload.get("rules") or ()))
    agent = event.agent or ""
    report.agents[agent]["decisions"] += 1
    added = [r for r in answer.rules if r not in before.rules]
    removed = [r for r in before.rules if r not in answer.rules]
    if before.decision == answer.decision:
        if added or removed:
            report.rules_only += 1
        else:
            report.unchanged += 1
        transition = None
    else:
        transition = f"{before.decision}→{answer.decision}"
        report.changed += 1
        report.transitions[transition] += 1
        report.agents[agent]["changed"] += 1
        report.agents[agent][transition] += 1
        if len(report.examples[transition]) < examples:
            report.examples[transition].append(_example(event, before, answer, masked))
    for rule in added:
        report.rules[rule]["added"] += 1
    for rule in removed:
        report.rules[rule]["removed"] += 1
    if transition is not None:
        # The rule that makes the difference: the candidate's strongest for a stricter answer, the recorded one's
        # strongest (lowered or gone now) for a looser one.
        stricter = DECISION_RANK.get(answer.decision, 0) > DECISION_RANK.get(before.decision, 0)
        for rule in (answer if stricter else before).rules[:1]:
            report.rules[rule][transition] += 1


def _blob_input(store: EventStore, digest: Any, fetched: dict[str, bytes]) -> Any:
    """An input kept in the blob table, when it is there and is what its digest says (`fetched`: blobs already
    fetched, and checked, for it)."""
    data = fetched.get(str(digest))
    if data is None:
        data = store.get_blob(str(digest))
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _answer(decision: Decision) -> Answer:
    return Answer(decision.decision, decision.risk, tuple(r["rule"] for r in decision.reasons))


def _findings(recorded: Any) -> list[Finding]:
    """The findings from beside the policy, as the event recorded them (malformed entries are left out)."""
    out = []
    for item in recorded if isinstance(recorded, list) else []:
        if not isinstance(item, dict) or item.get("decision") not in DECISION_RANK or item.get("risk") not in RISK_RANK:
            continue
        rule = str(item.get("rule"))
        out.append(Finding(rule, item["decision"], item["risk"], f"{rule} (as recorded)", str(item.get("source"))))
    return out


def _withheld(why: Any) -> str:
    """Why an input was withheld, without the figures that differ from one event to the next."""
    text = str(why)
    return text.split(":", 1)[0] if text.startswith("not storable as JSON") else text


def _example(event: Event, before: Answer, after: Answer, masked: bool) -> dict[str, Any]:
    payload = event.payload
    subject = next((str(payload[k]) for k in ("command", "path", "url") if payload.get(k)), None)
    if subject is None:
        subject = json.dumps(payload.get("request", {}).get("input"), ensure_ascii=False, sort_keys=True)
    example = {
        "seq": event.seq,
        "agent": event.agent,
        "tool": payload.get("tool"),
        "subject": subject[:300],
        "recorded": {"decision": before.decision, "risk": before.risk, "rules": list(before.rules)},
        "candidate": {"decision": after.decision, "risk": after.risk, "rules": list(after.rules)},
    }
    if masked:
        example["masked"] = True
    return example


def _pages(store: EventStore, flt: EventFilter) -> Iterator[Sequence[Event]]:
    """Every event `flt` matches, oldest first, a page at a time."""
    while True:
        events = store.query(flt).events
        yield events
        if len(events) < flt.limit:
            return
        flt = replace(flt, after=events[-1].seq)


TOOL_LIMIT = 200_000  # recorded decisions one `replay_policy` call decides again, at most (the oldest in its range)
TOOL_TOP = 10  # rules and agents it lists (the ones with the most changes)
MAX_CANDIDATE_FILES = 20


def summary(
    reopen: Callable[[], EventStore],
    home: ProjectHome,
    config: Config,
    *,
    texts: dict[str, str] | None = None,
    at: int | None = None,
    span: Span | None = None,
) -> dict[str, Any]:
    """What `replay_policy` answers: the report for the candidate made of the shipped policies and `texts` (name →
    policy text), or of the project's files as at sequence `at`, or else of the set in force; summaries only (no
    examples: they hold the requests' inputs), the TOOL_TOP rules and agents with the most changes, at most
    TOOL_LIMIT decisions."""
    from lighthouse_mcp.policy.manage import check_content
    from lighthouse_mcp.validation.service import ValidationService

    if texts and at is not None:
        raise UsageError("give either policies or at, not both")
    if texts is not None and not 0 < len(texts) <= MAX_CANDIDATE_FILES:
        raise UsageError(f"policies holds 1 to {MAX_CANDIDATE_FILES} files (name: text)")
    span = replace(span or Span(), limit=TOOL_LIMIT)
    deadline_s = config.policy.deadline_ms / 1000
    store = reopen()
    try:
        if texts:
            checked = {check_name(name): check_content(text) for name, text in texts.items()}
            candidate = candidate_from_texts(checked, home.policies_dir, deadline_s=deadline_s)
        elif at is not None:
            candidate = candidate_at(store, at, home.policies_dir, deadline_s=deadline_s)
        else:
            candidate = candidate_in_force(home, deadline_s=deadline_s)
        report = replay(store, candidate, ValidationService(home, config), config, span=span, examples=0)
    finally:
        store.close()
    return report.to_json(examples=False, top=TOOL_TOP)
