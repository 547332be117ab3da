"""The audit log cannot be deleted, emptied, cut back, rolled back or replaced unnoticed: the hook answers
`audit.missing`, `events verify` names what is wrong, `health` and `verify_audit_log` agree, nothing re-creates the
store silently, and only a person's `store reset` starts a new chain."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from mcp import Client

from lighthouse_mcp.server import build_server
from tests.security.conftest import Guarded


def _db(guarded: Guarded) -> sqlite3.Connection:
    return sqlite3.connect(guarded.home.path / "lighthouse.db", isolation_level=None)


def _some_history(guarded: Guarded, count: int = 6) -> None:
    for i in range(count):
        guarded.bash(f"echo step {i}")


def _cut_back(guarded: Guarded, keep: int) -> None:
    """What an agent with a SQLite shell would do: drop the guards, delete the newest events, move the head back."""
    db = _db(guarded)
    db.executescript(
        "DROP TRIGGER events_no_delete; DROP TRIGGER chain_head_forward; DROP TRIGGER chain_head_no_delete;"
    )
    db.execute("DELETE FROM events WHERE seq > ?", (keep,))
    seq, mac, ts = db.execute("SELECT seq, mac, ts FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    db.execute("UPDATE chain_head SET seq = ?, mac = ?, ts = ?", (seq, mac, ts))
    db.close()


def _missing(guarded: Guarded) -> None:
    answer = guarded.bash("ls")
    assert answer.decision == "ask", answer
    assert "audit.missing" in answer.reason and "store reset" in answer.reason
    assert guarded.bash("rm -rf ~").decision == "deny"  # a deny stays a deny
    verified = guarded.cli("events", "verify", "--json")
    assert verified.code == 65, verified
    assert json.loads(verified.out.strip().splitlines()[-1])["ok"] is False


def test_the_chain_head_only_moves_forward(guarded: Guarded) -> None:
    _some_history(guarded)
    db = _db(guarded)
    with pytest.raises(sqlite3.DatabaseError, match="only moves forward"):
        db.execute("UPDATE chain_head SET seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="appends only"):
        db.execute("DELETE FROM chain_head")
    db.close()


def test_a_store_cut_back_with_its_head_is_seen(guarded: Guarded) -> None:
    _some_history(guarded)
    _cut_back(guarded, keep=3)
    _missing(guarded)
    assert "cut from its end" in guarded.cli("events", "verify").err


def test_an_older_copy_put_back_is_seen(guarded: Guarded) -> None:
    _some_history(guarded, 2)
    backup = guarded.root / "old.db"
    assert guarded.cli("backup", str(backup)).code == 0
    _some_history(guarded, 3)
    for suffix in ("-wal", "-shm"):
        (guarded.home.path / f"lighthouse.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, guarded.home.path / "lighthouse.db")
    _missing(guarded)


def test_a_deleted_store_is_not_re_created(guarded: Guarded) -> None:
    _some_history(guarded, 2)
    for suffix in ("", "-wal", "-shm"):
        (guarded.home.path / f"lighthouse.db{suffix}").unlink(missing_ok=True)
    answer = guarded.bash("ls")
    assert answer.decision == "ask" and "audit.missing" in answer.reason
    assert not (guarded.home.path / "lighthouse.db").exists()  # the hook did not make a new one
    assert guarded.bash("rm -rf ~").decision == "deny"
    init = guarded.cli("init")
    assert init.code != 0 and "store reset" in init.err
    assert not (guarded.home.path / "lighthouse.db").exists()


def test_an_emptied_store_is_seen(guarded: Guarded) -> None:
    _some_history(guarded, 2)
    for suffix in ("", "-wal", "-shm"):
        (guarded.home.path / f"lighthouse.db{suffix}").unlink(missing_ok=True)
    (guarded.home.path / "lighthouse.db").write_bytes(b"")
    answer = guarded.bash("ls")
    assert answer.decision == "ask" and "audit." in answer.reason


def test_a_whole_home_moved_away_is_seen(guarded: Guarded) -> None:
    shutil.move(guarded.home.path, guarded.root.parent / "elsewhere")
    answer = guarded.bash("ls")  # the hook was told where the home is: its absence is not "no project"
    assert answer.decision == "ask" and "audit.missing" in answer.reason
    assert guarded.bash("rm -rf ~").decision == "deny"


def test_an_edited_blob_fails_verify_and_is_not_served(guarded: Guarded) -> None:
    target = guarded.root / "src" / "app.py"
    tool_input = {"file_path": str(target), "content": "print('hi')\n"}
    guarded.hook("PreToolUse", "Write", tool_input, tool_use_id="t1")
    guarded.hook("PostToolUse", "Write", tool_input, tool_use_id="t1", tool_response={"success": True})
    changed = guarded.events("file.changed")[-1]
    db = _db(guarded)
    db.executescript("DROP TRIGGER blobs_no_update;")
    db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"print('pwned')\n", changed.payload["sha256"]))
    db.close()
    verified = guarded.cli("events", "verify")
    assert verified.code == 65 and f"event {changed.seq}" in verified.err and "digest" in verified.err
    store = guarded.project().open_store()
    try:
        from lighthouse_mcp.errors import StoreError

        with pytest.raises(StoreError, match="does not match its digest"):
            store.get_blob(changed.payload["sha256"])
    finally:
        store.close()


@pytest.mark.anyio
async def test_health_and_verify_audit_log_agree_with_events_verify(guarded: Guarded) -> None:
    _some_history(guarded)
    _cut_back(guarded, keep=2)
    project = guarded.project()
    # A server started on the cut-back store: both tools say what `events verify` says.
    async with Client(build_server(project)) as client:
        health = (await client.call_tool("health", {})).structured_content
        verify = (await client.call_tool("verify_audit_log", {})).structured_content
        decided = (await client.call_tool("validate_command", {"command": "ls"})).structured_content
    assert health is not None and verify is not None and decided is not None
    assert verify["ok"] is False and health["status"] == "chain_broken"
    assert health["chain"]["reason"] == verify["reason"]
    assert decided["decision"] == "ask" and decided["reasons"][0]["rule"] == "audit.missing"


def test_a_person_starts_a_new_chain_and_it_is_recorded(guarded: Guarded) -> None:
    _some_history(guarded, 3)
    _cut_back(guarded, keep=2)
    _missing(guarded)
    reset = guarded.cli("store", "reset", "--reason", "a test cut the log back")
    assert reset.code == 0, reset.err
    kept = sorted(guarded.home.path.glob("lighthouse.db.replaced-*"))
    # The old file is evidence, kept beside the new one, with its log and index where open connections (the hook
    # server's) keep them.
    databases = [p for p in kept if not p.name.endswith(("-wal", "-shm"))]
    assert len(databases) == 1 and all(p.name.startswith(databases[0].name) for p in kept), kept
    first = guarded.events("store.reset")[0]
    assert first.seq == 1 and first.payload["reason"] == "a test cut the log back"
    assert first.payload["previous_anchor"]["seq"] > 2
    assert guarded.cli("events", "verify").code == 0
    assert guarded.bash("ls").decision == "defer"


def test_a_cut_back_log_that_grows_again_does_not_carry_the_anchor_along(guarded: Guarded) -> None:
    """Appending past the anchored sequence on a forked chain must not move the anchor onto the fork."""
    _some_history(guarded, 3)
    _cut_back(guarded, keep=2)
    for i in range(8):  # more than were cut: the fork is now longer than the anchored chain
        guarded.bash(f"echo again {i}")
    _missing(guarded)


def test_the_whole_home_put_back_from_a_copy_is_seen(guarded: Guarded) -> None:
    """The store and the anchor beside it put back together (a copy of `.lighthouse` taken earlier): the second
    anchor, kept outside the project in the user's state directory, is ahead of both."""
    _some_history(guarded, 2)
    saved = guarded.root.parent / "saved-home"
    shutil.copytree(guarded.home.path, saved, ignore=shutil.ignore_patterns("hook.sock"))
    _some_history(guarded, 3)
    shutil.rmtree(guarded.home.path)
    shutil.copytree(saved, guarded.home.path)
    _missing(guarded)
    assert "outside the project" in guarded.cli("events", "verify").err


