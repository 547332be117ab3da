"""With the project's hook server running, the hook's deadline holds even when the work is stuck in native code
that never lets another thread run (a regular expression that backtracks for minutes holds the interpreter's lock):
past the deadline the client blocks the call, never leaving it to Claude Code's own timeout, which lets the call run,
and the server's child is ended by the kernel. Here a project rule with such a pattern, matched against a command it
backtracks on, stands for any rule that turns out slow. The in-process hook (no server) has no such guard yet: its
deadline is a thread of the same process (docs/SECURITY.md)."""

from __future__ import annotations

import pytest

from tests.security.conftest import Guarded

SLOW_RULE = """\
rules:
  - id: team.slow-pattern
    decision: ask
    risk: low
    message: "a pattern that backtracks on runs of x"
    match:
      command: [echo]
      text_regex: '(x+x+)+y'
"""


@pytest.mark.parametrize("guarded", ["hook-server"], indirect=True)
def test_a_hook_stuck_in_native_code_is_blocked_at_its_deadline(guarded: Guarded) -> None:
    guarded.home.policies_dir.mkdir(exist_ok=True)
    (guarded.home.policies_dir / "slow.yaml").write_text(SLOW_RULE)
    guarded.home.config_path.write_text("hook:\n  deadline_s: 2\n")
    command = "echo " + "x" * 64  # 2^64 ways to split: it would backtrack for longer than anyone waits
    answer = guarded.hook("PreToolUse", "Bash", {"command": command}, timeout=25)
    assert answer.code == 2, answer
    assert "deadline" in answer.err, answer
