"""`lighthouse check [--json] [--cwd D] -- COMMAND…` and `lighthouse check --jsonl FILE|-`: validate commands.

Works without a project home (shipped policies only) and writes nothing unless `--record` is given.
Exit codes without --json/--jsonl: 0 allow, 1 ask, 2 deny.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from lighthouse_mcp.errors import DataError, UsageError
from lighthouse_mcp.validation.gate import Caller, Gate

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.validation.facts import Facts
    from lighthouse_mcp.vocabulary import Decision

EXIT_FOR = {"allow": 0, "ask": 1, "deny": 2}


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "check",
        help="validate a shell command (exit 0 allow, 1 ask, 2 deny)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    p.add_argument("--json", action="store_true", help="print the decision as JSON (exit 0)")
    p.add_argument("--jsonl", metavar="FILE", help="batch: JSON Lines in ({'command', 'cwd'?, 'home'?}), out")
    p.add_argument("--cwd", help="directory the command runs in (default: the current one)")
    p.add_argument("--project", help="project root (default: the project home's root, else --cwd)")
    p.add_argument("--user-home", dest="user_home", help="the user's home directory (default: $HOME)")
    p.add_argument("--explain", action="store_true", help="also print the facts the decision was made from")
    p.add_argument("--record", action="store_true", help="append each decision to the project's event store")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.home import find_home
    from lighthouse_mcp.validation.service import ValidationService

    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.jsonl and words:
        raise UsageError("check: give either a command or --jsonl, not both")
    if not args.jsonl and not words:
        raise UsageError("check: no command given (lighthouse check -- COMMAND…)")
    home = find_home()
    if args.record and home is None:
        raise UsageError("check --record needs a project home: run `lighthouse init`")
    config = load_config(home.config_path if home else None)
    policy_events: list[NewEvent] = []
    service = ValidationService(home, config, record=_policy_events(policy_events))
    gate = Gate.open(service, expected=True, many=bool(args.jsonl)) if args.record else Gate(service)
    caller = Caller(config.agent.name, config.agent.role)
    try:
        if args.jsonl:
            return _batch(gate, caller, args, policy_events)
        command = words[0] if len(words) == 1 else " ".join(words)
        request = service.request("Bash", {"command": command}, cwd=args.cwd, home=args.user_home, project=args.project)
        if args.explain:
            decision, facts = service.validator.decide(request)
        else:
            decision, facts = _decide(gate, caller, command, args.cwd, args.user_home, args.project), None
        if args.record:
            decision = gate.settle(decision, caller, aggregate=None, before=_taken(policy_events))
        if args.json:
            out = decision.to_json()
            if facts is not None:
                out["facts"] = facts.to_json()
            print(json.dumps(out, ensure_ascii=False))
            return 0
        _print_human(decision, facts)
        return EXIT_FOR[decision.decision]
    finally:
        gate.close()


def _decide(gate: Gate, caller: Caller, command: str, cwd: str, user_home: str | None, project: str | None) -> Decision:
    """The gate's decision (claims, rate limits and the store's state count only where the gate has a store), for a
    shell command in another working directory, home or project than the defaults."""
    if user_home is None and (gate.store is not None or gate.problem is not None):
        return gate.decide("Bash", {"command": command}, cwd=cwd, caller=caller, project=project)
    request = gate.service.request("Bash", {"command": command}, cwd=cwd, home=user_home, project=project)
    return gate.service.validator.validate(request)


def _taken(events: list[NewEvent]) -> list[NewEvent]:
    taken = list(events)
    events.clear()
    return taken


def _batch(gate: Gate, caller: Caller, args: argparse.Namespace, policy_events: list[NewEvent]) -> int:
    source = sys.stdin if args.jsonl == "-" else _open_input(args.jsonl)
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    try:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            result = _one(gate, caller, line, number, args, policy_events)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            if progress is not None:
                progress.step(number)
    finally:
        if source is not sys.stdin:
            source.close()
        if progress is not None:
            progress.done()
    return 0


class Progress:
    """How far a long batch has got, on a terminal: one line rewritten every `every_s` seconds."""

    def __init__(self, out: TextIO, every_s: float = 1.0) -> None:
        self._out = out
        self._every_s = every_s
        self._started = self._shown = time.monotonic()
        self._lines = 0

    def step(self, lines: int) -> None:
        self._lines = lines
        now = time.monotonic()
        if now - self._shown >= self._every_s:
            self._shown = now
            rate = lines / max(now - self._started, 1e-9)
            self._out.write(f"\rlighthouse: check --jsonl: {lines:,} lines, {rate:,.0f}/s ")
            self._out.flush()

    def done(self) -> None:
        if self._shown != self._started:  # something was shown: end its line
            elapsed = time.monotonic() - self._started
            self._out.write(f"\rlighthouse: check --jsonl: {self._lines:,} lines in {elapsed:.1f} s\n")
            self._out.flush()


def _one(
    gate: Gate, caller: Caller, line: str, number: int, args: argparse.Namespace, policy_events: list[NewEvent]
) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"line {number} is not JSON: {exc.msg}"}
    if not isinstance(item, dict) or not isinstance(item.get("command"), str):
        return {"line": number, "error": f"line {number} needs an object with a string 'command'"}
    unknown = set(item) - {"command", "cwd", "home", "project"}
    if unknown:
        return {"line": number, "error": f"line {number} has unknown key {sorted(unknown)[0]!r}"}
    try:
        decision = _decide(
            gate,
            caller,
            item["command"],
            item.get("cwd", args.cwd),
            item.get("home", args.user_home),
            item.get("project", args.project),
        )
    except DataError as exc:
        return {"line": number, "error": f"line {number}: {exc}"}
    if args.record:
        decision = gate.settle(decision, caller, aggregate=None, before=_taken(policy_events))
    result: dict[str, Any] = decision.to_json()
    return result


def _open_input(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"check --jsonl: cannot read {path}: {exc.strerror}") from exc


def _print_human(decision: Decision, facts: Facts | None) -> None:
    print(f"{decision.decision} (risk {decision.risk})")
    for reason in decision.reasons:
        print(f"  {reason['rule']}: {reason['message']}")
    for exception in decision.exceptions:
        print(f"  excepted {exception['rule']}: {exception['reason']}")
    if not decision.reasons:
        print("  no rule matched")
    if facts is not None:
        print(json.dumps(facts.to_json(), indent=2, ensure_ascii=False))


def _policy_events(kept: list[NewEvent]) -> Callable[[NewEvent], None]:
    """Say on stderr when the policies do not load, and keep the event to record it with the next decision."""

    def report(event: NewEvent) -> None:
        if event.type == "policy.load_failed":
            fallback = event.payload["using_version"]
            using = f"using {fallback}" if fallback else "no policy set to fall back on"
            print(f"lighthouse: policy files do not load ({using}): {event.payload['error']}", file=sys.stderr)
        elif event.type == "policy.fallback":
            print(f"lighthouse: {event.payload['error']}; deciding with the local engine", file=sys.stderr)
        elif event.type == "policy.evaluation_failed":
            print(f"lighthouse: the project's Rego policies failed: {event.payload['error']}", file=sys.stderr)
        kept.append(event)

    return report
