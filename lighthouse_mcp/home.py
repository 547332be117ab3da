"""The project home, `.lighthouse/`: where it is, what it holds, and how `lighthouse init` creates it."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import DataError, HomeNotFoundError, KeyFileError, StoreError

HOME_DIR = ".lighthouse"
KEY_FILE = "secret.key"
CONFIG_FILE = "config.yaml"
KEY_BYTES = 32

_HOME_IGNORED_WHY = "what stays on this machine; config.yaml and policies/ may be committed"
HOME_IGNORED = ["secret.key", "*.db", "*.db-wal", "*.db-shm", "cache/", "anchor.json", "hook.sock", "mnt/", "*.log"]


@dataclass(frozen=True)
class ProjectHome:
    """A project's `.lighthouse/` directory and the project root that contains it."""

    path: Path

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def key_path(self) -> Path:
        return self.path / KEY_FILE

    @property
    def witness_path(self) -> Path:
        """The second anchor of this home's audit log, outside the project: in the user's state directory, named by
        the home's real path (see `events.anchor`)."""
        import hashlib  # not on the import path of every command

        named = hashlib.sha256(os.path.realpath(self.path).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return state_dir() / "anchors" / f"{named}.json"

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_FILE

    @property
    def policies_dir(self) -> Path:
        return self.path / "policies"

    @property
    def experts_dir(self) -> Path:
        return self.path / "experts"

    @property
    def suppressions_path(self) -> Path:
        return self.path / "suppressions.yaml"

    def db_path(self, configured: str) -> Path:
        """The database file: `store.path` from the config, relative to the home unless absolute."""
        path = Path(configured)
        return path if path.is_absolute() else self.path / path


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Lighthouse's directory outside every project, which the agent must not touch: `$XDG_STATE_HOME/lighthouse`,
    or `~/.local/state/lighthouse`."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_STATE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path(env.get("HOME") or os.path.expanduser("~")) / ".local" / "state"
    return base / "lighthouse"


def find_home(start: Path | None = None, env: Mapping[str, str] | None = None) -> ProjectHome | None:
    """`LIGHTHOUSE_HOME` if set, else the nearest `.lighthouse/` walking up from `start` (default: cwd)."""
    env = os.environ if env is None else env
    override = env.get("LIGHTHOUSE_HOME")
    if override:
        return ProjectHome(Path(override).expanduser().absolute())
    here = (start or Path.cwd()).absolute()
    for directory in (here, *here.parents):
        candidate = directory / HOME_DIR
        if candidate.is_dir():
            return ProjectHome(candidate)
    return None


def require_home(start: Path | None = None, env: Mapping[str, str] | None = None) -> ProjectHome:
    """Like `find_home`, but a missing home is an error that says how to create one."""
    home = find_home(start, env)
    if home is None:
        where = (start or Path.cwd()).absolute()
        raise HomeNotFoundError(
            f"no {HOME_DIR}/ found in {where} or any parent: run `lighthouse init` in the project root "
            "or set LIGHTHOUSE_HOME"
        )
    if not home.path.is_dir():
        raise HomeNotFoundError(f"LIGHTHOUSE_HOME={home.path} is not a directory: run `lighthouse init` there")
    return home


def create_home(home: ProjectHome) -> list[str]:
    """Create the home with its key, gitignore and commented config; never overwrite anything.

    Returns the paths created (empty when everything existed).
    """
    created: list[str] = []
    if not home.path.exists():
        home.path.mkdir(mode=0o700, parents=True)
        created.append(f"{home.path}/")
    elif not home.path.is_dir():
        raise DataError(f"{home.path} exists and is not a directory")
    if create_key(home.key_path):
        created.append(str(home.key_path))
    if _write_new(home.config_path, commented_config()):
        created.append(str(home.config_path))
    gitignore = home.path / ".gitignore"
    existed = gitignore.exists()
    added = ensure_ignored(
        gitignore, HOME_IGNORED, "what stays on this machine; config.yaml and policies/ may be committed"
    )
    if added:
        created.append(str(gitignore) if not existed else f"{gitignore} (now also ignoring {', '.join(added)})")
    return created


def create_key(path: Path) -> bool:
    """Write a fresh random key with mode 0600 unless one exists; True when written."""
    import secrets  # not on the hook's path

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(KEY_BYTES) + "\n")
    return True


