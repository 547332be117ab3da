"""The view's path logic without a mount: trees from file events, history at any sequence, the log as a file,
approvals, and what is refused."""

from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.agents.taint import handed_on_event
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.fs.paths import FsError, View, kind, split
from lighthouse_mcp.fs.snapshot import plan
from lighthouse_mcp.fs.tree import Entry, Trees, changes, relative
from lighthouse_mcp.project import Project


def _snapshot(project: Project, store: object) -> dict[str, int]:
    root = project.home.root
    known, _ = Trees(store, str(root)).at(store.last_seq())  # type: ignore[attr-defined]
    events, result = plan(root, known, agent="t", session=None, put_blob=store.put_blob)  # type: ignore[attr-defined]
    if events:
        store.append_batch(events)  # type: ignore[attr-defined]
    return result.to_json()


@pytest.fixture
def tree(project: Project) -> Path:
    root = project.home.root
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('v1')\n")
    (root / "README.md").write_text("# demo\n")
    (root / ".gitignore").write_text("*.log\nbuild/\n")
    (root / "debug.log").write_text("noise\n")
    (root / "build").mkdir()
    (root / "build" / "out.bin").write_bytes(b"\0")
    return root


def test_snapshot_records_only_changes_and_skips_ignored(project: Project, tree: Path) -> None:
    store = project.open_store()
    try:
        assert _snapshot(project, store) == {
            "added": 3,
            "changed": 0,
            "deleted": 0,
            "renamed": 0,
            "unchanged": 0,
            "events": 3,
        }
        assert _snapshot(project, store)["events"] == 0
        (tree / "src" / "app.py").write_text("print('v2')\n")
        (tree / "README.md").rename(tree / "README.txt")
        (tree / ".gitignore").unlink()
        counts = _snapshot(project, store)
        assert (counts["changed"], counts["renamed"]) == (1, 1)
        assert counts["added"] == 2  # the ignored files are no longer ignored
        assert counts["deleted"] == 1
        now, _ = Trees(store, str(tree)).current(fresh=True)
        assert set(now) == {"src/app.py", "README.txt", "debug.log", "build/out.bin"}
    finally:
        store.close()


def test_history_and_current(project: Project, tree: Path) -> None:
    store = project.open_store()
    try:
        _snapshot(project, store)
        first = store.last_seq()
        (tree / "src" / "app.py").write_text("print('v2')\n")
        _snapshot(project, store)
        view = View(store, str(tree), by="t")
        assert view.readdir("/") == [
            "current", "shadows", "history", "events", "sessions", "context", "approvals", "stats.json"
        ]  # fmt: skip
        assert view.readdir("/current") == [".gitignore", "README.md", "src"]
        assert view.read("/current/src/app.py", 100, 0) == b"print('v2')\n"
        assert view.read(f"/history/{first}/src/app.py", 100, 0) == b"print('v1')\n"
        assert view.read("/current/src/app.py", 3, 2) == b"int"
        assert view.getattr("/current/src").is_dir and view.getattr("/current/src/app.py").size == 12
        assert str(first) in view.readdir("/history")
        assert view.readdir(f"/history/{first}/src") == ["app.py"]
        events = store.read_after(0, 100)
        at_time = events[first - 1].ts
        from lighthouse_mcp.events.model import iso_time

        # ISO times carry microseconds; the event was recorded within the microsecond before this one
        assert view.read(f"/history/@{iso_time(at_time + 1000)}/src/app.py", 100, 0) == b"print('v1')\n"
    finally:
        store.close()


def test_the_log_reads_at_any_offset_and_grows(project: Project) -> None:
    store = project.open_store()
    try:
        view = View(store, str(project.home.root), by="t")
        whole = view.read("/events/all.jsonl", 10**9, 0)
        assert whole.count(b"\n") == store.count() and view.getattr("/events/all.jsonl").size == len(whole)
        for offset in (0, 5, len(whole) // 2, len(whole) - 1, len(whole), len(whole) + 10):
            assert view.read("/events/all.jsonl", 37, offset) == whole[offset : offset + 37]
        store.append(NewEvent("test.more", {"x": 1}))
        grown = view.read("/events/all.jsonl", 10**9, 0)
        assert grown.startswith(whole) and json.loads(grown.splitlines()[-1])["type"] == "test.more"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/nothing", errno.ENOENT),
        ("/current/../../etc/passwd", errno.ENOENT),
        ("/current/%2e%2e/secret.key", errno.ENOENT),
        ("/current/src/../../x", errno.ENOENT),
        ("/history/abc", errno.ENOENT),
        ("/history/99999999", errno.ENOENT),
        ("/history/@not-a-time", errno.ENOENT),
        ("/approvals/pending/apr_nope", errno.ENOENT),
        ("relative", errno.ENOENT),
        ("/current/a\x00b", errno.ENOENT),
    ],
)
def test_what_is_not_there(project: Project, path: str, code: int) -> None:
    store = project.open_store()
    try:
        with pytest.raises(FsError) as caught:
            View(store, str(project.home.root), by="t").getattr(path)
        assert caught.value.errno == code
    finally:
        store.close()


