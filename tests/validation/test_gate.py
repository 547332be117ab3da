"""The decision pipeline (`validation/gate.py`) against a real store that fails in every way it can: what each
failure becomes, pinned once here for the hook, the MCP tools and `lighthouse check --record`, which all use it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from lighthouse_mcp.config import Config, load_config
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.store import open_store
from lighthouse_mcp.home import ProjectHome, create_home
from lighthouse_mcp.validation.gate import Caller, Gate
from lighthouse_mcp.validation.service import ValidationService
from lighthouse_mcp.vocabulary import Decision

ANN = Caller("ann", "builder", "ses-1")


@pytest.fixture
def home(tmp_path: Path) -> ProjectHome:
    home = ProjectHome(tmp_path / "app" / ".lighthouse")
    home.path.parent.mkdir()
    create_home(home)
    store = open_store(home, load_config(home.config_path, env={}), create=True)
    store.append(NewEvent("store.initialized", {}, agent="test"))
    store.close()
    return home


def config(home: ProjectHome, **env: str) -> Config:
    return load_config(home.config_path, env={f"LIGHTHOUSE_{k.upper()}": v for k, v in env.items()})


@pytest.fixture
def gates() -> Iterator[list[Gate]]:
    opened: list[Gate] = []
    yield opened
    for gate in opened:
        gate.close()


def open_gate(home: ProjectHome | None, gates: list[Gate], cfg: Config | None = None, *, expected: bool = True) -> Gate:
    service = ValidationService(home, cfg or (config(home) if home else Config()))
    gate = Gate.open(service, expected=expected)
    gates.append(gate)
    return gate


def decide(gate: Gate, command: str) -> Decision:
    root = str(gate.service.home.root) if gate.service.home else "/tmp"
    return gate.decide("Bash", {"command": command}, cwd=root, caller=ANN)


def rules(decision: Decision) -> list[str]:
    return [r["rule"] for r in decision.reasons]


def decided_events(home: ProjectHome) -> list[str]:
    store = open_store(home, config(home))
    try:
        return [e.payload["decision"] for e in store.read_after(0, 1000) if e.type == "validation.decided"]
    finally:
        store.close()


def test_a_healthy_store_decides_and_records(home: ProjectHome, gates: list[Gate]) -> None:
    gate = open_gate(home, gates)
    assert gate.problem is None
    decision = gate.settle(decide(gate, "ls"), ANN, aggregate="toolu_1")
    assert (decision.decision, rules(decision)) == ("allow", [])
    assert decided_events(home) == ["allow"]


def test_no_project_home_where_none_was_expected_records_nothing(gates: list[Gate]) -> None:
    gate = open_gate(None, gates, expected=False)
    assert gate.problem is None and gate.store is None
    assert gate.settle(decide(gate, "ls"), ANN, aggregate=None).decision == "allow"
    assert gate.settle(decide(gate, "rm -rf /"), ANN, aggregate=None).decision == "deny"


def test_a_home_that_is_gone_is_the_audit_log_gone(gates: list[Gate]) -> None:
    gate = open_gate(None, gates, expected=True)
    decision = gate.settle(decide(gate, "ls"), ANN, aggregate=None)
    assert decision.decision == "ask" and "audit.missing" in rules(decision)
    assert "rate.unavailable" in rules(decision)  # limits that cannot be counted are not lifted either
    assert gate.settle(decide(gate, "rm -rf /"), ANN, aggregate=None).decision == "deny"  # a deny stays a deny


def test_a_deleted_store_is_missing_not_recreated(home: ProjectHome, gates: list[Gate]) -> None:
    db = home.db_path(config(home).store.path)
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    gate = open_gate(home, gates)
    decision = gate.settle(decide(gate, "ls"), ANN, aggregate=None)
    assert decision.decision == "ask" and rules(decision)[0] == "audit.missing"
    assert "store reset" in decision.reasons[0]["message"]
    assert not db.exists()


def test_a_store_that_cannot_be_read_is_unavailable(home: ProjectHome, gates: list[Gate]) -> None:
    db = home.db_path(config(home).store.path)
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.write_bytes(b"not a database at all " * 200)
    gate = open_gate(home, gates)
    decision = gate.settle(decide(gate, "ls"), ANN, aggregate=None)
    assert decision.decision == "ask" and "audit.unavailable" in rules(decision)


def test_a_store_put_back_from_an_older_copy_is_missing(home: ProjectHome, gates: list[Gate], tmp_path: Path) -> None:
    db = home.db_path(config(home).store.path)
    store = open_store(home, config(home))
    copy = tmp_path / "old.db"
    store.close()
    shutil.copy(db, copy)  # the WAL was checkpointed on close: the copy is the whole store
    store = open_store(home, config(home))
    store.append(NewEvent("test.noted", {"n": 1}, agent="test"))
    store.close()
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    shutil.copy(copy, db)
    gate = open_gate(home, gates)
    decision = decide(gate, "ls")
    assert decision.decision == "ask" and rules(decision)[0] == "audit.missing"


def test_on_error_deny_turns_every_failure_into_a_deny(home: ProjectHome, gates: list[Gate]) -> None:
    db = home.db_path(config(home).store.path)
    db.write_bytes(b"garbage" * 100)
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    gate = open_gate(home, gates, config(home, validation__on_error="deny"))
    assert decide(gate, "ls").decision == "deny"


def test_a_decision_that_cannot_be_recorded_is_not_an_allow(home: ProjectHome, gates: list[Gate]) -> None:
    gate = open_gate(home, gates, config(home, store__busy_timeout_ms="50"))
    decision = decide(gate, "ls")
    assert decision.decision == "allow"
    holder = sqlite3.connect(home.db_path(config(home).store.path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock past the busy timeout
    try:
        settled = gate.settle(decision, ANN, aggregate="toolu_1")
        denied = gate.settle(decide(gate, "rm -rf /"), ANN, aggregate="toolu_2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert settled.decision == "ask" and rules(settled) == ["audit.unavailable"]
    assert "cannot record" in settled.reasons[0]["message"]
    assert denied.decision == "deny"  # a deny is still a deny, recorded or not


def test_claims_that_cannot_be_read_are_not_ignored(home: ProjectHome, gates: list[Gate]) -> None:
    gate = open_gate(home, gates)
    assert gate.store is not None
    gate.store.close()  # the store went away between opening and deciding
    decision = decide(gate, "ls")
    assert decision.decision == "ask"
    assert {"audit.unavailable", "rate.unavailable"} <= set(rules(decision))


def test_a_store_opened_ahead_is_taken_only_while_it_is_the_one_a_request_would_open(home: ProjectHome) -> None:
    """`Standby` (a hook server's spare holds the store open while it waits): taken while the files are those it
    opened; not taken when another store, other settings or another key would be opened; refused outright when its
    log or index was changed under it (a request must not open the store beside a connection with a stale view)."""
    from lighthouse_mcp.errors import StoreError
    from lighthouse_mcp.validation.gate import Standby

    cfg = config(home)
    standby = Standby.open(home, cfg)
    assert isinstance(standby, Standby)
    assert standby.sound() and standby.take(home, cfg) is standby.store
    assert standby.take(home, config(home, store__synchronous="full")) is None
    assert standby.store.opened_unchanged((0, 0)) is False  # another database was there when opening began
    (home.path / "lighthouse.db-shm").unlink()
    assert not standby.sound()
    with pytest.raises(StoreError, match="changed while it was open"):
        standby.take(home, cfg)


def test_a_store_replaced_at_its_path_is_not_taken(home: ProjectHome) -> None:
    from lighthouse_mcp.validation.gate import Standby

    cfg = config(home)
    standby = Standby.open(home, cfg)
    assert isinstance(standby, Standby)
    db = home.path / "lighthouse.db"
    shutil.copy(db, home.path / "copy.db")
    (home.path / "copy.db").replace(db)  # another file at the path: a connection opened now is to that one
    assert standby.sound() and standby.take(home, cfg) is None
