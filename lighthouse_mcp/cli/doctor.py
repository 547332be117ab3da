"""`lighthouse doctor`: check the project end to end through a real MCP client, run the Claude Code hook exactly as
`.claude/settings.json` says (a probe that must be denied), then print the `.mcp.json` entry."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ChainBroken, LighthouseError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.project import Project


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "doctor", help="self-check the project and print the .mcp.json snippet", description=__doc__
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import anyio

    from lighthouse_mcp.home import mcp_server_entry
    from lighthouse_mcp.project import load_project

    project = load_project()
    report = anyio.run(_self_check, project)
    print(f"home      {project.home.path}")
    print(f"database  {project.db_path}")
    print(f"agent     {project.config.agent.name} ({project.config.agent.role})")
    print(f"tools     {', '.join(report['tools'])}")
    print(f"events    {report['health']['store']['events']} (last seq {report['health']['store']['last_seq']})")
    chain = report["chain"]
    print(f"chain     {'ok' if chain['ok'] else 'BROKEN'}: {chain['checked']} events verified")
    shadow = report["health"].get("policy", {}).get("shadow")
    if shadow is not None:  # a broken shadow set changes no answer: said here, and recorded (policy.shadow_failed)
        state = f"version {shadow['version']}" if "version" in shadow else f"NOT IN USE: {shadow.get('error')}"
        print(f"shadow    {shadow['directory']}: {state}")
    hook_problem = _check_hook(project.home.root)
    print(f"kept code {_kept_code()}")
    print()
    print("Add Lighthouse to Claude Code with this .mcp.json (or run `lighthouse init --claude`):")
    print(json.dumps({"mcpServers": {"lighthouse": mcp_server_entry()}}, indent=2))
    if not chain["ok"]:
        raise ChainBroken(f"audit log chain broken at event {chain['first_bad_seq']}: {chain['reason']}")
    if hook_problem:
        raise LighthouseError(hook_problem)
    return 0


def _kept_code() -> str:
    """Whether the install kept its compiled classes and patterns, which a hook deciding in its own process reads
    (`kept_code`); how to keep them when it did not."""
    import sys

    from lighthouse_mcp import kept_code

    if kept_code.present():
        return f"yes ({kept_code.PATH})"
    return (
        f"no: `{sys.executable} -m lighthouse_mcp.kept_code` keeps them, and a hook that decides in its own process"
        " then starts about 40 ms faster"
    )


def _check_hook(root: Path) -> str | None:
    """Run the hook commands Lighthouse wrote into the agents' settings as each agent would (through a shell, from
    the project, with the environment it gives) on a call that must be denied, and print what happened: Claude
    Code's PreToolUse command of `.claude/settings.json` (with the settings files' `env` and CLAUDE_PROJECT_DIR),
    and Gemini CLI's BeforeTool command of `.gemini/settings.json` (with GEMINI_PROJECT_DIR) when there is one.
    Returns what is wrong, if anything. Each probe's decision is recorded like any other (session
    lighthouse-doctor)."""
    import shutil

    from lighthouse_mcp.home import AGENT_HOOK_FILES, agent_hooks, claude_hooks
    from lighthouse_mcp.hooks.client import socket_path
    from lighthouse_mcp.hooks.daemon import answering

    on_path = shutil.which("lighthouse")
    missing = "no `lighthouse` (the hooks need it, or LIGHTHOUSE_BIN in .claude/settings.local.json)"
    print(f"on PATH   {on_path or missing}")
    home_dir = str(root / ".lighthouse")
    print(f"hook srv  {'running' if answering(socket_path(home_dir)) else 'not running (hooks decide in-process)'}")
    problems: list[str | None] = []
    commands, env = claude_hooks(root)
    if not commands:
        print(f"hook      none in {root / '.claude' / 'settings.json'} (run `lighthouse init --claude` to enforce)")
    elif not _as_init_writes(commands[0]):  # only a command of the shape Lighthouse writes is run here
        problems.append(
            f"the Claude Code hook does not work: {commands[0]!r} is not the hook command `lighthouse init --claude` "
            "writes: run it again"
        )
    else:
        probe = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "lighthouse-doctor-probe"}
        call = {**probe, "session_id": "lighthouse-doctor", "cwd": str(root), "tool_input": {"command": "rm -rf /"}}
        problem = _probe("hook", root, commands[0], call, {**env, "CLAUDE_PROJECT_DIR": str(root)})
        problems.append(problem and f"the Claude Code hook does not work: {problem}")
    for product, settings, event in AGENT_HOOK_FILES:
        found = agent_hooks(root, settings, event)
        kind, flag = _KINDS[product]
        if found and _identity(found[0], kind) is None:
            problems.append(
                f"the {product} hook does not work: {found[0]!r} is not the hook command `lighthouse init {flag}` "
                "writes: run it again"
            )
        elif found:
            problem = _probe(kind, root, found[0], _probe_call(kind, root), {f"{kind.upper()}_PROJECT_DIR": str(root)})
            problems.append(problem and f"the {product} hook does not work: {problem}")
    return "; ".join(p for p in problems if p) or None


# Each agent product's `--agent-kind` and `init` flag.
_KINDS = {"Gemini CLI": ("gemini", "--gemini"), "Codex CLI": ("codex", "--codex"), "Cursor": ("cursor", "--cursor")}


def _probe_call(kind: str, root: Path) -> dict[str, Any]:
    """The agent's own hook input for `rm -rf /` in a shell, as its hook gets it before the command runs."""
    if kind == "cursor":
        return {
            "hook_event_name": "beforeShellExecution",
            "conversation_id": "lighthouse-doctor",
            "command": "rm -rf /",
            "cwd": str(root),
            "workspace_roots": [str(root)],
        }
    event, tool = ("BeforeTool", "run_shell_command") if kind == "gemini" else ("PreToolUse", "Bash")
    call: dict[str, Any] = {"hook_event_name": event, "tool_name": tool, "session_id": "lighthouse-doctor"}
    call |= {"cwd": str(root), "tool_input": {"command": "rm -rf /"}}
    if kind == "codex":
        call |= {"turn_id": "lighthouse-doctor", "tool_use_id": "lighthouse-doctor-probe"}
    return call


