"""`lighthouse events query|tail|verify|export`, `backup` and `restore` against a real project."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from lighthouse_mcp.config import load_config
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.home import ProjectHome
from lighthouse_mcp.project import Project
from tests.cli.conftest import Runner, one_line_error

CONTRACT_KEYS = {"seq", "id", "ts", "type", "agent", "session", "aggregate", "payload"}


def _project(runner: Runner) -> Project:
    home = ProjectHome(runner.cwd / ".lighthouse")
    return Project(home, load_config(home.config_path, env={}))


def _append(runner: Runner, *events: NewEvent) -> None:
    store = _project(runner).open_store()
    store.append_batch(list(events))
    store.close()


def _tamper(runner: Runner, sql: str) -> None:
    conn = sqlite3.connect(runner.cwd / ".lighthouse" / "lighthouse.db")
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def filled(initialised: Runner) -> Runner:
    _append(
        initialised,
        NewEvent("validation.decided", {"decision": "deny", "command": "rm -rf /"}, agent="alice", session="s1"),
        NewEvent("validation.decided", {"decision": "allow", "command": "ls"}, agent="bob", session="s2"),
        NewEvent("response.scanned", {"risk": "low"}, agent="alice", session="s1", aggregate="web"),
        *[NewEvent("test.bulk", {"i": i}) for i in range(20)],
    )
    return initialised


def test_query_json_lines_carry_the_contract_fields(filled: Runner) -> None:
    result = filled("events", "query", "--json", "--limit", "5")
    assert result.code == 0
    events = [json.loads(line) for line in result.out.splitlines()]
    assert len(events) == 5
    assert all(set(e) >= CONTRACT_KEYS for e in events)
    assert [e["seq"] for e in events] == [24, 23, 22, 21, 20]
    assert "more: --cursor" in result.err


def test_query_filters_and_cursor(filled: Runner) -> None:
    result = filled("events", "query", "--json", "--type", "validation", "--agent", "alice")
    assert [json.loads(line)["payload"]["command"] for line in result.out.splitlines()] == ["rm -rf /"]
    result = filled("events", "query", "--json", "--text", "rm", "--order", "asc")
    assert len(result.out.splitlines()) == 1
    first = filled("events", "query", "--json", "--type", "test", "--limit", "15")
    cursor = first.err.split("--cursor ")[1].strip()
    rest = filled("events", "query", "--json", "--type", "test", "--limit", "15", "--cursor", cursor)
    seqs = [json.loads(line)["seq"] for line in (first.out + rest.out).splitlines()]
    assert seqs == list(range(24, 4, -1))
    assert rest.err == ""


def test_a_query_that_finds_nothing_says_so_and_names_a_type_never_recorded(filled: Runner) -> None:
    nothing = filled("events", "query", "--type", "validation", "--agent", "nobody-here")
    assert nothing.code == 0 and nothing.out == ""
    assert nothing.err.strip() == "no events match --type validation --agent nobody-here"
    misspelt = filled("events", "query", "--type", "validaton.decided,validation")
    assert misspelt.code == 0 and misspelt.out != ""  # validation matches: nothing to say
    assert misspelt.err == ""
    unknown = filled("events", "query", "--type", "validaton.decided")
    assert unknown.code == 0 and unknown.out == ""
    assert "none of type 'validaton.decided' was ever recorded here" in unknown.err


def test_query_by_time_and_sequence_range(filled: Runner) -> None:
    result = filled("events", "query", "--json", "--since", "2", "--until", "3", "--order", "asc")
    assert [json.loads(line)["seq"] for line in result.out.splitlines()] == [2, 3]
    result = filled("events", "query", "--json", "--since", "1h", "--limit", "1000")
    assert len(result.out.splitlines()) == 24
    result = filled("events", "query", "--json", "--until", "2001-01-01")
    assert result.out == ""


def test_query_human_output(filled: Runner) -> None:
    result = filled("events", "query", "--type", "validation")
    lines = result.out.splitlines()
    assert len(lines) == 2 and "validation.decided" in lines[0] and "bob" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "-5"], "limit must be between 1 and"),
        (["--limit", "1000000"], "limit must be between 1 and"),
        (["--since", "last tuesday"], "neither a sequence number"),
        (["--cursor", "%%%"], "malformed cursor"),
        (["--type", "Robert'); DROP TABLE events;--"], "not a dotted lowercase"),
    ],
)
def test_bad_filters_exit_64_with_one_line(filled: Runner, args: list[str], message: str) -> None:
    result = filled("events", "query", *args)
    assert result.code == 64
    assert message in one_line_error(result)


def test_non_utf8_arguments_are_usage_errors(filled: Runner) -> None:
    """Bytes that are not UTF-8 in argv arrive as lone surrogates and are refused, not crashed on."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"lighthouse_mcp", b"events", b"query", b"--agent", b"caf\xe9"],
        cwd=filled.cwd,
        env=filled.env,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 64
    assert b"not valid UTF-8" in proc.stderr and b"Traceback" not in proc.stderr


def test_tail_prints_the_newest_oldest_first(filled: Runner) -> None:
    result = filled("events", "tail", "-n", "3", "--json")
    assert [json.loads(line)["seq"] for line in result.out.splitlines()] == [22, 23, 24]


