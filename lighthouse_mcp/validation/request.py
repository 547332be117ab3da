"""A validation request: which tool, with what input, where, on behalf of whom. Input is checked here once."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.validation.facts import (
    Access,
    Facts,
    code_written,
    facts_from_code,
    facts_from_command,
    facts_from_sql,
    sql_command,
)
from lighthouse_mcp.validation.files import Context, PathFact, classify
from lighthouse_mcp.validation.lazy import LazyPattern
from lighthouse_mcp.validation.patch import MAX_OPERATIONS as MAX_PATCH_FILES
from lighthouse_mcp.validation.patch import read_patch
from lighthouse_mcp.validation.secrets import holds_credentials, mask_secrets, mask_value

if TYPE_CHECKING:
    from lighthouse_mcp.validation.content import Runnable

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
        "apply_patch",  # Codex CLI's file edits: a patch that adds, updates, moves and deletes files
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
    "apply_patch": ("command",),
}
_WRITE_TOOLS = {"Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path", "NotebookEdit": "notebook_path"}
_READ_TOOLS = {"Read": "file_path", "NotebookRead": "notebook_path", "Glob": "path", "Grep": "path", "LS": "path"}
MAX_INPUT_BYTES = 16 * 1024 * 1024
KEPT_CONTENT_BYTES = 1024 * 1024  # the input of a file write a decision event keeps (in the blob table), at most


@dataclass(frozen=True)
class Request:
    """One tool call to decide: the tool and its input, where it runs, and who asks."""

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

    def facts_key(self) -> tuple[Any, ...]:
        """What the request's facts depend on: the call and where it is made, not who makes it."""
        command = self.command
        body = (
            command
            if command is not None and len(self.input) == 1
            else json.dumps(self.input, sort_keys=True, default=str)
        )
        return (self.tool, body, self.cwd, self.project, self.home, self.guard, self.code)

    def cache_key(self) -> tuple[Any, ...]:
        claims = json.dumps(self.claims, sort_keys=True, default=str) if self.claims else ""
        return (*self.facts_key(), self.agent, self.role, claims)

    def summary(self) -> dict[str, Any]:
        """What an event records about the request: the command or path, never file contents."""
        out: dict[str, Any] = {"tool": self.tool, "cwd": self.cwd}
        if self.command is not None:
            command = self.command if len(self.command) <= 4096 else self.command[:4096] + "…"
            out["command"] = mask_secrets(command)  # the audit log never keeps a secret in clear
        elif self.path is not None:
            out["path"] = self.path
        elif self.tool == "apply_patch" and isinstance(self.input.get("command"), str):
            out["paths"] = [mask_secrets(p[:1024]) for p in read_patch(self.input["command"]).paths()[:50]]
        if self.tool == "WebFetch":
            out["url"] = mask_secrets(str(self.input.get("url"))[:2048])
        content = self.input.get("content") if self.tool == "Write" else None
        if isinstance(content, str):
            out["content_sha256"] = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
            out["content_bytes"] = len(content.encode("utf-8", "surrogatepass"))
        return out

    def recorded(self, *, max_input_bytes: int, secret_files: bool) -> Recorded:
        """What a decision event keeps of the request beyond `summary`, so that it can be decided again (`policy
        replay`): where it was made, the role, the claims held, and the input with every secret masked (`"masked":
        true` when one was). The input of a tool that writes a file is file contents: it goes to the blob table,
        named by its digest (`input_blob`), as `file.changed` keeps contents. The input is `withheld` (and why) when
        it is the content written to a secret-class file (kept by digest only, unless `secret_files`), when it is
        larger than `max_input_bytes` (KEPT_CONTENT_BYTES for file contents), or when it is not JSON."""
        out: dict[str, Any] = {"project": self.project, "home": self.home, "role": self.role}
        if self.claims:
            out["claims"] = [dict(c) for c in self.claims]
        path = self.path if self.tool in _WRITE_TOOLS else None
        if path is not None and not secret_files and "secret" in classify(path, self.context()).classes:
            return Recorded({**out, "withheld": "the content of a secret-class file (store.secret_file_contents)"})
        try:
            masked = mask_value(self.input)
            text = json.dumps(masked, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
            data = text.encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:  # a lone surrogate, NaN: the store could not keep it
            return Recorded({**out, "withheld": f"not storable as JSON: {exc}"[:200]})
        if masked != self.input:
            out["masked"] = True
        limit = KEPT_CONTENT_BYTES if path is not None else max_input_bytes
        if len(data) > limit:
            return Recorded({**out, "withheld": f"larger than the {limit} bytes kept", "input_bytes": len(data)})
        if path is None:
            return Recorded({**out, "input": masked})
        return Recorded({**out, "input_blob": hashlib.sha256(data).hexdigest()}, data)


@dataclass(frozen=True)
class Recorded:
    """What a decision event keeps of its request (`request` in its payload), and the bytes to store in the blob
    table first when the input is kept there (`input_blob`)."""

    record: dict[str, Any]
    blob: bytes | None = None


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
    """Facts of a request: a shell command's, or what another tool call reads, writes, fetches and runs."""
    ctx = request.context()
    if request.tool == "Bash":
        return facts_from_command(request.command or "", ctx, max_bytes=max_command_bytes)
    facts = Facts(request.tool)
    path = request.path
    if path is not None:
        access = "write" if request.tool in _WRITE_TOOLS else "read"
        fact = classify(path, ctx)
        facts.accesses.append(Access(fact, access, request.tool))
        if request.tool in _WRITE_TOOLS:
            _judge_written(facts, request, fact, ctx, _written_text(request))
    if request.tool == "WebFetch":
        _judge_url(facts, str(request.input.get("url")), ctx)
    if request.tool == "apply_patch":
        _judge_patch(facts, request, str(request.input.get("command")), ctx)
    if request.tool.startswith("mcp__") and not request.tool.startswith("mcp__lighthouse__"):
        _judge_arguments(facts, request, ctx, max_command_bytes)
    return facts


def _judge_url(facts: Facts, url: str, ctx: Context) -> None:
    """A URL a tool fetches: its host as it would be reached, a `file:` URL as the file it reads, and what its
    query carries (a secret, encoded data)."""
    from lighthouse_mcp.validation.links import canonical_url, url_payload  # not for the hook's Bash calls

    canonical = canonical_url(url)
    if canonical not in facts.urls:
        facts.urls.append(canonical)
    if canonical.lower().startswith("file:"):
        local = unquote(urlsplit(canonical).path) or "/"
        facts.accesses.append(Access(classify(local, ctx), "read", facts.tool))
        facts.flow("local-file-url", f"{facts.tool} reads {local} through a file: URL")
        return
    carried = url_payload(canonical)
    if carried is None:
        return
    how, secret = carried
    host = urlsplit(canonical).hostname
    facts.flow("secret-in-url" if secret else "data-in-url", f"the URL sends {how} to {host}")


def _written_text(request: Request) -> str | None:
    """What a write tool call puts in its file: the whole content, or the new text of each edit."""
    tool_input = request.input
    if request.tool == "Write":
        value = tool_input.get("content")
    elif request.tool == "Edit":
        value = tool_input.get("new_string")
    elif request.tool == "MultiEdit":
        edits = tool_input.get("edits")
        value = "\n".join(
            str(e.get("new_string")) for e in (edits if isinstance(edits, list) else []) if isinstance(e, Mapping)
        )
    else:
        value = None
    return value if isinstance(value, str) else None


def _judge_patch(facts: Facts, request: Request, text: str, ctx: Context) -> None:
    """A patch (Codex CLI's `apply_patch`): each file it writes as a write tool's, with the text it puts there;
    each file it deletes, or moves away, as deleted."""
    patch = read_patch(text)
    for path, written in patch.written():
        fact = classify(path, ctx)
        facts.accesses.append(Access(fact, "write", request.tool))
        _judge_written(facts, request, fact, ctx, written)
    for path in patch.removed():
        facts.accesses.append(Access(classify(path, ctx), "delete", request.tool))
    if patch.too_many:
        facts.problems.setdefault("too-many", f"the patch changes more than {MAX_PATCH_FILES} files")


def _judge_written(facts: Facts, request: Request, written_to: PathFact, ctx: Context, text: str | None) -> None:
    """The code a write tool puts where something will run it (`text`, or a notebook cell)."""
    from lighthouse_mcp.validation.content import notebook_cell, runnable_code  # only writes need these

    if request.tool == "NotebookEdit":
        source = request.input.get("new_source")
        pieces = notebook_cell(request.input.get("cell_type"), source) if isinstance(source, str) else []
    else:
        pieces = runnable_code(written_to.raw, text) if text is not None else []
        pieces += _edited_pieces(request, written_to)
    code_written(facts, written_to, ctx, pieces)


def _edited_pieces(request: Request, written_to: PathFact) -> list[Runnable]:
    """For an edit of a file read piece by piece (git's settings, a Makefile, a manifest, a pipeline), the pieces
    the file will hold that it does not hold now, read in the whole file as it will be: a new line alone has no
    section, target or job around it (`\tfsmonitor = …` under `[core]`)."""
    from lighthouse_mcp.validation.content import read_in_pieces, runnable_code
    from lighthouse_mcp.validation.run_files import read_on_disk

    if request.tool not in ("Edit", "MultiEdit") or not read_in_pieces(written_to.path):
        return []
    before, _ = read_on_disk(written_to.path)
    after = _edited(before, request.input) if before is not None else None
    if after is None:
        return []
    kept = {p.source for p in runnable_code(written_to.raw, before or "")}
    return [p for p in runnable_code(written_to.raw, after) if p.source not in kept]


def _edited(text: str, tool_input: Mapping[str, object]) -> str | None:
    """`text` after an Edit's or a MultiEdit's replacements, in order; None when one does not apply."""
    edits = tool_input.get("edits") if "edits" in tool_input else [tool_input]
    for edit in edits if isinstance(edits, list) else []:
        if not isinstance(edit, Mapping):
            return None
        old, new = edit.get("old_string"), edit.get("new_string")
        if not isinstance(old, str) or not isinstance(new, str) or not old or old not in text:
            return None
        text = text.replace(old, new) if edit.get("replace_all") is True else text.replace(old, new, 1)
    return text


# Another MCP server's tool: arguments that hold a shell command or SQL are judged as such.
_SHELL_KEYS = LazyPattern(
    r"(?:^|[._])(?:command|commands|cmd|cmdline|command_line|commandline|script|shell|bash|sh|shell_command|run|exec"
    r"|entrypoint)$",
    re.I,
)
# A list of command lines, one an item (`{"commands": ["make", "make test"]}`); a list under a singular key is one
# command's words (`_argv_commands`).
_COMMAND_LINES = LazyPattern(r"(?:^|[._])(?:commands|cmds|scripts|shell_commands|steps|run)(?:\.\d+)+$", re.I)
_SQL_KEYS = LazyPattern(r"(?:^|[._])(?:sql|query|queries|statement|statements|stmt)$", re.I)
_ONLY_SQL_KEYS = LazyPattern(r"(?:^|[._])(?:sql|sql_query|statement|statements|stmt)$", re.I)  # nothing but SQL
_SQL = LazyPattern(
    r"(?is)(?:^|;)(?:\s|/\*.*?\*/|--[^\n]*(?:\n|$)|\()*(?:select|insert|update|delete|drop|truncate|alter|create"
    r"|grant|revoke|with|merge|replace|copy|vacuum|attach|detach|pragma|rename|comment|call|exec|execute|begin"
    r"|commit|do|load|set|show|explain|lock|prepare|declare|install|refresh|reindex|cluster|checkpoint|discard|reset"
    r"|listen|notify|deallocate|rollback|savepoint|release|unload|import|export|use|analyze|analyse|handler)\b"
)  # a statement's first word, after any comments
_DATABASE_TOOL = LazyPattern(
    r"sql|postgres|(?:^|_)(?:pg|db|database|databases|duckdb|clickhouse|snowflake|bigquery|supabase|neon|cockroach"
    r"|cockroachdb|redshift|oracle|turso|libsql|mariadb)(?:_|$)",
    re.I,
)  # a tool of a database server (its server's name or its own): any argument of it that reads as SQL is SQL
_DELETE_TOOL = LazyPattern(r"(?:^|_)(?:delete|remove|rm|rmdir|unlink|purge|wipe|destroy|erase|trash)(?:_|$)", re.I)
_MOVE_TOOL = LazyPattern(r"(?:^|_)(?:move|mv|rename)(?:_|$)", re.I)
_SOURCE_KEY = LazyPattern(r"(?:^|[._])(?:source|src|from|old_path|path|source_path)$", re.I)
_DEST_KEY = LazyPattern(r"(?:^|[._])(?:destination|dest|dst|to|target|new_path|destination_path|target_path)$", re.I)
_RECURSIVE = LazyPattern(r"(?:^|_)(?:dir|directory|folder|tree|recursive|rmdir)(?:_|$)", re.I)
_NETWORK_TOOL = LazyPattern(r"(?:^|_)(?:post|put|send|upload|request|http|fetch|webhook|publish|notify)(?:_|$)", re.I)


def _judge_arguments(facts: Facts, request: Request, ctx: Context, max_command_bytes: int) -> None:
    verb = request.tool.rsplit("__", 1)[-1]
    access = "read" if _READ_ONLY_TOOL.search(verb) else "write"
    strings, mappings, beyond = _strings(request.input)
    if beyond is not None:  # what is past the limits is not known, and may be anything
        facts.problems.setdefault(beyond[0], f"the arguments of {request.tool} {beyond[1]}; not all were read")
    code_keys = _judge_code(facts, request, verb, strings, ctx, max_command_bytes)
    sends = _NETWORK_TOOL.search(verb) is not None or any(_URL.match(v) for _, v in strings)
    spawns = _SPAWNS.search(_CAMEL.sub("_", verb)) is not None
    for line in _argv_commands(mappings, spawns):  # {"cmd": ["rm", "-rf", "/x"]}, {"program": "rm", "args": […]}
        _merge(facts, facts_from_command(line, ctx, max_bytes=max_command_bytes), request.tool)
    if not _READ_ONLY_TOOL.search(verb):
        _judge_files_written(facts, request, ctx, mappings)
    database = _DATABASE_TOOL.search(request.tool.removeprefix("mcp__")) is not None
    for key, value in strings:
        if _ONLY_SQL_KEYS.search(key) or ((database or _SQL_KEYS.search(key)) and _SQL.search(value)):
            facts.commands.append(sql_command(value, request.tool))  # judged as `psql -c` judges it
            _merge(facts, facts_from_sql(value, ctx, max_bytes=max_command_bytes), request.tool)
        if key in code_keys:
            continue  # judged as code above
        if _URL.match(value):
            _judge_url(facts, value, ctx)
        elif _SHELL_KEYS.search(key) or _COMMAND_LINES.search(key):
            _merge(facts, facts_from_command(value, ctx, max_bytes=max_command_bytes), request.tool)
        elif _PATH_KEY.search(key) or _GUARDED_WORDS.search(value):
            if _DELETE_TOOL.search(verb):  # judged as the command that would do the same
                recursive = _RECURSIVE.search(verb) or request.input.get("recursive") is True
                command = ["rm", *(["-r"] if recursive else []), "-f", "--", value]
                _merge(facts, facts_from_command(shlex.join(command), ctx), request.tool)
            elif not (_MOVE_TOOL.search(verb) and (_SOURCE_KEY.search(key) or _DEST_KEY.search(key))):
                facts.accesses.append(Access(classify(value, ctx), access, request.tool))
        elif sends and value.startswith(("/", "~", "./", "../")) and "secret" in classify(value, ctx).classes:
            facts.accesses.append(Access(classify(value, ctx), "read", request.tool))  # an attachment, any key
            facts.flow("secret-to-network", f"{request.tool} sends {value} ({key})")
        if sends and holds_credentials(value):
            facts.flow("secret-to-network", f"an argument of {request.tool} ({key}) holds a secret")
    if access == "write":
        _written_by_tool(facts, request, ctx, strings)
    if _MOVE_TOOL.search(verb):
        source = next((v for k, v in strings if _SOURCE_KEY.search(k) and not _URL.match(v)), None)
        target = next((v for k, v in strings if _DEST_KEY.search(k) and not _URL.match(v)), None)
        if source is not None and target is not None:
            _merge(facts, facts_from_command(shlex.join(["mv", "--", source, target]), ctx), request.tool)


_CONTENT_KEYS = ("content", "contents", "text", "data", "body")


def _written_by_tool(facts: Facts, request: Request, ctx: Context, strings: list[tuple[str, str]]) -> None:
    """A file another tool writes with the text it is given (`write_file {path, content}`): its code judged as a
    write tool's would be (a Makefile's recipes, a package's scripts)."""
    path = next((v for k, v in strings if _PATH_KEY.search(k) and not _URL.match(v)), None)
    text = next((request.input[k] for k in _CONTENT_KEYS if isinstance(request.input.get(k), str)), None)
    if path is not None and text is not None:
        _judge_written(facts, request, classify(path, ctx), ctx, text)


def _merge(facts: Facts, inner: Facts, tool: str) -> None:
    """A command another tool runs, as if it had been given to the shell."""
    for command in inner.commands:
        command.via = (tool, *command.via)
        facts.commands.append(command)
    for kind, detail in inner.flows.items():
        facts.flow(kind, detail)
    facts.accesses += inner.accesses
    facts.urls += [u for u in inner.urls if u not in facts.urls]
    for kind, detail in inner.problems.items():
        facts.problems.setdefault(kind, detail)


# Another MCP server's tool: its string arguments that name paths are judged like a file tool's, written unless the
# tool's name says it only reads; and any argument naming Lighthouse's or the agents' own files, whatever its key.
_READ_ONLY_TOOL = LazyPattern(
    r"^(?:read|get|list|search|find|view|show|stat|cat|fetch|query|describe|info|head|tail|count|exists|glob|grep"
    r"|lookup|inspect|browse|preview|download_info)(?:_|$)|_(?:info|list|search)$",
    re.I,
)
_PATH_KEY = LazyPattern(r"(?:^|[._])(?:path|paths|file|files|filename|file_path|dir|directory|folder|source|src"
                       r"|destination|dest|dst|target|location|cwd|root)(?:$|[._\[])", re.I)  # fmt: skip
_GUARDED_WORDS = LazyPattern(r"\.lighthouse(?:/|$)|\.claude(?:/|\.json)|\.mcp\.json|approvals/pending|secret\.key")
_URL = LazyPattern(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_MAX_ARGUMENTS = 5000  # strings of another tool's arguments read; past these, or too deep, the rest is not known


def _argv_commands(mappings: list[Mapping[Any, Any]], spawns: bool) -> list[str]:
    """Commands another tool is given as a list of words, under a command key (`{"cmd": ["rm", "-rf", "/x"]}`), or
    as a command word with its arguments beside it, a list or a string (`{"command": "rm", "args": ["-rf", "/x"]}`,
    `{"program": "rm", "arguments": […]}`, `{"exe": "/bin/rm", "params": "-rf /x"}`), in any object of its
    arguments. A key that names a file as often as a program (`file`, `path`) counts only for a tool whose name says
    it runs or starts something (`spawns`); a word under a program key must be one word (code is not a command)."""
    found = []
    for arguments in mappings:
        keys = [k for k in arguments if isinstance(k, str)]
        extra: Any = next((arguments[k] for k in _ARGV_KEYS if isinstance(arguments.get(k), (list, str))), None)
        for key, value in list(arguments.items())[:_MAX_ARGUMENTS]:
            if not isinstance(key, str):
                continue
            if _SHELL_KEYS.search(key) and isinstance(value, str) and isinstance(extra, str):
                found.append(f"{value} {extra}")  # `{"cmd": "rm", "args": "-rf /x"}`
                continue
            if _SHELL_KEYS.search(key):
                words = value if isinstance(value, list) else [value] if isinstance(value, str) else None
                if words is None or (isinstance(value, str) and not isinstance(extra, list)):
                    continue  # a plain command string is judged as one, with the other strings
                argv = [*words, *(extra or [])]
            elif key == "argv" and spawns and isinstance(value, list) and not any(map(_PROGRAM_KEYS.fullmatch, keys)):
                argv = value  # a whole argument vector, its program first
            elif (_PROGRAM_KEYS.fullmatch(key) or (spawns and _FILE_PROGRAM_KEYS.fullmatch(key))) and extra is not None:
                if not isinstance(value, str) or not _COMMAND_WORD.fullmatch(value):
                    continue
                if isinstance(extra, str):
                    found.append(f"{shlex.quote(value)} {extra}")
                    continue
                argv = [value, *extra]
            else:
                continue
            if argv and all(isinstance(w, (str, int, float)) for w in argv):
                found.append(shlex.join(str(w) for w in argv))
    return found


_ARGV_KEYS = (
    "args", "arguments", "argv", "params", "parameters", "options", "command_args", "cmd_args", "arg_list",
    "arglist", "argument_list", "program_args", "program_arguments", "commandArgs", "argList",
)  # fmt: skip
_PROGRAM_KEYS = LazyPattern(
    r"program|prog|program_name|programName|exe|executable|executable_path|executablePath|binary|binary_path|bin"
    r"|command_name|commandName|cmd_name|cmdName",
    re.I,
)
_FILE_PROGRAM_KEYS = LazyPattern(r"file|file_path|filePath|path|script|target", re.I)
_SPAWNS = LazyPattern(
    r"(?:^|_)(?:run|exec|execute|spawn|start|launch|invoke|process|shell|cmd|command|popen|fork|system)(?:_|$)", re.I
)
_COMMAND_WORD = LazyPattern(r"[\w./+~-][\w./+:~@=-]*")


_MAX_NESTING = 32


_MAX_JSON_NESTING = 4  # JSON text inside JSON text inside an argument, read this deep; deeper is not known


def _strings(
    arguments: Any,
) -> tuple[list[tuple[str, str]], list[Mapping[Any, Any]], tuple[str, str] | None]:
    """(dotted key, string) for the string values of an argument object, of any length (a long command is judged
    as too large to read, never skipped); the objects in it, itself first; and, when there are more than
    `_MAX_ARGUMENTS` or they nest deeper than `_MAX_NESTING`, the problem that makes the rest unknown (those past
    the limits are not read). A string that is JSON text of an object or a list (`"{\\"command\\": …}"`) is read as
    well, as if its value stood there (to `_MAX_JSON_NESTING` levels of JSON in JSON)."""
    found: list[tuple[str, str]] = []
    mappings: list[Mapping[Any, Any]] = []
    beyond: list[tuple[str, str]] = []

    def walk(value: Any, key: str, depth: int, texts: int) -> None:
        if beyond:
            return
        if isinstance(value, str):
            if len(found) == _MAX_ARGUMENTS:
                beyond.append(("too-many", f"hold more than {_MAX_ARGUMENTS} strings"))
            elif value:
                found.append((key, value))
                parsed = _json_text(value)
                if parsed is not None and texts >= _MAX_JSON_NESTING:
                    beyond.append(("too-deep", f"hold JSON text in JSON text deeper than {_MAX_JSON_NESTING} levels"))
                elif parsed is not None:
                    walk(parsed, key, depth + 1, texts + 1)
            return
        if depth > _MAX_NESTING:
            beyond.append(("too-deep", f"nest deeper than {_MAX_NESTING} levels"))
            return
        if isinstance(value, Mapping) and len(mappings) < _MAX_ARGUMENTS:
            mappings.append(value)
        items = value.items() if isinstance(value, Mapping) else enumerate(value) if isinstance(value, list) else ()
        for name, item in items:
            walk(item, f"{key}.{name}" if key else str(name), depth + 1, texts)

    walk(arguments, "", 0, 0)
    return found, mappings, beyond[0] if beyond else None


def _json_text(value: str) -> Any:
    """The object or list a string holds as JSON text, or None."""
    text = value.strip()
    if len(text) < 2 or (text[0], text[-1]) not in (("{", "}"), ("[", "]")):
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, (dict, list)) and parsed else None


# Files another tool writes: an object with a path and the text put there (`{"path", "content"}`, a list of them
# under `files`, an edit's new text), judged as the Write tool's writes are. A tool given a repository of a forge
# (`owner`/`repo`) writes there: its paths are the repository's, judged by what the code would run, not as local.
_WRITTEN_PATH_KEYS = ("path", "file_path", "filepath", "filePath", "filename", "file_name", "file")
_WRITTEN_TEXT_KEYS = ("content", "contents", "file_content", "fileContent", "new_content", "newContent", "text",
                      "body", "data", "new_string", "newText", "new_text", "newString", "replacement")  # fmt: skip
_REMOTE_KEYS = ("owner", "repo", "repository", "repo_name", "repo_url", "project_id", "full_name")
_FORGE_TOOL = LazyPattern(r"^mcp__[^_]*(?:github|gitlab|bitbucket|gitea|forgejo|codeberg)", re.I)


def _judge_files_written(facts: Facts, request: Request, ctx: Context, mappings: list[Mapping[Any, Any]]) -> None:
    remote = _FORGE_TOOL.search(request.tool) is not None or any(
        isinstance(request.input.get(k), (str, int)) for k in _REMOTE_KEYS
    )
    for mapping in mappings:
        path = next((v for k in _WRITTEN_PATH_KEYS if isinstance(v := mapping.get(k), str) and v.strip()), None)
        if path is None:
            continue
        texts = [v for k in _WRITTEN_TEXT_KEYS if isinstance(v := mapping.get(k), str)]
        for value in mapping.values():  # `{"path": …, "edits": [{"oldText": …, "newText": …}]}`
            for item in value if isinstance(value, list) else []:
                if isinstance(item, Mapping):
                    texts += [v for k in _WRITTEN_TEXT_KEYS if isinstance(v := item.get(k), str)]
        if not texts:
            continue
        if remote:  # where it would run: a checkout of the repository, as this project is one
            where = posixpath.normpath(posixpath.join(ctx.project, path.lstrip("/")))
            written_to = PathFact(path, where)
        else:
            written_to = classify(path, ctx)
        _judge_written(facts, request, written_to, ctx, "\n".join(texts))


# A tool that runs code it is given (`execute_code`, `run`, `eval`): the arguments that hold the code, the one that
# names its language, and the languages a name may say.
_RUNS_CODE = LazyPattern(
    r"(?:^|_)(?:execute|exec|run|eval|evaluate|interpret|repl|kernel|notebook|python|javascript|js|node)(?:_|$)", re.I
)
_CODE_KEYS = LazyPattern(
    r"(?:^|[._])(?:code|source|source_code|sourcecode|cell|cells|program|snippet|python|python_code|javascript|js"
    r"|node|ruby|perl|php|powershell|expression|expr|eval|lines|setup|init|content|body|text|input)$",
    re.I,
)
_ONLY_CODE_KEYS = LazyPattern(
    r"(?:^|[._])(?:code|source_code|sourcecode|cell|cells|program|snippet|python|python_code|javascript|js|node"
    r"|ruby|perl|php|powershell)$",
    re.I,
)  # the keys of `_CODE_KEYS` nothing but code goes under (not `source`, `text` or `input`)
_LANGUAGE_KEYS = ("language", "lang", "kernel", "kernel_name", "runtime", "interpreter")
_LANGUAGES = {
    "python": "python", "python3": "python", "py": "python", "ipython": "python", "ipykernel": "python",
    "javascript": "javascript", "js": "javascript", "node": "javascript", "nodejs": "javascript",
    "typescript": "javascript", "ts": "javascript", "deno": "javascript", "bash": "shell", "sh": "shell",
    "shell": "shell", "zsh": "shell", "ruby": "ruby", "perl": "perl", "php": "php", "powershell": "powershell",
    "pwsh": "powershell",
}  # fmt: skip


def _judge_code(
    facts: Facts, request: Request, verb: str, strings: list[tuple[str, str]], ctx: Context, max_bytes: int
) -> frozenset[str]:
    """The code a tool that runs code is given (`execute_code`, `runCode`, `pyExec`), judged as its interpreter
    given it on the command line would run it there: under a key for code, or for a command in another language;
    the items of a list under one key are one program (a notebook cell's lines). In the language an argument or the
    tool's name says; when none says, as Python when it reads as Python (else the shell) and as JavaScript too; one
    it names that Lighthouse does not read is not known. A tool whose name says neither that it runs code nor that
    it only reads (`mcp__x__do`) may run it: what it is given under a key only code goes under is judged the same
    way, but never as shell text (a Go or SQL snippet is not a command line). The keys judged so are returned."""
    runs = _RUNS_CODE.search(_CAMEL.sub("_", verb)) is not None
    if not runs and _READ_ONLY_TOOL.search(verb):
        return frozenset()
    said, unread = _code_language(request)
    if unread is not None and runs:
        facts.problems.setdefault("unresolved", f"{request.tool} runs code in {unread[:40]}, which is not read")
    keys = _CODE_KEYS if runs else _ONLY_CODE_KEYS
    groups: dict[str, list[str]] = {}
    for key, value in strings:
        bare = _LIST_INDEX.sub("", key)
        if keys.search(bare) or (runs and _SHELL_KEYS.search(bare) and said not in (None, "shell")):
            groups.setdefault(bare, []).append(value)
    for pieces in groups.values():
        code = "\n".join(piece.rstrip("\n") for piece in pieces)
        language = said or ("python" if _reads_as_python(code) else "shell" if runs else None)
        if language is not None:
            found = facts_from_code(language, code, ctx, max_bytes=max_bytes, whole=True)
            _merge(facts, found, request.tool)
        if said is None:  # not said: what it would do as JavaScript counts too (not what JavaScript cannot parse)
            other = facts_from_code("javascript", code, ctx, max_bytes=max_bytes)
            other.problems.clear()
            _merge(facts, other, request.tool)
    return frozenset(key for key, _ in strings if _LIST_INDEX.sub("", key) in groups)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")  # `executeCode` → `execute_Code`
_LIST_INDEX = re.compile(r"(?:\.\d+)+$")  # `cells.0` → `cells`


def _code_language(request: Request) -> tuple[str | None, str | None]:
    """The language the code a tool runs is in, as an argument or the tool's name says (None: not said), and the
    name of one an argument says that Lighthouse does not read."""
    for key in _LANGUAGE_KEYS:
        said = request.input.get(key)
        if isinstance(said, str) and said.strip():
            name = said.strip().lower()
            return (_LANGUAGES[name], None) if name in _LANGUAGES else (None, name)
    words = re.split(r"[_\W]+", _CAMEL.sub("_", request.tool).lower())
    return next((_LANGUAGES[w] for w in words if w in _LANGUAGES), None), None


def _reads_as_python(code: str) -> bool:
    import ast  # only tools that run code need it

    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
