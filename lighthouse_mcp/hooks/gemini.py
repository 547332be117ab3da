"""Gemini CLI hooks: its hook input mapped onto the request Claude Code's hooks make, and the answer in its terms.

Written against Gemini CLI's hooks reference and overview (google-gemini/gemini-cli `docs/hooks/reference.md` at
06c0d81, `docs/hooks/index.md` at 0ac0c14; geminicli.com/docs/hooks, read 2026-12-06). What this module relies on:

- BeforeTool and AfterTool carry `tool_name`, `tool_input`, `session_id`, `cwd`, and AfterTool `tool_response`
  (`llmContent`, `returnDisplay`, `error`); there is no id that ties one call's two events together.
- Exit 0 with JSON on stdout is an answer; exit 2 blocks, with stderr as the reason; any other exit code is a
  warning and the call runs. So every refusal here is exit 2, never anything else.
- BeforeTool's `decision: deny` blocks the tool and sends `reason` to the agent. The reference documents no way for
  a hook to have a person asked: what Lighthouse would ask about is blocked, unless a person approves it through
  Lighthouse's own approvals (`approvals.enabled`) while the hook waits.
- AfterTool's `decision: deny` hides the tool's output from the agent and sends `reason` instead;
  `hookSpecificOutput.additionalContext` is appended to the output.

Gemini CLI's tools are mapped onto Claude Code's where they do the same thing, so one set of rules judges both;
a tool with no counterpart keeps its own name (and is judged as any tool Lighthouse does not know).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.hooks.claude import SCANNED_TOOLS, HookInput, tool_call

CLIENT = "gemini-cli"
# Gemini CLI's tool events, by the pipeline's names for them.
TOOL_EVENTS = {"BeforeTool": "PreToolUse", "AfterTool": "PostToolUse"}
# Its other events: answered with nothing to say (exit 0), so that wiring the hook to one is harmless.
QUIET_EVENTS = frozenset(
    {
        "SessionStart",
        "SessionEnd",
        "BeforeAgent",
        "AfterAgent",
        "BeforeModel",
        "AfterModel",
        "BeforeToolSelection",
        "PreCompress",
        "Notification",
    }
)
# Gemini CLI's tool → (Claude Code's tool, {Claude Code's argument: Gemini CLI's arguments, first present wins}).
TOOLS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "run_shell_command": ("Bash", {"command": ("command",)}),
    "write_file": ("Write", {"file_path": ("file_path",), "content": ("content",)}),
    "replace": ("Edit", {"file_path": ("file_path",), "old_string": ("old_string",), "new_string": ("new_string",)}),
    "read_file": ("Read", {"file_path": ("file_path", "absolute_path")}),
    "list_directory": ("LS", {"path": ("path", "dir_path")}),
    "glob": ("Glob", {"path": ("path", "dir_path"), "pattern": ("pattern",)}),
    "search_file_content": ("Grep", {"path": ("path", "dir_path"), "pattern": ("pattern",)}),
    "grep_search": ("Grep", {"path": ("path", "dir_path"), "pattern": ("pattern",)}),
    "google_web_search": ("WebSearch", {"query": ("query",)}),
}
# Tools with no Claude Code counterpart whose output is text from outside the agent.
SCANNED = SCANNED_TOOLS | {"web_fetch", "read_many_files", "delegate_to_agent"}


def speaks(event: Any) -> bool:
    """Whether `event` is one of Gemini CLI's hook events."""
    return event in TOOL_EVENTS or event in QUIET_EVENTS


def hook_input_from(data: Mapping[str, Any]) -> HookInput:
    """Gemini CLI's hook input (the object `claude.load_hook_json` read) as the pipeline's: its tool events under
    Claude Code's names, its tools mapped, a shell command's `directory` joined to the working directory."""
    event = data["hook_event_name"]
    session = _str(data.get("session_id"))
    cwd = _str(data.get("cwd"))
    if event not in TOOL_EVENTS:
        return HookInput(event, session, cwd, None, {}, None, None, data, client=CLIENT)
    tool, tool_input = tool_call(event, data)
    name, mapped = map_tool(tool, tool_input)
    if tool == "run_shell_command":
        cwd = _shell_directory(cwd, tool_input.get("directory"))
    return HookInput(
        event=TOOL_EVENTS[event],
        session=session,
        cwd=cwd,
        tool=name,
        tool_input=mapped,
        tool_use_id=call_id(session, tool, tool_input),
        tool_response=_response(data.get("tool_response")),
        raw=data,
        client=CLIENT,
        agent_tool=tool if name != tool else None,
    )


def map_tool(tool: str, tool_input: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Claude Code's tool and arguments for one of Gemini CLI's tool calls (its own arguments are kept beside)."""
    if tool not in TOOLS:
        return tool, dict(tool_input)
    name, arguments = TOOLS[tool]
    mapped = dict(tool_input)
    for key, sources in arguments.items():
        for source in sources:
            if source in tool_input:
                mapped[key] = tool_input[source]
                break
    return name, mapped


def call_id(session: str | None, tool: str, tool_input: Mapping[str, Any]) -> str:
    """An id for one tool call, the same in its BeforeTool and AfterTool (Gemini CLI gives none): the session, the
    tool and its arguments. Two identical calls in one session share it; the later decision is the one found."""
    text = json.dumps([session, tool, tool_input], sort_keys=True, ensure_ascii=False, default=str)
    return "gemini-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _shell_directory(cwd: str | None, directory: Any) -> str | None:
    """Where run_shell_command runs: its `directory` (relative to the project, or absolute) under `cwd`."""
    if directory is None or directory == "":
        return cwd
    if not isinstance(directory, str) or "\x00" in directory:
        raise DataError("run_shell_command's 'directory' must be a string")
    return posixpath.normpath(posixpath.join(cwd or "/", directory))


def _response(value: Any) -> Any:
    """What the agent reads of a tool's result: `llmContent` and any `error` (not `returnDisplay`, shown only to
    the person)."""
    if isinstance(value, Mapping) and ("llmContent" in value or "error" in value):
        return [value.get("llmContent"), value.get("error")]
    return value


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def before_tool_answer(summary: str, decision: str, *, on_allow: str, granted: bool) -> tuple[str | None, str | None]:
    """Gemini CLI's answer to BeforeTool: stdout's JSON and, for a block, the reason for stderr (exit 2). An allow
    with `hook.on_allow: defer` says nothing, leaving Gemini CLI's own confirmation in charge."""
    if decision == "allow":
        if on_allow == "defer" and not granted:
            return "{}", None
        return json.dumps({"decision": "allow", "reason": f"Lighthouse: {summary}"}, ensure_ascii=False), None
    if decision == "ask":
        summary += (
            " (Gemini CLI's hooks cannot ask a person, so Lighthouse blocks what it would ask about: a person can "
            "run it, or allow it through `lighthouse approvals` with approvals.enabled)"
        )
    answer = json.dumps({"decision": "deny", "reason": f"Lighthouse: {summary}"}, ensure_ascii=False)
    return answer, f"Lighthouse blocked this call: {summary}"


def after_tool_answer(context: str | None, *, hide: bool, summary: str) -> dict[str, Any] | None:
    """Gemini CLI's answer to AfterTool: the scan's findings appended to the output; at high risk the output is
    hidden from the agent (`decision: deny`), which reads the findings instead."""
    if context is None:
        return None
    output: dict[str, Any] = {"hookSpecificOutput": {"hookEventName": "AfterTool", "additionalContext": context}}
    if hide:
        output["decision"] = "deny"
        output["reason"] = f"Lighthouse withheld this tool's output: {summary}\n{context}"[:4000]
    return output
