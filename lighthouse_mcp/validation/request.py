"""A validation request: which tool, with what input, where, on behalf of whom. Input is checked here once."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.validation.facts import Access, Facts, facts_from_command
from lighthouse_mcp.validation.files import Context, classify
from lighthouse_mcp.validation.secrets import mask_secrets

# Claude Code's tool names, matched case-insensitively.
KNOWN_TOOLS = {
    name.lower(): name
    for name in (
        "Bash",
        "Write",
        "Edit",
        "MultiEdit",
        "Read",
        "WebFetch",
        "WebSearch",
        "NotebookEdit",
        "NotebookRead",
        "Glob",
        "Grep",
        "LS",
        "Task",
        "TodoWrite",
        "BashOutput",
        "KillShell",
        "SlashCommand",
        "ExitPlanMode",
    )
}
_REQUIRED = {
    "Bash": ("command",),
    "Write": ("file_path", "content"),
    "Edit": ("file_path", "old_string", "new_string"),
    "MultiEdit": ("file_path", "edits"),
    "Read": ("file_path",),
    "NotebookEdit": ("notebook_path",),
    "WebFetch": ("url",),
}
_WRITE_TOOLS = {"Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path", "NotebookEdit": "notebook_path"}
_READ_TOOLS = {"Read": "file_path", "NotebookRead": "notebook_path", "Glob": "path", "Grep": "path", "LS": "path"}
MAX_INPUT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    tool: str
    input: Mapping[str, Any]
    cwd: str
    project: str
    home: str
    agent: str = "agent"
    role: str = "builder"
    claims: tuple[Mapping[str, Any], ...] = field(default=())
    guard: tuple[str, ...] = ()  # the Lighthouse home and store that guard this project (absolute paths)
    code: tuple[str, ...] = ()  # where that Lighthouse's code runs from

    @property
    def command(self) -> str | None:
        value = self.input.get("command") if self.tool == "Bash" else None
        return value if isinstance(value, str) else None

    @property
    def path(self) -> str | None:
        key = _WRITE_TOOLS.get(self.tool) or _READ_TOOLS.get(self.tool)
        value = self.input.get(key) if key else None
        return value if isinstance(value, str) else None

    def context(self) -> Context:
        return Context(self.cwd, self.project, self.home, os.environ.get("TMPDIR"), self.guard, self.code)

    def cache_key(self) -> tuple[Any, ...]:
        command = self.command
        body = (
            command
            if command is not None and len(self.input) == 1
            else json.dumps(self.input, sort_keys=True, default=str)
        )
        claims = json.dumps(self.claims, sort_keys=True, default=str) if self.claims else ""
        return (
            self.tool,
            body,
            self.cwd,
            self.project,
            self.home,
            self.agent,
            self.role,
            claims,
            self.guard,
            self.code,
        )

    def summary(self) -> dict[str, Any]:
        """What an event records about the request: the command or path, never file contents."""
        out: dict[str, Any] = {"tool": self.tool, "cwd": self.cwd}
        if self.command is not None:
            command = self.command if len(self.command) <= 4096 else self.command[:4096] + "…"
            out["command"] = mask_secrets(command)  # the audit log never keeps a secret in clear
        elif self.path is not None:
            out["path"] = self.path
        if self.tool == "WebFetch":
            out["url"] = mask_secrets(str(self.input.get("url"))[:2048])
        content = self.input.get("content") if self.tool == "Write" else None
        if isinstance(content, str):
            out["content_sha256"] = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
            out["content_bytes"] = len(content.encode("utf-8", "surrogatepass"))
        return out


def make_request(
    tool: Any,
    tool_input: Any,
    *,
    cwd: Any = None,
    project: str | None = None,
    home: str | None = None,
    agent: str = "agent",
    role: str = "builder",
    claims: tuple[Mapping[str, Any], ...] = (),
    guard: tuple[str, ...] = (),
    code: tuple[str, ...] = (),
) -> Request:
    """Check and normalise a tool call; a malformed one raises DataError naming the field."""
    if not isinstance(tool, str) or not tool.strip() or len(tool) > 256:
        raise DataError("tool_name must be a non-empty string of at most 256 characters")
    name = KNOWN_TOOLS.get(tool.strip().lower(), tool.strip())
    if not isinstance(tool_input, Mapping):
        raise DataError(f"tool_input must be an object, not {type(tool_input).__name__}")
    for key in _REQUIRED.get(name, ()):
        value = tool_input.get(key)
        if key == "edits":
            if not isinstance(value, list) or not all(isinstance(e, Mapping) for e in value):
                raise DataError(f"{name} tool_input.edits must be a list of objects")
        elif not isinstance(value, str):
            raise DataError(f"{name} tool_input.{key} must be a string")
    try:
        size = len(json.dumps(tool_input, default=str).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError) as exc:
        raise DataError(f"tool_input is not JSON: {exc}") from exc
    if size > MAX_INPUT_BYTES:
        raise DataError(f"tool_input is {size} bytes, over the limit of {MAX_INPUT_BYTES}")
    resolved_cwd = _directory("cwd", cwd if cwd is not None else os.getcwd())
    resolved_home = _directory("home", home if home is not None else os.path.expanduser("~"))
    resolved_project = _directory("project", project if project is not None else resolved_cwd)
    guarded = tuple(_directory("guard", g) for g in guard)
    return Request(
        name,
        dict(tool_input),
        resolved_cwd,
        resolved_project,
        resolved_home,
        agent,
        role,
        claims,
        guarded,
        tuple(_directory("code", c) for c in code),
    )


def _directory(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value or "\x00" in value:
        raise DataError(f"{name} must be a non-empty path")
    path: str = value if value.startswith("/") else os.path.abspath(value)
    return posixpath.normpath(path)


def facts_for(request: Request, *, max_command_bytes: int) -> Facts:
    """Facts of a request: a shell command's, or the paths and URLs of another tool call."""
    ctx = request.context()
    if request.tool == "Bash":
        return facts_from_command(request.command or "", ctx, max_bytes=max_command_bytes)
    facts = Facts(request.tool)
    path = request.path
    if path is not None:
        access = "write" if request.tool in _WRITE_TOOLS else "read"
        item = Access(classify(path, ctx), access, request.tool)
        facts.accesses.append(item)
    if request.tool == "WebFetch":
        facts.urls.append(str(request.input.get("url")))
    if request.tool == "Write" and isinstance(request.input.get("content"), str):
        facts.content = request.input["content"]
    if request.tool.startswith("mcp__") and not request.tool.startswith("mcp__lighthouse__"):
        access = "read" if _READ_ONLY_TOOL.search(request.tool.rsplit("__", 1)[-1]) else "write"
        for key, value in _strings(request.input, ""):
            if _URL.match(value):
                facts.urls.append(value)
            elif _PATH_KEY.search(key) or _GUARDED_WORDS.search(value):
                facts.accesses.append(Access(classify(value, ctx), access, request.tool))
    return facts


