"""`lighthouse hook [--agent-kind claude|gemini|cursor]`: the agent's hook. Reads the hook JSON on stdin and answers
in the agent's terms (Claude Code's, Gemini CLI's with `--agent-kind gemini`, Cursor's with `--agent-kind cursor`;
without the flag the input's event names the agent), through the project's hook server when one runs
(`hooks/client.py`), else in this process (`hooks/answer.py`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lighthouse_mcp.hooks.client import AGENT_KINDS

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "hook", help="Claude Code / Gemini CLI / Cursor hook: hook JSON on stdin, answer on stdout", description=__doc__
    )
    p.add_argument(
        "--agent-kind",
        choices=AGENT_KINDS,
        help="whose hook input to expect (init --gemini and --cursor write it); without it, the input's event names "
        "the agent",
    )
    p.add_argument("--agent", metavar="NAME", help="the agent's name (init --gemini writes it when given one)")
    p.add_argument("--role", metavar="ROLE", help="the agent's role (init --gemini writes it when given one)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """`lighthouse hook` reached through the full parser (`--debug`, `--home` in another place): the same as the
    fast path in `cli/__init__.py`."""
    from lighthouse_mcp.hooks import client

    return client.main(None, args.agent_kind, agent=args.agent, role=args.role)
