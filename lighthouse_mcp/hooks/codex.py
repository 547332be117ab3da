"""Codex CLI hooks: its hook input mapped onto the request Claude Code's hooks make, and the answer in its terms.

Written against Codex CLI's hooks documentation (developers.openai.com/codex/hooks, as its history records it up to
2026-05-18) and the hooks engine in openai/codex `codex-rs/hooks` (`src/schema.rs`, `src/engine/output_parser.rs`,
`src/events/pre_tool_use.rs`, `src/events/post_tool_use.rs` and `src/engine/command_runner.rs` at 0082977,
`src/events/common.rs` at 0b9770e, `core/src/tools/hook_names.rs` at 05d99c8; rust-v0.118.0 and later). What this
module relies on:

- Hooks live in `hooks.json` beside each `config.toml` layer Codex loads: `~/.codex/hooks.json`, and
  `<project>/.codex/hooks.json` only when the project's `.codex/` layer is trusted. Hooks are on by default from
  0.124 (`[features] hooks = false` turns them off; before 0.124 they needed `[features] codex_hooks = true`), and
  newer releases run a hook only once a person has reviewed and trusted its exact definition (`/hooks`).
- A command hook runs through the user's shell (`$SHELL -lc COMMAND`) in the session's working directory, with the
  input as JSON on stdin and `timeout` in seconds (600 when unset).
- `PreToolUse` / `PostToolUse` input: `session_id`, `turn_id` (a Codex extension: Claude Code sends none, so it
  tells the two apart), `transcript_path`, `cwd`, `hook_event_name`, `model`, `permission_mode`, `tool_name`,
  `tool_input`, `tool_use_id`, and for PostToolUse `tool_response`. Tools: `Bash` for every shell tool (`shell`,
  `shell_command`, `exec_command`, `local_shell`) with `tool_input.command`; `apply_patch` for file edits with the
  patch text as `tool_input.command` (`Write` and `Edit` select it as matcher aliases only); `mcp__server__tool`
  with the server's arguments. The directory a shell tool runs in (`workdir`) is not in the input: a `workdir` in
  `tool_input`, where a release sends one, is joined to `cwd`.
- PreToolUse answers: exit 2 with a non-empty stderr blocks, stderr being the reason (exit 2 with an empty stderr is
  a failed hook, and the call runs); exit 0 with `hookSpecificOutput.permissionDecision: deny` and a non-empty
  reason blocks. `allow` without `updatedInput`, `ask`, `decision: approve`, unknown fields, JSON that does not fit
  the schema, any other exit code, a timeout and a hook that cannot start are all a failed hook, **after which the
  call runs**. So every block here is exit 2 with the reason on stderr, an allow says nothing, and an ask (which
  Codex cannot put to a person from a hook) is a block.
- PostToolUse answers: `hookSpecificOutput.additionalContext` is given to the model; `decision: block` with a
  reason gives the model the reason as feedback on the call that ran; exit 2 with stderr gives it stderr.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from collections.abc import Mapping
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.hooks.claude import HookInput, tool_call

CLIENT = "codex-cli"
SETTINGS = ".codex/hooks.json"
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse"})
# Its other events: answered with nothing to say (exit 0), so that wiring the hook to one is harmless.
QUIET_EVENTS = frozenset(
    {
        "SessionStart",
        "SessionEnd",
        "UserPromptSubmit",
        "Stop",
        "StopFailure",
        "PermissionRequest",
        "PreCompact",
        "PostCompact",
        "SubagentStart",
        "SubagentStop",
    }
)


def speaks(data: Mapping[str, Any]) -> bool:
    """Whether a hook input is Codex CLI's: it carries `turn_id`, which Claude Code's does not."""
    return "turn_id" in data


def hook_input_from(data: Mapping[str, Any]) -> HookInput:
    """Codex CLI's hook input (the object `claude.load_hook_json` read) as the pipeline's: a shell command as
    Claude Code's `Bash` (a command given as a list of words joined as the shell would read them, a `workdir` joined
    to the working directory); `apply_patch` and MCP tools under their own names."""
    event = data["hook_event_name"]
    session = _str(data.get("session_id"))
    cwd = _str(data.get("cwd"))
    if event not in TOOL_EVENTS:
        return HookInput(event, session, cwd, None, {}, None, None, data, client=CLIENT)
    tool, tool_input = tool_call(event, data)
    mapped = dict(tool_input)
    if tool.lower() == "bash":
        mapped["command"] = _command(tool_input.get("command"))
        cwd = _workdir(cwd, tool_input.get("workdir"))
    return HookInput(
        event=event,
        session=session,
        cwd=cwd,
        tool=tool,
        tool_input=mapped,
        tool_use_id=_str(data.get("tool_use_id")),
        tool_response=data.get("tool_response"),
        raw=data,
        client=CLIENT,
    )


def _command(value: Any) -> str:
    """A shell tool's command: a string as given, a list of words as the shell line that runs exactly them."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(word, str) for word in value):
        return shlex.join(value)
    raise DataError("Bash's 'tool_input.command' must be a string or a list of strings")


def _workdir(cwd: str | None, workdir: Any) -> str | None:
    """Where a shell tool runs: its `workdir` (absolute, or relative to `cwd`), when the input names one."""
    if workdir is None or workdir == "":
        return cwd
    if not isinstance(workdir, str) or "\x00" in workdir:
        raise DataError("Bash's 'tool_input.workdir' must be a string")
    return posixpath.normpath(posixpath.join(cwd or "/", workdir))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def pre_tool_use_answer(summary: str, decision: str) -> tuple[str | None, str | None]:
    """Codex CLI's answer to PreToolUse: stdout's JSON and, for a block, the reason for stderr (exit 2). An allow
    says nothing: Codex reads `permissionDecision: allow` without an input rewrite as a failed hook, and its own
    approval policy decides what runs either way."""
    if decision == "allow":
        return None, None
    if decision == "ask":
        summary += (
            " (Codex CLI's hooks cannot ask a person, so Lighthouse blocks what it would ask about: a person can "
            "run it, or allow it through `lighthouse approvals` with approvals.enabled)"
        )
    reason = f"Lighthouse: {summary}"
    answer = {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }
    return json.dumps(answer, ensure_ascii=False), f"Lighthouse blocked this call: {summary}"
