"""`lighthouse taint [--json] | clear SESSION --reason …`: the sessions that read untrusted content, and a person's
way to trust one again.

A session whose hook scanned something it read at or above `taint.min_risk` is tainted (`session.tainted`): until a
person clears it, the rules of package `lighthouse.taint` make its outward actions stricter (sending data out,
reading secrets, writing outside the project, starting another agent). `clear` records `session.cleared` with who
cleared it and why; it runs only in a terminal, and the guard denies it to the agent.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "taint",
        help="list tainted sessions, or clear one (a person, in a terminal)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="the taints in force as JSON Lines, one per line")
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    cl = sub.add_parser("clear", help="trust a session again: clear the taints in force on it")
    cl.add_argument("session", help="the session id, from `lighthouse taint` or the console")
    cl.add_argument("--reason", required=True, help="why the session may be trusted again, recorded with the clearing")
    cl.set_defaults(run=run_clear)
    p.set_defaults(run=run_list)


def run_list(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents.taint import TaintView
    from lighthouse_mcp.project import load_project

    project = load_project()
    store = project.open_store()
    try:
        taints = TaintView(store).current(project.config.taint.expiry_s, fresh=True)
    finally:
        store.close()
    for taint in taints:
        if args.json:
            print(json.dumps(taint.to_json(), ensure_ascii=False))
            continue
        whose = f"session {taint.session}" if taint.scope == "session" else f"every session of {taint.agent}"
        print(f"#{taint.seq}  {taint.to_json()['at'][:19]}  {taint.agent}  {whose}\n    {taint.describe()}")
    if not taints and not args.json:
        print("no session is tainted")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import taint
    from lighthouse_mcp.project import load_project

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("taint clear: a person clears a taint, in a terminal (or in the console: lighthouse tui)")
    project = load_project()
    store = project.open_store()
    try:
        event, cleared = taint.clear(
            store, args.session, project.config.taint, by=taint.person(), reason=args.reason, via="cli"
        )
    finally:
        store.close()
    agents = sorted({t.agent or "?" for t in cleared if t.scope == "agent"})
    also = f"; also on every session of {', '.join(agents)} (handed on)" if agents else ""
    print(f"cleared {len(cleared)} taint(s) on session {args.session} (event #{event.seq}){also}")
    return 0