def read_key(path: Path) -> bytes:
    """The chain key; refuses a key file that others can read or that is not 64 hex digits."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > 1024:
            raise KeyFileError(f"{path} is not the key file `lighthouse init` writes (a small regular file)")
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise KeyFileError(f"{path} is missing: run `lighthouse init` to create a key") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: cannot read the secret key: {exc}") from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path} is accessible by other users (mode {stat.S_IMODE(info.st_mode):o}): chmod 600 it")
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise DataError(f"{path}: expected {KEY_BYTES * 2} hexadecimal digits") from exc
    if len(key) != KEY_BYTES:
        raise DataError(f"{path}: expected {KEY_BYTES * 2} hexadecimal digits, found {len(text)} characters")
    return key


def commented_config() -> str:
    """The example config with every setting commented out, as a starting point for a project."""
    from lighthouse_mcp.config import example_config_text

    lines = []
    for line in example_config_text().splitlines():
        indent = len(line) - len(line.lstrip())
        setting = line.strip() and not line.lstrip().startswith("#")
        lines.append(f"{line[:indent]}# {line[indent:]}" if setting else line)
    return "\n".join(lines) + "\n"


# What `init --claude` writes into files a team commits names no path of this machine: the `lighthouse` command is
# found on PATH, or where this machine's `.claude/settings.local.json` (never committed) says with LIGHTHOUSE_BIN.
BIN_ENV = "LIGHTHOUSE_BIN"
COMMAND = "${LIGHTHOUSE_BIN:-lighthouse}"
LOCAL_SETTINGS = ".claude/settings.local.json"


def identity_env(agent: str | None = None, role: str | None = None) -> dict[str, str]:
    """The configuration variables that name the agent of one launch (the MCP server's and the hook's alike)."""
    env = {}
    if agent:
        env["LIGHTHOUSE_AGENT__NAME"] = agent
    if role:
        env["LIGHTHOUSE_AGENT__ROLE"] = role
    return env


def identity_flags(agent: str | None = None, role: str | None = None) -> str:
    """` --agent NAME --role ROLE` (each when given, quoted for a shell): the agent's identity in the hook commands
    of agents whose environment a project file may set (Gemini CLI, Codex CLI, Cursor), where a variable cannot be
    trusted to carry it."""
    import shlex

    flags = (("--agent", agent), ("--role", role))
    return "".join(f" {flag} {shlex.quote(value)}" for flag, value in flags if value)


def mcp_server_entry(agent: str | None = None, role: str | None = None) -> dict[str, Any]:
    """The `.mcp.json` entry that launches `lighthouse serve` over stdio (it finds the project home from the
    directory Claude Code starts it in)."""
    entry: dict[str, Any] = {"type": "stdio", "command": COMMAND, "args": ["serve"]}
    env = identity_env(agent, role)
    if env:
        entry["env"] = env
    return entry


def merge_mcp_json(path: Path, name: str, entry: dict[str, Any]) -> bool:
    """Add or replace server `name` in `path` (a Claude Code `.mcp.json`, or Gemini CLI's settings, which keep
    their servers under the same `mcpServers`), keeping every other server and setting.

    Returns True when the file changed. A file that is not a JSON object is left alone and reported.
    """
    document = _json_object(path)
    servers = document.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise DataError(f"{path}: 'mcpServers' must be an object; nothing was written")
    if servers.get(name) == entry:
        return False
    servers[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, json.dumps(document, indent=2) + "\n")
    return True


def _json_object(path: Path) -> dict[str, Any]:
    """A JSON settings file about to be merged into: its object, or an empty one where there is no file. A file
    that is not a JSON object is left alone and reported."""
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc}); fix or move it, nothing was written") from exc
    if not isinstance(loaded, dict):
        raise DataError(f"{path}: expected a JSON object at the top level; nothing was written")
    return loaded


def _write_new(path: Path, text: str) -> bool:
    if path.exists():
        return False
    _atomic_write(path, text)
    return True


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


HOOK_MATCHER = "Bash|Write|Edit|MultiEdit|NotebookEdit|Read|WebFetch|mcp__.*"
# After a tool ran: the same, plus the tools whose output is scanned.
POST_HOOK_MATCHER = "Bash|BashOutput|Write|Edit|MultiEdit|NotebookEdit|Read|WebFetch|WebSearch|Grep|Task|mcp__.*"


# Gemini CLI's tools, as `init --gemini` matches them (regular expressions over the tool's name): before a tool runs,
# the shell, file writes and reads, fetches and MCP tools; after it, those and the tools whose output is scanned.
GEMINI_HOOK_MATCHER = "^(run_shell_command|write_file|replace|read_file|read_many_files|web_fetch|mcp__.*)$"
GEMINI_POST_HOOK_MATCHER = (
    "^(run_shell_command|write_file|replace|read_file|read_many_files|web_fetch|google_web_search"
    "|search_file_content|grep_search|delegate_to_agent|mcp__.*)$"
)
GEMINI_SETTINGS = ".gemini/settings.json"
# Cursor's events, as `init --cursor` wires them: before a shell command, an MCP tool or a file read, and after each
# of those and after a file edit (Cursor's hooks have no matchers: each event is one kind of call).
CURSOR_EVENTS = (
    "beforeShellExecution",
    "beforeMCPExecution",
    "beforeReadFile",
    "afterShellExecution",
    "afterMCPExecution",
    "afterFileEdit",
)
CURSOR_HOOKS = ".cursor/hooks.json"
CURSOR_MCP = ".cursor/mcp.json"


def hook_command(agent: str | None = None, role: str | None = None) -> str:
    """The shell command Claude Code runs for Lighthouse's hooks. When it cannot run at all (`lighthouse` not
    installed, a broken install) it still blocks (exit 2) and says why: Claude Code lets a call through after any
    other failure of a hook."""
    import shlex

    prefix = "".join(f"{name}={shlex.quote(value)} " for name, value in identity_env(agent, role).items())
    run = f'"{COMMAND}" --home "${{CLAUDE_PROJECT_DIR:-.}}/{HOME_DIR}" hook'
    broken = (
        '{ c=$?; [ "$c" -eq 2 ] || echo "Lighthouse could not run its hook (exit $c): install Lighthouse so that'
        " 'lighthouse' is on PATH, or run 'lighthouse init --claude' again (README: Team setup)\" >&2; exit 2; }"
    )
    return f"{prefix}{run} || {broken}"


def gemini_hook_command(agent: str | None = None, role: str | None = None) -> str:
    """The shell command Gemini CLI runs for Lighthouse's hooks. Gemini CLI lets a call through after a hook exits
    with anything but 0 or 2, so when `lighthouse` cannot run at all this still exits 2 and says why.

    Gemini CLI loads a project's `.env` into the environment its hooks inherit, and the agent the hook guards may
    have written that file. So the command runs `lighthouse` from PATH, never LIGHTHOUSE_BIN; it clears the variables
    that choose which Python code runs (a `PYTHONPATH=.` in `.env` would run a `lighthouse_mcp/` package the agent
    wrote in the project instead of Lighthouse); and it names the agent with flags, not variables, because the hook
    ignores the Lighthouse settings a `.env` file defines (`hooks/client.py`)."""

    identity = identity_flags(agent, role)
    home = f'"${{GEMINI_PROJECT_DIR:-.}}/{HOME_DIR}"'
    run = f"{PYTHON_CLEARED}lighthouse --home {home} hook --agent-kind gemini{identity}"
    # `set -- $?` keeps the exit code without naming a variable that Gemini CLI's own `$VAR` expansion of settings
    # strings could replace
    broken = (
        '{ set -- $?; [ "$1" -eq 2 ] || echo "Lighthouse could not run its hook (exit $1): install Lighthouse so that'
        " 'lighthouse' is on PATH, or run 'lighthouse init --gemini' again (docs/agents/gemini-cli.md)\" >&2; exit 2; }"
    )
    return f"{run} || {broken}"


# Python's variables that decide which code an interpreter runs, cleared for a hook whose environment a file in the
# project can set (an empty value is the same as none to Python).
PYTHON_CLEARED = "PYTHONPATH= PYTHONHOME= PYTHONUSERBASE= PYTHONSTARTUP= PYTHONNOUSERSITE=1 "


def cursor_hook_command(agent: str | None = None, role: str | None = None) -> str:
    """The shell command Cursor runs for Lighthouse's hooks, from the project's root folder. Cursor lets a call
    through after a hook exits with anything but 0 or 2 (unless the hook is failClosed), and wants JSON on every
    path: when `lighthouse` cannot run at all this still prints Cursor's deny answer, exits 2 and says why. As for
    Gemini CLI: `lighthouse` from PATH (no path of this machine), Python's code-choosing variables cleared, the agent
    named with flags."""
    import shlex

    from lighthouse_mcp.hooks.client import blocked

    identity = identity_flags(agent, role)
    run = f"{PYTHON_CLEARED}lighthouse --home {HOME_DIR} hook --agent-kind cursor{identity}"
    message = (  # no quotes: it is quoted twice below
        "Lighthouse could not run its hook: install Lighthouse so that the lighthouse command is on PATH, or run "
        "lighthouse init --cursor again (docs/agents/cursor.md)"
    )
    deny = blocked("cursor", message)[0].decode().strip()
    broken = (
        f'{{ set -- $?; [ "$1" -eq 2 ] || {{ echo "{message} (exit $1)" >&2; echo {shlex.quote(deny)}; }}; exit 2; }}'
    )
    return f"{run} || {broken}"


def mcp_server_on_path(agent: str | None = None, role: str | None = None) -> dict[str, Any]:
    """The `mcpServers` entry that launches `lighthouse serve` over stdio from PATH, for the agents that start it
    without a shell (Gemini CLI in `.gemini/settings.json`, Cursor in `.cursor/mcp.json`, Codex CLI in
    `.codex/config.toml`)."""
    entry: dict[str, Any] = {"command": "lighthouse", "args": ["serve"]}
    env = identity_env(agent, role)
    if env:
        entry["env"] = env
    return entry


# Codex CLI's tools, as `init --codex` matches them before and after they run: every shell tool (Codex CLI calls them
# all `Bash`), file edits (`apply_patch`) and MCP tools.
CODEX_HOOK_MATCHER = "^(Bash|apply_patch|mcp__.*)$"
CODEX_HOOKS = ".codex/hooks.json"
CODEX_CONFIG = ".codex/config.toml"


def codex_hook_command(agent: str | None = None, role: str | None = None) -> str:
    """The command Codex CLI runs for Lighthouse's hooks. Codex runs it through the person's login shell
    (`$SHELL -lc`), which may be zsh or fish, so it is a POSIX script handed to /bin/sh, quoted so that each of those
    shells passes it on unchanged. Codex CLI lets a call through after a hook exits with anything but 0 or 2, or
    exits 2 with nothing on stderr: when `lighthouse` cannot run at all, this still exits 2 and says why. It runs
    `lighthouse` from PATH (never LIGHTHOUSE_BIN), clears Python's code-choosing variables and names the agent with
    flags, as for Gemini CLI and Cursor, and names no home: Codex CLI says nothing of where its project is, and the
    hook finds the home above the session's working directory."""

    identity = identity_flags(agent, role)
    broken = (
        '{ c=$?; [ "$c" -eq 2 ] || echo "Lighthouse could not run its hook (exit $c): install Lighthouse so that'
        ' lighthouse is on PATH, or run lighthouse init --codex again (docs/agents/codex-cli.md)" >&2; exit 2; }'
    )
    script = f"{PYTHON_CLEARED}lighthouse hook --agent-kind codex{identity} || {broken}"
    return f"/bin/sh -c {_quoted_for_any_shell(script)}"


