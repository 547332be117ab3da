"""The Rego unit-test runner: shipped tests pass; failures, errors and unsupported forms are reported."""

from __future__ import annotations

from lighthouse_mcp.policy.engine import Module, is_test_module
from lighthouse_mcp.policy.policyset import SHIPPED
from lighthouse_mcp.policy.rego_tests import run_tests


def modules() -> list[Module]:
    return [Module(p.name, p.read_text(), str(p)) for p in sorted(SHIPPED.glob("*.rego"))]


def test_shipped_rego_tests_pass() -> None:
    all_modules = modules()
    results = run_tests(
        [m for m in all_modules if not is_test_module(m)], [m for m in all_modules if is_test_module(m)]
    )
    assert len(results) >= 15
    assert [r for r in results if not r.passed] == []


def _run(test_source: str) -> dict[str, str]:
    policies = [m for m in modules() if not is_test_module(m)]
    results = run_tests(policies, [Module("mine_test.rego", test_source, "mine_test.rego")])
    return {r.name: r.outcome for r in results}


def test_failing_and_erroring_tests_are_reported() -> None:
    source = """package mine_test
import rego.v1
import data.lighthouse

system_write := {"paths": [{"path": "/etc/x", "classes": ["system"], "access": "write"}]}

test_passes if {
    count(lighthouse.findings) == 1 with input as system_write
}

test_fails if {
    count(lighthouse.findings) == 0 with input as system_write
}

test_plain_false if { 1 == 2 }

test_literal_input if {
    input.x == 1 with input as {"x": 1}
}

test_undefined_input if {
    true with input as no_such_value
}

test_two_withs if {
    true with input as {} with data.x as 1
}
"""
    assert _run(source) == {
        "test_passes": "pass",
        "test_fails": "fail",
        "test_plain_false": "fail",
        "test_literal_input": "pass",
        "test_undefined_input": "error",
        "test_two_withs": "error",
    }


def test_broken_test_module_is_an_error_not_a_crash() -> None:
    outcomes = _run("package mine_test\nimport rego.v1\ntest_x if { 1 == }\n")
    assert outcomes == {"(module)": "error"}