def test_a_home_deleted_and_made_anew_is_seen(guarded: Guarded) -> None:
    """The whole home deleted (store, key and anchor) and `init` run again: the anchor outside the project says an
    audit log was kept here, so only a person's `store reset` starts anew, and it records what that anchor said."""
    _some_history(guarded, 2)
    shutil.rmtree(guarded.home.path)
    init = guarded.cli("init")
    assert init.code != 0 and "store reset" in init.err, init
    assert not (guarded.home.path / "lighthouse.db").exists()
    reset = guarded.cli("store", "reset", "--reason", "the home was deleted")
    assert reset.code == 0, reset.err
    first = guarded.events("store.reset")[0]
    assert first.payload["previous_anchor"] is None and "this project's key" in first.payload["previous_anchor_problem"]
    assert guarded.cli("events", "verify").code == 0


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf ~/.local/state/lighthouse",
        "rm -f ~/.local/state/lighthouse/anchors/*.json",
        "find ~/.local/state -name '*.json' -delete",
        "echo '' > ~/.local/state/lighthouse/anchors/a.json",
        "mv ~/.local/state/lighthouse /tmp/elsewhere",
    ],
)
def test_the_anchor_outside_the_project_is_out_of_the_agent_s_reach(guarded: Guarded, command: str) -> None:
    _some_history(guarded, 1)
    assert guarded.bash(command).decision == "deny", command
