"""`lighthouse snapshot`: record the working tree in the event store, so the FUSE view and history show it.

Only files that changed since the store last knew them are recorded (`file.changed` with their content stored once
by digest, `file.changed` with `deleted` for files gone, `file.renamed` when a gone file's content turns up under a
new name). Files git ignores (or `.gitignore` lists, outside a repository), `.git`, `.lighthouse` and symlinks that
lead out of the project are skipped; secret-class files (`.env*`, keys) are recorded by digest and size only.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "snapshot", help="record the working tree's changes in the event store", description=__doc__
    )
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp.fs.snapshot import plan
    from lighthouse_mcp.fs.tree import Trees
    from lighthouse_mcp.project import load_project
    from lighthouse_mcp.validation.files import is_secret_file

    project = load_project()
    store = project.open_store()
    try:
        root = project.home.root
        known, _ = Trees(store, str(root)).at(store.last_seq())
        secret = (lambda path: False) if project.config.store.secret_file_contents else is_secret_file
        events, result = plan(
            root, known, agent=project.config.agent.name, session=None, put_blob=store.put_blob, secret=secret
        )
        if events:
            store.append_batch(events)
    finally:
        store.close()
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        r = result
        print(
            f"{r.added} added, {r.changed} changed, {r.deleted} deleted, {r.renamed} renamed, {r.unchanged} unchanged"
        )
    return 0
