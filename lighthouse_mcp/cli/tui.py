"""`lighthouse tui`: the operator's console — overview, sessions, the audit timeline, approvals (answered with one
key), policies, experts and the mount, refreshed live from the event store."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser("tui", help="the operator's console (Textual)", description=__doc__)
    p.add_argument("--poll", type=float, default=1.0, help="seconds between refreshes (default 1)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp.project import load_project

    if not 0.05 <= args.poll <= 60:
        raise UsageError(f"tui: --poll must be between 0.05 and 60 seconds, not {args.poll}")
    project = load_project()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("tui: needs a terminal (run it in a terminal, or use `lighthouse events tail -f`)")
    from tui.app import LighthouseTUI

    LighthouseTUI(project, poll=args.poll).run()
    return 0
