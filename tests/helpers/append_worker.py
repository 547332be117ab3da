"""A separate process that appends events as fast as it can and prints each acknowledged one.

Usage: append_worker.py DB KEY_HEX WORKER SECONDS. Prints "seq n" after each append has returned (committed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.sqlite import SQLiteEventStore


def main() -> None:
    db, key_hex, worker, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    store = SQLiteEventStore(Path(db), bytes.fromhex(key_hex), busy_timeout_ms=30_000)
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        event = store.append(NewEvent("test.concurrent", {"worker": worker, "n": n}, agent=worker))
        sys.stdout.write(f"{event.seq} {n}\n")
        sys.stdout.flush()
        n += 1
    store.close()


if __name__ == "__main__":
    main()
