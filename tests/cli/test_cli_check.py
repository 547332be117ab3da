"""`lighthouse check` and `lighthouse policy`, as scripts and people use them."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Runner, one_line_error


@pytest.mark.parametrize(("command", "code"), [("ls -la", 0), ("git reset --hard", 1), ("rm -rf /", 2)])
def test_exit_codes(cli: Runner, command: str, code: int) -> None:
    result = cli("check", "--", command)
    assert result.code == code
    assert result.out.split()[0] == ["allow", "ask", "deny"][code]


def test_words_after_the_separator_form_the_command(cli: Runner) -> None:
    assert cli("check", "--", "rm", "-rf", "/").code == 2


def test_json_output_has_the_contract_fields(cli: Runner) -> None:
    result = cli("check", "--json", "--", "rm -rf ~")
    assert result.code == 0
    decision = json.loads(result.out)
    assert {"decision", "risk", "reasons"} <= set(decision)
    assert decision["decision"] == "deny"
    assert all(set(r) == {"rule", "message"} for r in decision["reasons"])


def test_cwd_changes_what_paths_mean(cli: Runner) -> None:
    assert cli("check", "--cwd", "/home/dev/app", "--user-home", "/home/dev", "--", "rm -rf ../").code == 2
    assert (
        cli(
            "check",
            "--cwd",
            "/home/dev/app/src",
            "--project",
            "/home/dev/app",
            "--user-home",
            "/home/dev",
            "--",
            "rm -rf ../build",
        ).code
        == 0
    )


def test_explain_shows_the_facts(cli: Runner) -> None:
    result = cli("check", "--json", "--explain", "--", "sudo rm -rf /")
    facts = json.loads(result.out)["facts"]
    assert facts["commands"][0]["name"] == "rm" and facts["commands"][0]["sudo"] is True


def test_jsonl_batch_keeps_order_and_reports_bad_lines(cli: Runner) -> None:
    lines = [
        '{"command": "ls"}',
        "nonsense",
        '{"command": "rm -rf /", "cwd": "/tmp"}',
        '{"cmd": "x"}',
        '{"command": "cat ~/.netrc", "home": "/home/dev"}',
        '{"command": "x", "extra": 1}',
        "",
    ]
    result = cli("check", "--jsonl", "-", stdin="\n".join(lines))
    assert result.code == 0
    out = [json.loads(line) for line in result.out.splitlines()]
    assert len(out) == 6
    assert out[0]["decision"] == "allow"
    assert out[1] == {"line": 2, "error": "line 2 is not JSON: Expecting value"}
    assert out[2]["decision"] == "deny"
    assert "needs an object with a string 'command'" in out[3]["error"]
    assert out[4]["decision"] == "ask" and "/home/dev/.netrc" in out[4]["reasons"][0]["message"]
    assert "unknown key 'extra'" in out[5]["error"]


def test_jsonl_from_a_file(cli: Runner) -> None:
    (cli.cwd / "in.jsonl").write_text('{"command": "git push --force"}\n')
    assert json.loads(cli("check", "--jsonl", "in.jsonl").out)["decision"] == "deny"
    missing = cli("check", "--jsonl", "missing.jsonl")
    assert missing.code == 64 and "cannot read missing.jsonl" in one_line_error(missing)


@pytest.mark.parametrize("args", [["check"], ["check", "--jsonl", "-", "--", "ls"], ["check", "--record", "--", "ls"]])
def test_usage_errors(cli: Runner, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 64
    one_line_error(result)


def test_check_writes_nothing_without_record(cli: Runner) -> None:
    assert cli("check", "--", "rm -rf /").code == 2
    assert list(cli.cwd.iterdir()) == []


def test_record_appends_the_decision(initialised: Runner) -> None:
    assert initialised("check", "--record", "--", "rm -rf /").code == 2
    out = initialised("events", "query", "--type", "validation", "--json").out
    event = json.loads(out.splitlines()[0])
    assert event["payload"]["decision"] == "deny" and event["payload"]["command"] == "rm -rf /"


def test_a_recorded_batch_counts_its_own_decisions_against_the_rate_limit(initialised: Runner) -> None:
    # The batch follows the store's rate window (rather than reading it again per line, which made 200k lines take
    # minutes): each decision recorded earlier in the same batch counts, as it would across hook processes.
    lines = "".join(json.dumps({"command": f"ls {i}"}) + "\n" for i in range(8))
    result = initialised("check", "--jsonl", "-", "--record", stdin=lines, LIGHTHOUSE_LIMITS__BUILDER="5")
    decisions = [json.loads(line)["decision"] for line in result.out.splitlines()]
    assert decisions[:5] == ["allow"] * 5
    assert decisions[5:] == ["deny"] * 3, decisions
    recorded = initialised("events", "query", "--type", "validation.decided", "--limit", "20", "--json")
    assert recorded.code == 0 and recorded.out.count('"validation.decided"') == 8


def test_policy_list(cli: Runner) -> None:
    result = cli("policy", "list", "--rules")
    assert result.code == 0 and "fs.delete-root" in result.out and "filesystem.yaml" in result.out
    listed = json.loads(cli("policy", "list", "--json").out)
    assert listed["version"] and any(p.endswith("files.rego") for p in listed["modules"])


def test_policy_test_passes_and_fails(initialised: Runner) -> None:
    result = initialised("policy", "test")
    assert result.code == 0
    assert "rule examples:" in result.out and "rego tests:" in result.out
    policies = initialised.cwd / ".lighthouse" / "policies"
    policies.mkdir()
    (policies / "team.yaml").write_text(
        "rules:\n  - id: team.x\n    decision: ask\n    risk: low\n    message: m\n"
        "    match: {command: [make]}\n    examples: {match: ['npm test']}\n"
    )
    (policies / "team_test.rego").write_text("package team_test\nimport rego.v1\ntest_wrong if { 1 == 2 }\n")
    failed = initialised("policy", "test", "--json")
    assert failed.code == 1
    outcomes = [json.loads(line) for line in failed.out.splitlines()]
    assert {
        "kind": "example",
        "rule": "team.x",
        "command": "npm test",
        "expected": "match",
        "found": [],
        "outcome": "fail",
    } in outcomes
    assert any(o.get("test") == "test_wrong" and o["outcome"] == "fail" for o in outcomes)


def test_policy_test_reports_a_broken_project_policy_with_file_and_line(initialised: Runner) -> None:
    policies = initialised.cwd / ".lighthouse" / "policies"
    policies.mkdir()
    (policies / "bad.rego").write_text("package lighthouse\nimport rego.v1\nfindings contains x if { x == }\n")
    result = initialised("policy", "test")
    assert result.code == 64
    assert "bad.rego:3:" in one_line_error(result)


def test_policy_eval(cli: Runner) -> None:
    doc = json.dumps({"paths": [{"path": "/etc/x", "classes": ["system"], "access": "write"}]})
    result = cli("policy", "eval", "data.lighthouse.findings", "--input", doc)
    assert result.code == 0 and json.loads(result.out)[0]["rule"] == "files.write-system"
    assert cli("policy", "eval", "--input", "{bad").code == 65
    assert cli("policy", "eval", "input.x").code == 64


def test_a_long_batch_shows_how_far_it_got_on_a_terminal() -> None:
    """`check --jsonl` on a terminal rewrites one progress line on stderr (stdout stays JSON Lines), and ends it
    with the total; on a pipe it shows nothing (the tests above read stderr from a pipe)."""
    import io

    from lighthouse_mcp.cli.check import Progress

    out = io.StringIO()
    progress = Progress(out, every_s=0.0)
    for line in range(1, 2501):
        progress.step(line)
    progress.done()
    shown = out.getvalue().split("\r")[1:]
    assert shown[0].startswith("lighthouse: check --jsonl: 1 lines, ")
    assert shown[-2].startswith("lighthouse: check --jsonl: 2,500 lines, ") and shown[-2].endswith("/s ")
    assert shown[-1].startswith("lighthouse: check --jsonl: 2,500 lines in ") and shown[-1].endswith(" s\n")
    quiet = io.StringIO()
    Progress(quiet, every_s=3600).done()  # nothing shown: nothing to end
    assert quiet.getvalue() == ""
