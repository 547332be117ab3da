"""A real FUSE mount in tmp_path, used with plain `os` calls and grep/cat/diff/find/tail subprocesses. Skipped
with the reason when FUSE is missing, unless LIGHTHOUSE_REQUIRE_FUSE=1 (CI sets it)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from tests.helpers.env import lighthouse_env


def _fuse_missing() -> str | None:
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse on this machine"
    if shutil.which("fusermount3") is None:
        return "fusermount3 is not installed (apt-get install fuse3)"
    return None


@pytest.fixture
def env(project: Project) -> dict[str, str]:
    reason = _fuse_missing()
    if reason:
        if os.environ.get("LIGHTHOUSE_REQUIRE_FUSE") == "1":
            pytest.fail(f"FUSE is required (LIGHTHOUSE_REQUIRE_FUSE=1) but {reason}")
        pytest.skip(reason)
    return lighthouse_env(LIGHTHOUSE_HOME=str(project.home.path))


def _lighthouse(project: Project, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", *args],
        cwd=project.home.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def mounted(project: Project, env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    root = project.home.root
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def main():\n    return 'v1'\n")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\nuse main()\n")
    assert _lighthouse(project, env, "snapshot").returncode == 0
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    started = _lighthouse(project, env, "mount", str(mnt), "--background")
    assert started.returncode == 0, started.stderr
    try:
        yield mnt
    finally:
        stopped = _lighthouse(project, env, "unmount", str(mnt))
        assert stopped.returncode == 0, stopped.stderr
        assert not os.path.ismount(mnt)


def _record_edit(project: Project, rel: str, content: bytes) -> int:
    """What the PostToolUse hook records after an agent's Write."""
    store = project.open_store()
    try:
        digest = store.put_blob(content)
        path = str(project.home.root / rel)
        payload = {"path": path, "size": len(content), "sha256": digest, "tool": "Write"}
        return store.append(NewEvent("file.changed", payload, agent="builder", aggregate=path)).seq
    finally:
        store.close()


def test_unix_tools_see_now_and_then(project: Project, env: dict[str, str], mounted: Path) -> None:
    root = project.home.root
    before = project.open_store()
    first = before.last_seq()
    before.close()
    saved = root.parent / "saved"
    shutil.copytree(root, saved, ignore=shutil.ignore_patterns(".lighthouse"))
    _record_edit(project, "src/app.py", b"def main():\n    return 'v2'\n")
    _record_edit(project, "src/new.py", b"NEW = True\n")
    deadline = time.monotonic() + 5
    while (mounted / "current" / "src" / "app.py").read_bytes() != b"def main():\n    return 'v2'\n":
        assert time.monotonic() < deadline, "/current did not follow the edit"
        time.sleep(0.05)
    diff = subprocess.run(
        ["diff", "-r", str(saved), str(mounted / "history" / str(first))], capture_output=True, text=True, check=False
    )
    assert diff.returncode == 0, diff.stdout
    grep = subprocess.run(
        ["grep", "-rn", "main", str(mounted / "current")], capture_output=True, text=True, check=False
    )
    assert grep.returncode == 0 and "src/app.py:1:def main():" in grep.stdout and "docs/guide.md:2" in grep.stdout
    found = subprocess.run(
        ["find", str(mounted / "current"), "-name", "*.py"], capture_output=True, text=True, check=True
    )
    assert sorted(Path(p).name for p in found.stdout.split()) == ["app.py", "new.py"]
    cat = subprocess.run(
        ["cat", str(mounted / "history" / str(first) / "src" / "app.py")], capture_output=True, check=True
    )
    assert cat.stdout == b"def main():\n    return 'v1'\n"
    assert json.loads((mounted / "stats.json").read_text())["ops"]["read"] > 0


