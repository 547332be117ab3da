"""A separate process that appends events as fast as it can and prints each acknowledged one.

Usage: append_worker.py TARGET KEY_HEX WORKER SECONDS, TARGET a SQLite file or a postgresql:// URL (the password in
PGPASSWORD). Prints "seq n" after each append has returned (committed); an append that fails is printed as
"failed n" and tried again with the next n, as an agent would.
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
    store = open_target(target, bytes.fromhex(key_hex))
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        try:
            event = store.append(NewEvent("test.concurrent", {"worker": worker, "n": n}, agent=worker))
        except StoreError:
            sys.stdout.write(f"failed {n}\n")
            time.sleep(0.05)
        else:
            sys.stdout.write(f"{event.seq} {n}\n")
        sys.stdout.flush()
        n += 1
    store.close()


if __name__ == "__main__":
    main()
