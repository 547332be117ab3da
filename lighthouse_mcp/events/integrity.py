"""Whether the audit log is whole: its hash chain, the blobs its file changes refer to, and its anchor outside the
database. `events verify`, the `verify_audit_log` tool and `health` all answer from `walk`, so they agree."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import StoreError
from lighthouse_mcp.events.chain import ChainRow, ChainVerifier, VerifyReport

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lighthouse_mcp.events.store import EventStore


def walk(store: EventStore, verifier: ChainVerifier) -> VerifyReport:
    """Feed `verifier` the events after the ones it has seen, check the blobs they refer to, then the anchor."""
    head_seq, head_mac = store.chain_head()
    referred: list[tuple[int, str]] = []

    def rows() -> Iterator[ChainRow]:
        for row in store.chain_rows(verifier.seq, head_seq):
            if row.type == "file.changed" and type(row.payload) is str and '"sha256"' in row.payload:
                digest = _sha256_field(row.payload)
                if digest is not None:
                    referred.append((row.seq, digest))
            yield row

    verifier.feed(rows())
    report = verifier.finish(head_seq, head_mac)
    if not report.ok:
        return report
    for seq, digest in referred:
        try:
            store.get_blob(digest)
        except StoreError as exc:
            return VerifyReport(False, report.checked, report.last_seq, seq, f"event {seq}'s file content: {exc}")
    problem = store.anchor_problem()
    if problem is not None:
        return VerifyReport(False, report.checked, report.last_seq, problem[0], problem[1])
    return report


def _sha256_field(payload: str) -> str | None:
    """A file change's content digest. Read before the row's MAC is checked, so the text may have been edited into
    anything: what is not a JSON object with a string there refers to nothing (and the MAC check names the row)."""
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    digest = document.get("sha256") if isinstance(document, dict) else None
    return digest if isinstance(digest, str) else None
