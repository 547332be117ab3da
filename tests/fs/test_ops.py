"""The FUSE operations without a mount: with no open or close reaching them, what is written is taken from the
writes themselves (an answer or a note at each write, a context file when left alone or asked after), and the
live paths watched for the kernel stay bounded."""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator

import mfusepy as fuse
import pytest

from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.fs import ops as ops_module
from lighthouse_mcp.fs.ops import LIVE_KEPT, QUIET_S, LighthouseOps
from lighthouse_mcp.fs.paths import View
from lighthouse_mcp.project import Project


@pytest.fixture
def ops(project: Project) -> Iterator[LighthouseOps]:
    store = project.open_store()
    yield LighthouseOps(View(store, str(project.home.root), by="person"))
    store.close()


def _types(ops: LighthouseOps, prefix: str) -> list[Event]:
    return [e for e in ops.lh_view._store.read_after(0, 10_000) if e.type.startswith(prefix)]


def test_an_answer_is_taken_at_the_write_and_its_error_is_the_writes(ops: LighthouseOps) -> None:
    store = ops.lh_view._store
    store.append(NewEvent("approval.requested", {"command": "npm publish", "timeout_s": 60}, aggregate="apr_1"))
    store.append(NewEvent("approval.requested", {"command": "git push", "timeout_s": 60}, aggregate="apr_2"))
    ops.truncate("/approvals/pending/apr_1", 0)  # `echo maybe > …`: truncate, then a write that is no answer
    with pytest.raises(fuse.FuseOSError) as refused:
        ops.write("/approvals/pending/apr_1", b"maybe\n", 0, 0)
    assert refused.value.errno == errno.EINVAL
    ops.truncate("/approvals/pending/apr_1", 0)
    assert ops.write("/approvals/pending/apr_1", b"approve release day\n", 0, 0) == 20
    (granted,) = _types(ops, "approval.granted")
    assert (granted.aggregate, granted.payload["reason"]) == ("apr_1", "release day")
    assert ops.lh_writes == {}  # nothing left waiting for a close that never comes
    with pytest.raises(fuse.FuseOSError) as gone:
        ops.getattr("/approvals/pending/apr_1")
    assert gone.value.errno == errno.ENOENT
    ops.truncate("/approvals/pending/apr_2", 0)  # a truncate that no write follows is dropped in time
    time.sleep(QUIET_S + 0.05)
    ops.lh_tick()
    assert ops.lh_writes == {} and not _types(ops, "approval.denied")


def test_a_context_file_is_recorded_once_when_asked_after_or_left_alone(ops: LighthouseOps) -> None:
    ops.mkdir("/context/pkg", 0o755)
    ops.create("/context/pkg/a.txt", 0o644)
    for offset in range(0, 300, 100):
        ops.write("/context/pkg/a.txt", b"a" * 100, offset, 0)
    assert ops.getattr("/context/pkg/a.txt")["st_size"] == 300  # the file answers for itself while written
    assert ops.read("/context/pkg/a.txt", 10, 295, 0) == b"aaaaa"
    assert not _types(ops, "context.file_added")
    names = [name for name, _ in ops.lh_entries("/context/pkg")]  # asking after the package records it
    assert b"a.txt" in names and b"manifest.json" in names
    assert [(e.payload["name"], e.payload["size"]) for e in _types(ops, "context.file_added")] == [("a.txt", 300)]

    ops.create("/context/pkg/b.txt", 0o644)
    ops.write("/context/pkg/b.txt", b"bee\n", 0, 0)
    ops.lh_tick()
    assert len(_types(ops, "context.file_added")) == 1  # still being written
    time.sleep(QUIET_S + 0.05)
    assert "/context/pkg/manifest.json" in ops.lh_tick()
    assert [e.payload["name"] for e in _types(ops, "context.file_added")] == ["a.txt", "b.txt"]
    assert ops.read("/context/pkg/b.txt", 100, 0, 0) == b"bee\n"


def test_writes_where_nothing_may_be_written_are_refused_at_once(ops: LighthouseOps) -> None:
    for call in (
        lambda: ops.truncate("/stats.json", 0),
        lambda: ops.write("/events/all.jsonl", b"x", 0, 0),
        lambda: ops.create("/current/new.py", 0o644),
        lambda: ops.create("/context/pkg/x", 0o644),  # no such package
    ):
        with pytest.raises(fuse.FuseOSError) as refused:
            call()
        assert refused.value.errno in (errno.EROFS, errno.ENOENT)
    assert ops.lh_writes == {}


def test_the_live_paths_watched_stay_bounded(ops: LighthouseOps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops_module, "LIVE_KEPT", 50)
    for n in range(200):
        ops._given(f"/history/@2026-01-01T00:00:{n:02d}Z/file")
    ops._given("/current/src/app.py")  # follows the tree, not every event
    ops._given("/history/12/src/app.py")  # never changes
    assert len(ops.lh_live) == 50 and "/history/@2026-01-01T00:00:199Z/file" in ops.lh_live
    assert LIVE_KEPT >= 1000
