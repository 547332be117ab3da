"""`lighthouse backup FILE` and `lighthouse restore FILE`: consistent copies of the SQLite store."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import ChainBroken, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.events.sqlite import SQLiteEventStore
    from lighthouse_mcp.events.store import EventStore


def register(commands: Commands) -> None:
    b = commands.add_parser(
        "backup",
        help="copy the event store to FILE while agents keep running",
        description="Take a consistent copy of the event store and verify it.",
    )
    b.add_argument("file", help="where to write the backup")
    b.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    b.set_defaults(run=run_backup)

    r = commands.add_parser(
        "restore",
        help="replace the event store with a verified backup",
        description="Verify FILE's chain, then replace the event store's content with it.",
    )
    r.add_argument("file", help="a file written by `lighthouse backup`")
    r.add_argument("--force", action="store_true", help="restore even if newer events would be discarded")
    r.set_defaults(run=run_restore)


def _sqlite(store: EventStore) -> SQLiteEventStore:
    from lighthouse_mcp.events.sqlite import SQLiteEventStore

    if not isinstance(store, SQLiteEventStore):
        raise UsageError("backup and restore work on the SQLite store; use your database's own tools otherwise")
    return store


def run_backup(args: argparse.Namespace) -> int:
    from lighthouse_mcp.events.sqlite import SQLiteEventStore
    from lighthouse_mcp.project import load_project

    target = Path(args.file).absolute()
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; pass --force to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"directory {target.parent} does not exist")
    project = load_project()
    store = _sqlite(project.open_store())
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        store.backup_to(tmp)
        copy = SQLiteEventStore(tmp, project.key(), readonly=True)
        try:
            report = copy.verify()
        finally:
            copy.close()
        if not report.ok:
            raise ChainBroken(
                f"the live store does not verify at event {report.first_bad_seq}: {report.reason}; no backup written"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        store.close()
    print(f"backed up {report.checked} events (chain verified, head seq {report.last_seq}) to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.sqlite import SQLiteEventStore
    from lighthouse_mcp.events.store import anchor_here
    from lighthouse_mcp.project import load_project

    source = Path(args.file).absolute()
    if not source.is_file():
        raise UsageError(f"{source} does not exist")
    project = load_project()
    backup = SQLiteEventStore(source, project.key(), readonly=True)
    try:
        report = backup.verify()
        backup_head = backup.chain_head()
    finally:
        backup.close()
    if not report.ok:
        raise ChainBroken(
            f"{source} does not verify at event {report.first_bad_seq}: {report.reason}; nothing was restored"
        )
    store = _sqlite(project.open_store())
    try:
        live_seq = store.last_seq()
        live_at_backup = store.get(backup_head[0]) if backup_head[0] else None
        diverged = backup_head[0] > 0 and (live_at_backup is None or live_at_backup.mac != backup_head[1].hex())
        discarded = max(0, live_seq - backup_head[0])
        if (discarded or (diverged and live_seq)) and not args.force:
            what = (
                f"discard {discarded} newer event(s) (seq {backup_head[0] + 1}..{live_seq})"
                if discarded
                else "replace a history that differs from the backup"
            )
            raise UsageError(f"restoring {source} would {what}; pass --force to restore anyway")
        store.restore_from(source)
    finally:
        store.close()
    store = _sqlite(project.open_store())  # the restored file, with its own store id
    try:
        before = anchor_here(store)  # a person put this copy in place: the anchor follows it
        after = store.verify()
        if not after.ok:
            raise ChainBroken(f"restored store does not verify at event {after.first_bad_seq}: {after.reason}")
        store.append(
            NewEvent(
                "store.restored",
                {
                    "from": str(source),
                    "head_seq": backup_head[0],
                    "discarded": discarded,
                    "previous_anchor": before.to_json() if before else None,
                },
                agent=project.config.agent.name,
            )
        )
    finally:
        store.close()
    print(f"restored {report.checked} events from {source}" + (f"; discarded {discarded}" if discarded else ""))
    return 0