def test_tail_follow_prints_new_events_as_they_arrive(filled: Runner) -> None:
    proc = filled.popen("events", "tail", "-f", "-n", "0", "--json", "--type", "late")
    try:
        time.sleep(1.0)
        _append(filled, NewEvent("late.one", {"n": 1}), NewEvent("test.skip"), NewEvent("late.two", {"n": 2}))
        assert proc.stdout is not None
        lines = [json.loads(proc.stdout.readline()) for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert [e["type"] for e in lines] == ["late.one", "late.two"]


def test_verify_ok(filled: Runner) -> None:
    result = filled("events", "verify")
    assert result.code == 0 and "ok: 24 events verified" in result.out
    result = filled("events", "verify", "--json")
    assert json.loads(result.out)["ok"] is True


@pytest.mark.parametrize(
    ("sql", "seq"),
    [
        ("""UPDATE events SET payload = '{"decision":"allow","command":"rm -rf /"}' WHERE seq = 2""", 2),
        ("DELETE FROM events WHERE seq = 10", 10),
        ("UPDATE events SET type = 'test.other' WHERE seq = 15", 15),
    ],
)
def test_verify_names_the_first_bad_event_and_exits_non_zero(filled: Runner, sql: str, seq: int) -> None:
    _tamper(filled, sql)
    result = filled("events", "verify")
    assert result.code == 65
    assert f"chain broken at event {seq}" in one_line_error(result)
    result = filled("events", "verify", "--json")
    assert result.code == 65 and json.loads(result.out)["first_bad_seq"] == seq


def test_export_writes_every_event_oldest_first(filled: Runner, tmp_path: Path) -> None:
    target = tmp_path / "audit.jsonl"
    result = filled("events", "export", str(target))
    assert result.code == 0 and "exported 24 events" in result.err
    events = [json.loads(line) for line in target.read_text().splitlines()]
    assert [e["seq"] for e in events] == list(range(1, 25))
    assert all(set(e) >= CONTRACT_KEYS for e in events)
    stdout = filled("events", "export", "--type", "validation")
    assert [json.loads(line)["seq"] for line in stdout.out.splitlines()] == [2, 3]


def test_export_to_a_missing_directory(filled: Runner, tmp_path: Path) -> None:
    result = filled("events", "export", str(tmp_path / "nope" / "audit.jsonl"))
    assert result.code == 64
    one_line_error(result)


def test_backup_and_restore_round_trip(filled: Runner, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    result = filled("backup", str(backup))
    assert result.code == 0 and "backed up 24 events (chain verified" in result.out
    assert filled("backup", str(backup)).code == 64  # never overwrites without --force

    _append(filled, NewEvent("test.after", {"x": 1}))
    refused = filled("restore", str(backup))
    assert refused.code == 64
    assert "discard 1 newer event(s) (seq 25..25)" in one_line_error(refused)

    result = filled("restore", str(backup), "--force")
    assert result.code == 0, result.err
    events = [json.loads(line) for line in filled("events", "export").out.splitlines()]
    assert [e["type"] for e in events[-2:]] == ["test.bulk", "store.restored"]
    assert events[-1]["seq"] == 25 and events[-1]["payload"]["discarded"] == 1
    assert filled("events", "verify").code == 0


def test_backup_while_writers_run_is_consistent(filled: Runner, tmp_path: Path) -> None:
    """A backup taken while another connection appends is a verified prefix of the log."""
    import threading

    stop = threading.Event()

    def write() -> None:
        store = _project(filled).open_store()
        while not stop.is_set():
            store.append(NewEvent("test.concurrent"))
        store.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        result = filled("backup", str(tmp_path / "live.db"))
    finally:
        stop.set()
        writer.join()
    assert result.code == 0, result.err


def test_restore_refuses_a_tampered_backup(filled: Runner, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert filled("backup", str(backup)).code == 0
    conn = sqlite3.connect(backup)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET agent = 'mallory' WHERE seq = 3")
    conn.commit()
    conn.close()
    before = filled("events", "export").out
    result = filled("restore", str(backup), "--force")
    assert result.code == 65
    assert "does not verify at event 3" in one_line_error(result)
    assert filled("events", "export").out == before


def test_restore_of_a_missing_or_foreign_file(filled: Runner, tmp_path: Path) -> None:
    result = filled("restore", str(tmp_path / "missing.db"))
    assert result.code == 64
    one_line_error(result)
    other = tmp_path / "other.db"
    other.write_bytes(b"not a database at all" * 100)
    result = filled("restore", str(other))
    assert result.code == 70
    assert "other.db" in one_line_error(result)


def test_a_backup_of_another_project_and_a_shared_key_file_are_named_not_internal(
    filled: Runner, tmp_path: Path
) -> None:
    """Another project's backup is data this key cannot take (65); a key file others can read is the person's to
    fix (64): neither is an internal error (70)."""
    other = tmp_path / "other-project"
    other.mkdir()
    assert filled("init", str(other)).code == 0
    backup = tmp_path / "other.bak"
    assert Runner(other)("backup", str(backup)).code == 0
    foreign = filled("restore", str(backup))
    assert foreign.code == 65 and "chained with another secret key" in one_line_error(foreign)
    key = filled.cwd / ".lighthouse" / "secret.key"
    key.chmod(0o644)
    shared = filled("events", "query")
    assert shared.code == 64 and "chmod 600" in one_line_error(shared)