def _quoted_for_any_shell(text: str) -> str:
    """`text` as one word for sh, bash, zsh and fish alike: in single quotes, with each quote and backslash written
    outside them escaped (fish reads backslashes inside single quotes; the POSIX shells do not)."""
    return "'" + "".join({"'": "'\\''", "\\": "'\\\\'"}.get(char, char) for char in text) + "'"


def merge_codex_hooks(path: Path, command: str, *, timeout_s: int = 30) -> bool:
    """Add PreToolUse and PostToolUse command hooks running `command` to a Codex CLI `hooks.json`, keeping every
    other hook. Codex CLI's timeouts are in seconds. Returns True when the file changed."""
    hook = {"type": "command", "command": command, "timeout": timeout_s, "statusMessage": "Lighthouse checks this call"}
    return merge_hooks(path, {"PreToolUse": CODEX_HOOK_MATCHER, "PostToolUse": CODEX_HOOK_MATCHER}, hook)


def is_lighthouse_hook(command: Any) -> bool:
    """Whether a hook command in a settings file runs Lighthouse's hook (this version's or an earlier one's)."""
    import re

    return isinstance(command, str) and re.search(r"lighthouse(_mcp)?\b.*\bhook\b", command) is not None


def merge_claude_settings(
    path: Path,
    command: str,
    *,
    matcher: str = HOOK_MATCHER,
    post_matcher: str = POST_HOOK_MATCHER,
    timeout_s: int = 30,
) -> bool:
    """Add PreToolUse and PostToolUse command hooks running `command` to a Claude Code settings file, keeping every
    other setting and hook. Returns True when the file changed."""
    hook = {"type": "command", "command": command, "timeout": timeout_s}
    return merge_hooks(path, {"PreToolUse": matcher, "PostToolUse": post_matcher}, hook)


