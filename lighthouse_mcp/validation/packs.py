"""Rule packs: what is dangerous, as data. Each rule is a declarative matcher over facts with a stable id, a
decision, a risk, a message and examples of commands it must and must not match.

A pack file looks like:

    pack: filesystem
    rules:
      - id: fs.delete-root
        decision: deny            # allow | ask | deny
        risk: critical            # none | low | medium | high | critical
        message: "{command} deletes the whole filesystem"
        match:
          command: [rm]           # names (globs allowed); omit for request-level rules (flow, problem)
          flags_any: [r, R, recursive]
          target: {any: [root], access: [delete]}
        examples:
          match: ["rm -rf /"]
          no_match: ["rm -rf build"]

Project packs may also change rules by id:

    overrides:
      - {rule: fs.delete-in-project, decision: allow, reason: "scratch checkouts only"}
      - {rule: git.rebase-interactive, disabled: true, reason: "we rebase all day"}

Overrides are applied to what matched, after matching, so every decision says which override changed it and why.
A shipped rule that is *locked* (its risk is critical, or it says `locked: true`) cannot be lowered or disabled by
a project: the override is refused, recorded with the decision, and the rule stands. A person may unlock named
rules in their own configuration (`policy.unlock` in ~/.config/lighthouse/config.yaml).
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ConfigError
from lighthouse_mcp.validation.facts import Access, CommandFact, Facts
from lighthouse_mcp.vocabulary import DECISION_RANK, DECISIONS, RISK_RANK, RISKS, Finding

if TYPE_CHECKING:
    from lighthouse_mcp.validation.files import Context

RULE_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
MATCH_KEYS = frozenset(
    {
        "command",
        "tool",
        "subcommand",
        "args_prefix",
        "flags_any",
        "flags_all",
        "flags_none",
        "options",
        "options_none",
        "args_regex",
        "text_regex",
        "target",
        "flow",
        "problem",
        "sudo",
        "via_any",
        "dynamic",
        "url_regex",
        "positionals_max",
    }
)
TARGET_KEYS = frozenset({"any", "all", "none", "access", "path_regex"})
RULE_KEYS = frozenset({"id", "decision", "risk", "message", "match", "examples", "description", "locked"})
OVERRIDE_KEYS = frozenset({"rule", "decision", "risk", "disabled", "reason", "message", "__line__"})


@dataclass(frozen=True)
class Override:
    """A project's change to a rule, by id: applied to the rule's finding after matching."""

    rule: str
    reason: str
    source: str  # file:line
    decision: str | None = None
    risk: str | None = None
    message: str | None = None
    disabled: bool = False

    def loosens(self, finding: Finding) -> bool:
        """Whether applying it makes `finding` weigh less (a lower decision or risk, or no finding at all)."""
        return (
            self.disabled
            or (self.decision is not None and DECISION_RANK[self.decision] < DECISION_RANK[finding.decision])
            or (self.risk is not None and RISK_RANK[self.risk] < RISK_RANK[finding.risk])
        )

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and v is not False}


def lowered(finding: Finding, reason: str, by: str, unlocked: frozenset[str]) -> dict[str, Any] | None:
    """The record of an exception or override lowering `finding`, or None when it may not (a locked finding that no
    person unlocked). The record says who lowered it and why, and whether a person's unlock let it."""
    if finding.locked and finding.rule not in unlocked:
        return None
    record: dict[str, Any] = {"rule": finding.rule, "reason": reason, "by": by}
    if finding.locked:
        record["unlocked"] = True
    return record


def refused(finding: Finding, reason: str, by: str) -> dict[str, Any]:
    """The record of an exception or override that tried to lower a locked finding."""
    return {
        "rule": finding.rule,
        "reason": reason,
        "by": by,
        "refused": "a shipped critical rule: project policy cannot lower it (a person can, with policy.unlock in "
        "~/.config/lighthouse/config.yaml)",
    }


