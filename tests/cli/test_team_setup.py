"""`lighthouse init --claude` as a team uses it: files that can be committed and work on a teammate's machine, a
hook that blocks loudly where Lighthouse is not installed, and one identity per agent in the MCP server and the
hook alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from lighthouse_mcp.config import load_config
from lighthouse_mcp.console import Console
from lighthouse_mcp.events.projections import empty_state, fold
from lighthouse_mcp.home import LOCAL_SETTINGS, ProjectHome, hook_command
from lighthouse_mcp.project import Project
from tests.cli.conftest import REPO
from tests.helpers.claude import hook_commands, mcp_command, run_hook_command, with_venv_on_path
from tests.helpers.env import lighthouse_env

GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t"}
GIT |= {"GIT_COMMITTER_EMAIL": "t@example.com"}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT}, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def init(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "init", "--claude", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env or lighthouse_env(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def pre_tool_use(root: Path, tool: str, tool_input: dict[str, str], session: str = "ses-1") -> str:
    return json.dumps(
        {
            "session_id": session,
            "transcript_path": str(root / "t.jsonl"),
            "cwd": str(root),
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": tool_input,
            "tool_use_id": f"toolu-{session}-{tool}",
        }
    )


def decision(proc: subprocess.CompletedProcess[bytes]) -> str:
    if proc.returncode == 2:
        return "deny"
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode().strip()
    return str(json.loads(out)["hookSpecificOutput"]["permissionDecision"]) if out else "defer"


def test_a_teammates_clone_gets_a_working_hook_and_no_path_of_the_first(tmp_path: Path) -> None:
    first = tmp_path / "ann" / "app"
    first.mkdir(parents=True)
    git(first, "init", "-q")
    (first / "app.py").write_text("print('hi')\n")
    init(first, "--agent", "ann")
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "guarded")
    committed = git(first, "ls-files").split()
    assert {".mcp.json", ".claude/settings.json", ".lighthouse/config.yaml", ".lighthouse/.gitignore"} <= set(committed)
    for name in ("secret.key", "lighthouse.db", "anchor.json", LOCAL_SETTINGS):
        assert not any(path.endswith(name) for path in committed), name
    for path in committed:
        text = (first / path).read_text(errors="replace")
        for machine_path in (str(tmp_path), str(REPO), str(Path(sys.executable).parent)):
            assert machine_path not in text, (path, machine_path)

    second = tmp_path / "bob" / "app"
    git(tmp_path, "clone", "-q", str(first), str(second))
    init(second, "--agent", "ann")  # as the README tells a teammate: the committed files stay as they are
    assert git(second, "status", "--porcelain") == ""
    command = hook_commands(second)[-1]
    env = lighthouse_env()
    denied = run_hook_command(second, command, pre_tool_use(second, "Bash", {"command": "rm -rf ~"}), env)
    assert decision(denied) == "deny" and b"fs.delete-home" in denied.stderr
    allowed = run_hook_command(second, command, pre_tool_use(second, "Bash", {"command": "ls"}), env)
    assert decision(allowed) == "defer"

    # a teammate who installed Lighthouse on PATH (pipx, uv tool) needs no local setting
    (second / LOCAL_SETTINGS).unlink()
    on_path = run_hook_command(
        second, command, pre_tool_use(second, "Bash", {"command": "rm -rf ~"}), with_venv_on_path(env)
    )
    assert decision(on_path) == "deny"


def test_without_lighthouse_installed_the_hook_blocks_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    init(root)
    (root / LOCAL_SETTINGS).unlink()
    env = {**lighthouse_env(), "PATH": "/usr/bin:/bin"}
    for command in hook_commands(root, "PreToolUse") + hook_commands(root, "PostToolUse"):
        proc = run_hook_command(root, command, pre_tool_use(root, "Bash", {"command": "ls"}), env)
        assert proc.returncode == 2
        assert b"Lighthouse could not run its hook (exit 127)" in proc.stderr


def test_init_names_the_agent_in_the_server_and_the_hook_and_checks_the_role(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    init(root, "--agent", "ann", "--role", "reviewer")
    entry = json.loads((root / ".mcp.json").read_text())["mcpServers"]["lighthouse"]
    assert entry["env"] == {"LIGHTHOUSE_AGENT__NAME": "ann", "LIGHTHOUSE_AGENT__ROLE": "reviewer"}
    assert hook_commands(root) == [hook_command("ann", "reviewer")]
    bad = subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "init", "--claude", "--role", "root"],
        cwd=root, capture_output=True, text=True, env=lighthouse_env(), check=False,
    )  # fmt: skip
    assert bad.returncode == 64 and "invalid choice: 'root'" in bad.stderr
    alone = subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "init", "--agent", "ann"],
        cwd=root, capture_output=True, text=True, env=lighthouse_env(), check=False,
    )  # fmt: skip
    assert alone.returncode == 64 and "with --claude" in alone.stderr


@pytest.mark.anyio
async def test_a_claim_binds_other_agents_and_never_its_holder(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "web").mkdir(parents=True)
    (root / "web" / "index.js").write_text("1\n")
    init(root, "--agent", "ann")
    argv, env = mcp_command(root, lighthouse_env())  # ann's MCP server, as Claude Code launches it from .mcp.json
    params = StdioServerParameters(command=argv[0], args=argv[1:], cwd=str(root), env=env)
    async with Client(params) as client:
        claimed = await client.call_tool("claim_files", {"paths": ["web/**"], "ttl_s": 600, "reason": "redesign"})
        assert not claimed.is_error, claimed.content
        assert claimed.structured_content["agent"] == "ann"  # type: ignore[index]

    edit = {"file_path": str(root / "web" / "index.js"), "old_string": "1", "new_string": "2"}
    ann = run_hook_command(root, hook_commands(root)[-1], pre_tool_use(root, "Edit", edit, "ses-ann"), lighthouse_env())
    assert decision(ann) == "defer", ann.stderr  # her own claim
    bob = run_hook_command(root, hook_command("bob"), pre_tool_use(root, "Edit", edit, "ses-bob"), lighthouse_env())
    assert decision(bob) == "deny" and b"claimed by ann" in bob.stderr


def test_two_claude_code_sessions_are_two_lighthouse_sessions(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    init(root, "--agent", "ann")
    command = hook_commands(root)[-1]
    for session, commands in (("ses-one", ["ls", "rm -rf ~"]), ("ses-two", ["git status"])):
        for i, text in enumerate(commands):
            data = json.loads(pre_tool_use(root, "Bash", {"command": text}, session))
            data["tool_use_id"] = f"{session}-{i}"
            run_hook_command(root, command, json.dumps(data), lighthouse_env())
    home = ProjectHome(root / ".lighthouse")
    project = Project(home, load_config(home.config_path, env={}))
    store = project.open_store()
    try:
        state = fold(empty_state(), store.read_after(0, 1000))
        sessions = {s.session: s for s in Console(project, store).snapshot(state).sessions}
    finally:
        store.close()
    assert set(sessions) == {"ses-one", "ses-two"}
    assert sessions["ses-one"].agent == sessions["ses-two"].agent == "ann"
    assert sessions["ses-one"].status == "active" and sessions["ses-one"].client == "claude-code"
    assert (sessions["ses-one"].allow, sessions["ses-one"].ask, sessions["ses-one"].deny) == (1, 0, 1)
    assert (sessions["ses-two"].allow, sessions["ses-two"].ask, sessions["ses-two"].deny) == (1, 0, 0)


def doctor(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "doctor"],
        cwd=root, capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip


def test_doctor_runs_the_hook_as_claude_code_would(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    init(root, "--agent", "ann")
    fine = doctor(root, lighthouse_env())
    assert fine.returncode == 0, fine.stderr
    assert "hook      ok: a probe (rm -rf /) was denied" in fine.stdout

    (root / LOCAL_SETTINGS).unlink()  # as on a teammate's machine without Lighthouse on PATH
    broken = doctor(root, {**lighthouse_env(), "PATH": "/usr/bin:/bin"})
    assert broken.returncode != 0
    assert "the Claude Code hook does not work" in broken.stderr and "exit 2" in broken.stderr
    assert "could not run its hook (exit 127)" in broken.stderr


def test_doctor_does_not_run_a_hook_command_it_did_not_write(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    init(root)
    settings = root / ".claude" / "settings.json"
    marker = tmp_path / "ran"
    document = json.loads(settings.read_text())
    hook = document["hooks"]["PreToolUse"][-1]["hooks"][0]
    hook["command"] = f"touch {marker}; {hook['command']}"
    settings.write_text(json.dumps(document))
    result = doctor(root, lighthouse_env())
    assert result.returncode != 0 and "is not the hook command `lighthouse init --claude` writes" in result.stderr
    assert not marker.exists()