def merge_gemini_settings(path: Path, command: str, *, timeout_s: int = 30) -> bool:
    """Add BeforeTool and AfterTool command hooks running `command` to a Gemini CLI settings file, keeping every
    other setting and hook. Gemini CLI's timeouts are in milliseconds. Returns True when the file changed."""
    hook = {
        "name": "lighthouse",
        "type": "command",
        "command": command,
        "timeout": timeout_s * 1000,
        "description": "Lighthouse decides and records each tool call",
    }
    matchers = {"BeforeTool": GEMINI_HOOK_MATCHER, "AfterTool": GEMINI_POST_HOOK_MATCHER}
    return merge_hooks(path, matchers, hook)


def merge_cursor_hooks(path: Path, command: str, *, timeout_s: int = 30) -> bool:
    """Add Lighthouse's hook, first, under each of CURSOR_EVENTS to a Cursor hooks file (`version: 1`), keeping
    every other hook; Lighthouse's own (as an earlier init wrote them) are replaced. Each is `failClosed`: a hook
    that fails or times out blocks the call instead of letting it run. Cursor's timeouts are in seconds. Returns
    True when the file changed."""
    document = _json_object(path)
    version = document.setdefault("version", 1)
    if version != 1:
        raise DataError(f"{path}: 'version' is {version!r}, not 1, the version Lighthouse writes; nothing was written")
    hooks = document.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise DataError(f"{path}: 'hooks' must be an object; nothing was written")
    before = json.dumps(document, sort_keys=True)
    for event in CURSOR_EVENTS:
        entries = hooks.setdefault(event, [])
        if not isinstance(entries, list):
            raise DataError(f"{path}: 'hooks.{event}' must be a list; nothing was written")
        ours = {"command": command, "timeout": timeout_s, "failClosed": True}
        hooks[event] = [ours, *(entry for entry in entries if not _ours(entry))]  # first: see docs/agents/cursor.md
    changed = json.dumps(document, sort_keys=True) != before
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, json.dumps(document, indent=2) + "\n")
    return changed


