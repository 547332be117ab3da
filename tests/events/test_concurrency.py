"""Several processes appending to one SQLite file: nothing lost, duplicated or reordered; a SIGKILL loses nothing
that was acknowledged and leaves the chain valid."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lighthouse_mcp.errors import StoreError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from tests.conftest import KEY

WORKER = Path(__file__).parent.parent / "helpers" / "append_worker.py"
REPO = Path(__file__).parent.parent.parent


def _start(db: Path, worker: str, seconds: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(db), KEY.hex(), worker, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _finish(proc: subprocess.Popen[str]) -> str:
    """Everything the worker printed. Read through the same buffered file `_start` used for "ready":
    `communicate(timeout=…)` would read the raw pipe and skip lines already buffered."""
    assert proc.stdout is not None
    output = proc.stdout.read()
    proc.wait(timeout=60)
    return output


def _acked(output: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (line.split() for line in output.splitlines() if line.strip())]


def _rows(db: Path) -> list[tuple[int, str, int]]:
    import json

    conn = sqlite3.connect(db)
    rows = [
        (seq, json.loads(p)["worker"], json.loads(p)["n"])
        for seq, p in conn.execute("SELECT seq, payload FROM events WHERE type = 'test.concurrent' ORDER BY seq")
    ]
    conn.close()
    return rows


@pytest.mark.slow
def test_four_processes_append_without_loss_duplication_or_reordering(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    SQLiteEventStore(db, KEY).close()
    procs = {f"w{i}": _start(db, f"w{i}", 3.0) for i in range(4)}
    acked = {name: _acked(_finish(p)) for name, p in procs.items()}
    assert all(p.returncode == 0 for p in procs.values())

    rows = _rows(db)
    assert [seq for seq, _, _ in rows] == list(range(1, len(rows) + 1)), "gaps or duplicates in seq"
    assert len(rows) == sum(len(a) for a in acked.values()), "every acknowledged append is stored exactly once"
    for name, items in acked.items():
        stored = [(seq, n) for seq, w, n in rows if w == name]
        assert stored == items, f"{name}: stored events differ from what was acknowledged"
        assert [n for _, n in stored] == list(range(len(stored))), f"{name}: reordered"
    assert all(len(a) > 50 for a in acked.values()), "every writer made progress"

    store = SQLiteEventStore(db, KEY)
    assert store.verify().ok
    store.close()


@pytest.mark.slow
def test_sigkill_mid_run_loses_no_acknowledged_event(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    SQLiteEventStore(db, KEY).close()
    victim = _start(db, "victim", 30.0)
    others = [_start(db, f"w{i}", 2.5) for i in range(3)]
    time.sleep(1.0)
    victim.send_signal(signal.SIGKILL)
    victim_out = _finish(victim)
    assert victim.returncode == -signal.SIGKILL
    for p in others:
        _finish(p)

    acked = _acked(victim_out)
    assert acked, "the victim acknowledged some events before it was killed"
    stored = {(seq, n) for seq, w, n in _rows(db) if w == "victim"}
    assert set(acked) <= stored, "an acknowledged event was lost"

    store = SQLiteEventStore(db, KEY)
    report = store.verify()
    assert report.ok, report.reason
    after = store.append(NewEvent("test.after"))  # the store keeps working after the crash
    assert after.seq == report.last_seq + 1
    store.close()


def test_locked_store_gives_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    store = SQLiteEventStore(db, KEY, busy_timeout_ms=100)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"locked by another process \(waited 100 ms"):
            store.append(NewEvent("test.blocked"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.count() == 0
    assert store.append(NewEvent("test.after")).seq == 1
    store.close()
