"""Rego in-process: compile once, query many times, from many threads; errors name the file and line."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from lighthouse_mcp.policy.engine import Module, PolicyError, RegoEngine, bundle_path, may_define
from lighthouse_mcp.policy.policyset import SHIPPED

SYSTEM_WRITE = {"paths": [{"path": "/etc/hosts", "classes": ["system"], "access": "write"}]}


def shipped() -> list[Module]:
    return [
        Module(p.name, p.read_text(), str(p))
        for p in sorted(SHIPPED.glob("*.rego"))
        if not p.name.endswith("_test.rego")
    ]


def test_evaluates_findings() -> None:
    result = RegoEngine(shipped()).evaluate(SYSTEM_WRITE)
    assert [f["rule"] for f in result.findings] == ["files.write-system"]
    assert result.exceptions == []


def test_empty_input_has_no_findings() -> None:
    assert RegoEngine(shipped()).evaluate({}).findings == []


def test_exceptions_from_a_module() -> None:
    allow = Module(
        "allow.rego",
        "package lighthouse\nimport rego.v1\n"
        'exceptions contains {"rule": "fs.delete-in-project", "reason": "scratch"} if {\n'
        '    input.tool == "Bash"\n}\n',
    )
    result = RegoEngine([*shipped(), allow]).evaluate({"tool": "Bash"})
    assert result.exceptions == [{"rule": "fs.delete-in-project", "reason": "scratch"}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "package lighthouse\nimport rego.v1\nfindings contains x if { input.a == }\n",
            r"broken\.rego:3:34: Invalid boolean operator \(in: findings contains x if \{ input\.a == \}\)",
        ),
        ("package lighthouse\n\nfoo := \n", r"broken\.rego:3:5: Invalid assignment operator"),
    ],
)
def test_syntax_error_names_file_line_and_column(source: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        RegoEngine([Module("broken.rego", source, "policies/broken.rego".replace("policies/", ""))])


def test_evaluation_error_is_a_policy_error() -> None:
    conflict = Module(
        "conflict.rego",
        "package lighthouse\nimport rego.v1\nx := 1 if input.a\nx := 2 if input.a\n"
        'findings contains {"rule": "c", "decision": "ask", "risk": "low", '
        '"message": "m", "x": x} if true\n',
    )
    engine = RegoEngine([conflict])
    with pytest.raises(PolicyError, match=r"evaluating data\.lighthouse\.result failed"):
        engine.evaluate({"a": True})


def test_input_fields_are_those_the_modules_read() -> None:
    engine = RegoEngine(shipped())
    assert engine.input_fields >= {"paths", "agent", "claims"}
    assert not engine.whole_input
    whole = RegoEngine([Module("w.rego", "package lighthouse\nimport rego.v1\nkeep := input\n")])
    assert whole.whole_input


def test_query_value_for_any_rule() -> None:
    engine = RegoEngine(shipped())
    assert engine.query_value("data.lighthouse.read_only_roles", None) == ["expert", "reviewer"]
    assert engine.query_value("data.lighthouse.no_such_rule", None) is None


def test_equal_inputs_share_one_evaluation() -> None:
    engine = RegoEngine(shipped())
    first = engine.evaluate(SYSTEM_WRITE)
    again = engine.evaluate(dict(SYSTEM_WRITE))
    assert again == first and again.findings[0] is first.findings[0]  # one evaluation's answer, remembered
    rate = {"agent": {"name": "ben", "role": "builder"}, "count": 5, "limit": 5, "window_s": 60}
    exceeded = engine.query_value("data.lighthouse.rate.exceeded", rate, bundled=True)
    assert engine.query_value("data.lighthouse.rate.exceeded", dict(rate), bundled=True) is exceeded


def test_compiled_bundle_is_cached_on_disk(tmp_path: Path) -> None:
    engine = RegoEngine(shipped(), cache_dir=tmp_path)
    cached = bundle_path(tmp_path, engine.version)
    assert cached.exists()
    again = RegoEngine(shipped(), cache_dir=tmp_path)
    assert [f["rule"] for f in again.evaluate(SYSTEM_WRITE).findings] == ["files.write-system"]


def test_corrupt_cache_is_replaced(tmp_path: Path) -> None:
    engine = RegoEngine(shipped(), cache_dir=tmp_path)
    bundle_path(tmp_path, engine.version).write_bytes(b"not a bundle")
    again = RegoEngine(shipped(), cache_dir=tmp_path, memo_size=0)
    assert [f["rule"] for f in again.evaluate(SYSTEM_WRITE).findings] == ["files.write-system"]


def test_threads_get_correct_answers() -> None:
    """One engine, eight threads, alternating inputs: every answer matches its own input."""
    engine = RegoEngine(shipped(), memo_size=0)
    clean = {"paths": [{"path": "/p/x", "classes": ["project"], "access": "write"}]}
    wrong: list[int] = []

    def work(n: int) -> None:
        for i in range(150):
            use_system = (i + n) % 2 == 0
            found = engine.evaluate(SYSTEM_WRITE if use_system else clean).findings
            if bool(found) != use_system:
                wrong.append(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "may"),
    [
        ("package lighthouse.rate\n", True),
        ("package lighthouse.rate.extra\n", True),
        ("# a comment\n\n# another\npackage lighthouse.rate\r\n", True),
        ("package lighthouse\nrate.exceeded contains 1 if true\n", True),  # a head that begins with `rate`
        ("package lighthouse\n# counts at a steady rate\n", True),  # the word is enough to count as may
        ('package lighthouse\nx := 1\n["r\\u0061te"].exceeded contains 1 if true\n', True),  # rego-cpp takes it
        ('package lighthouse\nfindings contains 1 if regex.match("\\\\.lock$", input.tool)\n', True),  # a backslash
        ("package lighthouse . rate\n", True),  # not a plain name: rego-cpp reads it as lighthouse.rate
        ('package lighthouse["rate"]\n', True),
        ('package lighthouse["r\\u0061te"]\n', True),
        ("package data.lighthouse.rate\n", True),
        ("package acme\npackage lighthouse.rate\n", True),  # a second package line
        ("import rego.v1\npackage lighthouse.rate\n", True),  # something before the package
        ("package lighthouse.rate # trailing\n", True),
        ("", True),
        ("package lighthouse\nfindings contains f if { some p in written; f := p }\n", False),
        ("package lighthouse\nratelimit := 3\nseparate := 4\n", False),  # other words, not `rate`
        ("package lighthouse.ratelimits\nexceeded contains 1 if true\n", False),
        ("package lighthouse.files\nrate := 1\n", False),  # data.lighthouse.files.rate
        ("package acme\nrate.exceeded contains 1 if true\n", False),  # data.acme.rate.exceeded
        ("# lighthouse.rate\npackage acme.limits\n", False),
    ],
)
def test_which_modules_may_define_rules_in_a_package(source: str, may: bool) -> None:
    assert may_define(Module("m.rego", source), "lighthouse.rate") is may