def merge_hooks(path: Path, matchers: Mapping[str, str], hook: Mapping[str, Any]) -> bool:
    """Add `hook` under each event of `matchers` (with its matcher) to an agent's settings file, keeping every
    other setting and hook; Lighthouse's own hooks (as an earlier init wrote them) are replaced. Returns True when
    the file changed."""
    document = _json_object(path)
    hooks = document.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise DataError(f"{path}: 'hooks' must be an object; nothing was written")
    before = json.dumps(hooks, sort_keys=True)
    for event, matcher in matchers.items():
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise DataError(f"{path}: 'hooks.{event}' must be a list; nothing was written")
        kept = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                others = [h for h in group["hooks"] if not _ours(h)]
                if others:
                    kept.append({**group, "hooks": others})
            else:
                kept.append(group)
        hooks[event] = [*kept, {"matcher": matcher, "hooks": [dict(hook)]}]
    changed = json.dumps(hooks, sort_keys=True) != before
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, json.dumps(document, indent=2) + "\n")
    return changed


# Where each agent product other than Claude Code keeps the hooks `init` writes, and the event that runs before a
# shell command: (product, settings file, event).
AGENT_HOOK_FILES = (
    ("Gemini CLI", GEMINI_SETTINGS, "BeforeTool"),
    ("Codex CLI", CODEX_HOOKS, "PreToolUse"),
    ("Cursor", CURSOR_HOOKS, "beforeShellExecution"),
)


