"""`lighthouse store migrate --to URL`: copy the project's event store to another backend (PostgreSQL, or a SQLite
file), events exactly as they are (sequence, id, time and MAC kept) and every blob, then verify the chain on both
sides before saying it worked. A target that already holds events or blobs is refused. The copy takes the store's
id, so the project's anchor holds for it.

`lighthouse store reset --reason TEXT`: start a new audit log when the old one is gone or behind its anchor (cut
back, an older copy put back, another store in its place). The old SQLite file, if any, is kept beside the new one;
the new log's first events record what the anchor said and why a person reset it. Only a person runs this: the
agent under guard is denied it."""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ChainBroken, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands

BATCH = 5000


def register(commands: Commands) -> None:
    p = commands.add_parser("store", help="move the event store to another backend", description=__doc__)
    sub = p.add_subparsers(dest="store_command", metavar="SUBCOMMAND", required=True, parser_class=type(p))
    m = sub.add_parser(
        "migrate",
        help="copy the store to URL and verify both chains",
        description=__doc__,
    )
    m.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="postgresql://user@host:5432/db (password from PGPASSWORD or .pgpass) or sqlite:///path/to/file.db",
    )
    m.set_defaults(run=run_migrate)
    r = sub.add_parser(
        "reset",
        help="start a new audit log when the store is missing or behind its anchor (a person's decision)",
        description=__doc__,
    )
    r.add_argument("--reason", required=True, help="why, recorded as the new log's first event")
    r.set_defaults(run=run_reset)


def run_reset(args: argparse.Namespace) -> int:
    import os

    from lighthouse_mcp import __version__
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import anchor_here, open_store
    from lighthouse_mcp.project import load_project

    if not args.reason.strip():
        raise UsageError("store reset: --reason must say why (it is recorded)")
    project = load_project()
    kept = None
    if not project.config.store.url and project.db_path.exists():
        kept = project.db_path.with_name(f"{project.db_path.name}.replaced-{time.strftime('%Y%m%dT%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = project.db_path.with_name(project.db_path.name + suffix)
            if source.exists():
                os.replace(source, kept.with_name(kept.name + suffix))
    store = open_store(project.home, project.config, create=True)
    with contextlib.closing(store):
        before, unreadable = store.anchor.read() if store.anchor is not None else (None, None)
        store.append(
            NewEvent(
                "store.reset",
                {
                    "lighthouse": __version__,
                    "reason": args.reason.strip()[:1000],
                    "previous_anchor": before.to_json() if before else None,
                    "previous_anchor_problem": unreadable,
                    "previous_store": str(kept) if kept else None,
                    "by": _person(),
                },
                agent=project.config.agent.name,
                aggregate=store.location,
            )
        )
        anchor_here(store)
        head = store.last_seq()
    print(
        f"started a new audit log at {store.location} (head at seq {head})"
        + (f"; the old one is {kept}" if kept else "")
    )
    return 0


def _person() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run_migrate(args: argparse.Namespace) -> int:
    from lighthouse_mcp.events.store import open_url
    from lighthouse_mcp.project import load_project

    project = load_project()
    source = project.open_store()
    with contextlib.closing(source):
        target = open_url(args.to, project.key(), project.config)
        with contextlib.closing(target):
            if target.location == source.location:
                raise UsageError(f"store migrate: {args.to} is the store being copied")
            if target.last_seq() or next(iter(target.blob_digests()), None) is not None:
                raise UsageError(
                    f"store migrate: {target.location} already holds events or blobs; migrate only into an empty "
                    f"store (nothing was copied)"
                )
            started = time.monotonic()
            before = source.verify()
            if not before.ok:
                raise ChainBroken(
                    f"store migrate: the source chain is broken at event {before.first_bad_seq}: {before.reason}; "
                    f"nothing was copied"
                )
            blobs = 0
            for digest in source.blob_digests():
                data = source.get_blob(digest)
                if data is not None:
                    target.put_blob(data)
                    blobs += 1
            batch: list[Any] = []
            for row in source.chain_rows(0, before.last_seq):
                batch.append(row)
                if len(batch) >= BATCH:
                    target.copy_in(batch)
                    batch = []
            target.copy_in(batch)
            if source.store_id is not None:
                target.adopt_identity(source.store_id)
            after = target.verify()
            if not after.ok or after.last_seq != before.last_seq:
                raise ChainBroken(
                    f"store migrate: the copy does not verify ({after.reason or f'{after.checked} events'}); "
                    f"do not use {target.location}"
                )
            elapsed = time.monotonic() - started
            appended_meanwhile = source.last_seq() != before.last_seq
    print(
        f"copied {after.checked:,} events and {blobs:,} blobs to {target.location} in {elapsed:.1f} s; "
        f"both chains verified (head at seq {after.last_seq})"
    )
    if appended_meanwhile:
        print("note: events were appended to the source while copying; stop the agents and migrate again to take them")
    key = "store.url" if args.to.startswith(("postgresql://", "postgres://")) else "store.path"
    print(f"to use it, set {key}: {target.location} in .lighthouse/config.yaml")
    return 0
