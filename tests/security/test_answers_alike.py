"""The hook, the MCP validation tool and `lighthouse check --record` go through one pipeline (validation/gate.py):
under each fault they give the same decision for the same command, with the same rule first."""

from __future__ import annotations

import json
import shutil

import pytest
from mcp import Client

from lighthouse_mcp.server import build_server
from tests.security.conftest import Guarded
from tests.security.test_hook_never_fails_open import SLOW_MODULE
from tests.security.test_self_protection import BLANKET_EXCEPTION

pytestmark = pytest.mark.anyio

COMMANDS = ["ls", "rm -rf ~", "echo slowly", "git reset --hard", "rm .lighthouse/lighthouse.db"]


def _broken(guarded: Guarded) -> None:
    guarded.home.policies_dir.mkdir(exist_ok=True)
    (guarded.home.policies_dir / "broken.rego").write_text("package lighthouse\nimport rego.v1\nx if {\n")


def _slow(guarded: Guarded) -> None:
    guarded.home.policies_dir.mkdir(exist_ok=True)
    (guarded.home.policies_dir / "slow.rego").write_text(SLOW_MODULE)


def _blanket(guarded: Guarded) -> None:
    guarded.home.policies_dir.mkdir(exist_ok=True)
    (guarded.home.policies_dir / "x.rego").write_text(BLANKET_EXCEPTION)


def _rolled_back(guarded: Guarded) -> None:
    for i in range(4):
        guarded.bash(f"echo {i}")
    backup = guarded.root / "old.db"
    assert guarded.cli("backup", str(backup)).code == 0
    guarded.bash("echo later")
    for suffix in ("-wal", "-shm"):
        (guarded.home.path / f"lighthouse.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, guarded.home.path / "lighthouse.db")


FAULTS = {"none": lambda g: None, "broken": _broken, "slow": _slow, "blanket": _blanket, "rolled-back": _rolled_back}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_hook_tool_and_check_answer_alike(guarded: Guarded, fault: str) -> None:
    FAULTS[fault](guarded)
    hook, check, tool = {}, {}, {}
    for command in COMMANDS:
        answer = guarded.bash(command)
        hook[command] = ("allow" if answer.decision == "defer" else answer.decision, _first_rule(answer.reason))
        checked = guarded.cli("check", "--json", "--record", "--", command)
        assert checked.code == 0, checked.err
        decided = json.loads(checked.out)
        check[command] = (decided["decision"], decided["reasons"][0]["rule"] if decided["reasons"] else None)
    async with Client(build_server(guarded.project())) as client:
        for command in COMMANDS:
            decided = (await client.call_tool("validate_command", {"command": command})).structured_content
            assert decided is not None
            tool[command] = (decided["decision"], decided["reasons"][0]["rule"] if decided["reasons"] else None)
    assert hook == check == tool, (fault, hook, check, tool)
    # and each recorded what it answered, alike: one validation.decided per call, with the same decision and rules
    recorded: dict[str, list[tuple[str, list[str]]]] = {}
    for event in guarded.events("validation.decided"):
        if event.payload.get("command") in COMMANDS and event.payload.get("tool") == "Bash":
            recorded.setdefault(event.payload["command"], []).append(
                (event.payload["decision"], event.payload["rules"])
            )
    for command in COMMANDS:
        assert len(recorded[command]) == 3, (fault, command, recorded[command])
        # A long-lived server whose worker is still busy with an earlier slow query adds policy.project-failed to
        # later decisions, which fresh processes (the hook, check) do not meet: there only the first rule is alike.
        seen = {(d, r[0] if r else None) if fault == "slow" else (d, tuple(r)) for d, r in recorded[command]}
        assert len(seen) == 1, (fault, command, recorded[command])
        assert recorded[command][0][0] == hook[command][0], (fault, command)
    assert hook["rm -rf ~"][0] == hook["rm .lighthouse/lighthouse.db"][0] == "deny"
    weakened = {"none": "ls", "broken": "ls", "slow": "echo slowly", "rolled-back": "ls", "blanket": None}[fault]
    if fault == "none":
        assert hook["ls"] == ("allow", None)
    elif weakened is not None:
        assert hook[weakened][0] == "ask"  # what the fault leaves unknown is asked, never allowed


def _first_rule(reason: str) -> str | None:
    """The rule of the first reason in the hook's one-line answer: `…message [rule] (and N more)…`."""
    if "[" not in reason:
        return None
    return reason.split("[", 1)[1].split("]", 1)[0]
