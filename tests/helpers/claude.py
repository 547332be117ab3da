"""A project's Claude Code setup, used as Claude Code uses it: the hook commands and MCP server entry that
`lighthouse init --claude` wrote, run with the environment Claude Code gives them (the settings files' `env`,
CLAUDE_PROJECT_DIR), from the project directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

VENV_BIN = str(Path(sys.executable).parent)


def settings_env(root: Path) -> dict[str, str]:
    """The `env` of `.claude/settings.json` and then `.claude/settings.local.json` (which wins)."""
    env: dict[str, str] = {}
    for name in ("settings.json", "settings.local.json"):
        path = root / ".claude" / name
        if path.exists():
            env.update(json.loads(path.read_text()).get("env", {}))
    return env


def claude_env(root: Path, base: dict[str, str]) -> dict[str, str]:
    return {**base, **settings_env(root), "CLAUDE_PROJECT_DIR": str(root)}


def hook_commands(root: Path, event: str = "PreToolUse") -> list[str]:
    settings = json.loads((root / ".claude" / "settings.json").read_text())
    return [h["command"] for group in settings["hooks"][event] for h in group["hooks"] if h.get("type") == "command"]


def run_hook_command(
    root: Path, command: str, stdin: str | bytes, base: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """One hook call, as Claude Code makes it: the command through a shell, the hook JSON on stdin."""
    return run_in_shell(root, command, stdin, claude_env(root, base), timeout)


def run_in_shell(
    root: Path, command: str, stdin: str | bytes, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """A hook command as an agent runs it: through a shell, from the project directory, the hook JSON on stdin."""
    return subprocess.run(
        command,
        shell=True,
        cwd=root,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        check=False,
        timeout=timeout,
        env=env,
    )


def claude_input(root: Path, event: str, tool: str, tool_input: dict[str, Any]) -> str:
    """Claude Code's hook input for one tool event, in the session `claude-session-1`."""
    return json.dumps(
        {
            "session_id": "claude-session-1",
            "transcript_path": str(root / "t.jsonl"),
            "cwd": str(root),
            "hook_event_name": event,
            "tool_name": tool,
            "tool_input": tool_input,
            "tool_use_id": f"toolu-{tool}-{len(json.dumps(tool_input))}",
        }
    )


def claude_blocks(proc: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether Claude Code runs the call: exit 2, or a `deny` permissionDecision, blocks."""
    if proc.returncode == 2:
        return True
    out = proc.stdout.decode().strip()
    return bool(out) and json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"


def mcp_entry(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / ".mcp.json").read_text())["mcpServers"]["lighthouse"])


def expand(text: str, env: dict[str, str]) -> str:
    """Claude Code's expansion of `${VAR}` and `${VAR:-default}` in `.mcp.json`."""
    import re

    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(3)
        return env.get(name) or (default if default is not None else match.group(0))

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}", one, text)


def mcp_command(root: Path, base: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The MCP server's command line and environment, as Claude Code would launch it from `.mcp.json`."""
    entry = mcp_entry(root)
    env = claude_env(root, base)
    argv = [expand(entry["command"], env), *(expand(a, env) for a in entry.get("args", []))]
    return argv, {**env, **{k: expand(v, env) for k, v in entry.get("env", {}).items()}}


def with_venv_on_path(env: dict[str, str]) -> dict[str, str]:
    """`env` where `lighthouse` on PATH is this checkout's install (as after pipx install)."""
    return {**env, "PATH": VENV_BIN + os.pathsep + env.get("PATH", "")}
