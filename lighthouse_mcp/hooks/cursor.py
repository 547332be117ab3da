"""Cursor hooks: its hook input mapped onto the request Claude Code's hooks make, and the answer in its terms.

Written against Cursor's hooks documentation (cursor.com/docs/agent/hooks, also served at cursor.com/docs/hooks),
read on 2026-12-06: the page as published for Cursor 2.0 (kept verbatim in pcomans/caruso
`reference/cursor_hooks.md` at 0d41427), and what the current page adds as hook integrations quote it the same day
(exit codes, `failClosed`, `timeout` in seconds). What this module relies on:

- `.cursor/hooks.json` is `{"version": 1, "hooks": {EVENT: [{"command": …}, …]}}`; a project's hooks run, from the
  project's root folder, only in a trusted workspace. Each hook gets one JSON object on stdin and answers on stdout.
- Every input has `hook_event_name`, `conversation_id` (stable across a chat), `generation_id` (one per user
  message), `workspace_roots` (the workspace's root folders) and optional `model`, `cursor_version`, `user_email`.
- `beforeShellExecution`: `command`, `cwd` (which may be empty: then the first workspace root is where it runs).
  `beforeMCPExecution`: `tool_name`, `tool_input` (the arguments as a JSON string; an object is read too), and the
  server's `url` or `command`. `beforeReadFile` (and Tab's `beforeTabFileRead`): `file_path` (absolute) and the
  file's `content`. `afterFileEdit`: `file_path` and `edits` (`old_string`, `new_string`). `afterShellExecution`:
  `command`, `output`, `duration`. `afterMCPExecution`: `tool_name`, `tool_input`, `result_json`, `duration`.
  No event carries an id that ties a call's before-event to its after-event.
- The answer to the before-events is `{"permission": "allow" | "deny" | "ask", "user_message", "agent_message"}`;
  `beforeReadFile` reads only `permission`, and only `allow` or `deny`. The after-events cannot block, and their
  output is not read: `afterFileEdit` comes after the edit is on disk.
- Exit 0 is an answer (stdout's JSON); exit 2 blocks the action, as `deny` does; any other exit code, a timeout or
  output that is not JSON is a failed hook, after which the action runs unless the hook has `failClosed: true`.
  So every refusal here is a deny answer on stdout and exit 2, and `init --cursor` writes `failClosed: true`.
- `ask` is documented for shell and MCP calls, but is reported not to ask anyone in Cursor 2.4.21 to 3.2.16, and
  `beforeReadFile` has none: what Lighthouse would ask about is blocked, unless a person approves it through
  Lighthouse's own approvals (`approvals.enabled`) while the hook waits.
- An answer without `permission` (`{}`) leaves the call to Cursor's own rules: an `allow` would run it without
  the confirmation Cursor would otherwise ask for.

Cursor's file edits have no event before they happen (in the documentation above; the newer `preToolUse` is not
relied on): an edit is judged when `afterFileEdit` reports it, as Claude Code's MultiEdit would have been, and one
Lighthouse would not have allowed is recorded as bypassing it.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.hooks.claude import HookInput, load_json
from lighthouse_mcp.hooks.client import blocked

CLIENT = "cursor"
# Cursor's tool events, by the pipeline's names for them.
TOOL_EVENTS = {
    "beforeShellExecution": "PreToolUse",
    "beforeMCPExecution": "PreToolUse",
    "beforeReadFile": "PreToolUse",
    "beforeTabFileRead": "PreToolUse",
    "afterShellExecution": "PostToolUse",
    "afterMCPExecution": "PostToolUse",
    "afterFileEdit": "PostToolUse",
}
# Its other events: answered with nothing to say (`{}`, exit 0), so that wiring the hook to one is harmless.
QUIET_EVENTS = frozenset({"beforeSubmitPrompt", "stop", "afterAgentResponse", "afterAgentThought", "afterTabFileEdit"})
SETTINGS = ".cursor/hooks.json"


def speaks(event: Any) -> bool:
    """Whether `event` is one of Cursor's hook events that Lighthouse handles."""
    return event in TOOL_EVENTS or event in QUIET_EVENTS


def hook_input_from(data: Mapping[str, Any]) -> HookInput:
    """Cursor's hook input (the object `claude.load_hook_json` read) as the pipeline's: its shell commands as Bash,
    its reads as Read, its MCP calls as `mcp__SERVER__TOOL`, its file edits as MultiEdit; the session is the
    conversation. A field of the wrong type, or one the event needs and lacks, raises DataError."""
    event = data["hook_event_name"]
    if not speaks(event):
        raise DataError(
            f"this hook is set up for Cursor (--agent-kind cursor) but got the hook event {event[:80]!r}, which "
            f"Lighthouse does not handle: take it out of {SETTINGS}, or upgrade Lighthouse"
        )
    session = _optional_str(data, "conversation_id") or _optional_str(data, "generation_id")
    root = _workspace_root(data.get("workspace_roots"))
    if event in QUIET_EVENTS:
        return HookInput(event, session, root, None, {}, None, None, data, client=CLIENT)
    tool, tool_input, response = _call(event, data)
    cwd = root
    if event == "beforeShellExecution":
        cwd = _shell_directory(root, data.get("cwd"))
    return HookInput(
        event=TOOL_EVENTS[event],
        session=session,
        cwd=cwd,
        tool=tool,
        tool_input=tool_input,
        tool_use_id=call_id(data, tool, tool_input),
        tool_response=response,
        raw=data,
        client=CLIENT,
        agent_tool=data["tool_name"] if tool.startswith("mcp__") and tool != data["tool_name"] else None,
        judged_after=event == "afterFileEdit",
    )


