"""A separate process that appends events as fast as it can and prints each acknowledged one.

Usage: append_worker.py TARGET KEY_HEX WORKER SECONDS [BATCH], TARGET a SQLite file or a postgresql:// URL (the
password in PGPASSWORD). Appends BATCH events at a time (1 unless given) and prints "seq n" for each event after its
append has returned (committed); events whose append fails are printed as "failed n" and the next ones tried with
the next n, as an agent would.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lighthouse_mcp.errors import StoreError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.store import EventStore


def open_target(target: str, key: bytes) -> EventStore:
    if target.startswith("postgresql://"):
        from lighthouse_mcp.events.postgres import PostgresEventStore

        return PostgresEventStore(target, key, connect_timeout_s=2)
    from lighthouse_mcp.events.sqlite import SQLiteEventStore

    return SQLiteEventStore(Path(target), key, busy_timeout_ms=30_000)


def main() -> None:
    target, key_hex, worker, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    store = open_target(target, bytes.fromhex(key_hex))
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        numbers = range(n, n + batch)
        try:
            events = store.append_batch(
                [NewEvent("test.concurrent", {"worker": worker, "n": i}, agent=worker) for i in numbers]
            )
        except StoreError:
            sys.stdout.write("".join(f"failed {i}\n" for i in numbers))
            time.sleep(0.05)
        else:
            sys.stdout.write("".join(f"{event.seq} {i}\n" for event, i in zip(events, numbers, strict=True)))
        sys.stdout.flush()
        n += batch
    store.close()


if __name__ == "__main__":
    main()
