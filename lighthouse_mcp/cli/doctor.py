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
    print()
    print("Add Lighthouse to Claude Code with this .mcp.json (or run `lighthouse init --claude`):")
    print(json.dumps({"mcpServers": {"lighthouse": mcp_server_entry()}}, indent=2))
    if not chain["ok"]:
        raise ChainBroken(f"audit log chain broken at event {chain['first_bad_seq']}: {chain['reason']}")
    if hook_problem:
        raise LighthouseError(f"the Claude Code hook does not work: {hook_problem}")
    return 0


def _check_hook(root: Path) -> str | None:
    """Run the PreToolUse hook command of `.claude/settings.json` as Claude Code would (through a shell, from the
    project, with the settings files' `env` and CLAUDE_PROJECT_DIR) on a call it must deny; print what happened.
    Returns what is wrong, if anything. The probe's decision is recorded like any other (session lighthouse-doctor)."""
    import os
    import shutil
    import subprocess
    import time

    from lighthouse_mcp.home import claude_hooks
    from lighthouse_mcp.hooks.client import socket_path
    from lighthouse_mcp.hooks.daemon import answering

    on_path = shutil.which("lighthouse")
    missing = "no `lighthouse` (the hooks need it, or LIGHTHOUSE_BIN in .claude/settings.local.json)"
    print(f"on PATH   {on_path or missing}")
    home_dir = str(root / ".lighthouse")
    print(f"hook srv  {'running' if answering(socket_path(home_dir)) else 'not running (hooks decide in-process)'}")
    settings = root / ".claude" / "settings.json"
    commands, env = claude_hooks(root)
    if not commands:
        print(f"hook      none in {settings} (run `lighthouse init --claude` to enforce)")
        return None
    probe = {
        "session_id": "lighthouse-doctor",
        "cwd": str(root),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "rm -rf /"},
        "tool_use_id": "lighthouse-doctor-probe",
    }
    command = commands[0]
    if not _as_init_writes(command):  # only a command of the shape Lighthouse writes is run here
        return f"{command!r} is not the hook command `lighthouse init --claude` writes: run it again to replace it"
    started = time.perf_counter()
    try:
        proc = subprocess.run(  # noqa: S602 — the command as Claude Code runs it, through a shell
            command, shell=True, cwd=root, input=json.dumps(probe).encode(), capture_output=True, timeout=60,
            env={**os.environ, **env, "CLAUDE_PROJECT_DIR": str(root)}, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"{command!r} did not answer within 60 s"
    took = (time.perf_counter() - started) * 1000
    err = proc.stderr.decode(errors="replace").strip()
    if proc.returncode == 2 and "fs.delete-root" in err:
        print(f"hook      ok: a probe (rm -rf /) was denied in {took:.0f} ms")
        return None
    shown = err[:300] or "(nothing on stderr)"
    return f"{command!r} answered a probe that must be denied with exit {proc.returncode}: {shown}"


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