def _probe(label: str, root: Path, command: str, call: dict[str, Any], env: dict[str, str]) -> str | None:
    """Run one hook command on `call` (the agent's input for `rm -rf /`) through a shell, from the project; what is
    wrong, if anything."""
    import os
    import subprocess
    import time

    started = time.perf_counter()
    try:
        proc = subprocess.run(  # noqa: S602 — the command as the agent runs it, through a shell
            command, shell=True, cwd=root, input=json.dumps(call).encode(), capture_output=True, timeout=60,
            env={**os.environ, **env}, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"{command!r} did not answer within 60 s"
    took = (time.perf_counter() - started) * 1000
    err = proc.stderr.decode(errors="replace").strip()
    if proc.returncode == 2 and "fs.delete-root" in err:
        print(f"{label:<9} ok: a probe (rm -rf /) was denied in {took:.0f} ms")
        return None
    shown = err[:300] or "(nothing on stderr)"
    return f"{command!r} answered a probe that must be denied with exit {proc.returncode}: {shown}"


def _identity(command: str, kind: str) -> tuple[str | None, str | None] | None:
    """The agent and role for which `command` is exactly the hook command `init` writes for the agent `kind`; None
    when it is not one (only such a command is run here)."""
    import re
    import shlex

    from lighthouse_mcp.home import codex_hook_command, cursor_hook_command, gemini_hook_command

    build = {"gemini": gemini_hook_command, "codex": codex_hook_command, "cursor": cursor_hook_command}[kind]
    try:
        script = shlex.split(command)[2] if command.startswith("/bin/sh -c ") else command
    except (ValueError, IndexError):
        return None
    flags = re.search(rf" hook --agent-kind {kind}((?: --(?:agent|role) (?:'[^']*'|\S+))*) \|\| ", script)
    if flags is None:
        return None
    try:
        words = shlex.split(flags.group(1))
    except ValueError:
        return None
    options = dict(zip(words[::2], words[1::2], strict=False))
    identity = (options.get("--agent"), options.get("--role"))
    return identity if command == build(*identity) else None


def _as_init_writes(command: str) -> bool:
    """Whether `command` is `hook_command(agent, role)` for some agent and role."""
    import shlex

    from lighthouse_mcp.home import hook_command, identity_env

    tail = hook_command()
    if not command.endswith(tail):
        return False
    try:
        words = shlex.split(command[: -len(tail)])
    except ValueError:
        return False
    names = list(identity_env("a", "r"))
    identity: dict[str, str] = {}
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or name not in names or name in identity:
            return False
        identity[name] = value
    return command == hook_command(identity.get(names[0]), identity.get(names[1]))


async def _self_check(project: Project) -> dict[str, Any]:
    from mcp import Client

    from lighthouse_mcp.server import build_server

    async with Client(build_server(project, transport="self-check"), raise_exceptions=True) as client:
        tools = await client.list_tools()
        health = await client.call_tool("health", {})
        chain = await client.call_tool("verify_audit_log", {})
    for result in (health, chain):
        if result.is_error:
            raise LighthouseError(f"self-check failed: {result.content[0].text}")  # type: ignore[union-attr]
    return {
        "tools": [t.name for t in tools.tools],
        "health": health.structured_content,
        "chain": chain.structured_content,
    }
