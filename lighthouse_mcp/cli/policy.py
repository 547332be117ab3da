"""`lighthouse policy list|test|eval`: the rule packs and Rego modules in force, their tests, and queries."""

from __future__ import annotations

import argparse
import json
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
