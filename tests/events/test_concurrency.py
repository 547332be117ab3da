"""Several processes appending to one store (a SQLite file, or a PostgreSQL database standing in for several
machines): nothing lost, duplicated or reordered; a SIGKILL loses nothing that was acknowledged and leaves the chain
valid."""

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
from lighthouse_mcp.events.store import EventStore
from tests.conftest import KEY

WORKER = Path(__file__).parent.parent / "helpers" / "append_worker.py"
REPO = Path(__file__).parent.parent.parent


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the workers append: a fresh SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        db = tmp_path / "events.db"
        SQLiteEventStore(db, KEY).close()
        return str(db)
    return str(request.getfixturevalue("postgres_url"))


def _open(target: str) -> EventStore:
    from tests.helpers.append_worker import open_target

    return open_target(target, KEY)


def _start(target: str, worker: str, seconds: float, batch: int = 1) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), target, KEY.hex(), worker, str(seconds), str(batch)],
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
    proc.wait(timeout=120)
    return output


def _acked(output: str) -> list[tuple[int, int]]:
    return [
        (int(a), int(b)) for a, b in (line.split() for line in output.splitlines() if line.strip()) if a != "failed"
    ]


def _rows(target: str) -> list[tuple[int, str, int]]:
    """(seq, worker, n) of every stored test.concurrent event, read through the store's own interface."""
    store = _open(target)
    try:
        rows = []
        after = 0
        while batch := store.read_after(after, 5000):
            rows += [(e.seq, e.payload["worker"], e.payload["n"]) for e in batch if e.type == "test.concurrent"]
            after = batch[-1].seq
        return rows
    finally:
        store.close()


@pytest.mark.slow
def test_four_processes_append_without_loss_duplication_or_reordering(target: str) -> None:
    procs = {f"w{i}": _start(target, f"w{i}", 3.0) for i in range(4)}
    acked = {name: _acked(_finish(p)) for name, p in procs.items()}
    assert all(p.returncode == 0 for p in procs.values())

    rows = _rows(target)
    assert [seq for seq, _, _ in rows] == list(range(1, len(rows) + 1)), "gaps or duplicates in seq"
    assert len(rows) == sum(len(a) for a in acked.values()), "every acknowledged append is stored exactly once"
    for name, items in acked.items():
        stored = [(seq, n) for seq, w, n in rows if w == name]
        assert stored == items, f"{name}: stored events differ from what was acknowledged"
        assert [n for _, n in stored] == list(range(len(stored))), f"{name}: reordered"
    assert all(len(a) > 50 for a in acked.values()), "every writer made progress"

    store = _open(target)
    assert store.verify().ok
    store.close()


@pytest.mark.slow
def test_sigkill_mid_run_loses_no_acknowledged_event(target: str) -> None:
    victim = _start(target, "victim", 30.0)
    others = [_start(target, f"w{i}", 2.5) for i in range(3)]
    time.sleep(1.0)
    victim.send_signal(signal.SIGKILL)
    victim_out = _finish(victim)
    assert victim.returncode == -signal.SIGKILL
    for p in others:
        _finish(p)

    acked = _acked(victim_out)
    assert acked, "the victim acknowledged some events before it was killed"
    stored = {(seq, n) for seq, w, n in _rows(target) if w == "victim"}
    assert set(acked) <= stored, "an acknowledged event was lost"

    store = _open(target)
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