@dataclass(frozen=True)
class TargetSpec:
    """The paths a rule is about: by their classes, the access made, and a pattern."""

    any: frozenset[str] = frozenset()
    all: frozenset[str] = frozenset()
    none: frozenset[str] = frozenset()
    access: frozenset[str] = frozenset()
    path_regex: str | None = None

    def matches(self, target: Access) -> bool:
        classes = target.path.classes
        return (
            (not self.any or bool(classes & self.any))
            and self.all <= classes
            and not classes & self.none
            and (not self.access or target.access in self.access)
            and (self.path_regex is None or _search(self.path_regex, target.path.path))
        )


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: what it matches (commands, tools, flags, options, text, targets) and what it finds."""

    id: str
    decision: str
    risk: str
    message: str
    source: str
    commands: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    subcommand: frozenset[str] = frozenset()
    args_prefix: tuple[str, ...] = ()
    flags_any: frozenset[str] = frozenset()
    flags_all: frozenset[str] = frozenset()
    flags_none: frozenset[str] = frozenset()
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options_none: frozenset[str] = frozenset()
    args_regex: str | None = None  # regular expressions are compiled when first used (see _search)
    text_regex: str | None = None
    url_regex: str | None = None
    target: TargetSpec | None = None
    flows: frozenset[str] = frozenset()
    problems: frozenset[str] = frozenset()
    sudo: bool | None = None
    via_any: frozenset[str] = frozenset()
    dynamic: bool | None = None
    positionals_max: int | None = None
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    locked: bool = False

    @property
    def request_level(self) -> bool:
        return not self.commands

    def matches_command(self, fact: CommandFact) -> bool:
        if self.subcommand and fact.subcommand not in self.subcommand:
            return False
        if self.args_prefix and tuple(fact.positionals[: len(self.args_prefix)]) != self.args_prefix:
            return False
        flags = fact.flags
        if self.flags_any and not flags & self.flags_any:
            return False
        if not self.flags_all <= flags or flags & self.flags_none:
            return False
        for names, patterns in self.options.items():
            keys = names.split("|")
            values = [v for k, v in (*fact.earlier_options, *fact.options.items()) if k in keys]  # repeats too
            if not any(_fits(v, p) for v in values for p in patterns):
                return False
        if self.options_none & fact.options.keys():
            return False
        if self.positionals_max is not None and len(fact.positionals) > self.positionals_max:
            return False
        if self.args_regex is not None and not any(_search(self.args_regex, a) for a in fact.argv[1:]):
            return False
        if self.text_regex is not None and not _search(self.text_regex, _command_text(fact)):
            return False
        if self.target is not None and not any(self.target.matches(t) for t in fact.targets):
            return False
        if self.sudo is not None and fact.sudo != self.sudo:
            return False
        if self.via_any and not any(v.split(" ")[0] in self.via_any for v in fact.via):
            return False
        return self.dynamic is None or fact.dynamic == self.dynamic

    def matches_request(self, facts: Facts) -> bool:
        if self.flows and not self.flows & facts.flows.keys():
            return False
        if self.problems and not self.problems & facts.problems.keys():
            return False
        if self.tools and not any(_fits(facts.tool, t) for t in self.tools):
            return False
        if self.url_regex is not None and not any(_search(self.url_regex, u) for u in facts.urls):
            return False
        return self.target is None or any(self.target.matches(a) for a in facts.accesses)

    def finding(self, subject: str, detail: str = "") -> Finding:
        message = self.message.replace("{command}", subject).replace("{detail}", detail)
        return Finding(self.id, self.decision, self.risk, message, locked=self.locked)


def _fits(name: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase(name, pattern)`, without compiling a pattern that has no wildcard or whose literal start
    `name` does not have (a hook process would compile dozens of them to match one command or tool)."""
    if pattern == "*":
        return True
    cut = min((i for i in map(pattern.find, "*?[") if i >= 0), default=-1)
    if cut < 0:
        return name == pattern
    return name.startswith(pattern[:cut]) and fnmatch.fnmatchcase(name, pattern)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _search(pattern: str, text: str) -> bool:
    return _compiled(pattern).search(text) is not None


