"""`lighthouse init [--claude] [--gemini] [--codex] [--cursor] [--agent NAME] [--role ROLE] [DIR]`: create the
project home, its key, database and config; with --claude, also the Claude Code setup a team can commit (`.mcp.json`,
the hooks in `.claude/settings.json`); with --gemini, Gemini CLI's (the hooks and the MCP server in
`.gemini/settings.json`); with --codex, Codex CLI's (the hooks in `.codex/hooks.json`, the MCP server in
`.codex/config.toml`); with --cursor, Cursor's (the hooks in `.cursor/hooks.json`, the MCP server in
`.cursor/mcp.json`). Each names no path of this machine, and the agent's identity in the server and the hooks
alike."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import StoreMissing, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands

ROLES = ("builder", "expert", "reviewer", "admin")


def register(commands: Commands) -> None:
    p = commands.add_parser("init", help="create .lighthouse/ in a project", description=__doc__)
    p.add_argument("directory", nargs="?", default=".", help="project root (default: the current directory)")
    p.add_argument(
        "--claude",
        action="store_true",
        help="also add Lighthouse to the project's .mcp.json and its hooks to .claude/settings.json",
    )
    p.add_argument(
        "--gemini",
        action="store_true",
        help="also add Lighthouse's hooks and MCP server to the project's .gemini/settings.json (Gemini CLI)",
    )
    p.add_argument(
        "--codex",
        action="store_true",
        help="also add Lighthouse's hooks to .codex/hooks.json and its MCP server to .codex/config.toml (Codex CLI)",
    )
    p.add_argument(
        "--cursor",
        action="store_true",
        help="also add Lighthouse's hooks to the project's .cursor/hooks.json and its MCP server to .cursor/mcp.json",
    )
    p.add_argument(
        "--agent", metavar="NAME", help="with an agent's setup: the agent's name in the MCP server and the hooks"
    )
    p.add_argument(
        "--role", choices=ROLES, help="with an agent's setup: the agent's role in both (default: the config's)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp import __version__
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.events.anchor import ANCHOR_FILE
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import open_store
    from lighthouse_mcp.home import HOME_DIR, ProjectHome, create_home

    root = Path(args.directory).absolute()
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    override = os.environ.get("LIGHTHOUSE_HOME")
    home = ProjectHome(Path(override).absolute() if override else root / HOME_DIR)
    created = create_home(home)
    config = load_config(home.config_path)
    db_path = home.db_path(config.store.path)
    new_db = not db_path.exists()
    anchored = [p for p in (home.path / ANCHOR_FILE, home.witness_path) if p.exists() and p.stat().st_size]
    if new_db and not config.store.url and anchored:
        raise StoreMissing(
            f"the event store {db_path} is missing, but this project's audit log was anchored ({anchored[0]}): "
            "no store was created. If it was deleted on purpose, start a new audit log with "
            "`lighthouse store reset --reason …` (recorded)"
        )
    store = open_store(home, config, create=True)
    try:
        if store.last_seq() == 0:
            store.append(
                NewEvent(
                    "store.initialized",
                    {"lighthouse": __version__, "root": str(home.root)},
                    agent=config.agent.name,
                    aggregate=str(db_path),
                )
            )
    finally:
        store.close()
    if new_db:
        created.append(str(db_path))
    for path in created:
        print(f"created {path}")
    if not created:
        print(f"{home.path} already set up; nothing changed")
    if (args.agent or args.role) and not (args.claude or args.gemini or args.codex or args.cursor):
        raise UsageError(
            "--agent and --role name the agent in an agent's setup: give them with --claude, --gemini, --codex or "
            "--cursor"
        )
    _check_agent(args.agent)
    if args.claude:
        _claude(home.root, args.agent, args.role, timeout_s=config.hook.timeout_s)
    if args.gemini:
        _gemini(home.root, args.agent, args.role, timeout_s=config.hook.timeout_s)
    if args.codex:
        _codex(home.root, args.agent, args.role, timeout_s=config.hook.timeout_s)
    if args.cursor:
        _cursor(home.root, args.agent, args.role, timeout_s=config.hook.timeout_s)
    sys.stdout.flush()
    return 0


def _check_agent(agent: str | None) -> None:
    if agent is not None and (not agent.strip() or len(agent) > 200 or any(c in agent for c in "\0\n\r")):
        raise UsageError(f"--agent: {agent!r} is not a usable name (1 to 200 characters on one line)")


def _claude(root: Path, agent: str | None, role: str | None, *, timeout_s: int) -> None:
    """`.mcp.json` and `.claude/settings.json` as a team commits them; this machine's own path to `lighthouse`, when
    it is not the one on PATH, in `.claude/settings.local.json`."""
    import shutil

    from lighthouse_mcp.home import (
        BIN_ENV,
        LOCAL_SETTINGS,
        ensure_ignored,
        hook_command,
        mcp_server_entry,
        merge_claude_settings,
        merge_local_env,
        merge_mcp_json,
    )

    target = root / ".mcp.json"
    changed = merge_mcp_json(target, "lighthouse", mcp_server_entry(agent, role))
    print(f"{'updated' if changed else 'unchanged'} {target} (server 'lighthouse')")
    settings = root / ".claude" / "settings.json"
    changed = merge_claude_settings(settings, hook_command(agent, role), timeout_s=timeout_s)
    print(f"{'updated' if changed else 'unchanged'} {settings} (PreToolUse and PostToolUse hooks)")
    here = Path(sys.executable).parent / "lighthouse"  # this install's command
    on_path = shutil.which("lighthouse")
    if here.exists() and (on_path is None or os.path.realpath(on_path) != os.path.realpath(here)):
        local = root / LOCAL_SETTINGS
        if merge_local_env(local, {BIN_ENV: str(here)}):
            print(f"updated {local} ({BIN_ENV}={here}: this machine's hooks run this install)")
        if (root / ".git").exists() and ensure_ignored(root / ".gitignore", [LOCAL_SETTINGS], "this machine's own"):
            print(f"updated {root / '.gitignore'} ({LOCAL_SETTINGS})")
        print(
            "note: `lighthouse` on PATH is "
            + (f"another install ({on_path})" if on_path else "missing")
            + ". The committed files run `lighthouse` from PATH: each teammate installs Lighthouse (pipx install or "
            "uv tool install), or their hooks block every call and say so. For the MCP server here, put "
            f"{here.parent} on PATH, or run: claude mcp add --scope local lighthouse -- {here} serve"
        )
    elif not here.exists() and on_path is None:
        print(
            "warning: `lighthouse` is not on PATH: the hooks will block every call until it is "
            "(pipx install or uv tool install Lighthouse)"
        )


def _gemini(root: Path, agent: str | None, role: str | None, *, timeout_s: int) -> None:
    """The hooks and the MCP server in `.gemini/settings.json`, as a team commits them; then what a person still
    has to do, which Lighthouse cannot do for them."""
    from lighthouse_mcp.home import (
        GEMINI_SETTINGS,
        gemini_hook_command,
        mcp_server_on_path,
        merge_gemini_settings,
        merge_mcp_json,
    )

    settings = root / GEMINI_SETTINGS
    changed = merge_gemini_settings(settings, gemini_hook_command(agent, role), timeout_s=timeout_s)
    print(f"{'updated' if changed else 'unchanged'} {settings} (BeforeTool and AfterTool hooks)")
    changed = merge_mcp_json(settings, "lighthouse", mcp_server_on_path(agent, role))
    print(f"{'updated' if changed else 'unchanged'} {settings} (MCP server 'lighthouse')")
    _warn_unless_on_path("Gemini CLI", " (never LIGHTHOUSE_BIN: a project's .env could set it)")
    print(
        "next, in Gemini CLI: trust this folder (Gemini CLI ignores a workspace's settings until it is trusted), "
        "and check `/hooks panel` says the hooks system is enabled (if not: /settings, Advanced, 'Enable Hooks "
        "System' — tools.enableHooks in settings.json — then restart Gemini CLI). docs/agents/gemini-cli.md"
    )


def _codex(root: Path, agent: str | None, role: str | None, *, timeout_s: int) -> None:
    """The hooks in `.codex/hooks.json` and the MCP server in `.codex/config.toml`, as a team commits them; then
    what a person still has to do in Codex CLI, which Lighthouse cannot do for them."""
    from lighthouse_mcp.codex_config import hooks_turned_off, merge_mcp_server
    from lighthouse_mcp.home import (
        CODEX_CONFIG,
        CODEX_HOOKS,
        codex_hook_command,
        mcp_server_on_path,
        merge_codex_hooks,
    )

    hooks = root / CODEX_HOOKS
    changed = merge_codex_hooks(hooks, codex_hook_command(agent, role), timeout_s=timeout_s)
    print(f"{'updated' if changed else 'unchanged'} {hooks} (PreToolUse and PostToolUse hooks)")
    config = root / CODEX_CONFIG
    changed = merge_mcp_server(config, "lighthouse", mcp_server_on_path(agent, role))
    print(f"{'updated' if changed else 'unchanged'} {config} ([mcp_servers.lighthouse])")
    _warn_unless_on_path("Codex CLI")
    user_config = Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex") / "config.toml"
    for turned_off in (p for p in (config, user_config) if hooks_turned_off(p)):
        print(f"warning: {turned_off} turns Codex CLI's hooks off ([features] hooks = false): nothing is checked")
    print(
        "next, in Codex CLI: trust this project (Codex loads .codex/ only for a trusted project), then run /hooks, "
        "review Lighthouse's PreToolUse and PostToolUse hooks and trust them (Codex skips a hook until a person "
        "trusts it, and again after it changes). Hooks are on from Codex CLI 0.124; an older one needs "
        "[features] codex_hooks = true in ~/.codex/config.toml. docs/agents/codex-cli.md"
    )


def _cursor(root: Path, agent: str | None, role: str | None, *, timeout_s: int) -> None:
    """The hooks in `.cursor/hooks.json` and the MCP server in `.cursor/mcp.json`, as a team commits them; then what
    a person still has to do, which Lighthouse cannot do for them."""
    from lighthouse_mcp.home import (
        CURSOR_EVENTS,
        CURSOR_HOOKS,
        CURSOR_MCP,
        cursor_hook_command,
        mcp_server_on_path,
        merge_cursor_hooks,
        merge_mcp_json,
    )

    hooks = root / CURSOR_HOOKS
    changed = merge_cursor_hooks(hooks, cursor_hook_command(agent, role), timeout_s=timeout_s)
    print(f"{'updated' if changed else 'unchanged'} {hooks} ({', '.join(CURSOR_EVENTS)} hooks)")
    servers = root / CURSOR_MCP
    changed = merge_mcp_json(servers, "lighthouse", mcp_server_on_path(agent, role))
    print(f"{'updated' if changed else 'unchanged'} {servers} (MCP server 'lighthouse')")
    _warn_unless_on_path("Cursor")
    print(
        "next, in Cursor: trust this workspace (Cursor runs a project's hooks only in a trusted workspace), restart "
        "Cursor, and check the Hooks tab of Cursor Settings lists Lighthouse's hooks; enable the 'lighthouse' server "
        "under MCP in Cursor Settings. Cursor's own file edits are judged only after they are made: "
        "docs/agents/cursor.md"
    )


def _warn_unless_on_path(agent: str, why: str = "") -> None:
    """Say so when the `lighthouse` on PATH, which `agent`'s hooks and MCP server run, is not this install."""
    import shutil

    here = Path(sys.executable).parent / "lighthouse"
    on_path = shutil.which("lighthouse")
    if on_path is None or (here.exists() and os.path.realpath(on_path) != os.path.realpath(here)):
        where = f"another install ({on_path})" if on_path else "missing"
        print(
            f"warning: `lighthouse` on PATH is {where}. {agent} runs the hooks and the MCP server from PATH{why}: "
            f"until this install is on PATH, the hooks block every call and say so. Put {here.parent} on PATH, or "
            "install Lighthouse with pipx or uv tool install."
        )
