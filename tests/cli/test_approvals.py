"""Approvals: an ask routed to a person. A real hook process waits; `lighthouse approvals` answers it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.cli.conftest import Runner, one_line_error
from tests.cli.test_hook import events, hook_input

ASK = "npm publish"  # publish.package: ask
ENABLED = {"LIGHTHOUSE_APPROVALS__ENABLED": "true", "LIGHTHOUSE_APPROVALS__RULES": "publish.*"}


def _start_hook(runner: Runner, command: str, **env: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "hook"],
        cwd=runner.cwd,
        env={**runner.env, **ENABLED, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write(hook_input("PreToolUse", "Bash", {"command": command}, runner.cwd))
    proc.stdin.close()
    return proc


def _pending(runner: Runner) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        result = runner("approvals", "list", "--json")
        assert result.code == 0, result.err
        found = [json.loads(line) for line in result.out.splitlines()]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("no approval was requested")


def _finish(proc: subprocess.Popen[str]) -> tuple[int, dict[str, Any], str]:
    assert proc.stdout is not None and proc.stderr is not None
    proc.wait(timeout=60)
    out, err = proc.stdout.read(), proc.stderr.read()
    return proc.returncode, json.loads(out)["hookSpecificOutput"], err


@pytest.mark.parametrize(("action", "code", "decision"), [("approve", 0, "allow"), ("deny", 2, "deny")])
def test_a_person_answers_a_waiting_hook(initialised: Runner, action: str, code: int, decision: str) -> None:
    proc = _start_hook(initialised, ASK, LIGHTHOUSE_APPROVALS__TIMEOUT_S="30")
    [waiting] = _pending(initialised)
    assert waiting["what"] == ASK and waiting["rules"] == ["publish.package"] and waiting["seconds_left"] > 0
    answer = initialised("approvals", action, waiting["id"], "--reason", "release day")
    assert answer.code == 0, answer.err
    returncode, output, err = _finish(proc)
    assert returncode == code, err
    assert output["permissionDecision"] == decision
    assert waiting["id"] in output["permissionDecisionReason"]
    kinds = [e.type for e in events(initialised) if e.aggregate == waiting["id"]]
    assert kinds == ["approval.requested", f"approval.{'granted' if action == 'approve' else 'denied'}"]
    again = initialised("approvals", "approve", waiting["id"])
    assert again.code == 64 and "already answered" in one_line_error(again)


def test_no_answer_in_time_takes_the_default(initialised: Runner) -> None:
    proc = _start_hook(initialised, ASK, LIGHTHOUSE_APPROVALS__TIMEOUT_S="1")
    returncode, output, _ = _finish(proc)
    assert returncode == 2 and output["permissionDecision"] == "deny"
    assert "no answer" in output["permissionDecisionReason"]
    assert "approval.expired" in [e.type for e in events(initialised)]
    asked = _start_hook(initialised, ASK, LIGHTHOUSE_APPROVALS__TIMEOUT_S="1", LIGHTHOUSE_APPROVALS__ON_TIMEOUT="ask")
    returncode, output, _ = _finish(asked)
    assert returncode == 0 and output["permissionDecision"] == "ask"


def test_asks_of_other_rules_are_not_routed(initialised: Runner) -> None:
    proc = _start_hook(initialised, "chmod -R 777 .")
    returncode, output, _ = _finish(proc)
    assert returncode == 0 and output["permissionDecision"] == "ask"
    assert "approval.requested" not in [e.type for e in events(initialised)]


def test_approvals_errors(initialised: Runner, cli: Runner) -> None:
    assert "no approvals waiting" in initialised("approvals", "list").out
    unknown = initialised("approvals", "approve", "apr_0000")
    assert unknown.code == 64 and "no approval apr_0000" in one_line_error(unknown)
    bad = initialised("approvals", "deny", "12")
    assert bad.code == 64 and "not an approval id" in one_line_error(bad)
    assert initialised("approvals").code == 64


def test_a_person_sees_the_command_waiting_as_it_is_not_as_it_draws_itself(initialised: Runner) -> None:
    """A fourth red-team pass: terminal escapes in the command reached the person's terminal unchanged, so that
    `approvals list` could show a harmless command while the harmful one waited for an answer."""
    hidden = "npm publish \x1b[2K\r\x1b[1Agit status \u202etxt.sh\u202c \x9b2K"
    proc = _start_hook(initialised, hidden, LIGHTHOUSE_APPROVALS__TIMEOUT_S="30")
    [waiting] = _pending(initialised)
    shown = initialised("approvals", "list")
    assert shown.code == 0, shown.err
    for control in ("\x1b", "\r", "\u202e", "\u202c", "\x9b"):
        assert control not in shown.out, repr(shown.out)
    assert "npm publish" in shown.out and "\\x1b[2K" in shown.out
    initialised("approvals", "deny", waiting["id"])
    _finish(proc)