def _command_text(fact: CommandFact) -> str:
    return " ".join(fact.argv) + (f"\n{fact.stdin}" if fact.stdin else "")


@dataclass
class PackSet:
    """All rules, indexed so that a command only meets the rules that can concern it: by command name, request
    rules by the flow, problem or tool they are about. Names seen once are remembered with their rules."""

    rules: list[Rule]
    version: str
    sources: list[str]
    overrides: dict[str, Override] = field(default_factory=dict)
    by_name: dict[str, list[Rule]] = field(default_factory=dict)
    by_glob: list[Rule] = field(default_factory=list)
    request_rules: list[Rule] = field(default_factory=list)
    by_flow: dict[str, list[Rule]] = field(default_factory=dict)
    by_problem: dict[str, list[Rule]] = field(default_factory=dict)
    tool_rules: list[Rule] = field(default_factory=list)
    always: list[Rule] = field(default_factory=list)  # request rules on targets alone
    _for_name: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    _for_tool: dict[str, tuple[Rule, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for rule in self.rules:
            if rule.request_level:
                self.request_rules.append(rule)
                if rule.tools:
                    self.tool_rules.append(rule)
                elif rule.flows:
                    for flow in rule.flows:
                        self.by_flow.setdefault(flow, []).append(rule)
                elif rule.problems:
                    for problem in rule.problems:
                        self.by_problem.setdefault(problem, []).append(rule)
                else:
                    self.always.append(rule)
                continue
            for name in rule.commands:
                if any(c in name for c in "*?["):
                    self.by_glob.append(rule)
                    break
                self.by_name.setdefault(name, []).append(rule)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def compile(self) -> int:
        """Compile every rule's patterns now rather than when a command first needs them (a process that forks per
        request, as the hook server does, then compiles them once); returns how many there are."""
        patterns = {p for r in self.rules for p in (r.args_regex, r.text_regex, r.url_regex) if p is not None}
        for pattern in patterns:
            _compiled(pattern)
        return len(patterns)

    def match(self, facts: Facts) -> list[Finding]:
        findings: list[Finding] = []
        seen: set[str] = set()
        for where, inner in facts.runs_later:  # code a write leaves to run later: what running it would meet
            harmful = [f for f in self.match(inner) if f.decision == "deny" or f.risk in ("high", "critical")]
            if harmful:
                worst = max(harmful, key=lambda f: (f.decision == "deny", RISKS.index(f.risk)))
                facts.flow("harmful-code-written", f"{where}: {worst.message} [{worst.rule}]")
        for fact in facts.commands:
            if "help" in fact.flags or ("version" in fact.flags and not fact.positionals):
                continue  # `rm --help`, `git --version` only print
            for rule in self._rules_for(fact.name):
                if rule.id not in seen and rule.matches_command(fact):
                    seen.add(rule.id)
                    findings.append(rule.finding(_short(fact.shown or fact.text)))
        for rule in self._request_candidates(facts):
            if rule.id not in seen and rule.matches_request(facts):
                seen.add(rule.id)
                subject = facts.tool
                detail = next((facts.flows[f] for f in rule.flows if f in facts.flows), "")
                detail = detail or next((facts.problems[p] for p in rule.problems if p in facts.problems), "")
                target = rule.target
                if target is not None and not detail:  # name what was touched, and by what
                    access = next(a for a in facts.accesses if target.matches(a))
                    subject, detail = access.command, access.path.path
                findings.append(rule.finding(subject, detail))
        return findings

    def apply_overrides(
        self, findings: list[Finding], unlocked: frozenset[str] = frozenset()
    ) -> tuple[list[Finding], list[dict[str, Any]], list[dict[str, Any]]]:
        """`findings` after the project's overrides, with the overrides that lowered a finding and those refused
        because the finding is locked."""
        if not self.overrides:
            return findings, [], []
        out: list[Finding] = []
        applied: list[dict[str, Any]] = []
        refusals: list[dict[str, Any]] = []
        for finding in findings:
            override = self.overrides.get(finding.rule)
            if override is None:
                out.append(finding)
                continue
            if override.loosens(finding):
                record = lowered(finding, override.reason, override.source, unlocked)
                if record is None:
                    refusals.append(refused(finding, override.reason, override.source))
                    out.append(finding)
                    continue
                applied.append(record)
            if override.disabled:
                continue
            out.append(
                replace(
                    finding,
                    decision=override.decision or finding.decision,
                    risk=override.risk or finding.risk,
                    message=override.message or finding.message,
                )
            )
        return out, applied, refusals

    def _rules_for(self, name: str) -> tuple[Rule, ...]:
        rules = self._for_name.get(name)
        if rules is None:
            globbed = [r for r in self.by_glob if any(_fits(name, p) for p in r.commands)]
            named = list(self.by_name.get(name, ()))
            if any(c in name for c in "*?["):  # a command word left as a pattern: the rules of every name it fits
                named = [r for known, rs in self.by_name.items() if fnmatch.fnmatchcase(known, name) for r in rs]
            unique = {id(r): r for r in (*named, *globbed)}  # rules are not hashable (they hold mappings)
            rules = self._for_name[name] = tuple(unique.values())
        return rules

    def _request_candidates(self, facts: Facts) -> list[Rule]:
        rules = list(self.always)
        for flow in facts.flows:
            rules += self.by_flow.get(flow, ())
        for problem in facts.problems:
            rules += self.by_problem.get(problem, ())
        tool_rules = self._for_tool.get(facts.tool)
        if tool_rules is None:
            tool_rules = self._for_tool[facts.tool] = tuple(
                r for r in self.tool_rules if any(_fits(facts.tool, t) for t in r.tools)
            )
        return rules + list(tool_rules)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- loading ------------------------------------------------------------------------------------------------------


@functools.cache
def shipped_packs_dir() -> Path:
    return Path(__file__).parent.parent / "policies" / "packs"


def load_packs(paths: Sequence[Path]) -> PackSet:
    """Load pack files in order; later files may add rules and override earlier ones by id."""
    return packs_from_texts([(path, _read(path)) for path in paths])


def packs_from_texts(files: Sequence[tuple[Path, str]], *, cache_dir: Path | None = None) -> PackSet:
    """Build a pack set from (path, YAML text) pairs, in order. With `cache_dir`, a set already checked by an
    earlier process is read back from JSON instead of parsed and checked again."""
    digest = hashlib.sha256()
    for path, text in files:
        digest.update(str(path.name).encode() + b"\0" + text.encode() + b"\0")
    version = digest.hexdigest()[:16]
    cached = _read_cache(cache_dir, version)
    if cached is not None:
        return cached
    packs = _parse_packs(files, version)
    _write_cache(cache_dir, packs)
    return packs


def is_shipped(path: str | Path) -> bool:
    """Whether a policy file is one Lighthouse ships (its rules may be locked), not a project's."""
    return Path(path).is_relative_to(shipped_packs_dir().parent)


def _parse_packs(files: Sequence[tuple[Path, str]], version: str) -> PackSet:
    rules: dict[str, Rule] = {}
    raw_overrides: list[tuple[str, Mapping[str, Any], str]] = []
    sources = []
    for path, text in files:
        sources.append(str(path))
        document = _parse_yaml(path, text)
        shipped = is_shipped(path)
        for raw in document.get("rules") or []:
            rule = _rule(path, raw, shipped=shipped)
            if rule.id in rules:
                raise ConfigError(f"{path}: rule {rule.id} is defined twice (first in {rules[rule.id].source})")
            rules[rule.id] = rule
        for raw in document.get("overrides") or []:
            raw_overrides.append((str(path), raw, _line(raw)))
    overrides: dict[str, Override] = {}
    for source, raw, line in raw_overrides:
        override = _override(source, line, raw, rules)
        if override.rule in overrides:
            raise ConfigError(
                f"{source}{line}: {override.rule} is overridden twice (first at {overrides[override.rule].source})"
            )
        overrides[override.rule] = override
    return PackSet(list(rules.values()), version, sources, overrides)


def _override(source: str, line: str, raw: Any, rules: Mapping[str, Rule]) -> Override:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}{line}: each override must be a mapping with 'rule' and 'reason'")
    rule_id = raw.get("rule")
    if not isinstance(rule_id, str) or rule_id not in rules:
        raise ConfigError(f"{source}{line}: override of unknown rule {rule_id!r}")
    unknown = set(raw) - OVERRIDE_KEYS
    if unknown:
        raise ConfigError(f"{source}{line}: override of {rule_id}: unknown key {sorted(unknown)[0]!r}")
    if not isinstance(raw.get("reason"), str) or not raw["reason"].strip():
        raise ConfigError(f"{source}{line}: override of {rule_id} needs a 'reason'")
    if "disabled" in raw and not isinstance(raw["disabled"], bool):
        raise ConfigError(f"{source}{line}: override of {rule_id}: 'disabled' must be true or false")
    values: dict[str, Any] = {}
    for key, choices in (("decision", DECISIONS), ("risk", RISKS), ("message", None)):
        if key in raw:
            values[key] = _choice(source, rule_id, key, raw[key], choices)
    return Override(
        rule_id, raw["reason"].strip()[:500], f"{source}{line}", disabled=raw.get("disabled") is True, **values
    )


def _cache_path(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"packs-{version}.json"


def _read_cache(cache_dir: Path | None, version: str) -> PackSet | None:
    if cache_dir is None:
        return None
    try:
        saved = json.loads(_cache_path(cache_dir, version).read_text(encoding="utf-8"))
        rules = [_rule_from_json(r) for r in saved["rules"]]
        overrides = {o["rule"]: Override(**o) for o in saved["overrides"]}
        return PackSet(rules, version, list(saved["sources"]), overrides)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(cache_dir: Path | None, packs: PackSet) -> None:
    if cache_dir is None:
        return
    target = _cache_path(cache_dir, packs.version)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{id(packs)}.tmp")
        rules = [_rule_to_json(r) for r in packs.rules]
        overrides = [o.to_json() for o in packs.overrides.values()]
        tmp.write_text(json.dumps({"sources": packs.sources, "rules": rules, "overrides": overrides}))
        tmp.replace(target)
    except OSError:
        pass  # only a later process's start-up time depends on it


def _rule_to_json(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(rule):
        value = getattr(rule, item.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, TargetSpec):
            value = {
                "any": sorted(value.any),
                "all": sorted(value.all),
                "none": sorted(value.none),
                "access": sorted(value.access),
                "path_regex": value.path_regex,
            }
        elif item.name == "options":
            value = {k: list(v) for k, v in value.items()}
        out[item.name] = value
    return out


@functools.cache
def _rule_fields() -> tuple[tuple[str, bool], ...]:
    """Each field of Rule, and whether it holds a frozenset (else a list in JSON is a tuple)."""
    return tuple((item.name, "frozenset" in str(item.type)) for item in fields(Rule))


def _rule_from_json(data: dict[str, Any]) -> Rule:
    """A rule as `_rule_to_json` wrote it. Made as `pickle` makes an instance (its fields set directly, not through
    the frozen class's `__init__`): a hook reads 176 rules per call, and this halves what that costs."""
    values: dict[str, Any] = {}
    for name, is_set in _rule_fields():
        value = data[name]
        if name == "target" and value is not None:
            value = TargetSpec(
                frozenset(value["any"]),
                frozenset(value["all"]),
                frozenset(value["none"]),
                frozenset(value["access"]),
                value["path_regex"],
            )
        elif name == "options":
            value = {k: tuple(v) for k, v in value.items()}
        elif type(value) is list:
            value = frozenset(value) if is_set else tuple(value)
        values[name] = value
    rule = object.__new__(Rule)
    rule.__dict__.update(values)
    return rule


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read rule pack: {exc}") from exc


class _LineLoader:
    """A YAML safe loader that remembers the line each mapping starts on (as `__line__`)."""

    @staticmethod
    def load(text: str) -> Any:
        import yaml

        class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
            pass

        def construct_mapping(loader: Any, node: Any) -> dict[str, Any]:
            mapping: dict[str, Any] = loader.construct_mapping(node, deep=True)
            mapping["__line__"] = node.start_mark.line + 1
            return mapping

        Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass


def _parse_yaml(path: Path, text: str) -> dict[str, Any]:
    import yaml

    try:
        document = _LineLoader.load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: a rule pack is a mapping with 'rules' (and optionally 'overrides')")
    unknown = set(document) - {"pack", "description", "rules", "overrides", "__line__"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {sorted(unknown)[0]!r}")
    for key in ("rules", "overrides"):
        if document.get(key) is not None and not isinstance(document[key], list):
            raise ConfigError(f"{path}: '{key}' must be a list")
    return document


def _line(raw: Any) -> str:
    return f":{raw['__line__']}" if isinstance(raw, dict) and "__line__" in raw else ""


def _rule(path: Path, raw: Any, *, shipped: bool) -> Rule:
    where = f"{path}{_line(raw)}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise ConfigError(f"{where}: rule id {rule_id!r} must be dotted lowercase, like 'fs.delete-root'")
    where = f"{where}: rule {rule_id}"
    unknown = set(raw) - RULE_KEYS - {"__line__"}
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    decision = _choice(str(path), rule_id, "decision", raw.get("decision"), DECISIONS)
    risk = _choice(str(path), rule_id, "risk", raw.get("risk"), RISKS)
    message = raw.get("message")
    if not isinstance(message, str) or not message.strip():
        raise ConfigError(f"{where}: needs a 'message'")
    match = raw.get("match")
    if not isinstance(match, dict) or not (set(match) - {"__line__"}):
        raise ConfigError(f"{where}: needs a 'match' mapping")
    fields = _match_fields(where, match)
    if "locked" in raw and (not shipped or not isinstance(raw["locked"], bool)):
        raise ConfigError(f"{where}: 'locked' is for shipped rules only (true or false)")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"match", "no_match", "__line__"}:
        raise ConfigError(f"{where}: 'examples' must have 'match' and/or 'no_match' lists")
    return Rule(
        rule_id,
        decision,
        risk,
        message.strip(),
        str(path),
        **fields,
        examples_match=tuple(_strings(where, "examples.match", examples.get("match"))),
        examples_no_match=tuple(_strings(where, "examples.no_match", examples.get("no_match"))),
        locked=shipped and (risk == "critical" or raw.get("locked") is True),
    )


def _match_fields(where: str, match: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(match) - MATCH_KEYS - {"__line__"}
    if unknown:
        raise ConfigError(f"{where}: unknown match key {sorted(unknown)[0]!r} (known: {', '.join(sorted(MATCH_KEYS))})")
    fields: dict[str, Any] = {}
    for key in ("command", "tool", "args_prefix"):
        if key in match:
            fields[{"command": "commands", "tool": "tools"}.get(key, key)] = tuple(_strings(where, key, match[key]))
    for key in ("subcommand", "flags_any", "flags_all", "flags_none", "flow", "problem", "via_any", "options_none"):
        if key in match:
            fields[{"flow": "flows", "problem": "problems"}.get(key, key)] = frozenset(_strings(where, key, match[key]))
    for key in ("args_regex", "text_regex", "url_regex"):
        if key in match:
            fields[key] = _regex(where, key, match[key])
    if "options" in match:
        options = match["options"]
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: 'options' maps option names to lists of values (or ['*'])")
        fields["options"] = {
            k: tuple(_strings(where, f"options.{k}", v)) for k, v in options.items() if k != "__line__"
        }
    for key in ("sudo", "dynamic"):
        if key in match:
            if not isinstance(match[key], bool):
                raise ConfigError(f"{where}: '{key}' must be true or false")
            fields[key] = match[key]
    if "positionals_max" in match:
        if isinstance(match["positionals_max"], bool) or not isinstance(match["positionals_max"], int):
            raise ConfigError(f"{where}: 'positionals_max' must be a whole number")
        fields["positionals_max"] = match["positionals_max"]
    if "target" in match:
        fields["target"] = _target(where, match["target"])
    if "commands" not in fields and not ({"flows", "problems", "tools", "target"} & fields.keys()):
        raise ConfigError(f"{where}: match needs 'command', or a request-level 'flow', 'problem', 'tool' or 'target'")
    return fields


def _target(where: str, raw: Any) -> TargetSpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'target' must be a mapping of any/all/none/access")
    unknown = set(raw) - TARGET_KEYS - {"__line__"}
    if unknown:
        raise ConfigError(f"{where}: unknown target key {sorted(unknown)[0]!r}")
    return TargetSpec(
        any=frozenset(_strings(where, "target.any", raw.get("any"))),
        all=frozenset(_strings(where, "target.all", raw.get("all"))),
        none=frozenset(_strings(where, "target.none", raw.get("none"))),
        access=frozenset(_strings(where, "target.access", raw.get("access"))),
        path_regex=_regex(where, "target.path_regex", raw["path_regex"]) if "path_regex" in raw else None,
    )


def _strings(where: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    raise ConfigError(f"{where}: '{key}' must be a string or a list of strings")


def _regex(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a regular expression string")
    try:
        _compiled(value)
        return value
    except re.error as exc:
        raise ConfigError(f"{where}: '{key}' is not a valid regular expression: {exc}") from exc


def _choice(source: str, rule_id: str, key: str, value: Any, choices: Sequence[str] | None) -> str:
    if not isinstance(value, str) or (choices is not None and value not in choices):
        allowed = f"one of {', '.join(choices)}" if choices else "a string"
        raise ConfigError(f"{source}: rule {rule_id}: '{key}' must be {allowed}, not {value!r}")
    return value


# -- the rules' own examples --------------------------------------------------------------------------------------

EXAMPLE_CONTEXT = ("/home/dev/app", "/home/dev/app", "/home/dev")  # cwd, project, home


def example_context() -> Context:
    """Where the rules' examples run: a project at /home/dev/app (its Lighthouse home in it), HOME=/home/dev."""
    from lighthouse_mcp.validation.files import Context

    cwd, project, home = EXAMPLE_CONTEXT
    return Context(cwd, project, home, guard=(f"{project}/.lighthouse",))


@dataclass(frozen=True)
class ExampleFailure:
    """A rule's example that does not hold: what was expected and what was found."""

    rule: str
    source: str
    command: str
    expected: str  # "match" | "no match"
    found: list[str]

    def __str__(self) -> str:
        return (
            f"{self.source}: rule {self.rule}: expected {self.expected} for {self.command!r}; "
            f"rules found: {', '.join(self.found) or 'none'}"
        )


def check_examples(packs: PackSet) -> tuple[int, list[ExampleFailure]]:
    """Run every rule's examples through fact extraction and the packs; returns (examples run, failures)."""
    from lighthouse_mcp.validation.facts import facts_from_command

    ctx = example_context()
    failures = []
    count = 0
    for rule in packs.rules:
        for expected, commands in (("match", rule.examples_match), ("no match", rule.examples_no_match)):
            for command in commands:
                count += 1
                found = [f.rule for f in packs.match(facts_from_command(command, ctx))]
                if (rule.id in found) != (expected == "match"):
                    failures.append(ExampleFailure(rule.id, rule.source, command, expected, found))
    return count, failures
