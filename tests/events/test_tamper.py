"""Tampering with the SQLite file behind the store's back is caught by `verify`, which names the first bad event."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lighthouse_mcp.events.chain import Linker, body, head
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from tests.conftest import KEY


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.db"
    store = SQLiteEventStore(path, KEY)
    store.append_batch([NewEvent("test.event", {"i": i}, agent="a") for i in range(1, 11)])
    store.close()
    return path


def _raw(path: Path) -> sqlite3.Connection:
    """A plain connection with the append-only triggers dropped, as an attacker with the file would do."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    return conn


def _verify(path: Path) -> tuple[bool, int | None, str | None]:
    store = SQLiteEventStore(path, KEY)
    try:
        report = store.verify()
    finally:
        store.close()
    return report.ok, report.first_bad_seq, report.reason


def test_triggers_reject_update_and_delete(db: Path) -> None:
    """The schema itself refuses edits and deletions."""
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET payload = '{}' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events WHERE seq = 3")
    conn.close()
    assert _verify(db) == (True, None, None)


def test_edited_payload_is_named(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("""UPDATE events SET payload = '{"i":999}' WHERE seq = 4""")
    ok, seq, reason = _verify(db)
    assert (ok, seq) == (False, 4)
    assert "MAC" in (reason or "")


def test_edited_agent_column_is_named(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE events SET agent = 'mallory' WHERE seq = 7")
    assert _verify(db)[:2] == (False, 7)


def test_deleted_row_is_named(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("DELETE FROM events WHERE seq = 5")
    ok, seq, reason = _verify(db)
    assert (ok, seq) == (False, 5)
    assert "missing" in (reason or "")


def test_deleted_newest_rows_are_named(db: Path) -> None:
    """Cutting off the end of the log shows against the chain head."""
    with _raw(db) as conn:
        conn.execute("DELETE FROM events WHERE seq >= 9")
    ok, seq, reason = _verify(db)
    assert (ok, seq) == (False, 9)
    assert "missing" in (reason or "")


def test_reordered_rows_are_named(db: Path) -> None:
    """Swapping two events' contents (keeping their MACs in place) breaks at the first swapped one."""
    with _raw(db) as conn:
        rows = {r[0]: r[1:] for r in conn.execute("SELECT seq, id, payload FROM events WHERE seq IN (3, 6)")}
        conn.execute("UPDATE events SET id = 'tmp' WHERE seq = 6")
        conn.execute("UPDATE events SET id = ?, payload = ? WHERE seq = 3", rows[6])
        conn.execute("UPDATE events SET id = ?, payload = ? WHERE seq = 6", rows[3])
    assert _verify(db)[:2] == (False, 3)


def test_renumbered_rows_are_named(db: Path) -> None:
    """Moving whole rows (MACs and all) to other sequence numbers is caught."""
    with _raw(db) as conn:
        conn.execute("UPDATE events SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE events SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE events SET seq = 3 WHERE seq = 100")
    assert _verify(db)[:2] == (False, 2)


def test_row_forged_with_another_key_is_named(db: Path) -> None:
    """A row appended with a correctly formed chain but a different key fails at that row."""
    wrong_key = bytes(32)
    with _raw(db) as conn:
        (prev_mac,) = conn.execute("SELECT mac FROM events WHERE seq = 10").fetchone()
        payload = '{"i":11}'
        mac = Linker(wrong_key).link(
            prev_mac, head(11, "01FORGED000000000000000000", 1), body("test.event", "a", None, None, payload)
        )
        conn.execute(
            "INSERT INTO events(seq, id, ts, type, agent, session, aggregate, payload, mac) "
            "VALUES (11, '01FORGED000000000000000000', 1, 'test.event', 'a', NULL, NULL, ?, ?)",
            (payload, mac),
        )
        conn.execute("UPDATE chain_head SET seq = 11, mac = ?", (mac,))
    ok, seq, _ = _verify(db)
    assert (ok, seq) == (False, 11)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("agent", b"a"),  # a blob where text was
        ("aggregate", bytes(3)),  # (TEXT columns turn numbers into text: only blobs stay other)
        ("type", b"file.changed"),
        ("payload", b"{}"),
        ("ts", "yesterday"),
        ("ts", 1.5),
        ("mac", "not a blob"),
        ("mac", 10**15),  # read as bytes(n), this would ask for a petabyte of zeroes
    ],
)
def test_a_column_edited_to_another_kind_of_value_is_named(db: Path, column: str, value: object) -> None:
    """SQLite keeps whatever kind of value it is given; the walk names the row rather than failing on it."""
    with _raw(db) as conn:
        conn.execute(f"UPDATE events SET {column} = ? WHERE seq = 6", (value,))
    ok, seq, reason = _verify(db)
    assert (ok, seq) == (False, 6)
    assert f"wrong kind in its {column}" in (reason or "")


@pytest.mark.parametrize("payload", ['{"sha256": "ab", ', '["sha256"]', '{"sha256": ["ab"]}', '"sha256"'])
def test_a_file_change_edited_into_other_text_is_named(tmp_path: Path, payload: str) -> None:
    """A file change's digest is read before its MAC is checked: text that is not the object it was is named by the
    MAC, not raised."""
    path = tmp_path / "events.db"
    store = SQLiteEventStore(path, KEY)
    digest = store.put_blob(b"content")
    store.append_batch([NewEvent("file.changed", {"path": "a.py", "sha256": digest}) for _ in range(3)])
    store.close()
    with _raw(path) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE seq = 2", (payload,))
    ok, seq, reason = _verify(path)
    assert (ok, seq) == (False, 2)
    assert "MAC" in (reason or "")


def test_store_refuses_a_different_key(db: Path) -> None:
    """Opening with a key other than the one that chained the store is a clear error, not a broken chain."""
    from lighthouse_mcp.errors import StoreError

    with pytest.raises(StoreError, match="another secret key"):
        SQLiteEventStore(db, bytes(32))


def test_seq_at_time_skips_deleted_rows(db: Path) -> None:
    """The binary search over seq still finds the right event when rows are missing."""
    store = SQLiteEventStore(db, KEY)
    last_ts = store.get(10).ts  # type: ignore[union-attr]
    store.close()
    with _raw(db) as conn:
        conn.execute("DELETE FROM events WHERE seq IN (5, 6, 10)")
    store = SQLiteEventStore(db, KEY)
    try:
        assert store.seq_at_time(last_ts) == 9
        assert store.seq_at_time(0) == 0
    finally:
        store.close()


def test_a_copy_put_back_under_an_open_store_is_not_undone_when_it_closes(db: Path, tmp_path: Path) -> None:
    # An older copy put back in place (log and index deleted, the file written over) while a process has the store
    # open: that process closing its connection must not checkpoint its newer log into the copy, which would put back
    # the events the copy dropped. What another process then reads is the copy as it was put back.
    import shutil
    import subprocess
    import sys

    old = tmp_path / "old.db"
    shutil.copyfile(db, old)
    store = SQLiteEventStore(db, KEY)
    store.append_batch([NewEvent("test.event", {"i": i}, agent="a") for i in range(11, 16)])
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink()
    shutil.copyfile(old, db)  # in place: the same file, older content
    store.close()
    count = (
        "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM events').fetchone()[0])"
    )
    seen = subprocess.run([sys.executable, "-c", count, str(db)], capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == "10"
