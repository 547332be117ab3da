"""Governance across processes: two `lighthouse serve` processes (spawned over stdio, as Claude Code would) and
hook processes share one store, so a policy put through one server, a claim held through it and an approval given
from the CLI hold everywhere."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from lighthouse_mcp.project import Project
from tests.helpers.env import lighthouse_env

pytestmark = pytest.mark.anyio

NO_WGET = """package lighthouse

import rego.v1

findings contains f if {
	some c in input.commands
	c.name == "wget"
	f := {"rule": "team.no-wget", "decision": "deny", "risk": "medium", "message": "use curl in this project"}
}
"""


def _env(project: Project, **extra: str) -> dict[str, str]:
    return lighthouse_env(LIGHTHOUSE_HOME=str(project.home.path), **extra)


@contextlib.asynccontextmanager
async def _serve(project: Project, agent: str, role: str, **extra: str) -> AsyncIterator[Client]:
    env = _env(project, LIGHTHOUSE_AGENT__NAME=agent, LIGHTHOUSE_AGENT__ROLE=role, **extra)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "lighthouse_mcp", "serve"], cwd=str(project.home.root), env=env
    )
    async with Client(params) as client:
        yield client


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


def _hook(project: Project, tool: str, tool_input: dict[str, Any], **env: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "hook"],
        cwd=project.home.root,
        env=_env(project, **env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    payload = {"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input}
    assert proc.stdin is not None
    proc.stdin.write(json.dumps({**payload, "cwd": str(project.home.root)}))
    proc.stdin.close()
    return proc


def _answer(proc: subprocess.Popen[str]) -> tuple[int, str]:
    assert proc.stdout is not None and proc.stderr is not None
    proc.wait(timeout=60)
    out, err = proc.stdout.read(), proc.stderr.read()
    if not out:
        return proc.returncode, err
    return proc.returncode, json.loads(out)["hookSpecificOutput"]["permissionDecision"]


async def test_policy_claims_and_approvals_hold_across_processes(project: Project) -> None:
    write = {"tool_name": "Write", "tool_input": {"file_path": "src/auth/login.py", "content": "x = 1\n"}}
    async with _serve(project, "ops", "admin") as ops, _serve(project, "ben", "builder") as ben:
        with anyio.fail_after(60):
            # A policy put through one server is enforced by the other server and by the hook within a second.
            assert (await _call(ben, "validate_command", {"command": "wget https://example.com"}))["decision"] == (
                "allow"
            )
            await _call(ops, "put_policy", {"name": "team.rego", "content": NO_WGET})
            put_at = time.monotonic()
            while (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] != "deny":
                await anyio.sleep(0.05)
            assert time.monotonic() - put_at < 3  # re-read within a second; the margin is for loaded machines
            code, decision = _answer(_hook(project, "Bash", {"command": "wget https://example.com"}))
            assert (code, decision) == (2, "deny")

            # A claim held by ops (through its server) denies ben's write, naming ops; ops may write.
            # (A server looks for new claims at most every 0.1 s, as the README says: a call within that may not
            # see it yet.)
            await _call(ops, "claim_files", {"paths": ["src/auth/**"], "ttl_s": 300, "reason": "new login flow"})
            claimed_at = time.monotonic()
            while (denied := await _call(ben, "validate_tool_call", write))["decision"] != "deny":
                await anyio.sleep(0.02)
            assert time.monotonic() - claimed_at < 3  # seen within 0.1 s; the margin is for loaded machines
            assert denied["rules"] == ["claims.held-by-another-agent"]
            assert "claimed by ops" in denied["reasons"][0]["message"]
            assert (await _call(ops, "validate_tool_call", write))["decision"] == "allow"
            code, decision = _answer(
                _hook(project, "Write", write["tool_input"], LIGHTHOUSE_AGENT__NAME="ben")  # type: ignore[arg-type]
            )
            assert (code, decision) == (2, "deny")
            state = await _call(ben, "state_at", {})
            assert [c["agent"] for c in state["claims"].values()] == ["ops"]

    # An approval given from the CLI releases a waiting hook with the answer.
    approvals = {"LIGHTHOUSE_APPROVALS__ENABLED": "true", "LIGHTHOUSE_APPROVALS__TIMEOUT_S": "30"}
    for action, expected in (("approve", (0, "allow")), ("deny", (2, "deny"))):
        waiting = _hook(project, "Bash", {"command": "npm publish"}, **approvals)
        approval_id = _wait_for_approval(project)
        answered = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "approvals", action, approval_id, "--reason", "release"],
            cwd=project.home.root,
            env=_env(project),
            capture_output=True,
            text=True,
            check=False,
        )
        assert answered.returncode == 0, answered.stderr
        assert _answer(waiting) == expected


def _wait_for_approval(project: Project) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "approvals", "list", "--json"],
            cwd=project.home.root,
            env=_env(project),
            capture_output=True,
            text=True,
            check=False,
        )
        pending = [json.loads(line) for line in listed.stdout.splitlines()]
        if pending:
            return str(pending[0]["id"])
        time.sleep(0.1)
    raise AssertionError("the hook never asked")
