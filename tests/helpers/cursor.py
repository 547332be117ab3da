"""A project's Cursor setup, used as Cursor uses it: the hook commands `lighthouse init --cursor` wrote into
`.cursor/hooks.json`, run through a shell from the project's root folder, and the hook input Cursor's hooks
documentation describes; and how Cursor reads the answer."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers.claude import run_in_shell

HOOKS = Path(".cursor") / "hooks.json"


def hooks(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / HOOKS).read_text()))


def hook_commands(root: Path, event: str = "beforeShellExecution") -> list[str]:
    return [h["command"] for h in hooks(root)["hooks"][event] if "command" in h]


def cursor_input(root: Path, event: str, **fields: Any) -> str:
    """Cursor's hook input for one event: the fields every event has, and the event's own (`fields`)."""
    return json.dumps(
        {
            "conversation_id": fields.pop("conversation_id", "cursor-conversation-1"),
            "generation_id": fields.pop("generation_id", "cursor-generation-1"),
            "model": "claude-4-sonnet",
            "hook_event_name": event,
            "cursor_version": "2.0.77",
            "workspace_roots": [str(root)],
            "user_email": None,
            **fields,
        }
    )


def run_hook_command(
    root: Path, command: str, stdin: str | bytes, base: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """One hook call, as Cursor makes it for a project's hooks: the command through a shell, from the project's root
    folder, the hook JSON on stdin."""
    return run_in_shell(root, command, stdin, base, timeout)


def answer(proc: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The JSON on stdout (Cursor wants it on every path: a hook that prints anything else has failed)."""
    return dict(json.loads(proc.stdout))


def blocks(proc: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether Cursor stops the call: exit 2 blocks, exit 0 with `permission: deny` blocks; any other exit code is a
    failed hook, after which the call runs unless the hook is failClosed (not counted on here)."""
    if proc.returncode == 2:
        return True
    return proc.returncode == 0 and answer(proc).get("permission") == "deny"