def test_tail_follows_the_log(project: Project, mounted: Path) -> None:
    tail = subprocess.Popen(
        ["tail", "-n", "0", "-f", str(mounted / "events" / "all.jsonl")], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(0.5)
        store = project.open_store()
        event = store.append(NewEvent("test.tailed", {"n": 1}))
        store.close()
        assert tail.stdout is not None
        got = json.loads(tail.stdout.readline())
        assert (got["seq"], got["type"]) == (event.seq, "test.tailed")
    finally:
        tail.kill()
        tail.wait()


def test_writes_elsewhere_are_refused_and_nothing_escapes(project: Project, mounted: Path) -> None:
    for attempt in (
        lambda: (mounted / "current" / "src" / "app.py").write_text("x"),
        lambda: (mounted / "current" / "evil.py").write_text("x"),
        (mounted / "current" / "newdir").mkdir,
        (mounted / "current" / "src" / "app.py").unlink,
        lambda: os.symlink("/etc/passwd", mounted / "current" / "link"),
        lambda: os.rename(mounted / "current" / "src" / "app.py", mounted / "current" / "moved.py"),
    ):
        with pytest.raises(OSError, match="Read-only file system") as caught:
            attempt()
        assert caught.value.errno == errno.EROFS
    for sneaky in ("current/%2e%2e/%2e%2e/etc/passwd", "current/..%2f..%2fsecret.key", "history/1/../../../etc"):
        assert not (mounted / sneaky).exists()
    expected = ["approvals", "context", "current", "events", "history", "sessions", "shadows", "stats.json"]
    assert sorted(os.listdir(mounted)) == expected
    assert not any(".lighthouse" in p for p in os.listdir(mounted / "current"))


def test_writing_approve_releases_a_waiting_hook(project: Project, env: dict[str, str], mounted: Path) -> None:
    waiting = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "hook"],
        cwd=project.home.root,
        env=env | {"LIGHTHOUSE_APPROVALS__ENABLED": "true", "LIGHTHOUSE_APPROVALS__TIMEOUT_S": "30"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    hook = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "npm publish"}}
    assert waiting.stdin is not None and waiting.stdout is not None
    waiting.stdin.write(json.dumps({**hook, "cwd": str(project.home.root)}))
    waiting.stdin.close()
    pending = mounted / "approvals" / "pending"
    deadline = time.monotonic() + 30
    while not os.listdir(pending):
        assert time.monotonic() < deadline, "no approval appeared"
        time.sleep(0.1)
    (approval,) = os.listdir(pending)
    assert json.loads((pending / approval).read_text())["what"] == "npm publish"
    subprocess.run(["sh", "-c", f"echo 'approve release day' > '{pending / approval}'"], check=True)
    waiting.wait(timeout=60)
    assert waiting.returncode == 0
    assert json.loads(waiting.stdout.read())["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert approval not in os.listdir(pending)


def test_eight_readers_while_events_arrive(project: Project, mounted: Path) -> None:
    errors: list[BaseException] = []
    stop = time.monotonic() + 3

    def reader(n: int) -> None:
        try:
            while time.monotonic() < stop:
                assert sorted(os.listdir(mounted / "current" / "src"))[0] == "app.py"
                assert (mounted / "current" / "docs" / "guide.md").read_text().startswith("# Guide")
                os.listdir(mounted / "history")
                with open(mounted / "events" / "all.jsonl", "rb") as log:
                    log.seek(max(0, os.fstat(log.fileno()).st_size - 4096))
                    log.read()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    store = project.open_store()
    try:
        n = 0
        while time.monotonic() < stop:
            store.append(NewEvent("test.load", {"n": n}))
            n += 1
            time.sleep(0.005)
    finally:
        store.close()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors[:3]
    assert not any(t.is_alive() for t in threads)


def test_a_context_package_is_made_with_mkdir_and_cp(project: Project, mounted: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# What changed\nthe login flow\n")
    package = mounted / "context" / "login-review"
    package.mkdir()
    subprocess.run(["cp", str(notes), str(mounted / "current" / "src" / "app.py"), str(package)], check=True)
    (package / "empty.txt").touch()
    assert sorted(os.listdir(package)) == ["app.py", "empty.txt", "manifest.json", "notes.md"]
    assert (package / "notes.md").read_text() == "# What changed\nthe login flow\n"
    manifest = json.loads((package / "manifest.json").read_text())
    assert [f["name"] for f in manifest["files"]] == ["app.py", "empty.txt", "notes.md"]
    assert manifest["files"][1]["size"] == 0 and manifest["package"] == "login-review"
    (package / "notes.md").write_text("replaced\n")
    assert (package / "notes.md").read_text() == "replaced\n"
    with pytest.raises(OSError, match="File exists"):
        package.mkdir()
    with pytest.raises(OSError, match="Operation not permitted"):
        (package / "sub").mkdir()
    with pytest.raises(OSError, match="Read-only file system"):
        (package / "manifest.json").write_text("{}")
    with pytest.raises(OSError, match="Invalid argument"):
        (mounted / "context" / ".hidden").mkdir()
    with pytest.raises(OSError, match=r"No such file or directory|Read-only file system"):
        (mounted / "context" / "missing" / "x.txt").write_text("x")
    store = project.open_store()
    try:
        types = [e.type for e in store.read_after(0, 1000) if e.type.startswith("context.")]
    finally:
        store.close()
    assert types[0] == "context.created" and types.count("context.file_added") == 4


def test_sigterm_unmounts_cleanly_and_a_stale_mount_is_cleaned(
    project: Project, env: dict[str, str], tmp_path: Path
) -> None:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lighthouse_mcp", "mount", str(mnt)], cwd=project.home.root, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not os.path.ismount(mnt):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        proc.terminate()
        assert proc.wait(timeout=30) == 0
        assert not os.path.ismount(mnt)
        # A mount whose process was killed stays behind as a dead endpoint; the next mount clears it.
        killed = subprocess.Popen(
            [sys.executable, "-m", "lighthouse_mcp", "mount", str(mnt)], cwd=project.home.root, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        while not os.path.ismount(mnt):
            assert time.monotonic() < deadline + 30
            time.sleep(0.05)
        killed.kill()
        killed.wait()
        again = _lighthouse(project, env, "mount", str(mnt), "--background")
        assert again.returncode == 0, again.stderr
        assert "cleaned up a stale mount" in again.stderr and os.listdir(mnt)
        assert _lighthouse(project, env, "unmount", str(mnt)).returncode == 0
        store = project.open_store()
        try:
            kinds = [e.type for e in store.read_after(0, 1000) if e.type.startswith("mount.")]
        finally:
            store.close()
        assert kinds.count("mount.started") == 3 and kinds.count("mount.stopped") == 2  # the killed one could not say
    finally:  # whatever happened, leave no mount behind
        subprocess.run(["fusermount3", "-uz", str(mnt)], capture_output=True, check=False)


def test_mount_refuses_bad_mountpoints(project: Project, env: dict[str, str], tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "file").write_text("x")
    for target, message in ((busy, "is not empty"), (tmp_path / "missing", "is not a directory")):
        result = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "mount", str(target)], cwd=project.home.root, env=env,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 64 and message in result.stderr
    result = _lighthouse(project, env, "unmount", str(busy))
    assert result.returncode == 64 and "nothing is mounted" in result.stderr


def test_appending_to_an_annotations_file_adds_a_note(project: Project, mounted: Path) -> None:
    notes_file = mounted / "shadows" / "src" / "app.py.annotations.md"
    subprocess.run(["sh", "-c", f"printf '## main\\nreturns a constant\\n' >> '{notes_file}'"], check=True)
    assert "app.py.annotations.md" in os.listdir(mounted / "shadows" / "src")
    text = notes_file.read_text()
    assert "## main (lines 1-2)" in text and "returns a constant" in text
    with pytest.raises(OSError, match="Invalid argument"):
        notes_file.write_text("## no_such_function\nnote\n")
    store = project.open_store()
    try:
        added = [e for e in store.read_after(0, 1000) if e.type == "annotation.added"]
    finally:
        store.close()
    assert len(added) == 1 and added[0].payload["anchor"]["kind"] == "definition"


def test_a_mount_records_its_operation_latencies(project: Project, env: dict[str, str], tmp_path: Path) -> None:
    from lighthouse_mcp import metrics

    env = {**env, "LIGHTHOUSE_METRICS__CHECK_S": "1"}
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    assert _lighthouse(project, env, "mount", str(mnt), "--background").returncode == 0
    try:
        for _ in range(20):
            os.listdir(mnt / "current")
            (mnt / "stats.json").read_bytes()
        deadline = time.monotonic() + 15
        while True:
            store = project.open_store()
            try:
                figures = metrics.latencies(store, 900)
            finally:
                store.close()
            if figures["fuse"]["count"] >= 40 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        assert _lighthouse(project, env, "unmount", str(mnt)).returncode == 0
    assert figures["fuse"]["count"] >= 40 and figures["fuse"]["p99_us"] > 0


def test_a_context_write_is_bounded_as_it_arrives(project: Project, mounted: Path) -> None:
    """A write far past the limit (`dd seek=1500M`) is refused with EFBIG at once; the mount does not hold it."""
    os.mkdir(mounted / "context" / "big")
    target = mounted / "context" / "big" / "huge.bin"
    done = subprocess.run(
        ["dd", "if=/dev/zero", f"of={target}", "bs=1M", "count=1", "seek=1500"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "File too large" in done.stderr
    with open(mounted / "context" / "big" / "ok.txt", "wb") as handle:
        handle.write(b"x" * 4096)
    assert (mounted / "context" / "big" / "ok.txt").read_bytes() == b"x" * 4096
    store = project.open_store()
    try:
        started = [e for e in store.read_after(0, 1000) if e.type == "mount.started"][-1]
    finally:
        store.close()
    status = Path(f"/proc/{started.payload['pid']}/status").read_text().splitlines()
    rss_kb = int(next(line for line in status if line.startswith("VmRSS")).split()[1])
    assert rss_kb < 512 * 1024  # far below the 1.5 GB the write asked for


def test_a_file_whose_content_does_not_match_its_digest_is_not_served(project: Project, mounted: Path) -> None:
    import sqlite3

    _record_edit(project, "src/app.py", b"def main():\n    return 'v2'\n")
    db = sqlite3.connect(project.db_path, isolation_level=None)
    db.executescript("DROP TRIGGER blobs_no_update;")
    db.execute("UPDATE blobs SET data = ?", (b"def main():\n    return 'edited'\n",))
    db.close()
    time.sleep(0.5)
    with pytest.raises(OSError, match="Input/output error") as raised:
        (mounted / "current" / "src" / "app.py").read_bytes()
    assert raised.value.errno == errno.EIO


def _reads(mounted: Path) -> int:
    """Reads this mount has served, from /stats.json once the notifier has dropped the copy the kernel keeps."""
    time.sleep(0.6)
    served: int = json.loads((mounted / "stats.json").read_text())["ops"].get("read", 0)
    return served


def test_the_kernel_keeps_what_cannot_change_and_is_told_what_did(project: Project, mounted: Path) -> None:
    """Past trees and unchanged files are read from the kernel's cache (no read reaches the mount); an edit drops
    exactly the file it changed, and a reader sees the new bytes without a timeout running out."""
    first = _record_edit(project, "src/app.py", b"def main():\n    return 'v1'\n")
    current, past = mounted / "current" / "src" / "app.py", mounted / "history" / str(first) / "src" / "app.py"
    guide = mounted / "current" / "docs" / "guide.md"
    for path in (current, past, guide):
        path.read_bytes()
    before = _reads(mounted)
    for _ in range(20):
        assert current.read_bytes() == past.read_bytes() == b"def main():\n    return 'v1'\n"
        assert guide.read_text().startswith("# Guide")
        assert subprocess.run(["grep", "-rq", "Guide", str(mounted / "current")], check=False).returncode == 0
    assert _reads(mounted) - before <= 2  # the reads of /stats.json itself

    _record_edit(project, "src/app.py", b"def main():\n    return 'v2'\n")
    deadline = time.monotonic() + 5
    while current.read_bytes() != b"def main():\n    return 'v2'\n":
        assert time.monotonic() < deadline, "the kernel kept the old bytes of an edited file"
        time.sleep(0.05)
    assert os.stat(current).st_size == len(b"def main():\n    return 'v2'\n")
    assert past.read_bytes() == b"def main():\n    return 'v1'\n"
    grep = subprocess.run(
        ["grep", "-rh", "return", str(mounted / "current")], capture_output=True, text=True, check=True
    )
    assert grep.stdout == "    return 'v2'\n"


def _read_without_stat(path: Path) -> bytes:
    """Read as a program that never calls fstat does: only what the kernel was told is out of date is asked for."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 1 << 20)
    finally:
        os.close(fd)


def test_a_manifest_read_before_shows_a_file_copied_in_at_once(project: Project, mounted: Path) -> None:
    package = mounted / "context" / "fresh"
    package.mkdir()
    assert json.loads(_read_without_stat(package / "manifest.json"))["files"] == []
    time.sleep(0.5)  # the notifier has done what the mkdir asked; the kernel keeps the manifest from here
    assert json.loads(_read_without_stat(package / "manifest.json"))["files"] == []
    for n in range(3):
        (package / f"f{n}.txt").write_text(f"file {n}\n")
        manifest = json.loads(_read_without_stat(package / "manifest.json"))
        assert [f["name"] for f in manifest["files"]] == [f"f{i}.txt" for i in range(n + 1)]
        assert (package / f"f{n}.txt").read_text() == f"file {n}\n"


def test_a_file_left_alone_after_writing_is_recorded(project: Project, mounted: Path) -> None:
    """Nothing through the mount asks after it: it is recorded once nobody has written to it for a moment."""
    (mounted / "context" / "quiet").mkdir()
    with open(mounted / "context" / "quiet" / "big.bin", "wb") as handle:
        for _ in range(8):
            handle.write(b"y" * 300_000)  # several writes, recorded once
    deadline = time.monotonic() + 5
    while True:
        store = project.open_store()
        try:
            added = [e for e in store.read_after(0, 1000) if e.type == "context.file_added"]
        finally:
            store.close()
        if added or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [(e.payload["name"], e.payload["size"]) for e in added] == [("big.bin", 2_400_000)]
