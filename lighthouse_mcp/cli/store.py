"""`lighthouse store migrate --to URL`: copy the project's event store to another backend (PostgreSQL, or a SQLite
file), events exactly as they are (sequence, id, time and MAC kept) and every blob, then verify the chain on both
sides before saying it worked. A target that already holds events or blobs is refused."""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import Any

from lighthouse_mcp.errors import ChainBroken, UsageError

BATCH = 5000


def register(commands: Any) -> None:
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
