"""A project's Gemini CLI setup, used as Gemini CLI uses it: the hook commands `lighthouse init --gemini` wrote into
`.gemini/settings.json`, run through a shell from the project directory with GEMINI_PROJECT_DIR set, and the hook
input Gemini CLI's hooks reference documents."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers.claude import run_in_shell

SETTINGS = Path(".gemini") / "settings.json"


def settings(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / SETTINGS).read_text()))


def hook_commands(root: Path, event: str = "BeforeTool") -> list[str]:
    groups = settings(root)["hooks"][event]
    return [h["command"] for group in groups for h in group["hooks"] if h.get("type") == "command"]


def gemini_input(root: Path, event: str, tool: str, tool_input: dict[str, Any], **extra: Any) -> str:
    """Gemini CLI's hook input for one tool event (`tool_response` for AfterTool goes in `extra`)."""
    return json.dumps(
        {
            "session_id": extra.pop("session_id", "gemini-session-1"),
            "transcript_path": str(root / "transcript.json"),
            "cwd": str(root),
            "hook_event_name": event,
            "timestamp": "2026-12-06T10:00:00.000Z",
            "tool_name": tool,
            "tool_input": tool_input,
            **extra,
        }
    )


def run_hook_command(
    root: Path, command: str, stdin: str | bytes, base: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """One hook call, as Gemini CLI makes it: the command through a shell, the hook JSON on stdin."""
    return run_in_shell(root, command, stdin, {**base, "GEMINI_PROJECT_DIR": str(root)}, timeout)


def blocks(proc: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether Gemini CLI runs the call: exit 2 blocks, exit 0 with `decision: deny` (or `block`) blocks; any other
    exit code is a warning, and the call runs."""
    if proc.returncode == 2:
        return True
    if proc.returncode != 0:
        return False
    out = proc.stdout.decode().strip()
    return bool(out) and json.loads(out).get("decision") in ("deny", "block")