def test_writes_are_refused_except_approvals(project: Project, tree: Path) -> None:
    store = project.open_store()
    try:
        _snapshot(project, store)
        view = View(store, str(tree), by="t")
        for path in ("/current/README.md", "/stats.json", "/events/all.jsonl"):
            with pytest.raises(FsError) as caught:
                view.write(path, b"x")
            assert caught.value.errno == errno.EROFS
        assert not view.writable("/current/README.md")
    finally:
        store.close()


def test_split_and_relative() -> None:
    assert split("/") == [] and split("/a//b/") == ["a", "b"]
    assert relative("/p/src/a.py", "/p") == "src/a.py" and relative("/p", "/p") is None
    assert relative("/other/a.py", "/p") is None and relative("/p/../etc", "/p") is None
    assert relative("src/./a.py", "/p") == "src/a.py" and relative("/pp/a", "/p") is None


def test_logs_by_type_and_by_agent(project: Project) -> None:
    store = project.open_store()
    try:
        store.append_batch([NewEvent("test.a", {"i": i}, agent="ann" if i % 2 else "ben") for i in range(6)])
        view = View(store, str(project.home.root), by="t")
        assert view.readdir("/events") == ["all.jsonl", "by-agent", "by-type"]
        assert "test.a.jsonl" in view.readdir("/events/by-type")
        assert {"ann.jsonl", "ben.jsonl"} <= set(view.readdir("/events/by-agent"))
        ann = view.read("/events/by-agent/ann.jsonl", 10**6, 0).splitlines()
        assert [json.loads(x)["payload"]["i"] for x in ann] == [1, 3, 5]
        typed = view.read("/events/by-type/test.a.jsonl", 10**6, 0)
        assert typed.count(b"\n") == 6 and view.getattr("/events/by-type/test.a.jsonl").size == len(typed)
        assert view.read("/events/by-type/test.a.jsonl", 20, 30) == typed[30:50]
        store.append(NewEvent("test.a", {"i": 6}, agent="ann"))
        assert view.read("/events/by-agent/ann.jsonl", 10**6, 0).count(b"\n") == 4
        for missing in ("/events/by-type/nope.jsonl", "/events/by-agent/nobody.jsonl", "/events/by-type/test.a"):
            with pytest.raises(FsError):
                view.getattr(missing)
    finally:
        store.close()


def test_sessions_by_agent(project: Project) -> None:
    store = project.open_store()
    try:
        store.append(NewEvent("session.started", {"role": "builder", "transport": "stdio"}, agent="ben", session="s1"))
        store.append(NewEvent("validation.decided", {"command": "ls", "decision": "allow"}, agent="ben", session="s1"))
        store.append(NewEvent("validation.decided", {"command": "pwd", "decision": "allow"}, agent="ann"))
        store.append(NewEvent("session.ended", {"reason": "client disconnected"}, agent="ben", session="s1"))
        view = View(store, str(project.home.root), by="t")
        assert "ben" in view.readdir("/sessions") and view.readdir("/sessions/ben") == [
            "sessions.json",
            "decisions.jsonl",
        ]
        sessions = json.loads(view.read("/sessions/ben/sessions.json", 10**6, 0))
        assert sessions == [
            {"session": "s1", "status": "ended", "started": sessions[0]["started"], "role": "builder", "client": None,
             "transport": "stdio", "ended": sessions[0]["ended"], "reason": "client disconnected", "taint": []}
        ]  # fmt: skip
        decided = view.read("/sessions/ben/decisions.jsonl", 10**6, 0).splitlines()
        assert [json.loads(d)["payload"]["command"] for d in decided] == ["ls"]
        with pytest.raises(FsError):
            view.getattr("/sessions/nobody")
        with pytest.raises(FsError):
            view.getattr("/sessions/ben/other.txt")
    finally:
        store.close()