# Another MCP server's tool: its string arguments that name paths are judged like a file tool's, written unless the
# tool's name says it only reads; and any argument naming Lighthouse's or the agents' own files, whatever its key.
_READ_ONLY_TOOL = re.compile(
    r"^(?:read|get|list|search|find|view|show|stat|cat|fetch|query|describe|info|head|tail|count|exists|glob|grep"
    r"|lookup|inspect|browse|preview|download_info)(?:_|$)|_(?:info|list|search)$",
    re.I,
)
_PATH_KEY = re.compile(r"(?:^|[._])(?:path|paths|file|files|filename|file_path|dir|directory|folder|source|src"
                       r"|destination|dest|dst|target|location|cwd|root)(?:$|[._\[])", re.I)  # fmt: skip
_GUARDED_WORDS = re.compile(r"\.lighthouse(?:/|$)|\.claude(?:/|\.json)|\.mcp\.json|approvals/pending|secret\.key")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_MAX_ARGUMENTS = 200


def _strings(value: Any, key: str, depth: int = 0) -> list[tuple[str, str]]:
    """(dotted key, string) for the string values of an argument object, the first few hundred, not too deep."""
    if isinstance(value, str):
        return [(key, value)] if value and len(value) <= 4096 and "\x00" not in value else []
    if depth > 16:
        return []
    items = value.items() if isinstance(value, Mapping) else enumerate(value) if isinstance(value, list) else ()
    found: list[tuple[str, str]] = []
    for name, item in items:
        found += _strings(item, f"{key}.{name}" if key else str(name), depth + 1)
        if len(found) >= _MAX_ARGUMENTS:
            break
    return found[:_MAX_ARGUMENTS]
