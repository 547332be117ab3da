"""Two machines sharing one PostgreSQL store, played by two project checkouts (each its own `.lighthouse/`, the same
secret key, the same `store.url`): a policy put through one machine's server is enforced by the other's server and
hook, a claim held on one denies the other's write, and an approval given in one machine's TUI releases a hook
waiting on the other."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from textual.widgets import DataTable

from lighthouse_mcp.config import load_config
from lighthouse_mcp.home import HOME_DIR, ProjectHome, create_home
from lighthouse_mcp.project import Project
from tests.agents.test_processes import NO_WGET
from tests.helpers.env import lighthouse_env
from tests.helpers.postgres import PASSWORD
from tui.app import LighthouseTUI

pytestmark = pytest.mark.anyio


def _machine(root: Path, key_from: Path | None, url: str, monkeypatch: pytest.MonkeyPatch) -> Project:
    root.mkdir()
    home = ProjectHome(root / HOME_DIR)
    home.path.mkdir()
    if key_from is not None:
        shutil.copy(key_from, home.key_path)
        home.key_path.chmod(0o600)
    create_home(home)
    monkeypatch.setenv("LIGHTHOUSE_STORE__URL", url)
    project = Project(home, load_config(home.config_path))
    monkeypatch.delenv("LIGHTHOUSE_STORE__URL")
    return project


def _env(project: Project, url: str, **extra: str) -> dict[str, str]:
    return lighthouse_env(
        LIGHTHOUSE_HOME=str(project.home.path), LIGHTHOUSE_STORE__URL=url, PGPASSWORD=PASSWORD, **extra
    )


@contextlib.asynccontextmanager
async def _serve(project: Project, url: str, agent: str, role: str) -> AsyncIterator[Client]:
    env = _env(project, url, LIGHTHOUSE_AGENT__NAME=agent, LIGHTHOUSE_AGENT__ROLE=role)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "lighthouse_mcp", "serve"], cwd=str(project.home.root), env=env
    )
    async with Client(params) as client:
        yield client


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


def _hook(project: Project, url: str, tool: str, tool_input: dict[str, Any], **env: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "hook"],
        cwd=project.home.root,
        env=_env(project, url, **env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    hook = {"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input}
    proc.stdin.write(json.dumps({**hook, "cwd": str(project.home.root)}))
    proc.stdin.close()
    return proc


def _answer(proc: subprocess.Popen[str]) -> tuple[int, str]:
    assert proc.stdout is not None and proc.stderr is not None
    proc.wait(timeout=60)
    out, err = proc.stdout.read(), proc.stderr.read()
    return (proc.returncode, json.loads(out)["hookSpecificOutput"]["permissionDecision"] if out else err)


async def test_two_machines_share_rules_claims_and_approvals(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = _machine(tmp_path / "laptop", None, postgres_url, monkeypatch)
    runner = _machine(tmp_path / "ci-runner", laptop.home.key_path, postgres_url, monkeypatch)
    write = {"tool_name": "Write", "tool_input": {"file_path": "src/auth/login.py", "content": "x = 1\n"}}
    async with (
        _serve(laptop, postgres_url, "ops", "admin") as ops,
        _serve(runner, postgres_url, "ben", "builder") as ben,
    ):
        with anyio.fail_after(90):
            assert (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] == "allow"
            await _call(ops, "put_policy", {"name": "team.rego", "content": NO_WGET})
            while (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] != "deny":
                await anyio.sleep(0.1)
            assert (runner.home.policies_dir / "team.rego").read_text() == NO_WGET  # the file followed the store
            assert _answer(_hook(runner, postgres_url, "Bash", {"command": "wget https://x.org"})) == (2, "deny")

            await _call(ops, "claim_files", {"paths": ["src/auth/**"], "ttl_s": 300, "reason": "new login flow"})
            denied = await _call(ben, "validate_tool_call", write)
            assert denied["decision"] == "deny" and "claimed by ops" in denied["reasons"][0]["message"]
            hooked = _hook(runner, postgres_url, "Write", write["tool_input"], LIGHTHOUSE_AGENT__NAME="ben")  # type: ignore[arg-type]
            assert _answer(hooked) == (2, "deny")

            await _call(ops, "delete_policy", {"name": "team.rego"})
            while (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] != "allow":
                await anyio.sleep(0.1)
            assert not (runner.home.policies_dir / "team.rego").exists()

    # The operator's console on the laptop answers a hook waiting on the runner.
    approvals = {"LIGHTHOUSE_APPROVALS__ENABLED": "true", "LIGHTHOUSE_APPROVALS__TIMEOUT_S": "60"}
    waiting = _hook(runner, postgres_url, "Bash", {"command": "npm publish"}, **approvals)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setenv("LIGHTHOUSE_STORE__URL", postgres_url)
    console = Project(laptop.home, load_config(laptop.home.config_path))
    app = LighthouseTUI(console, poll=0.2)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        table = app.query_one("#approvals-table", DataTable)
        deadline = time.monotonic() + 60
        while table.row_count == 0:
            assert time.monotonic() < deadline and waiting.poll() is None, "no approval reached the console"
            await pilot.pause(0.1)
        assert table.get_row_at(0)[2] == "npm publish"
        table.focus()
        await pilot.press("a")
        await anyio.to_thread.run_sync(waiting.wait, 60)
    assert _answer(waiting) == (0, "allow")