def agent_hooks(root: Path, settings: str, event: str) -> list[str]:
    """Lighthouse's hook commands under `event` in an agent's settings file (`settings`, relative to `root`): in
    groups with their own `hooks` lists (Gemini CLI, Codex CLI) or listed directly (Cursor). DataError naming the
    file when it cannot be read."""
    path = root / settings
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read it: {exc}") from exc
    hooks = document.get("hooks") if isinstance(document, dict) else None
    entries = hooks.get(event) if isinstance(hooks, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        inner = entry.get("hooks") if isinstance(entry, dict) and "hooks" in entry else [entry]
        for hook in inner if isinstance(inner, list) else []:
            if _ours(hook):
                found.append(hook["command"])
    return found


def claude_hooks(root: Path) -> tuple[list[str], dict[str, str]]:
    """Lighthouse's PreToolUse hook commands in the project's Claude Code settings (`.claude/settings.json`, then
    the local file), and the `env` those files give; DataError naming a file that cannot be read."""
    commands: list[str] = []
    env: dict[str, str] = {}
    for path in (root / ".claude" / "settings.json", root / LOCAL_SETTINGS):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: cannot read it: {exc}") from exc
        if not isinstance(document, dict):
            raise DataError(f"{path}: expected a JSON object")
        if isinstance(document.get("env"), dict):
            env.update({str(k): str(v) for k, v in document["env"].items()})
        hooks = document.get("hooks")
        groups = hooks.get("PreToolUse") if isinstance(hooks, dict) else None
        for group in groups if isinstance(groups, list) else []:
            for hook in group.get("hooks", []) if isinstance(group, dict) else []:
                if isinstance(hook, dict) and is_lighthouse_hook(hook.get("command")):
                    commands.append(hook["command"])
    return commands, env


def _ours(hook: Any) -> bool:
    return isinstance(hook, dict) and is_lighthouse_hook(hook.get("command"))


def merge_local_env(path: Path, env: Mapping[str, str]) -> bool:
    """Set `env` in the `env` object of a Claude Code settings file (the machine's own, git-ignored
    `.claude/settings.local.json`), keeping everything else. Returns True when the file changed."""
    document = _json_object(path)
    current = document.setdefault("env", {})
    if not isinstance(current, dict):
        raise DataError(f"{path}: 'env' must be an object; nothing was written")
    if all(current.get(k) == v for k, v in env.items()):
        return False
    current.update(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, json.dumps(document, indent=2) + "\n")
    return True


def ensure_ignored(gitignore: Path, lines: list[str], comment: str) -> list[str]:
    """Append to `gitignore` the entries of `lines` it lacks (under `comment`); returns those added."""
    text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if missing:
        head = text if not text or text.endswith("\n") else text + "\n"
        _atomic_write(gitignore, head + f"# {comment}\n" + "".join(f"{line}\n" for line in missing))
    return missing
