"""`lighthouse init [--claude] [DIR]`: create the project home, its key, database and config."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import StoreMissing, UsageError


def register(commands: Any) -> None:
    p = commands.add_parser("init", help="create .lighthouse/ in a project", description=__doc__)
    p.add_argument("directory", nargs="?", default=".", help="project root (default: the current directory)")
    p.add_argument(
        "--claude",
        action="store_true",
        help="also add Lighthouse to the project's .mcp.json and its hooks to .claude/settings.json",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp import __version__
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.events.anchor import ANCHOR_FILE
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import open_store
    from lighthouse_mcp.home import (
        HOME_DIR,
        ProjectHome,
        create_home,
        hook_command,
        mcp_server_entry,
        merge_claude_settings,
        merge_mcp_json,
    )

    root = Path(args.directory).absolute()
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    override = os.environ.get("LIGHTHOUSE_HOME")
    home = ProjectHome(Path(override).absolute() if override else root / HOME_DIR)
    created = create_home(home)
    config = load_config(home.config_path)
    db_path = home.db_path(config.store.path)
    new_db = not db_path.exists()
    if new_db and not config.store.url and (home.path / ANCHOR_FILE).exists():
        raise StoreMissing(
            f"the event store {db_path} is missing, but this project's audit log was anchored: nothing was created. "
            "If it was deleted on purpose, start a new audit log with `lighthouse store reset --reason …`"
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
    if args.claude:
        target = home.root / ".mcp.json"
        changed = merge_mcp_json(target, "lighthouse", mcp_server_entry(home))
        print(f"{'updated' if changed else 'unchanged'} {target} (server 'lighthouse')")
        settings = home.root / ".claude" / "settings.json"
        changed = merge_claude_settings(settings, hook_command(home), timeout_s=config.hook.timeout_s)
        print(f"{'updated' if changed else 'unchanged'} {settings} (PreToolUse and PostToolUse hooks)")
    sys.stdout.flush()
    return 0
