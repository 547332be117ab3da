"""`lighthouse events query|tail|verify|export`: read the audit log."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ChainBroken, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser("events", help="query, follow, verify and export the audit log", description=__doc__)
    sub = p.add_subparsers(dest="events_command", metavar="SUBCOMMAND", required=True, parser_class=type(p))

    q = sub.add_parser("query", help="search events (newest first)", description="Search the audit log.")
    _filters(q)
    q.add_argument("--aggregate", help="what the event is about (a path, a policy, a task id)")
    q.add_argument("--limit", type=int, help="events per page")
    q.add_argument("--order", choices=("desc", "asc"), default="desc", help="desc: newest first (default)")
    q.add_argument("--cursor", help="continue after a previous page (printed on stderr)")
    q.add_argument("--json", action="store_true", help="print JSON Lines, one event per line")
    q.set_defaults(run=run_query)

    t = sub.add_parser(
        "tail",
        help="print the newest events; -f follows new ones",
        description="Print the newest events, oldest first; with -f keep printing new ones.",
    )
    t.add_argument("-f", "--follow", action="store_true", help="keep waiting for new events (Ctrl-C stops)")
    t.add_argument("-n", "--lines", type=int, default=10, help="how many recent events to print first")
    t.add_argument("--type", help="event type or dotted prefix, comma-separated")
    t.add_argument("--agent", help="only this agent's events")
    t.add_argument("--json", action="store_true", help="print JSON Lines")
    t.set_defaults(run=run_tail)

    v = sub.add_parser(
        "verify",
        help="check the hash chain; exits 65 if broken",
        description="Walk the whole hash chain and name the first event that does not check out.",
    )
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.set_defaults(run=run_verify)

    e = sub.add_parser(
        "export",
        help="write events as JSON Lines to FILE or stdout",
        description="Write events, oldest first, as JSON Lines.",
    )
    e.add_argument("file", nargs="?", help="output file (default: stdout); written atomically")
    _filters(e)
    e.set_defaults(run=run_export)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", help="event type or dotted prefix, comma-separated (e.g. validation,session)")
    p.add_argument("--agent", help="only this agent's events")
    p.add_argument("--session", help="only this session's events")
    p.add_argument("--since", help="from this sequence number or time (ISO-8601, or 15m, 2h, 7d ago)")
    p.add_argument("--until", help="up to this sequence number or time")
    p.add_argument("--text", help="words that must all appear in the event")


def _filter_args(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in names}


def run_query(args: argparse.Namespace) -> int:
    from lighthouse_mcp.audit import query_events
    from lighthouse_mcp.cli.output import event_lines
    from lighthouse_mcp.project import load_project

    project = load_project()
    store = project.open_store()
    try:
        filters = _filter_args(
            args,
            "type",
            "agent",
            "session",
            "aggregate",
            "since",
            "until",
            "text",
            "limit",
            "order",
            "cursor",
        )
        page = query_events(store, project.config, filters)
        if not page.events:
            print(_nothing_matched(store, filters), file=sys.stderr)
    finally:
        store.close()
    event_lines(page.events, as_json=args.json)
    if page.next_cursor:
        print(f"more: --cursor {page.next_cursor}", file=sys.stderr)
    return 0


def _nothing_matched(store: Any, filters: dict[str, Any]) -> str:
    """What to say when a query finds nothing: the filters it had, and which of the asked types was never recorded
    here at all (a misspelt type looks like an empty log otherwise)."""
    from lighthouse_mcp.events.query import EventFilter

    given = " ".join(f"--{k} {v}" for k, v in filters.items() if v is not None and k not in ("limit", "order"))
    message = f"no events match{' ' + given if given else ''}"
    types = [t.strip() for t in (filters.get("type") or "").split(",") if t.strip()]
    never = [t for t in types if not store.query(EventFilter(types=(t,), limit=1)).events]
    if never:
        message += (
            f"; none of type {', '.join(repr(t) for t in never)} was ever recorded here (types are dotted names or "
            "their first parts, e.g. validation.decided, validation, session; `lighthouse events query` lists the "
            "newest)"
        )
    return message


def run_tail(args: argparse.Namespace) -> int:
    from lighthouse_mcp.audit import query_events
    from lighthouse_mcp.cli.output import event_lines
    from lighthouse_mcp.project import load_project

    if args.lines < 0:
        raise UsageError("events tail: -n must not be negative")
    project = load_project()
    config = project.config
    store = project.open_store()
    base = {"type": args.type, "agent": args.agent}
    try:
        last = head = store.last_seq()
        if args.lines:
            page = query_events(store, config, {**base, "limit": min(args.lines, config.query.max_limit)})
            event_lines(reversed(page.events), as_json=args.json)
        while args.follow:
            page = query_events(
                store, config, {**base, "since": last + 1, "order": "asc", "limit": config.query.max_limit}
            )
            event_lines(page.events, as_json=args.json)
            if page.events:
                last = page.events[-1].seq
            if page.next_cursor is None:
                head = store.wait_for_events(max(head, last), 5.0)  # NOTIFY on PostgreSQL, polling on SQLite
    finally:
        store.close()
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from lighthouse_mcp.cli.output import json_line
    from lighthouse_mcp.project import load_project

    project = load_project()
    store = project.open_store()
    try:
        report = store.verify()
    finally:
        store.close()
    if args.json:
        json_line(report.to_json())
    if not report.ok:
        raise ChainBroken(f"audit log chain broken at event {report.first_bad_seq}: {report.reason}")
    if not args.json:
        print(f"ok: {report.checked} events verified, chain head at seq {report.last_seq}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from lighthouse_mcp.audit import query_events
    from lighthouse_mcp.cli.output import event_lines
    from lighthouse_mcp.project import load_project

    project = load_project()
    store = project.open_store()
    filters = {
        **_filter_args(args, "type", "agent", "session", "since", "until", "text"),
        "order": "asc",
        "limit": project.config.query.max_limit,
    }
    target = Path(args.file).absolute() if args.file else None
    if target is not None and not target.parent.is_dir():
        store.close()
        raise UsageError(f"events export: directory {target.parent} does not exist")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}") if target else None
    count = 0
    try:
        # The export holds the audit log: readable by its owner only, like the store.
        out = (
            os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8")
            if tmp
            else sys.stdout
        )
        try:
            cursor = None
            while True:
                page = query_events(store, project.config, {**filters, "cursor": cursor})
                event_lines(page.events, as_json=True, out=out)
                count += len(page.events)
                cursor = page.next_cursor
                if cursor is None:
                    break
        finally:
            if tmp:
                out.close()
    except BaseException:
        if tmp:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        store.close()
    if target and tmp:
        os.replace(tmp, target)
        print(f"exported {count} events to {target}", file=sys.stderr)
    return 0
