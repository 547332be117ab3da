"""A project's Codex CLI setup, used as Codex CLI uses it: the hook commands `lighthouse init --codex` wrote into
`.codex/hooks.json`, run through a shell from the session's working directory, the hook input its hooks engine
sends, and its answers read the way its engine reads them."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers.claude import run_in_shell

HOOKS = Path(".codex") / "hooks.json"
# What Codex CLI's engine accepts on a PreToolUse hook's stdout (`deny_unknown_fields` in its schema): anything else
# is a failed hook, and the call runs.
PRE_KEYS = {"continue", "stopReason", "suppressOutput", "systemMessage", "decision", "reason", "hookSpecificOutput"}
PRE_SPECIFIC = {"hookEventName", "permissionDecision", "permissionDecisionReason", "updatedInput", "additionalContext"}
POST_SPECIFIC = {"hookEventName", "additionalContext", "updatedMCPToolOutput"}


def hooks(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / HOOKS).read_text()))


def hook_commands(root: Path, event: str = "PreToolUse") -> list[str]:
    groups = hooks(root)["hooks"][event]
    return [h["command"] for group in groups for h in group["hooks"] if h.get("type") == "command"]


def codex_input(root: Path, event: str, tool: str, tool_input: Any, **extra: Any) -> str:
    """Codex CLI's hook input for one tool event (`tool_response` for PostToolUse goes in `extra`); the call id is
    the same for a call's two events."""
    call = hashlib.sha256(json.dumps([tool, tool_input], sort_keys=True).encode()).hexdigest()[:12]
    return json.dumps(
        {
            "session_id": extra.pop("session_id", "codex-session-1"),
            "turn_id": "turn-1",
            "transcript_path": None,
            "cwd": str(extra.pop("cwd", root)),
            "hook_event_name": event,
            "model": "gpt-5-codex",
            "permission_mode": "default",
            "tool_name": tool,
            "tool_input": tool_input,
            "tool_use_id": extra.pop("tool_use_id", f"call_{call}"),
            **extra,
        }
    )


def run_hook_command(
    root: Path, command: str, stdin: str | bytes, base: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """One hook call, as Codex CLI makes it: the command through a shell, from the session's working directory,
    the hook JSON on stdin (Codex CLI sets no variable naming the project)."""
    return run_in_shell(root, command, stdin, base, timeout)


def blocks(proc: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether Codex CLI keeps the call from running: exit 2 with something on stderr, or exit 0 with a schema-valid
    `permissionDecision: deny` (or the older `decision: block`) and a reason. Anything else (exit 2 with an empty
    stderr, another exit code, JSON that does not fit the schema, `allow` or `ask`) is a failed hook or no verdict,
    and the call runs."""
    if proc.returncode == 2:
        return bool(proc.stderr.strip())
    if proc.returncode != 0 or not proc.stdout.strip():
        return False
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        return False
    if not isinstance(answer, dict) or set(answer) - PRE_KEYS:
        return False
    specific = answer.get("hookSpecificOutput") or {}
    if not isinstance(specific, dict) or set(specific) - PRE_SPECIFIC:
        return False
    if specific.get("permissionDecision") == "deny":
        return bool(str(specific.get("permissionDecisionReason") or "").strip())
    return answer.get("decision") == "block" and bool(str(answer.get("reason") or "").strip())


def fits_post_tool_use(out: bytes) -> bool:
    """Whether a PostToolUse answer on stdout is one Codex CLI's engine reads (empty, or JSON its schema accepts)."""
    if not out.strip():
        return True
    answer = json.loads(out)
    specific = answer.get("hookSpecificOutput") or {}
    return not set(answer) - PRE_KEYS and not set(specific) - POST_SPECIFIC
