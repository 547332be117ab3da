"""Rego unit tests, as `opa test` runs them: every `test_*` rule in a `*_test.rego` module must be true.

regopy's `with` keyword is unreliable (rego-cpp 1.5 crashes or aborts on many `with input as …` bodies), so each
test's single `with input as VALUE` is evaluated first, as a package-level value, and given to the engine as its
input; the test body is then evaluated without the `with`. Test files stay valid OPA tests. A test that uses
`with` any other way is reported as unsupported rather than run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.policy.engine import Module, PolicyError, RegoEngine

_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\s*(?:if\s*)?\{", re.MULTILINE)
_WITH_INPUT = re.compile(r"\s+with\s+input\s+as\s+")


@dataclass(frozen=True)
class TestResult:
    """The outcome of one Rego test."""

    module: str
    name: str
    outcome: str  # pass | fail | error
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"


@dataclass(frozen=True)
class PolicyTests:
    """What `policy test` reports: every pack rule's examples, then every Rego test."""

    examples: int
    example_failures: list[Any]  # validation.packs.ExampleFailure
    results: list[TestResult]

    @property
    def failed(self) -> int:
        return len(self.example_failures) + sum(1 for r in self.results if not r.passed)

    def summary(self) -> str:
        passed = sum(1 for r in self.results if r.passed)
        return (
            f"rule examples: {self.examples - len(self.example_failures)}/{self.examples} passed; "
            f"rego tests: {passed}/{len(self.results)} passed"
        )


def check_policy_set(policy: Any) -> PolicyTests:
    """Run the examples of every rule of a `PolicySet`'s packs and the Rego tests beside its modules."""
    from lighthouse_mcp.validation.packs import check_examples

    count, failures = check_examples(policy.packs)
    modules = [m for m in policy.rego.modules if m.path]
    return PolicyTests(count, failures, run_tests(modules, policy.tests))


def run_tests(policies: list[Module], tests: list[Module]) -> list[TestResult]:
    """Run every test rule of `tests` against `policies`."""
    results: list[TestResult] = []
    for test in tests:
        package = _PACKAGE.search(test.source)
        if package is None:
            results.append(TestResult(test.path or test.name, "(module)", "error", "no package declaration"))
            continue
        rewritten, cases = _rewrite(test)
        try:
            engine = RegoEngine([*policies, Module(test.name, rewritten, test.path)])
        except PolicyError as exc:
            results.append(TestResult(test.path or test.name, "(module)", "error", str(exc)))
            continue
        for name, input_rule, problem in cases:
            results.append(_run_one(engine, test, package.group(1), name, input_rule, problem))
    return results


def _run_one(
    engine: RegoEngine, test: Module, package: str, name: str, input_rule: str | None, problem: str | None
) -> TestResult:
    where = test.path or test.name
    if problem:
        return TestResult(where, name, "error", problem)
    try:
        document = engine.query_value(f"data.{package}.{input_rule}", None) if input_rule else None
        if input_rule and not isinstance(document, dict):
            return TestResult(where, name, "error", "its `with input as` value is undefined or not an object")
        value = engine.query_value(f"data.{package}.{name}", document)
    except PolicyError as exc:
        return TestResult(where, name, "error", str(exc))
    if value is True:
        return TestResult(where, name, "pass")
    return TestResult(where, name, "fail", "undefined" if value is None else f"evaluated to {value!r}")


def _rewrite(test: Module) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    """The module with each test's `with input as X` removed and `X` bound to a package-level rule, and for each
    test: (name, that rule's name or None, a problem that stops it from running or None)."""
    source = test.source
    cases: list[tuple[str, str | None, str | None]] = []
    extra: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in _TEST_RULE.finditer(source):
        name = match.group(1)
        end = _closing_brace(source, match.end() - 1)
        if end is None:
            cases.append((name, None, "its body has no closing brace"))
            continue
        body = source[match.end() : end]
        withs = list(_WITH_INPUT.finditer(body))
        other_with = re.search(r"\swith\s+(?!input\s+as\s)", body)
        if other_with or len(withs) > 1:
            cases.append(
                (
                    name,
                    None,
                    "uses `with` other than one `with input as VALUE`, which the in-process "
                    "engine cannot evaluate reliably; run it with `opa test`",
                )
            )
            continue
        if not withs:
            cases.append((name, None, None))
            continue
        found = withs[0]
        value_end = _expression_end(body, found.end())
        value = body[found.end() : value_end].strip()
        rule = f"lighthouse_input_{name}"
        extra.append(f"\n{rule} := {value}\n")
        pieces.append(source[position : match.end() + found.start()])
        position = match.end() + value_end
        cases.append((name, rule, None))
    pieces.append(source[position:])
    return "".join(pieces) + "".join(extra), cases


def _closing_brace(text: str, start: int) -> int | None:
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _string_end(text, i)
            continue
        if c == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _expression_end(text: str, start: int) -> int:
    """End of the expression that starts at `start`: balanced brackets, up to a newline or `;` at depth 0."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _string_end(text, i)
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            if depth == 0:
                return i
            depth -= 1
        elif c in "\n;" and depth == 0:
            return i
        i += 1
    return i


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return i
