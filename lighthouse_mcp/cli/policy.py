"""`lighthouse policy list|test|eval|replay`: the rule packs and Rego modules in force, their tests, queries, and
the recorded decisions decided again under a candidate set."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import DataError, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands

EXIT_TESTS_FAILED = 1


def register(commands: Commands) -> None:
    p = commands.add_parser("policy", help="list, test and evaluate policies", description=__doc__)
    sub = p.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", required=True, parser_class=type(p))

    ls = sub.add_parser(
        "list",
        help="the packs, rules and Rego modules in force",
        description="Show the policy set in force: shipped first, then the project's.",
    )
    ls.add_argument("--rules", action="store_true", help="list every rule with its decision and risk")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(run=run_list)

    test = sub.add_parser(
        "test",
        help="run the packs' examples and the *_test.rego tests (exit 1 on failure)",
        description="Run every rule's must-match/must-not-match examples and every test_* "
        "rule of the *_test.rego modules, as `opa test` would.",
    )
    test.add_argument("--json", action="store_true", help="print one JSON object per result")
    test.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    test.set_defaults(run=run_test)

    ev = sub.add_parser(
        "eval",
        help="evaluate a Rego query against an input document",
        description="Evaluate QUERY (default data.lighthouse.result) with the policy set in force.",
    )
    ev.add_argument("query", nargs="?", default="data.lighthouse.result", help="e.g. data.lighthouse.findings")
    ev.add_argument("--input", default="{}", help="the input: JSON text, @FILE, or - for stdin (default {})")
    ev.set_defaults(run=run_eval)

    rp = sub.add_parser(
        "replay",
        help="decide the recorded decisions again under a candidate policy set; report what would change",
        description="Decide every recorded validation.decided in the range again under a candidate policy set "
        "(the shipped policies plus the --policy files, the set as it was at --at SEQ, or else the set in force) "
        "and report what would change: by outcome (allow→deny, ask→allow, …), by rule and by agent, with examples. "
        "Nothing is written: a candidate is never made live.",
    )
    rp.add_argument("--since", help="from this sequence number or time (ISO-8601, or 15m, 2h, 7d ago)")
    rp.add_argument("--until", help="up to this sequence number or time")
    rp.add_argument("--agent", action="append", default=[], help="only this agent's decisions (repeatable)")
    rp.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="DIR|FILE",
        help="a candidate policy file, or a directory of them (repeatable); the shipped policies are always in",
    )
    rp.add_argument("--at", type=int, metavar="SEQ", help="the project's policy files as the log says they were then")
    rp.add_argument("--examples", type=int, default=3, metavar="N", help="examples of each change (default 3)")
    rp.add_argument(
        "--workers", type=int, metavar="N", help="processes deciding parts of the range at once (default: one per CPU)"
    )
    rp.add_argument("--json", action="store_true", help="print the report as one JSON object")
    rp.set_defaults(run=run_replay)


def _load() -> Any:
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.home import find_home
    from lighthouse_mcp.policy.policyset import build_policy_set, policy_files

    home = find_home()
    if home is not None:
        load_config(home.config_path)  # a broken config is reported before anything else
    paths = policy_files(home.policies_dir if home else None)
    files = []
    for path in paths:
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from exc
    project = any(home and Path(p).is_relative_to(home.policies_dir) for p, _ in files)
    return build_policy_set(files, cache_dir=home.path / "cache" if home else None, check_isolated=bool(project))


def run_list(args: argparse.Namespace) -> int:
    policy = _load()
    packs = policy.packs
    modules = [m for m in policy.rego.modules if m.path]
    if args.json:
        print(
            json.dumps(
                {
                    "version": policy.version,
                    "packs": packs.sources,
                    "modules": [m.path for m in modules],
                    "tests": [t.path for t in policy.tests],
                    "rules": [
                        {
                            "id": r.id,
                            "decision": r.decision,
                            "risk": r.risk,
                            "source": r.source,
                            "locked": r.locked,
                            "override": packs.overrides[r.id].to_json() if r.id in packs.overrides else None,
                        }
                        for r in packs.rules
                    ]
                    if args.rules
                    else None,
                },
                indent=2,
            )
        )
        return 0
    print(f"policy version {policy.version}")
    print(f"{len(packs.rules)} rules in {len(packs.sources)} packs:")
    for source in packs.sources:
        count = sum(1 for r in packs.rules if r.source == source)
        print(f"  {source}  ({count} rules)")
    print(f"{len(modules)} Rego modules, {len(policy.tests)} test modules:")
    for module in modules + policy.tests:
        print(f"  {module.path}")
    if args.rules:
        print()
        for rule in packs.rules:
            override = packs.overrides.get(rule.id)
            state = "  (locked)" if rule.locked else ""
            if override is not None:
                change = "disabled" if override.disabled else f"→ {override.decision or rule.decision}"
                state += f"  (overridden: {change}, {override.reason})"
            print(f"{rule.id:<36} {rule.decision:<5} {rule.risk:<8} {Path(rule.source).name}{state}")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from lighthouse_mcp.policy.rego_tests import check_policy_set

    report = check_policy_set(_load())
    failures, results = report.example_failures, report.results
    if args.json:
        for failure in failures:
            print(
                json.dumps(
                    {
                        "kind": "example",
                        "rule": failure.rule,
                        "command": failure.command,
                        "expected": failure.expected,
                        "found": failure.found,
                        "outcome": "fail",
                    }
                )
            )
        for result in results:
            print(
                json.dumps(
                    {
                        "kind": "rego",
                        "module": result.module,
                        "test": result.name,
                        "outcome": result.outcome,
                        "detail": result.detail,
                    }
                )
            )
    else:
        for failure in failures:
            print(f"FAIL {failure}")
        for result in results:
            if not result.passed or args.verbose:
                detail = f": {result.detail}" if result.detail else ""
                print(f"{result.outcome.upper():5} {result.module}: {result.name}{detail}")
        print(report.summary())
    return EXIT_TESTS_FAILED if report.failed else 0


def run_eval(args: argparse.Namespace) -> int:
    document = _input(args.input)
    policy = _load()
    if not isinstance(args.query, str) or not args.query.startswith("data."):
        raise UsageError(
            f"policy eval: the query must be a reference under data., such as data.lighthouse.result, "
            f"not {args.query!r}"
        )
    value = policy.rego.query_value(args.query, document)
    print(json.dumps(value, indent=2, ensure_ascii=False) if value is not None else "undefined")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    from lighthouse_mcp.events.query import Point, parse_point
    from lighthouse_mcp.policy import replay
    from lighthouse_mcp.project import load_project
    from lighthouse_mcp.validation.service import ValidationService

    if args.policy and args.at is not None:
        raise UsageError("policy replay: give either --policy or --at, not both")
    if args.examples < 0 or (args.at is not None and args.at < 0) or (args.workers is not None and args.workers < 1):
        raise UsageError("policy replay: --examples and --at cannot be negative, --workers must be at least 1")
    project = load_project()
    span = replay.Span(
        since=parse_point(args.since, name="since") if args.since else Point(),
        until=parse_point(args.until, name="until") if args.until else Point(),
        agents=tuple(args.agent),
    )
    deadline_s = project.config.policy.deadline_ms / 1000
    store = project.open_store()
    try:
        if args.policy:
            candidate = replay.candidate_from_files([Path(p) for p in args.policy], deadline_s=deadline_s)
        elif args.at is not None:
            candidate = replay.candidate_at(store, args.at, project.home.policies_dir, deadline_s=deadline_s)
        else:
            candidate = replay.candidate_in_force(project.home, deadline_s=deadline_s)
        progress = _progress if sys.stderr.isatty() and not args.json else None
        service = ValidationService(project.home, project.config)
        workers = args.workers or min(8, os.cpu_count() or 1)
        report = replay.replay(store, candidate, service, project.config, span=span, examples=args.examples,
                               progress=progress, workers=workers, reopen=project.open_store)  # fmt: skip
    finally:
        store.close()
    if progress is not None:
        sys.stderr.write("\r\033[K")
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print("\n".join(replay_lines(report)))
    return 0


def _progress(read: int) -> None:
    sys.stderr.write(f"\rre-deciding… {read:,} decisions read")
    sys.stderr.flush()


def replay_lines(report: Any) -> list[str]:
    """A replay report for people: what was replayed, what would change and how, and examples."""
    out = report.to_json()
    candidate = out["candidate"]
    span = f" (#{out['first_seq']}–#{out['last_seq']})" if out["decisions"] else ""
    lines = [
        f"Replayed {out['decisions']:,} recorded decisions{span} under policy version {candidate['version']}: "
        f"{candidate['source']}.",
    ]
    at = candidate.get("at")
    if at and at["recorded_version"] not in (None, at["version"]):
        lines.append(
            f"  The decisions up to #{at['seq']} were made under version {at['recorded_version']}: the log holds "
            "only the policy changes made through put_policy, not files edited by hand or shipped with another "
            "version of Lighthouse."
        )
    lines.append(
        f"{out['changed']:,} would change outcome, {out['rules_only']:,} would keep it for other rules, "
        f"{out['unchanged']:,} are unchanged."
    )
    if out["transitions"]:
        lines += ["", "By outcome:"] + [f"  {t:<14}{n:>8,}" for t, n in out["transitions"].items()]
    if out["rules"]:
        lines += ["", "By rule (the changes it makes; decisions it now appears in, +, or no longer does, -):"]
        for r in out["rules"]:
            moves = ", ".join(f"{t} {n:,}" for t, n in r["transitions"].items()) or "no change of outcome"
            lines.append(f"  {r['rule']:<40} {moves:<32} +{r['added']:,} -{r['removed']:,}")
    changed = [a for a in out["agents"] if a["changed"]]
    if changed:
        lines += ["", "By agent:"]
        for a in changed:
            moves = ", ".join(f"{t} {n:,}" for t, n in a["transitions"].items())
            lines.append(f"  {a['agent']:<20} {a['changed']:>7,} of {a['decisions']:,}  ({moves})")
    skipped = out["not_re_decidable"]
    if skipped["count"]:
        lines += ["", f"Not re-decidable: {skipped['count']:,}"]
        lines += [f"  {n:>8,}  {why}" for why, n in skipped["why"].items()]
    if out["masked"]:
        lines += [
            "",
            f"{out['masked']:,} were decided again from inputs whose secrets were masked when recorded "
            "([REDACTED:secret]): rules that look at the secret itself may answer them differently.",
        ]
    examples = out.get("examples") or {}
    if any(examples.values()):
        lines += ["", "Examples:"]
        for transition, found in examples.items():
            for e in found:
                rules = ", ".join(e["candidate"]["rules"] or e["recorded"]["rules"]) or "no rule"
                masked = " (masked)" if e.get("masked") else ""
                lines.append(f"  {transition:<12} #{e['seq']} {e['agent']}  {e['tool']}: {e['subject'][:90]}  [{rules}]"
                             + masked)  # fmt: skip
    rate = f", {out['per_s']:,}/s" if out["per_s"] else ""
    lines += [
        "",
        f"{out['re_decided']:,} decided again ({out['distinct_requests']:,} distinct requests) in "
        f"{out['elapsed_s']:.2f} s{rate}.",
    ]
    return lines


def _input(raw: str) -> dict[str, Any]:
    if raw == "-":
        text = sys.stdin.read()
    elif raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"policy eval: cannot read {raw[1:]}: {exc}") from exc
    else:
        text = raw
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"policy eval: the input is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(value, dict):
        raise DataError("policy eval: the input must be a JSON object")
    return value
