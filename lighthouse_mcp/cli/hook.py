"""`lighthouse hook [--agent-kind claude|gemini|codex]`: the agent's hook. Reads the hook JSON on stdin and answers
in the agent's terms (Claude Code's, Gemini CLI's with `--agent-kind gemini`, Codex CLI's with `--agent-kind codex`;
without the flag the input tells: Gemini CLI's events have their own names, Codex CLI's tool events carry a
`turn_id`), through the project's hook server when one runs (`hooks/client.py`), else in this process
(`hooks/answer.py`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lighthouse_mcp.hooks.client import AGENT_KINDS

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "hook", help="the agent's hook (Claude Code, Gemini CLI, Codex CLI): hook JSON on stdin", description=__doc__
    )
    p.add_argument(
        "--agent-kind",
        choices=AGENT_KINDS,
        help="whose hook input to expect (init --gemini and --codex write it); without it, the input tells",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """`lighthouse hook` reached through the full parser (`--debug`, `--home` in another place): the same as the
    fast path in `cli/__init__.py`."""
    from lighthouse_mcp.hooks import client

    return client.main(None, args.agent_kind)