def test_a_session_shows_the_taints_in_force_on_it(project: Project) -> None:
    tainted = {"scope": "session", "kind": "web", "source": "WebFetch https://evil.example/p", "risk": "high"}
    store = project.open_store()
    try:
        store.append(NewEvent("session.started", {"role": "expert", "transport": "stdio"}, agent="rex", session="m1"))
        store.append(NewEvent("session.tainted", tainted, agent="rex", session="h1", aggregate="h1"))
        via = {"task": "task_1", "agent": "ben"}
        store.append(handed_on_event(to_agent="rex", via=via, source="task task_1 from ben", risk="high"))
        view = View(store, str(project.home.root), by="t")
        sessions = {s["session"]: s for s in json.loads(view.read("/sessions/rex/sessions.json", 10**6, 0))}
        # The hook's session, known by its taint; the MCP session carries only what was handed on to the agent.
        assert [t["source"] for t in sessions["h1"]["taint"]] == [tainted["source"], "task task_1 from ben"]
        assert sessions["h1"]["transport"] == "hook"
        assert [t["via"] for t in sessions["m1"]["taint"]] == [via]
        seqs = [t["seq"] for t in sessions["h1"]["taint"]]
        cleared = {"session": "h1", "agent": "rex", "taints": seqs, "by": "dev", "via": "cli", "reason": "ok"}
        store.append(NewEvent("session.cleared", cleared, aggregate="h1"))
        deadline = time.monotonic() + 5  # the view follows the store at most every 0.2 s
        while any(s["taint"] for s in json.loads(view.read("/sessions/rex/sessions.json", 10**6, 0))):
            assert time.monotonic() < deadline, "the cleared taints are still shown"
            time.sleep(0.05)
    finally:
        store.close()


def test_a_listing_carries_what_getattr_says_of_each_entry(project: Project, tree: Path) -> None:
    """readdirplus gives the kernel the attributes of every entry it lists; they must be the ones a lookup gets."""
    store = project.open_store()
    try:
        _snapshot(project, store)
        first = store.last_seq()
        store.append(NewEvent("test.other", {}))
        view = View(store, str(tree), by="t")
        for directory in ("/", "/current", "/current/src", f"/history/{first}", "/history", "/events", "/sessions"):
            listed = view.listing(directory)
            assert [name for name, _ in listed] == view.readdir(directory)
            for name, attr in listed:
                again = view.getattr(f"{directory.rstrip('/')}/{name}")
                assert (attr.mode, attr.size) == (again.mode, again.size), (directory, name)
        assert view.tree_of("/current/src") is not None and view.tree_of(f"/history/{first}/src") is not None
        assert view.tree_of("/events") is None and view.tree_of(f"/history/@{first}") is None
        with pytest.raises(FsError) as missing:
            view.listing("/current/nowhere")
        assert missing.value.errno == errno.ENOENT
    finally:
        store.close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/history/12/src/app.py", "fixed"),
        ("/history/12", "fixed"),
        ("/history", "live"),
        ("/history/@2026-01-01T00:00:00Z/a.py", "live"),  # a time can still move forward with new events
        ("/current/src/app.py", "tree"),
        ("/current", "live"),
        ("/shadows/src/app.py", "tree"),
        ("/shadows/src/app.py.annotations.md", "live"),
        ("/events/all.jsonl", "live"),
        ("/stats.json", "live"),
        ("/context/p/manifest.json", "live"),
        ("/approvals/pending/a1", "live"),
    ],
)
def test_what_may_change_and_when(path: str, expected: str) -> None:
    assert kind(path) == expected


entries = st.builds(
    Entry,
    st.sampled_from(["a" * 64, "b" * 64, None]),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(1, 3),
)
trees = st.dictionaries(st.sampled_from(["a", "b", "d/c", "d/e", "f/g/h"]), entries, max_size=5)


@given(trees, trees)
def test_changes_name_every_path_whose_file_differs_and_no_other(old: dict[str, Entry], new: dict[str, Entry]) -> None:
    changed = changes(old, new)
    assert len(changed) == len(set(changed))
    assert set(changed) == {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
    assert changes(new, new) == [] and sorted(changes(new, old)) == sorted(changed)