def _call(event: str, data: Mapping[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """(The pipeline's tool, its arguments, what it returned) for one of Cursor's tool events."""
    if event in ("beforeShellExecution", "afterShellExecution"):
        return "Bash", {"command": _required_str(data, "command", event)}, data.get("output")
    if event in ("beforeReadFile", "beforeTabFileRead"):
        return "Read", {"file_path": _path(data, event)}, None
    if event == "afterFileEdit":
        edits = data.get("edits", [])
        if not isinstance(edits, list) or not all(isinstance(edit, Mapping) for edit in edits):
            raise DataError("afterFileEdit hook input's 'edits' must be a list of objects")
        return "MultiEdit", {"file_path": _path(data, event), "edits": edits}, None
    tool = _required_str(data, "tool_name", event)
    if not tool.strip():
        raise DataError(f"{event} hook input's 'tool_name' is empty")
    return mcp_tool(tool), _arguments(data.get("tool_input"), event), _result(data.get("result_json"))


def mcp_tool(name: str) -> str:
    """Claude Code's name for an MCP tool Cursor names `TOOL`, or `MCP:SERVER:TOOL`: `mcp__SERVER__TOOL`, the
    server `cursor` where Cursor does not say which it is (the rules on MCP tools match `mcp__*__TOOL`)."""
    prefix, _, rest = name.partition(":")
    server, _, tool = rest.partition(":")
    if prefix.lower() == "mcp" and server and tool:
        return f"mcp__{server}__{tool}"
    return f"mcp__cursor__{name}"


def call_id(data: Mapping[str, Any], tool: str, tool_input: Mapping[str, Any]) -> str:
    """An id for one tool call, the same in its before- and after-event (Cursor gives none): the conversation, the
    generation, the tool and its arguments (the ones both events carry). Two identical calls in one generation
    share it; the later decision is the one found."""
    key = {"command": tool_input.get("command")} if tool == "Bash" else tool_input
    text = json.dumps(
        [data.get("conversation_id"), data.get("generation_id"), tool, key],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return "cursor-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _arguments(value: Any, event: str) -> dict[str, Any]:
    """An MCP call's arguments: an object, or the JSON text of one (an empty text: none)."""
    if isinstance(value, str):
        value = load_json(value, f"{event} hook input's 'tool_input'") if value.strip() else {}
    if not isinstance(value, dict):
        raise DataError(f"{event} hook input's 'tool_input' must be an object or the JSON text of one")
    return value


def _result(value: Any) -> Any:
    """An MCP call's result: its JSON read where it is JSON (so that its keys are not taken for text), else as it
    came."""
    if isinstance(value, str) and value.strip():
        try:
            return load_json(value, "afterMCPExecution hook input's 'result_json'")
        except DataError:
            return value
    return value


def _path(data: Mapping[str, Any], event: str) -> str:
    path = _required_str(data, "file_path", event)
    if not path or "\x00" in path:
        raise DataError(f"{event} hook input's 'file_path' must name a file")
    return path


def _required_str(data: Mapping[str, Any], key: str, event: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise DataError(f"{event} hook input has no '{key}' (a string)")
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise DataError(f"hook input's '{key}' must be a string")
    return value or None


def _workspace_root(roots: Any) -> str | None:
    """The first workspace root (Cursor's project folder): where a call runs when the input says nothing else."""
    if roots is None:
        return None
    if not isinstance(roots, list) or not all(isinstance(r, str) and r and "\x00" not in r for r in roots):
        raise DataError("hook input's 'workspace_roots' must be a list of folders")
    return roots[0] if roots else None


def _shell_directory(root: str | None, cwd: Any) -> str | None:
    """Where a shell command runs: its `cwd` (relative to the workspace root, or absolute), or the root when Cursor
    leaves it empty."""
    if cwd is None or cwd == "":
        return root
    if not isinstance(cwd, str) or "\x00" in cwd:
        raise DataError("beforeShellExecution hook input's 'cwd' must be a string")
    return posixpath.normpath(posixpath.join(root or "/", cwd))


def before_answer(summary: str, decision: str, *, on_allow: str, granted: bool) -> tuple[str, str | None, int]:
    """Cursor's answer to a before-event: stdout's JSON, the reason for stderr, the exit code. An allow with
    `hook.on_allow: defer` says nothing (`{}`), leaving Cursor's own rules in charge; anything but an allow is a
    deny and exit 2."""
    if decision == "allow":
        if on_allow == "defer" and not granted:
            return "{}", None, 0
        return json.dumps({"permission": "allow"}), None, 0
    if decision == "ask":
        summary += (
            " (Cursor's hooks cannot be relied on to ask a person, so Lighthouse blocks what it would ask about: a "
            "person can run it, or allow it through `lighthouse approvals` with approvals.enabled)"
        )
    out, err, code = blocked(CLIENT, f"Lighthouse blocked this call: {summary}")
    return out.decode("utf-8").rstrip("\n"), err.decode("utf-8", "replace").rstrip("\n"), code
