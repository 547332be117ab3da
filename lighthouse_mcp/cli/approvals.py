"""`lighthouse approvals list|approve ID|deny ID`: answer the asks that wait for a person.

When `approvals.enabled` is set, an `ask` whose rule matches `approvals.rules` makes the hook (or the validation
tool) record `approval.requested` and wait up to `approvals.timeout_s` for an answer given here.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING

from lighthouse_mcp.cli.output import shown
from lighthouse_mcp.errors import UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.events.store import EventStore
    from lighthouse_mcp.project import Project


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "approvals",
        help="list pending approvals, approve or deny one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    ls = sub.add_parser("list", help="the approvals waiting for an answer")
    ls.add_argument("--json", action="store_true", help="JSON Lines, one approval per line")
    ls.set_defaults(run=run_list)
    for action, verb in (("approve", "granted"), ("deny", "denied")):
        a = sub.add_parser(action, help=f"answer an approval: {verb}")
        a.add_argument("id", help="the approval id (apr_…), from `lighthouse approvals list`")
        a.add_argument("--reason", default="", help="why, recorded with the answer")
        a.set_defaults(run=run_answer, kind=f"approval.{verb}")
    p.set_defaults(run=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    raise UsageError("approvals: give an action: list, approve ID or deny ID")


def _store() -> tuple[Project, EventStore]:
    from lighthouse_mcp.project import load_project

    project = load_project()
    return project, project.open_store()


def run_list(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import approvals
    from lighthouse_mcp.events.model import iso_time

    _, store = _store()
    try:
        waiting = approvals.pending(store)
    finally:
        store.close()
    now = time.time_ns()
    for event in waiting:
        left = max(0, (event.ts + int(event.payload.get("timeout_s", 0)) * 1_000_000_000 - now) // 1_000_000_000)
        item = {
            "id": event.aggregate,
            "agent": event.agent,
            "asked_at": iso_time(event.ts),
            "seconds_left": left,
            "rules": event.payload.get("rules", []),
            "what": event.payload.get("command") or event.payload.get("path") or event.payload.get("url"),
            "reasons": event.payload.get("reasons", []),
        }
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            reason = item["reasons"][0]["message"] if item["reasons"] else ""
            line = f"{item['id']}  {item['agent']}  {left:>4} s left  {item['what']}"
            print(f"{shown(line)}\n    {shown(reason)}")  # as written, never as it would draw itself
    if not waiting and not args.json:
        print("no approvals waiting")
    return 0


def run_answer(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import approvals

    if not args.id.startswith("apr_") or len(args.id) > 64:
        raise UsageError(f"approvals: {args.id!r} is not an approval id (apr_…)")
    project, store = _store()
    try:
        approvals.resolve(store, args.id, args.kind, by=project.config.agent.name, reason=args.reason[:500])
    finally:
        store.close()
    print(f"{args.id} {args.kind.split('.')[-1]}")
    return 0
