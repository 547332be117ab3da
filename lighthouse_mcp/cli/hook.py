"""`lighthouse hook [--agent-kind claude|gemini|codex|cursor] [--agent NAME] [--role ROLE]`: the agent's hook. Reads
the hook JSON on stdin and answers in the agent's terms (Claude Code's, or Gemini CLI's, Codex CLI's or Cursor's
with `--agent-kind`; without the flag the input tells: Gemini CLI's and Cursor's events have their own names, Codex
CLI's tool events carry a `turn_id`), through the project's hook server when one runs (`hooks/client.py`), else in
this process (`hooks/answer.py`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lighthouse_mcp.hooks.client import AGENT_KINDS

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "hook",
        help="the agent's hook (Claude Code, Gemini CLI, Codex CLI, Cursor): hook JSON on stdin",
        description=__doc__,
    )
    p.add_argument(
        "--agent-kind",
        choices=AGENT_KINDS,
        help="whose hook input to expect (init --gemini, --codex and --cursor write it); without it, the input tells",
    )
    p.add_argument("--agent", metavar="NAME", help="the agent's name (init writes it when given one)")
    p.add_argument("--role", metavar="ROLE", help="the agent's role (init writes it when given one)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """`lighthouse hook` reached through the full parser (`--debug`, `--home` in another place): the same as the
    fast path in `cli/__init__.py`."""
    from lighthouse_mcp.hooks import client

    return client.main(None, args.agent_kind, agent=args.agent, role=args.role)
